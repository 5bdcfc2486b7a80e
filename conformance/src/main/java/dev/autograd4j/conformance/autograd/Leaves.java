package dev.autograd4j.conformance.autograd;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.Random;

/** Float64 test tensors made on a device. */
final class Leaves {
    private Leaves() {
    }

    /** A float64 constant on the device (does not require grad). */
    static Tensor constant(Device device, double[] data, int... shape) {
        return Tensor.of(data, shape).to(device).detach();
    }

    /** A float64 leaf on the device that requires grad. */
    static Tensor leaf(Device device, double[] data, int... shape) {
        return constant(device, data, shape).requiresGrad(true);
    }

    /** A float64 leaf of standard normals that requires grad. */
    static Tensor randn(Device device, long seed, int... shape) {
        return Tensor.randn(Shape.of(shape), DType.FLOAT64, device, new Generator(seed)).requiresGrad(true);
    }

    /** A float64 leaf uniform on [lo, hi) that requires grad. */
    static Tensor uniform(Device device, long seed, double lo, double hi, int... shape) {
        Random rnd = new Random(seed);
        double[] d = new double[Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return leaf(device, d, shape);
    }

    /** A float64 leaf with magnitudes in [lo, hi) and random signs (away from kinks at 0). */
    static Tensor awayFromZero(Device device, long seed, double lo, double hi, int... shape) {
        Random rnd = new Random(seed);
        double[] d = new double[Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (rnd.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * rnd.nextDouble());
        }
        return leaf(device, d, shape);
    }
}
