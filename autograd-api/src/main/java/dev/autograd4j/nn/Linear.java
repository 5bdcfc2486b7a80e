package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * {@code y = x W^T + b}, like {@code torch.nn.Linear}, with PyTorch's default initialisation: weight
 * [out, in] from kaiming-uniform with {@code a = sqrt(5)}, which is U(-1/sqrt(in), 1/sqrt(in)), and
 * bias [out] from the same U(-1/sqrt(in), 1/sqrt(in)) (the weight is drawn first). Input
 * {@code [*, in]}, output {@code [*, out]}; see {@link Functional#linear}.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A float32 layer with a bias on the default device, drawn from the default generator.
     *
     * @param inFeatures size of each input sample
     * @param outFeatures size of each output sample
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A float32 layer on the default device, drawn from the default generator.
     *
     * @param inFeatures size of each input sample
     * @param outFeatures size of each output sample
     * @param bias whether to learn an additive bias
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A float32 layer on the default device, drawn from {@code generator}.
     *
     * @param inFeatures size of each input sample
     * @param outFeatures size of each output sample
     * @param bias whether to learn an additive bias
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        this(inFeatures, outFeatures, bias, DType.FLOAT32, DefaultDevice.get(), generator);
    }

    /**
     * A layer with every option, like {@code torch.nn.Linear(in, out, bias, device, dtype)}.
     *
     * @param inFeatures size of each input sample
     * @param outFeatures size of each output sample
     * @param bias whether to learn an additive bias
     * @param dtype the parameters' dtype (floating point)
     * @param device the parameters' device
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive
     *         ({@code Linear needs positive sizes, got in_features=0, out_features=3})
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, DType dtype, Device device, Generator generator) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in_features=" + inFeatures
                    + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        double bound = 1.0 / Math.sqrt(inFeatures);
        this.weight = registerParameter("weight", uniform(Shape.of(outFeatures, inFeatures), bound, dtype, device,
                generator));
        this.bias = bias ? registerParameter("bias", uniform(Shape.of(outFeatures), bound, dtype, device, generator))
                : null;
    }

    /** U(-bound, bound) as a fresh leaf. */
    static Tensor uniform(Shape shape, double bound, DType dtype, Device device, Generator generator) {
        Tensor u = Tensor.rand(shape, dtype, device, generator);
        try (var g = dev.autograd4j.Autograd.noGrad()) {
            return u.mul_(2 * bound).sub_(bound);
        }
    }

    /**
     * Applies the layer.
     *
     * @param input {@code [*, in]}, of the parameters' dtype and device
     * @return {@code [*, out]}
     * @throws IllegalArgumentException if the last dim is not {@code in}
     *         ({@code Linear(in_features=4): expected input with last dimension 4, got shape [2, 3]}), or
     *         the input's dtype or device differs from the parameters'
     */
    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() == 0 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(in_features=" + inFeatures + "): expected input with last "
                    + "dimension " + inFeatures + ", got shape " + input.shape());
        }
        return Functional.linear(input, weight.data(), bias == null ? null : bias.data());
    }

    /**
     * The weight, like {@code Linear.weight}.
     *
     * @return the current leaf tensor, {@code [out, in]}
     */
    public Tensor weight() {
        return weight.data();
    }

    /**
     * The bias, like {@code Linear.bias}.
     *
     * @return the current leaf tensor, {@code [out]}, or null for a layer without bias
     */
    public Tensor bias() {
        return bias == null ? null : bias.data();
    }

    /**
     * Size of each input sample.
     *
     * @return {@code in_features}
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * Size of each output sample.
     *
     * @return {@code out_features}
     */
    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
