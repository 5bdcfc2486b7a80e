package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Elementwise squared error of input and target of the same shape, like {@code torch.nn.MSELoss}: see
 * {@link Functional#mseLoss(Tensor, Tensor, Reduction)}.
 */
public class MSELoss extends Loss {
    /** {@link Reduction#MEAN}. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /**
     * A loss with the given reduction.
     *
     * @param reduction how per-element losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.mseLoss(input, target, reduction);
    }
}
