package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Gaussian error linear unit, like {@code torch.nn.GELU(approximate)}: {@code x * Phi(x)} exactly
 * ({@code "none"}) or with the tanh approximation ({@code "tanh"}). Any shape; floating point only.
 */
public class GELU extends Module {
    private final String approximate;

    /** The exact GELU ({@code approximate = "none"}). */
    public GELU() {
        this("none");
    }

    /**
     * A GELU with the given approximation.
     *
     * @param approximate {@code "none"} or {@code "tanh"}
     * @throws IllegalArgumentException for any other value ({@code approximate argument must be either none or
     *         tanh.})
     */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("approximate argument must be either none or tanh.");
        }
        this.approximate = approximate;
    }

    /**
     * Applies GELU elementwise.
     *
     * @param input a floating-point tensor
     * @return a new tensor of {@code input}'s shape ({@code GeluBackward0})
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return "tanh".equals(approximate) ? input.geluTanh() : input.gelu();
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
