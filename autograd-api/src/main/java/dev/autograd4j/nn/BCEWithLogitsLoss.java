package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Sigmoid and binary cross-entropy in one stable step, like {@code torch.nn.BCEWithLogitsLoss}: see
 * {@link Functional#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}. Logits and
 * targets have the same shape.
 */
public class BCEWithLogitsLoss extends Loss {
    private final Tensor weight;
    private final Tensor posWeight;

    /** No weights, {@link Reduction#MEAN}. */
    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    /**
     * A loss with the given options.
     *
     * @param weight rescales each element's loss, broadcast to the input; null for none
     * @param posWeight weight of the positive term per class (e.g. {@code [C]}, broadcast to the input);
     *        null for none
     * @param reduction how per-element losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) {
        super(reduction);
        this.weight = weight;
        this.posWeight = posWeight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction);
    }
}
