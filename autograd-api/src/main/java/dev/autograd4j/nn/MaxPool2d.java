package dev.autograd4j.nn;

import dev.autograd4j.Pooling;
import dev.autograd4j.Tensor;

/**
 * 2-D max pooling, like {@code torch.nn.MaxPool2d(kernel_size, stride, padding, dilation, return_indices,
 * ceil_mode)}; no parameters. {@link #forward} returns the maxima; {@link #forwardWithIndices} also their
 * indices (PyTorch's {@code return_indices=True}). See {@link Pooling#maxPool2dWithIndices}.
 */
public class MaxPool2d extends Module {
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;

    /**
     * Pools over square windows with the stride equal to the kernel.
     *
     * @param kernelSize the window's height and width
     */
    public MaxPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false);
    }

    /**
     * A pool with every option.
     *
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; null for the kernel size
     * @param padding one int or {@code {pH, pW}}
     * @param dilation one int or {@code {dH, dW}}
     * @param ceilMode whether the output size rounds up
     */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    /**
     * Pools.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return the maxima, {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException as {@link Pooling#maxPool2dWithIndices}
     */
    @Override
    public Tensor forward(Tensor input) {
        return Pooling.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /**
     * Pools and returns the winners' indices too, like the module with {@code return_indices=True}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return the maxima and their INT64 indices, flat within each {@code H x W} plane
     * @throws IllegalArgumentException as {@link Pooling#maxPool2dWithIndices}
     */
    public Tensor.ValuesIndices forwardWithIndices(Tensor input) {
        return Pooling.maxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + one(kernelSize) + ", stride=" + one(stride) + ", padding=" + one(padding)
                + ", dilation=" + one(dilation) + ", ceil_mode=" + (ceilMode ? "True" : "False");
    }

    static String one(int[] v) {
        return v.length == 1 ? String.valueOf(v[0]) : Conv2d.tuple(v);
    }
}
