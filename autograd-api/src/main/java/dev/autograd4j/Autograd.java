package dev.autograd4j;

/**
 * Grad mode and the entry points of the backward pass. Grad mode is per thread and scopes nest:
 * {@code try (var g = Autograd.noGrad()) { ... }} restores the previous mode on close.
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

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

    /** {@code tensor.backward(gradient, retainGraph, createGraph)}: accumulates into the leaves' {@code grad}. */
    public static void backward(Tensor tensor, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(tensor, gradient, retainGraph, createGraph);
    }
}
