package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Cross-entropy of logits {@code [N, C]} (or {@code [C]}) against int64 class indices {@code [N]} (or
 * {@code []}), or against class probabilities of the input's shape, like {@code torch.nn.CrossEntropyLoss}:
 * see {@link Functional#crossEntropy(Tensor, Tensor, Tensor, Reduction, int)}.
 */
public class CrossEntropyLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;

    /** No weight, {@link Reduction#MEAN}, {@code ignoreIndex = -100}. */
    public CrossEntropyLoss() {
        this(null, Reduction.MEAN, -100);
    }

    /**
     * No weight, {@code ignoreIndex = -100}.
     *
     * @param reduction how per-sample losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public CrossEntropyLoss(Reduction reduction) {
        this(null, reduction, -100);
    }

    /**
     * A loss with the given options.
     *
     * @param weight per-class weight {@code [C]}; null for none
     * @param reduction how per-sample losses are combined
     * @param ignoreIndex a class index whose targets contribute neither loss nor gradient
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public CrossEntropyLoss(Tensor weight, Reduction reduction, int ignoreIndex) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.crossEntropy(input, target, weight, reduction, ignoreIndex);
    }
}
