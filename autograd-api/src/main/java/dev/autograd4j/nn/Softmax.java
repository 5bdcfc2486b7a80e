package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** Softmax over one dim, like {@code torch.nn.Softmax(dim)}. */
public class Softmax extends Module {
    private final int dim;

    /**
     * A softmax over {@code dim}.
     *
     * @param dim the dim whose slices sum to 1 (negative counts from the end)
     */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /**
     * Applies the softmax.
     *
     * @param input a floating-point tensor
     * @return a new tensor of {@code input}'s shape ({@code SoftmaxBackward0})
     * @throws IllegalArgumentException if {@code input} is not floating point
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     */
    @Override
    public Tensor forward(Tensor input) {
        return input.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
