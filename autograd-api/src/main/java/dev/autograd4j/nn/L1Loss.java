package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Elementwise absolute error of input and target of the same shape, like {@code torch.nn.L1Loss}: see
 * {@link Functional#l1Loss(Tensor, Tensor, Reduction)}.
 */
public class L1Loss extends Loss {
    /** {@link Reduction#MEAN}. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    /**
     * A loss with the given reduction.
     *
     * @param reduction how per-element losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.l1Loss(input, target, reduction);
    }
}
