package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** Elementwise {@code sigmoid}, like {@code torch.nn.Sigmoid}. */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }
}
