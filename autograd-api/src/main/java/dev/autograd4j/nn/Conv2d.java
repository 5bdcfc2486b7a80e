package dev.autograd4j.nn;

import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.Arrays;

/**
 * A 2-D convolution layer, like {@code torch.nn.Conv2d}: parameters {@code weight} [out, in / groups, kH, kW] and
 * {@code bias} [out], drawn as PyTorch draws them (kaiming-uniform with {@code a = sqrt(5)}, which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with {@code fan_in = in / groups * kH * kW}, then the bias from the same
 * range). See {@link Convolution#conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final String paddingName;
    private final int[] dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A float32 layer with a square kernel, stride 1, no padding and a bias, on the default device.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize the kernel's height and width
     * @throws IllegalArgumentException if a size is not positive
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {1}, new int[] {0}, new int[] {1}, 1, true);
    }

    /**
     * A float32 layer on the default device, drawn from the default generator.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}
     * @param padding one int or {@code {pH, pW}}
     * @param dilation one int or {@code {dH, dW}}
     * @param groups the channel groups; divides both channel counts
     * @param bias whether to learn an additive bias
     * @throws IllegalArgumentException if a size is not positive or groups does not divide the channels
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, DType.FLOAT32,
                DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A float32 layer with padding by name ("same" or "valid") on the default device.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; 1 for "same"
     * @param padding "same" or "valid"
     * @param dilation one int or {@code {dH, dW}}
     * @param groups the channel groups
     * @param bias whether to learn an additive bias
     * @throws IllegalArgumentException if a size is not positive, groups does not divide the channels, or for
     *     another padding string
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, String padding, int[] dilation,
                  int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, null, padding, dilation, groups, bias, DType.FLOAT32,
                DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A layer with every option, like {@code torch.nn.Conv2d(in, out, kernel_size, stride, padding, dilation,
     * groups, bias, device=, dtype=)}.
     *
     * @param inChannels the input's channels
     * @param outChannels the output's channels
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}
     * @param padding one int or {@code {pH, pW}}; null when {@code paddingName} is given
     * @param paddingName "same" or "valid"; null when {@code padding} is given
     * @param dilation one int or {@code {dH, dW}}
     * @param groups the channel groups
     * @param bias whether to learn an additive bias
     * @param dtype the parameters' dtype (floating point)
     * @param device the parameters' device
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive or groups does not divide the channels
     *     ("in_channels must be divisible by groups")
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
                  String paddingName, int[] dilation, int groups, boolean bias, DType dtype, Device device,
                  Generator generator) {
        checkChannels(inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = pair(kernelSize, "kernel_size");
        this.stride = pair(stride, "stride");
        this.padding = padding == null ? null : pair(padding, "padding");
        this.paddingName = paddingName;
        if ((padding == null) == (paddingName == null)) {
            throw new IllegalArgumentException("Conv2d: give either padding sizes or a padding name");
        }
        if ("same".equals(paddingName) && (this.stride[0] != 1 || this.stride[1] != 1)) {
            throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        }
        this.dilation = pair(dilation, "dilation");
        this.groups = groups;
        int fanIn = inChannels / groups * this.kernelSize[0] * this.kernelSize[1];
        double bound = 1.0 / Math.sqrt(fanIn);
        this.weight = registerParameter("weight", Linear.uniform(Shape.of(outChannels, inChannels / groups,
                this.kernelSize[0], this.kernelSize[1]), bound, dtype, device, generator));
        this.bias = bias ? registerParameter("bias", Linear.uniform(Shape.of(outChannels), bound, dtype, device,
                generator)) : null;
    }

    static void checkChannels(int in, int out, int groups) {
        if (in <= 0 || out <= 0 || groups <= 0) {
            throw new IllegalArgumentException("convolution needs positive sizes, got in_channels=" + in
                    + ", out_channels=" + out + ", groups=" + groups);
        }
        if (in % groups != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups");
        }
        if (out % groups != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups");
        }
    }

    static int[] pair(int[] v, String name) {
        if (v == null || (v.length != 1 && v.length != 2)) {
            throw new IllegalArgumentException(name + " must be one int or two ints, got " + Arrays.toString(v));
        }
        int[] r = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (r[0] <= 0 && !name.equals("padding") || r[1] <= 0 && !name.equals("padding")) {
            throw new IllegalArgumentException(name + " must be positive, got " + Arrays.toString(v));
        }
        return r;
    }

    /**
     * Applies the convolution.
     *
     * @param input {@code [N, in, H, W]} or {@code [in, H, W]}, of the parameters' dtype and device
     * @return {@code [N, out, outH, outW]} (without N for an unbatched input)
     * @throws IllegalArgumentException as {@link Convolution#conv2d(Tensor, Tensor, Tensor, int[], int[], int[],
     *     int)}
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor b = bias == null ? null : bias.data();
        return paddingName != null
                ? Convolution.conv2d(input, weight.data(), b, stride, paddingName, dilation, groups)
                : Convolution.conv2d(input, weight.data(), b, stride, padding, dilation, groups);
    }

    /**
     * The weight, like {@code Conv2d.weight}.
     *
     * @return the current leaf tensor, {@code [out, in / groups, kH, kW]}
     */
    public Tensor weight() {
        return weight.data();
    }

    /**
     * The bias, like {@code Conv2d.bias}.
     *
     * @return the current leaf tensor, {@code [out]}, or null for a layer without bias
     */
    public Tensor bias() {
        return bias == null ? null : bias.data();
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + tuple(kernelSize) + ", stride=" + tuple(stride)
                + (paddingName != null ? ", padding=" + paddingName
                        : padding[0] != 0 || padding[1] != 0 ? ", padding=" + tuple(padding) : "")
                + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation=" + tuple(dilation) : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "");
    }

    static String tuple(int[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(v[i]);
        }
        return sb.append(v.length == 1 ? ",)" : ")").toString();
    }
}
