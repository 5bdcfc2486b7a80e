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
 * bias [out] from the same U(-1/sqrt(in), 1/sqrt(in)).
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        this(inFeatures, outFeatures, bias, DType.FLOAT32, DefaultDevice.get(), generator);
    }

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

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() == 0 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(in_features=" + inFeatures + "): expected input with last "
                    + "dimension " + inFeatures + ", got shape " + input.shape());
        }
        return Functional.linear(input, weight.data(), bias == null ? null : bias.data());
    }

    /** The weight [out, in] (the current leaf tensor). */
    public Tensor weight() {
        return weight.data();
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return bias == null ? null : bias.data();
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
