package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Elementwise {@code 1 / (1 + exp(-x))}, like {@code torch.nn.Sigmoid}: see
 * {@link dev.autograd4j.Functional#sigmoid}. Any shape; floating point only. No parameters.
 */
public class Sigmoid extends Module {
    /** Creates the activation. */
    public Sigmoid() {
    }

    /**
     * Applies {@code sigmoid} elementwise.
     *
     * @param input a floating-point tensor of any shape
     * @return a new tensor of {@code input}'s shape
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }
}
