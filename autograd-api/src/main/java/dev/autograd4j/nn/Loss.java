package dev.autograd4j.nn;

import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * A loss module: {@code forward(input, target)} over a {@link dev.autograd4j.Functional} loss, like
 * PyTorch's {@code torch.nn.modules.loss._Loss}. It has no parameters; its single-input
 * {@link Module#forward(Tensor)} throws UnsupportedOperationException.
 */
public abstract class Loss extends Module {
    /** How per-element losses are combined. */
    protected final Reduction reduction;

    /**
     * For subclasses.
     *
     * @param reduction how per-element losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    protected Loss(Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException("reduction must not be null");
        }
        this.reduction = reduction;
    }

    /**
     * Computes the loss.
     *
     * @param input the prediction
     * @param target the target
     * @return per-element (or per-sample) losses with {@link Reduction#NONE}, otherwise a 0-d tensor
     */
    public abstract Tensor forward(Tensor input, Tensor target);

    /**
     * How this loss combines per-element losses.
     *
     * @return the reduction
     */
    public Reduction reduction() {
        return reduction;
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT);
    }
}
