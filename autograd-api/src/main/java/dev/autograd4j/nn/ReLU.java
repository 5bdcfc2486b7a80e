package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** Elementwise {@code relu}, like {@code torch.nn.ReLU}. */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }
}
