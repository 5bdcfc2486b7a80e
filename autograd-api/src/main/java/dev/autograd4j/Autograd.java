package dev.autograd4j;

/**
 * Grad mode and the entry points of the backward pass. Grad mode is per thread and scopes nest:
 * {@code try (var g = Autograd.noGrad()) { ... }} restores the previous mode on close.
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});

    /** Removes a hook it was returned for. */
    @FunctionalInterface
    public interface HookHandle {
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

    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /** Ops in this scope record nothing: results do not require grad (like {@code torch.no_grad()}). */
    public static GradModeScope noGrad() {
        return new GradModeScope(false);
    }

    /** Turns recording back on inside a {@link #noGrad()} scope (like {@code torch.enable_grad()}). */
    public static GradModeScope enableGrad() {
        return new GradModeScope(true);
    }

    /** Sets this thread's grad mode until the next change (like {@code torch.set_grad_enabled}); also a scope. */
    public static GradModeScope setGradEnabled(boolean enabled) {
        return new GradModeScope(enabled);
    }

    /** Whether anomaly detection is on in this thread (see {@link #detectAnomaly()}). */
    public static boolean isAnomalyDetectionEnabled() {
        return ANOMALY.get()[0];
    }

    /**
     * A scope in which each recorded node remembers the stack trace of the forward call that made
     * it, and a backward formula that produces NaN or infinity throws an error naming the node,
     * caused by that trace (like {@code torch.autograd.detect_anomaly()}). It costs a stack trace per
     * op and a device-to-host check per gradient: use it for debugging only.
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
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                                boolean createGraph, boolean allowUnused) {
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad requires one gradOutput per output: got " + gradOutputs.length
                    + " for " + outputs.length + " outputs");
        }
        return Engine.grad(outputs, inputs, gradOutputs, retainGraph || createGraph, createGraph, allowUnused);
    }

    /** {@code grad(output, inputs)} for a scalar output, freeing the graph. */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false, false);
    }

    /** {@code tensor.backward(gradient, retainGraph, createGraph)}: accumulates into the leaves' {@code grad}. */
    public static void backward(Tensor tensor, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(tensor, gradient, retainGraph, createGraph);
    }
}
