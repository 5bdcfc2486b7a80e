package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Negative log-likelihood of log-probabilities {@code [N, C]} (or {@code [C]}) at int64 class indices
 * {@code [N]} (or {@code []}), like {@code torch.nn.NLLLoss}: see
 * {@link Functional#nllLoss(Tensor, Tensor, Tensor, Reduction, int)}.
 */
public class NLLLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;

    /** No weight, {@link Reduction#MEAN}, {@code ignoreIndex = -100}. */
    public NLLLoss() {
        this(null, Reduction.MEAN, -100);
    }

    /**
     * A loss with the given options.
     *
     * @param weight per-class weight {@code [C]}; null for none
     * @param reduction how per-sample losses are combined
     * @param ignoreIndex a class index whose targets contribute neither loss nor gradient
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public NLLLoss(Tensor weight, Reduction reduction, int ignoreIndex) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.nllLoss(input, target, weight, reduction, ignoreIndex);
    }
}
