package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** Elementwise {@code tanh}, like {@code torch.nn.Tanh}. */
public class Tanh extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }
}
