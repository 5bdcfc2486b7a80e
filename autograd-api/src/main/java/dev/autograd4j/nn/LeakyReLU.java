package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * {@code x} for positive {@code x}, {@code negativeSlope * x} otherwise, like {@code torch.nn.LeakyReLU}.
 */
public class LeakyReLU extends Module {
    private final double negativeSlope;

    /** {@code negativeSlope = 0.01}. */
    public LeakyReLU() {
        this(0.01);
    }

    /**
     * A leaky ReLU with the given slope.
     *
     * @param negativeSlope the slope for negative inputs
     */
    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    /**
     * Applies the leaky ReLU elementwise.
     *
     * @param input a floating-point tensor
     * @return a new tensor of {@code input}'s shape ({@code LeakyReluBackward0})
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
