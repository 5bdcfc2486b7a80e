package dev.autograd4j.nn;

import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * A 1-D convolution layer, like {@code torch.nn.Conv1d}: parameters {@code weight} [out, in / groups, k] and
 * {@code bias} [out], drawn as PyTorch draws them (U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
 * {@code fan_in = in / groups * k}). See {@link Convolution#conv1d(Tensor, Tensor, Tensor, int, int, int, int)}.
 */
public class Conv1d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernelSize;
    private final int stride;
    private final int padding;
    private final String paddingName;
    private final int dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A float32 layer with stride 1, no padding and a bias, on the default device.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize the kernel's length
     * @throws IllegalArgumentException if a size is not positive
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0, null, 1, 1, true, DType.FLOAT32, DefaultDevice.get(),
                Generator.defaultGenerator());
    }

    /**
     * A layer with every option, like {@code torch.nn.Conv1d(in, out, kernel_size, stride, padding, dilation,
     * groups, bias, device=, dtype=)}.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize the kernel's length
     * @param stride the step
     * @param padding zeros on both ends (ignored when {@code paddingName} is given)
     * @param paddingName "same" or "valid", or null for {@code padding}
     * @param dilation the spacing of the taps
     * @param groups the channel groups; divides both channel counts
     * @param bias whether to learn an additive bias
     * @param dtype the parameters' dtype (floating point)
     * @param device the parameters' device
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive or groups does not divide the channels
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, String paddingName,
                  int dilation, int groups, boolean bias, DType dtype, Device device, Generator generator) {
        Conv2d.checkChannels(inChannels, outChannels, groups);
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv1d needs a positive kernel_size, stride and dilation and a "
                    + "non-negative padding");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.paddingName = paddingName;
        this.dilation = dilation;
        this.groups = groups;
        double bound = 1.0 / Math.sqrt((double) inChannels / groups * kernelSize);
        this.weight = registerParameter("weight", Linear.uniform(Shape.of(outChannels, inChannels / groups,
                kernelSize), bound, dtype, device, generator));
        this.bias = bias ? registerParameter("bias", Linear.uniform(Shape.of(outChannels), bound, dtype, device,
                generator)) : null;
    }

    /**
     * Applies the convolution.
     *
     * @param input {@code [N, in, L]} or {@code [in, L]}, of the parameters' dtype and device
     * @return {@code [N, out, outL]} (without N for an unbatched input)
     * @throws IllegalArgumentException as {@link Convolution#conv1d(Tensor, Tensor, Tensor, int, int, int, int)}
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor b = bias == null ? null : bias.data();
        return paddingName != null
                ? Convolution.conv1d(input, weight.data(), b, stride, paddingName, dilation, groups)
                : Convolution.conv1d(input, weight.data(), b, stride, padding, dilation, groups);
    }

    /**
     * The weight, like {@code Conv1d.weight}.
     *
     * @return the current leaf tensor, {@code [out, in / groups, k]}
     */
    public Tensor weight() {
        return weight.data();
    }

    /**
     * The bias, like {@code Conv1d.bias}.
     *
     * @return the current leaf tensor, {@code [out]}, or null for a layer without bias
     */
    public Tensor bias() {
        return bias == null ? null : bias.data();
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernelSize + ",), stride=(" + stride + ",)"
                + (paddingName != null ? ", padding=" + paddingName : padding != 0 ? ", padding=(" + padding + ",)" : "")
                + (dilation != 1 ? ", dilation=(" + dilation + ",)" : "") + (groups != 1 ? ", groups=" + groups : "")
                + (bias == null ? ", bias=False" : "");
    }
}
