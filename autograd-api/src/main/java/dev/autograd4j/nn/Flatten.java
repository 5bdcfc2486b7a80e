package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Flattens dims {@code startDim..endDim} (inclusive) into one, like {@code torch.nn.Flatten}: by default
 * {@code [N, *]} becomes {@code [N, prod(*)]}, keeping the batch dim. See {@link Tensor#flatten(int, int)}.
 */
public class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** Flattens dims 1 to -1. */
    public Flatten() {
        this(1, -1);
    }

    /**
     * Flattens dims {@code startDim} to {@code endDim}; negative dims count from the end. The dims are
     * checked against each input in {@code forward}.
     *
     * @param startDim the first dim to flatten
     * @param endDim the last dim to flatten
     */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
