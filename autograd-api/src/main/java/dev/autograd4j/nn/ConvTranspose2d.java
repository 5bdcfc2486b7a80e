package dev.autograd4j.nn;

import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * A 2-D transposed convolution layer, like {@code torch.nn.ConvTranspose2d}: parameters {@code weight}
 * [in, out / groups, kH, kW] and {@code bias} [out], drawn as PyTorch draws them (U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)) with PyTorch's {@code fan_in} of that weight, {@code out / groups * kH * kW}). See
 * {@link Convolution#convTranspose2d}.
 */
public class ConvTranspose2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] outputPadding;
    private final int groups;
    private final int[] dilation;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A float32 layer with a bias, no padding, one group and dilation 1, on the default device.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize the kernel's height and width
     * @param stride the step in both dims
     * @throws IllegalArgumentException if a size is not positive
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {0}, new int[] {0}, 1,
                true, new int[] {1}, DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A layer with every option, like {@code torch.nn.ConvTranspose2d(in, out, kernel_size, stride, padding,
     * output_padding, groups, bias, dilation, device=, dtype=)}.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}
     * @param padding one int or {@code {pH, pW}}
     * @param outputPadding one int or {@code {oH, oW}}
     * @param groups the channel groups; divides both channel counts
     * @param bias whether to learn an additive bias
     * @param dilation one int or {@code {dH, dW}}
     * @param dtype the parameters' dtype (floating point)
     * @param device the parameters' device
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive or groups does not divide the channels
     */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
                           int[] outputPadding, int groups, boolean bias, int[] dilation, DType dtype, Device device,
                           Generator generator) {
        Conv2d.checkChannels(inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = Conv2d.pair(kernelSize, "kernel_size");
        this.stride = Conv2d.pair(stride, "stride");
        this.padding = Conv2d.pair(padding, "padding");
        this.outputPadding = Conv2d.pair(outputPadding, "padding");
        this.groups = groups;
        this.dilation = Conv2d.pair(dilation, "dilation");
        double bound = 1.0 / Math.sqrt((double) outChannels / groups * this.kernelSize[0] * this.kernelSize[1]);
        this.weight = registerParameter("weight", Linear.uniform(Shape.of(inChannels, outChannels / groups,
                this.kernelSize[0], this.kernelSize[1]), bound, dtype, device, generator));
        this.bias = bias ? registerParameter("bias", Linear.uniform(Shape.of(outChannels), bound, dtype, device,
                generator)) : null;
    }

    /**
     * Applies the transposed convolution.
     *
     * @param input {@code [N, in, H, W]} or {@code [in, H, W]}, of the parameters' dtype and device
     * @return {@code [N, out, outH, outW]} (without N for an unbatched input)
     * @throws IllegalArgumentException as {@link Convolution#convTranspose2d}
     */
    @Override
    public Tensor forward(Tensor input) {
        return Convolution.convTranspose2d(input, weight.data(), bias == null ? null : bias.data(), stride, padding,
                outputPadding, groups, dilation);
    }

    /**
     * The weight, like {@code ConvTranspose2d.weight}.
     *
     * @return the current leaf tensor, {@code [in, out / groups, kH, kW]}
     */
    public Tensor weight() {
        return weight.data();
    }

    /**
     * The bias, like {@code ConvTranspose2d.bias}.
     *
     * @return the current leaf tensor, {@code [out]}, or null for a layer without bias
     */
    public Tensor bias() {
        return bias == null ? null : bias.data();
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + Conv2d.tuple(kernelSize) + ", stride="
                + Conv2d.tuple(stride) + (padding[0] != 0 || padding[1] != 0 ? ", padding=" + Conv2d.tuple(padding) : "")
                + (outputPadding[0] != 0 || outputPadding[1] != 0 ? ", output_padding=" + Conv2d.tuple(outputPadding)
                        : "")
                + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation=" + Conv2d.tuple(dilation) : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "");
    }
}
