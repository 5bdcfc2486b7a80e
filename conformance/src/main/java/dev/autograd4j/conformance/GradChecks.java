package dev.autograd4j.conformance;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The suite's gradient-check helpers: thin wrappers over the public checker
 * {@link dev.autograd4j.debug.GradCheck} in fast mode ({@link #FAST}), and float64 leaves to check on
 * a device.
 *
 * <p>Fast mode back-propagates one random projection of the output instead of one one-hot gradient per
 * output element, so the cost of a check does not grow with the output's size; each input element is
 * still perturbed on its own, so a failure names the input and the element.
 */
public final class GradChecks {
    /** The suite's options: PyTorch's tolerances, fast mode, a fixed seed for the projection. */
    public static final GradCheck.Options FAST = GradCheck.Options.DEFAULT.withFastMode(true).withSeed(1234L);

    private GradChecks() {
    }

    /**
     * Checks a function of several inputs with {@link #FAST}.
     *
     * @param f the function, given its inputs as a list
     * @param inputs the inputs; those that require grad must be float64 and are checked
     * @throws AssertionError (a {@link GradCheck.GradcheckError}) when the derivatives disagree
     */
    public static void check(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        check(f, FAST, inputs);
    }

    /**
     * Checks a function of a single input with {@link #FAST}.
     *
     * @param f the function
     * @param x its input, float64, requiring grad
     * @throws AssertionError when the derivatives disagree
     */
    public static void check1(Function<Tensor, Tensor> f, Tensor x) {
        check(in -> f.apply(in.get(0)), FAST, x);
    }

    /**
     * Checks a function of two inputs with {@link #FAST}.
     *
     * @param f the function
     * @param a its first input
     * @param b its second input
     * @throws AssertionError when the derivatives disagree
     */
    public static void check2(BiFunction<Tensor, Tensor, Tensor> f, Tensor a, Tensor b) {
        check(in -> f.apply(in.get(0), in.get(1)), FAST, a, b);
    }

    /**
     * Checks a function of several inputs with the given options.
     *
     * @param f the function, given its inputs as a list
     * @param options tolerances and mode, usually derived from {@link #FAST}
     * @param inputs the inputs; those that require grad must be float64 and are checked
     * @throws AssertionError when the derivatives disagree
     */
    public static void check(Function<List<Tensor>, Tensor> f, GradCheck.Options options, Tensor... inputs) {
        GradCheck.gradcheck(in -> f.apply(Arrays.asList(in)), options.withRaiseException(true), inputs);
    }

    // ------------------------------------------------------------------ input helpers

    /**
     * A float64 leaf of standard normals on the device, requiring grad.
     *
     * @param device where the leaf lives
     * @param seed the generator's seed
     * @param shape its shape
     * @return the leaf
     */
    public static Tensor randn(Device device, long seed, int... shape) {
        return Tensor.randn(Shape.of(shape), DType.FLOAT64, device, new Generator(seed)).requiresGrad(true);
    }

    /**
     * A float64 leaf uniform on [lo, hi), requiring grad.
     *
     * @param device where the leaf lives
     * @param seed the generator's seed
     * @param lo the lower bound
     * @param hi the upper bound (excluded)
     * @param shape its shape
     * @return the leaf
     */
    public static Tensor uniform(Device device, long seed, double lo, double hi, int... shape) {
        Tensor u = Tensor.rand(Shape.of(shape), DType.FLOAT64, device, new Generator(seed));
        return u.mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    /**
     * A float64 leaf whose elements have magnitude in [lo, hi) with random signs (away from 0), requiring grad.
     *
     * @param device where the leaf lives
     * @param seed the seed of the values and signs
     * @param lo the smallest magnitude
     * @param hi the largest magnitude (excluded)
     * @param shape its shape
     * @return the leaf
     */
    public static Tensor awayFromZero(Device device, long seed, double lo, double hi, int... shape) {
        Random rnd = new Random(seed);
        int n = Shape.of(shape).numel();
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = (rnd.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * rnd.nextDouble());
        }
        return leaf(device, d, shape);
    }

    /**
     * A float64 leaf holding a random permutation of evenly spaced distinct values (no ties), requiring grad.
     *
     * @param device where the leaf lives
     * @param seed the seed of the permutation
     * @param shape its shape
     * @return the leaf
     */
    public static Tensor distinct(Device device, long seed, int... shape) {
        Random rnd = new Random(seed);
        int n = Shape.of(shape).numel();
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = (k - n / 2.0) * 0.37 + 0.01;
        }
        for (int k = n - 1; k > 0; k--) {
            int r = rnd.nextInt(k + 1);
            double tmp = d[k];
            d[k] = d[r];
            d[r] = tmp;
        }
        return leaf(device, d, shape);
    }

    /**
     * A float64 leaf with the given values on the device, requiring grad.
     *
     * @param device where the leaf lives
     * @param data its values, row-major
     * @param shape its shape
     * @return the leaf
     */
    public static Tensor leaf(Device device, double[] data, int... shape) {
        return Tensor.of(data, shape).to(device).detach().requiresGrad(true);
    }
}
