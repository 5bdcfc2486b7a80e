package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/** {@link Functional#crossEntropy}: logits [N, C] against int64 classes [N] (or class probabilities). */
public class CrossEntropyLoss extends Loss {
    private final Tensor weight;
    private final int ignoreIndex;

    public CrossEntropyLoss() {
        this(null, Reduction.MEAN, -100);
    }

    public CrossEntropyLoss(Reduction reduction) {
        this(null, reduction, -100);
    }

    /** {@code weight} [C] rescales classes (may be null); targets equal to {@code ignoreIndex} are skipped. */
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
