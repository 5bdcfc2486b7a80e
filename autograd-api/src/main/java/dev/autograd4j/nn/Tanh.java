package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Elementwise {@code tanh(x)}, like {@code torch.nn.Tanh}: see
 * {@link dev.autograd4j.Functional#tanh}. Any shape; floating point only. No parameters.
 */
public class Tanh extends Module {
    /** Creates the activation. */
    public Tanh() {
    }

    /**
     * Applies {@code tanh} elementwise.
     *
     * @param input a floating-point tensor of any shape
     * @return a new tensor of {@code input}'s shape
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }
}
