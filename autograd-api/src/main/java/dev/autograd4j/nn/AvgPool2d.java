package dev.autograd4j.nn;

import dev.autograd4j.Pooling;
import dev.autograd4j.Tensor;

/**
 * 2-D average pooling, like {@code torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode,
 * count_include_pad, divisor_override)}; no parameters. See {@link Pooling#avgPool2d(Tensor, int[], int[], int[],
 * boolean, boolean, Integer)}.
 */
public class AvgPool2d extends Module {
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final Integer divisorOverride;

    /**
     * Pools over square windows with the stride equal to the kernel.
     *
     * @param kernelSize the window's height and width
     */
    public AvgPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0}, false, true, null);
    }

    /**
     * A pool with every option.
     *
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; null for the kernel size
     * @param padding one int or {@code {pH, pW}}
     * @param ceilMode whether the output size rounds up
     * @param countIncludePad whether the zero padding counts in the divisor
     * @param divisorOverride the divisor of every window, or null
     */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                     Integer divisorOverride) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /**
     * Pools.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException as {@link Pooling#avgPool2d(Tensor, int[], int[], int[], boolean, boolean,
     *     Integer)}
     */
    @Override
    public Tensor forward(Tensor input) {
        return Pooling.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + MaxPool2d.one(kernelSize) + ", stride=" + MaxPool2d.one(stride) + ", padding="
                + MaxPool2d.one(padding);
    }
}
