package dev.autograd4j;

/**
 * Grad mode and the entry points of the backward pass. Grad mode is per thread and scopes nest:
 * {@code try (var g = Autograd.noGrad()) { ... }} restores the previous mode on close.
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});

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
     * it, and a backward formula that produces NaN or infinity throws an error naming the node,
     * caused by that trace (like {@code torch.autograd.detect_anomaly()}). It costs a stack trace per
     * op and a device-to-host check per gradient: use it for debugging only.
     *
     * @return a scope that restores the previous setting on close
     */
    public static AnomalyScope detectAnomaly() {
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
     * Gradients of {@code outputs} with respect to {@code inputs}, returned rather than accumulated
     * into any {@code grad} (like {@code torch.autograd.grad}). {@code gradOutputs} may be null for
     * scalar outputs; with {@code createGraph} the result can be differentiated again (higher-order
     * gradients); with {@code allowUnused}, inputs the outputs do not depend on get null.
     *
     * @param outputs the tensors to differentiate
     * @param inputs the tensors to differentiate with respect to; each must require grad
     * @param gradOutputs one vector per output for the vector-Jacobian product, of that output's shape, or
     *     null (or null elements) for scalar outputs, which get 1
     * @param retainGraph keep the graph's saved tensors so it can be walked again (implied by
     *     {@code createGraph})
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
        return Engine.grad(outputs, inputs, gradOutputs, retainGraph || createGraph, createGraph, allowUnused);
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
}
