package dev.autograd4j.nn;

import dev.autograd4j.Pooling;
import dev.autograd4j.Tensor;

/**
 * 2-D adaptive average pooling to a fixed output size, like {@code torch.nn.AdaptiveAvgPool2d(output_size)}; no
 * parameters. See {@link Pooling#adaptiveAvgPool2d}.
 */
public class AdaptiveAvgPool2d extends Module {
    private final int[] outputSize;

    /**
     * Pools to {@code outputSize} (one int for a square, or {@code {outH, outW}}).
     *
     * @param outputSize the output's height and width
     */
    public AdaptiveAvgPool2d(int... outputSize) {
        this.outputSize = outputSize.clone();
    }

    /**
     * Pools.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException as {@link Pooling#adaptiveAvgPool2d}
     */
    @Override
    public Tensor forward(Tensor input) {
        return Pooling.adaptiveAvgPool2d(input, outputSize);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + MaxPool2d.one(outputSize);
    }
}
