package dev.autograd4j;

/**
 * Grad mode and the entry points of the backward pass. Grad mode, inference mode and anomaly mode are per
 * thread and their scopes nest: {@code try (var g = Autograd.noGrad()) { ... }} restores the previous mode
 * on close. Backward passes may run in several threads at once, also into shared leaves: each leaf's
 * gradient is accumulated under a lock, as PyTorch's {@code AccumulateGrad} does.
 */
public final class Autograd {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Autograd.class);
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});
    private static final ThreadLocal<boolean[]> INFERENCE = ThreadLocal.withInitial(() -> new boolean[] {false});
    private static final java.util.concurrent.atomic.AtomicBoolean ANOMALY_WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Removes a hook it was returned for (like PyTorch's {@code RemovableHandle}). */
    @FunctionalInterface
    public interface HookHandle {
        /** Unregisters the hook, so it no longer runs. */
        void remove();
    }

    private Autograd() {
    }

    /** A scope that restores the grad mode that was in force when it opened. */
    public static final class GradModeScope implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private GradModeScope(boolean enabled) {
            this.previous = isGradEnabled();
            GRAD_ENABLED.get()[0] = enabled;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                GRAD_ENABLED.get()[0] = previous;
            }
        }
    }

    /**
     * Whether ops in this thread record the graph now (like {@code torch.is_grad_enabled()}).
     *
     * @return true unless inside a {@link #noGrad()} scope or after {@code setGradEnabled(false)}
     */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /**
     * Ops in this scope record nothing: results do not require grad (like {@code torch.no_grad()}). Use it for
     * inference and for optimizer-style in-place updates of leaves.
     *
     * @return a scope that restores the previous mode on close
     */
    public static GradModeScope noGrad() {
        return new GradModeScope(false);
    }

    /**
     * Turns recording back on inside a {@link #noGrad()} scope (like {@code torch.enable_grad()}).
     *
     * @return a scope that restores the previous mode on close
     */
    public static GradModeScope enableGrad() {
        return new GradModeScope(true);
    }

    /**
     * Sets this thread's grad mode until the next change (like {@code torch.set_grad_enabled}); also a scope.
     *
     * @param enabled whether ops record the graph
     * @return a scope that restores the previous mode on close; it need not be closed
     */
    public static GradModeScope setGradEnabled(boolean enabled) {
        return new GradModeScope(enabled);
    }

    /**
     * Whether this thread is inside an {@link #inferenceMode()} scope, like
     * {@code torch.is_inference_mode_enabled()}.
     *
     * @return true inside an inference-mode scope
     */
    public static boolean isInferenceModeEnabled() {
        return INFERENCE.get()[0];
    }

    /**
     * PyTorch's inference mode ({@code torch.inference_mode()}): like {@link #noGrad()} no graph is recorded,
     * and the tensors made in the scope are inference tensors ({@link Tensor#isInference()}): they keep no
     * version counter (in-place ops on them bump nothing), and outside the scope they refuse to be saved for
     * backward ("Inference tensors cannot be saved for backward...": make a {@code copy()} to use one in
     * autograd), to require grad, or to be written in place. In-place ops on tensors made outside the scope
     * still bump their version counters.
     *
     * @return a scope that restores the previous grad and inference modes on close
     */
    public static InferenceModeScope inferenceMode() {
        return new InferenceModeScope();
    }

    /**
     * PyTorch's refusal of an in-place write to an inference tensor outside inference mode, for the in-place
     * ops to call before they write.
     */
    static void checkInPlaceAllowed(Tensor t) {
        if (t.isInference() && !isInferenceModeEnabled()) {
            throw new IllegalStateException("Inplace update to inference tensor outside InferenceMode is not allowed."
                    + "You can make a clone to get a normal tensor before doing inplace update.See "
                    + "https://github.com/pytorch/rfcs/pull/17 for more details.");
        }
    }

    /** Restores the grad mode and inference mode that were in force when it opened. */
    public static final class InferenceModeScope implements AutoCloseable {
        private final boolean previousInference = INFERENCE.get()[0];
        private final GradModeScope grad;
        private boolean closed;

        private InferenceModeScope() {
            grad = new GradModeScope(false);
            INFERENCE.get()[0] = true;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                INFERENCE.get()[0] = previousInference;
                grad.close();
            }
        }
    }

    /**
     * Whether anomaly detection is on in this thread (see {@link #detectAnomaly()}; like
     * {@code torch.is_anomaly_enabled()}).
     *
     * @return true inside a {@link #detectAnomaly()} scope
     */
    public static boolean isAnomalyDetectionEnabled() {
        return ANOMALY.get()[0];
    }

    /**
     * A scope in which each recorded node remembers the stack trace of the forward call that made
     * it, and a backward formula that produces NaN throws an error naming the node ("Function
     * 'SqrtBackward0' returned nan values in its 0th output."), caused by that trace (like
     * {@code torch.autograd.detect_anomaly()}; infinite gradients pass, as in PyTorch). It costs a stack
     * trace per op and a device-to-host check per gradient: use it for debugging only. The first use in a
     * JVM logs PyTorch's warning saying so.
     *
     * @return a scope that restores the previous setting on close
     */
    public static AnomalyScope detectAnomaly() {
        if (ANOMALY_WARNED.compareAndSet(false, true)) {
            LOG.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                    + "enabled for debugging.");
        }
        return new AnomalyScope();
    }

    /** Restores the previous anomaly-detection setting on close. */
    public static final class AnomalyScope implements AutoCloseable {
        private final boolean previous = ANOMALY.get()[0];

        private AnomalyScope() {
            ANOMALY.get()[0] = true;
        }

        @Override
        public void close() {
            ANOMALY.get()[0] = previous;
        }
    }

    /**
     * Queues a callback that the backward pass running in this thread calls once, after it has finished walking
     * the graph (every gradient accumulated and every hook run), like PyTorch's
     * {@code Variable._execution_engine.queue_callback}. Callbacks run in the order queued, before
     * {@code backward()} (or {@link #grad}) returns, and may queue more; they are not run when the pass throws.
     * Call it from a hook: {@code DistributedDataParallel} waits there for its gradient all-reduces.
     *
     * @param callback what to run at the end of the current backward pass
     * @throws IllegalStateException outside a backward pass ("Final callbacks can only be installed during
     *     backward pass.")
     */
    public static void queueCallback(Runnable callback) {
        java.util.Objects.requireNonNull(callback, "callback must not be null");
        Engine.queueCallback(callback);
    }

    /**
     * Gradients of {@code outputs} with respect to {@code inputs}, returned rather than accumulated
     * into any {@code grad} (like {@code torch.autograd.grad}). {@code gradOutputs} may be null for
     * scalar outputs; with {@code createGraph} the result can be differentiated again (higher-order
     * gradients); with {@code allowUnused}, inputs the outputs do not depend on get null.
     *
     * @param outputs the tensors to differentiate
     * @param inputs the tensors to differentiate with respect to; each must require grad
     * @param gradOutputs one vector per output for the vector-Jacobian product, of that output's shape, or
     *     null (or null elements) for scalar outputs, which get 1
     * @param retainGraph keep the graph's saved tensors so it can be walked again (pass {@code createGraph}
     *     for PyTorch's default; false frees the graph even with {@code createGraph})
     * @param createGraph record the backward pass itself, so the results require grad
     * @param allowUnused give null for inputs the outputs do not depend on instead of throwing
     * @return one gradient per input, of its shape, in order
     * @throws IllegalArgumentException when {@code gradOutputs} and {@code outputs} differ in length, an input
     *     does not require grad, or a grad output's shape or device does not match its output
     * @throws IllegalStateException when an output does not require grad, a non-scalar output has no grad
     *     output, an input is unused without {@code allowUnused}, or the graph was already freed or a saved
     *     tensor was modified in place
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                                boolean createGraph, boolean allowUnused) {
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad requires one gradOutput per output: got " + gradOutputs.length
                    + " for " + outputs.length + " outputs");
        }
        return Engine.grad(outputs, inputs, gradOutputs, retainGraph, createGraph, allowUnused);
    }

    /**
     * {@code grad(output, inputs)} for a scalar output, freeing the graph (like
     * {@code torch.autograd.grad(output, inputs)}).
     *
     * @param output a one-element tensor that requires grad
     * @param inputs the tensors to differentiate with respect to; each must be used by {@code output}
     * @return one gradient per input, of its shape, in order
     * @throws IllegalArgumentException when an input does not require grad
     * @throws IllegalStateException when {@code output} is not scalar or does not require grad, or an input is
     *     unused
     */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false, false);
    }

    /**
     * {@code tensor.backward(gradient, retainGraph, createGraph)}: accumulates into the leaves' {@code grad}
     * (like {@code torch.autograd.backward}).
     *
     * @param tensor the root to differentiate; it must require grad
     * @param gradient the vector of the vector-Jacobian product, of {@code tensor}'s shape, or null when
     *     {@code tensor} has one element (then 1)
     * @param retainGraph keep the graph's saved tensors so backward can run through it again
     * @param createGraph record the backward pass, so the accumulated gradients can be differentiated again
     * @throws IllegalArgumentException when {@code gradient}'s shape or device does not match {@code tensor}
     * @throws IllegalStateException when {@code tensor} does not require grad, is not scalar and
     *     {@code gradient} is null, or the graph was already freed or a saved tensor was modified in place
     */
    public static void backward(Tensor tensor, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(tensor, gradient, retainGraph, createGraph);
    }

    /**
     * Backward from several roots at once, like {@code torch.autograd.backward(tensors, grad_tensors,
     * retain_graph, create_graph, inputs=inputs)}: the gradients of all roots are summed where their graphs
     * meet and each node runs once. With {@code inputs}, only those tensors' {@code grad} is accumulated (a
     * non-leaf among them gets {@link Tensor#retainGrad()}), only the part of the graph leading to them runs,
     * and every other leaf is left alone; an input the roots do not reach keeps its {@code grad}.
     *
     * @param tensors the roots; each must require grad
     * @param gradTensors one gradient per root, of its shape, or null (or null elements) for one-element roots,
     *     which get 1
     * @param retainGraph keep the graph's saved tensors so it can be walked again (pass {@code createGraph} for
     *     PyTorch's default)
     * @param createGraph record the backward pass, so the accumulated gradients can be differentiated again
     * @param inputs the tensors whose {@code grad} accumulates, or null for every leaf of the graph
     * @throws IllegalArgumentException when {@code tensors} is empty, {@code gradTensors} and {@code tensors}
     *     differ in length, {@code inputs} is empty or holds a tensor that does not require grad, or a
     *     gradient's shape or device does not match its root
     * @throws IllegalStateException when a root does not require grad, a root with more than one element has
     *     no gradient, or the graph was already freed or a saved tensor was modified in place
     */
    public static void backward(Tensor[] tensors, Tensor[] gradTensors, boolean retainGraph, boolean createGraph,
                                Tensor[] inputs) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("backward() needs at least one tensor to differentiate");
        }
        if (gradTensors != null && gradTensors.length != tensors.length) {
            throw new IllegalArgumentException("got " + tensors.length + " tensors and " + gradTensors.length
                    + " gradients");
        }
        if (inputs != null && inputs.length == 0) {
            throw new IllegalArgumentException("'inputs' argument to backward() cannot be empty.");
        }
        Engine.backward(tensors, gradTensors == null ? new Tensor[tensors.length] : gradTensors.clone(), retainGraph,
                createGraph, inputs);
    }
}
