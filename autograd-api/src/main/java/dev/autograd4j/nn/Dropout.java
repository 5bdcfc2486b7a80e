package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;

/**
 * Dropout, like {@code torch.nn.Dropout}: in training mode, zeroes each element with probability
 * {@code p} and scales the rest by {@code 1/(1-p)}, so the expected value is unchanged; in eval mode (or
 * with p = 0), the identity (the input itself is returned). Any shape; the output has the input's shape.
 * The mask is drawn from the given {@link Generator} (default: the process-wide one), so a seeded
 * generator makes training reproducible.
 */
public class Dropout extends Module {
    private final double p;
    private final Generator generator;

    /** {@code p = 0.5}, drawing from the default generator. */
    public Dropout() {
        this(0.5);
    }

    /**
     * Dropout drawing from the default generator.
     *
     * @param p the probability of zeroing an element, in [0, 1]
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public Dropout(double p) {
        this(p, Generator.defaultGenerator());
    }

    /**
     * Dropout drawing its masks from {@code generator}.
     *
     * @param p the probability of zeroing an element, in [0, 1]
     * @param generator the source of the masks
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     *         ({@code dropout probability has to be between 0 and 1, but got 1.5})
     */
    public Dropout(double p, Generator generator) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Functional.dropout(input, p, isTraining(), generator);
    }

    /**
     * The probability of zeroing an element.
     *
     * @return {@code p}
     */
    public double p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
