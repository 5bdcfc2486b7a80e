package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Elementwise {@code max(x, 0)}, like {@code torch.nn.ReLU}: see
 * {@link dev.autograd4j.Functional#relu}. Any shape; floating point only. No parameters.
 */
public class ReLU extends Module {
    /** Creates the activation. */
    public ReLU() {
    }

    /**
     * Applies {@code relu} elementwise.
     *
     * @param input a floating-point tensor of any shape
     * @return a new tensor of {@code input}'s shape
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }
}
