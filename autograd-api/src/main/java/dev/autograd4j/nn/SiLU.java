package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** {@code x * sigmoid(x)} elementwise, like {@code torch.nn.SiLU}. Any shape; floating point only. */
public class SiLU extends Module {
    /** Creates the activation. */
    public SiLU() {
    }

    /**
     * Applies SiLU elementwise.
     *
     * @param input a floating-point tensor
     * @return a new tensor of {@code input}'s shape ({@code SiluBackward0})
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.silu();
    }
}
