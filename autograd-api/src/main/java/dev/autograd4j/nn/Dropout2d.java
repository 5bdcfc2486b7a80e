package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;

/**
 * Channel dropout, like {@code torch.nn.Dropout2d}: in training mode each channel is zeroed with probability
 * {@code p} and the rest scaled by {@code 1/(1-p)}; in eval mode the identity. See
 * {@link Functional#dropout2d}.
 */
public class Dropout2d extends Module {
    private final double p;
    private final Generator generator;

    /** {@code p = 0.5}, drawing from the default generator. */
    public Dropout2d() {
        this(0.5);
    }

    /**
     * Channel dropout drawing from the default generator.
     *
     * @param p the probability of zeroing a channel, in [0, 1]
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public Dropout2d(double p) {
        this(p, Generator.defaultGenerator());
    }

    /**
     * Channel dropout drawing its masks from {@code generator}.
     *
     * @param p the probability of zeroing a channel, in [0, 1]
     * @param generator the source of the masks
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     *         ({@code dropout probability has to be between 0 and 1, but got 1.5})
     */
    public Dropout2d(double p, Generator generator) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    /**
     * Applies channel dropout in training mode.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return a tensor of {@code input}'s shape ({@code input} itself in eval mode)
     * @throws IllegalArgumentException if {@code input} has fewer than 2 dims
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.dropout2d(input, p, isTraining(), generator);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
