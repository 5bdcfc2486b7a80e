package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/**
 * Binary cross-entropy of probabilities in [0, 1], like {@code torch.nn.BCELoss}: see
 * {@link Functional#binaryCrossEntropy(Tensor, Tensor, Tensor, Reduction)}. Input and target have the
 * same shape. Prefer {@link BCEWithLogitsLoss} on logits.
 */
public class BCELoss extends Loss {
    private final Tensor weight;

    /** No weight, {@link Reduction#MEAN}. */
    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    /**
     * A loss with the given options.
     *
     * @param weight rescales each element's loss, broadcast to the input; null for none
     * @param reduction how per-element losses are combined
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        this.weight = weight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.binaryCrossEntropy(input, target, weight, reduction);
    }
}
