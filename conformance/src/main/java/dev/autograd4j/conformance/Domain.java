package dev.autograd4j.conformance;

import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.Random;

/**
 * Where a gradcheck input is drawn from: a float64 leaf that requires grad, with values where the op is
 * differentiable and its finite differences are accurate (away from kinks, jumps and poles).
 */
@FunctionalInterface
interface Domain {
    /** Standard normals. */
    Domain REAL = GradChecks::randn;
    /** Uniform on [0.2, 3): log, sqrt, rsqrt, log2, fractional powers. */
    Domain POSITIVE = uniform(0.2, 3.0);
    /** Magnitudes in [0.1, 2) with random signs: ops with a kink at 0 (abs, relu, leakyRelu, elu, sign). */
    Domain NON_ZERO = awayFromZero(0.1, 2.0);
    /** Uniform on [-0.8, 3): log1p. */
    Domain ABOVE_MINUS_ONE = uniform(-0.8, 3.0);
    /** Uniform on [-0.9, 0.9): ops defined on (-1, 1) such as asin or atanh. */
    Domain OPEN_UNIT = uniform(-0.9, 0.9);
    /** Values whose fractional part is in [0.1, 0.4] or [0.6, 0.9]: away from the jumps of floor, ceil, trunc, round. */
    Domain NON_INTEGER = (d, seed, shape) -> {
        Random rnd = new Random(seed);
        double[] v = new double[Shape.of(shape).numel()];
        for (int k = 0; k < v.length; k++) {
            double frac = 0.1 + 0.3 * rnd.nextDouble() + (rnd.nextBoolean() ? 0.5 : 0);
            v[k] = rnd.nextInt(7) - 3 + frac;
        }
        return GradChecks.leaf(d, v, shape);
    };

    /**
     * Draws an input.
     *
     * @param device where it lives
     * @param seed the seed of its values
     * @param shape its shape
     * @return a float64 leaf requiring grad
     */
    Tensor sample(Device device, long seed, int... shape);

    /**
     * Uniform on [lo, hi).
     *
     * @param lo the lower bound
     * @param hi the upper bound (excluded)
     * @return the domain
     */
    static Domain uniform(double lo, double hi) {
        return (d, seed, shape) -> GradChecks.uniform(d, seed, lo, hi, shape);
    }

    /**
     * Magnitudes in [lo, hi) with random signs.
     *
     * @param lo the smallest magnitude
     * @param hi the largest magnitude (excluded)
     * @return the domain
     */
    static Domain awayFromZero(double lo, double hi) {
        return (d, seed, shape) -> GradChecks.awayFromZero(d, seed, lo, hi, shape);
    }

    /**
     * Normals of standard deviation 2, none within 0.05 of the given points (kinks such as hardtanh's -1 and 1).
     *
     * @param kinks the points avoided
     * @return the domain
     */
    static Domain avoiding(double... kinks) {
        return (d, seed, shape) -> GradCheckOpsTest.avoiding(d, seed, 2.0, 0.05, kinks, shape);
    }
}
