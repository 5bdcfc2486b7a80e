package dev.autograd4j.conformance;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A float64 gradient checker in the manner of {@code torch.autograd.gradcheck}.
 *
 * <p>The function is evaluated once with grad recording to get the analytic gradients: for outputs of at
 * most {@link Options#fullJacobianMaxOutputs} elements every row of the Jacobian is back-propagated (one-hot
 * output gradients), otherwise a vector-Jacobian product with fixed random weights (that is, the gradient of
 * {@code sum(out * w)}). Each element of each input that requires grad is then perturbed by +-eps on its own,
 * the function is re-evaluated under {@link Autograd#noGrad()} on freshly built contiguous tensors, and the
 * central differences, projected on the same probe vectors, must match the analytic values within
 * {@code |a - n| <= atol + rtol * |n|}.
 *
 * <p>Inputs that do not require grad (class indices, masks, constants) are passed through unchanged. The
 * leaves may be non-contiguous and the function may make views of them: values are read in logical
 * (row-major) order with {@code toDoubleArray}, and perturbed copies are always built afresh.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Tolerances and modes; {@link #DEFAULT} is eps 1e-6, atol 1e-5, rtol 1e-3. */
    public record Options(double eps, double atol, double rtol, int fullJacobianMaxOutputs, long seed) {
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3, 4, 1234L);

        public Options withEps(double e) {
            return new Options(e, atol, rtol, fullJacobianMaxOutputs, seed);
        }

        public Options withTolerance(double a, double r) {
            return new Options(eps, a, r, fullJacobianMaxOutputs, seed);
        }

        /** Always back-propagate the full Jacobian (up to this many outputs). */
        public Options withFullJacobianMaxOutputs(int n) {
            return new Options(eps, atol, rtol, n, seed);
        }

        public Options withSeed(long s) {
            return new Options(eps, atol, rtol, fullJacobianMaxOutputs, s);
        }
    }

    /** Checks with the default tolerances. */
    public static void check(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        check(f, Options.DEFAULT, inputs);
    }

    /** Checks a function of a single input. */
    public static void check1(Function<Tensor, Tensor> f, Tensor x) {
        check(in -> f.apply(in.get(0)), Options.DEFAULT, x);
    }

    /** Checks a function of two inputs. */
    public static void check2(java.util.function.BiFunction<Tensor, Tensor, Tensor> f, Tensor a, Tensor b) {
        check(in -> f.apply(in.get(0), in.get(1)), Options.DEFAULT, a, b);
    }

    public static void check(Function<List<Tensor>, Tensor> f, Options opt, Tensor... inputs) {
        List<Tensor> in = List.of(inputs);
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t.requiresGrad()) {
                any = true;
                if (!t.isLeaf()) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " requires grad but is not a leaf");
                }
                if (t.dtype() != DType.FLOAT64) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " requires grad but is "
                            + t.dtype() + ", not float64");
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException("gradcheck: no input requires grad");
        }

        // ---- analytic
        for (Tensor t : inputs) {
            if (t.requiresGrad()) {
                t.setGrad(null);
            }
        }
        Tensor out = f.apply(in);
        if (out.dtype() != DType.FLOAT64) {
            throw new AssertionError("gradcheck: output is " + out.dtype() + ", not float64");
        }
        if (!out.requiresGrad()) {
            throw new AssertionError("gradcheck: output does not require grad (gradFn missing)");
        }
        int[] outShape = out.shape().toArray();
        int m = out.numel();
        Device outDevice = out.device();
        double[][] probes;
        String[] probeNames;
        if (m <= opt.fullJacobianMaxOutputs()) {
            probes = new double[m][m];
            probeNames = new String[m];
            for (int k = 0; k < m; k++) {
                probes[k][k] = 1.0;
                probeNames[k] = "Jacobian row for output element " + k;
            }
        } else {
            Random rnd = new Random(opt.seed());
            double[] w = new double[m];
            for (int k = 0; k < m; k++) {
                // weights bounded away from 0 so no element of the output escapes the check
                w[k] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
            }
            probes = new double[][] {w};
            probeNames = new String[] {"random vector-Jacobian product"};
        }
        // analytic[p][i] = gradient of input i for probe p (null when input i is not checked)
        double[][][] analytic = new double[probes.length][inputs.length][];
        for (int p = 0; p < probes.length; p++) {
            Tensor g = Tensor.of(probes[p], outShape).to(outDevice);
            out.backward(g, p < probes.length - 1);
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (!t.requiresGrad()) {
                    continue;
                }
                Tensor grad = t.grad();
                if (grad == null) {
                    analytic[p][i] = new double[t.numel()];
                } else {
                    if (!grad.shape().equals(t.shape())) {
                        throw new AssertionError("gradcheck: grad of input " + i + " has shape " + grad.shape()
                                + " but the input has shape " + t.shape());
                    }
                    if (grad.dtype() != t.dtype()) {
                        throw new AssertionError("gradcheck: grad of input " + i + " is " + grad.dtype()
                                + " but the input is " + t.dtype());
                    }
                    if (!grad.device().equals(t.device())) {
                        throw new AssertionError("gradcheck: grad of input " + i + " is on " + grad.device()
                                + " but the input is on " + t.device());
                    }
                    analytic[p][i] = grad.toDoubleArray().clone();
                }
                t.setGrad(null);
            }
        }

        // ---- numeric
        List<String> failures = new ArrayList<>();
        int failureCount = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (!t.requiresGrad()) {
                continue;
            }
            int[] shape = t.shape().toArray();
            Device device = t.device();
            double[] base;
            try (var ng = Autograd.noGrad()) {
                base = t.toDoubleArray().clone();
            }
            for (int j = 0; j < base.length; j++) {
                double[] plus = evaluate(f, in, i, base, j, opt.eps(), shape, device, m);
                double[] minus = evaluate(f, in, i, base, j, -opt.eps(), shape, device, m);
                for (int p = 0; p < probes.length; p++) {
                    double numeric = 0;
                    for (int k = 0; k < m; k++) {
                        if (probes[p][k] != 0) {
                            numeric += probes[p][k] * (plus[k] - minus[k]);
                        }
                    }
                    numeric /= 2 * opt.eps();
                    double a = analytic[p][i][j];
                    if (!(Math.abs(a - numeric) <= opt.atol() + opt.rtol() * Math.abs(numeric))) {
                        failureCount++;
                        if (failures.size() < 8) {
                            failures.add("input " + i + " (shape " + Arrays.toString(shape) + ") element " + j
                                    + " " + Arrays.toString(unravel(j, shape)) + ", " + probeNames[p]
                                    + ": analytic=" + a + " numeric=" + numeric);
                        }
                    }
                }
            }
        }
        if (failureCount > 0) {
            throw new AssertionError("gradcheck failed: " + failureCount + " mismatching gradient element(s) (eps="
                    + opt.eps() + ", atol=" + opt.atol() + ", rtol=" + opt.rtol() + ", output shape "
                    + Arrays.toString(outShape) + "):\n  " + String.join("\n  ", failures));
        }
    }

    private static double[] evaluate(Function<List<Tensor>, Tensor> f, List<Tensor> in, int i, double[] base, int j,
                                     double delta, int[] shape, Device device, int m) {
        double[] data = base.clone();
        data[j] += delta;
        try (var ng = Autograd.noGrad()) {
            List<Tensor> args = new ArrayList<>(in);
            args.set(i, Tensor.of(data, shape).to(device));
            Tensor out = f.apply(args);
            if (out.numel() != m) {
                throw new AssertionError("gradcheck: output size changed from " + m + " to " + out.numel()
                        + " when input " + i + " was perturbed");
            }
            return out.toDoubleArray().clone();
        }
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return idx;
    }

    // ------------------------------------------------------------------ input helpers

    /** A float64 leaf of standard normals on the device, requiring grad. */
    public static Tensor randn(Device device, long seed, int... shape) {
        return Tensor.randn(dev.autograd4j.Shape.of(shape), DType.FLOAT64, device, new dev.autograd4j.Generator(seed))
                .requiresGrad(true);
    }

    /** A float64 leaf uniform on [lo, hi), requiring grad. */
    public static Tensor uniform(Device device, long seed, double lo, double hi, int... shape) {
        Tensor u = Tensor.rand(dev.autograd4j.Shape.of(shape), DType.FLOAT64, device, new dev.autograd4j.Generator(seed));
        return u.mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    /** A float64 leaf whose elements have magnitude in [lo, hi) with random signs (away from 0), requiring grad. */
    public static Tensor awayFromZero(Device device, long seed, double lo, double hi, int... shape) {
        Random rnd = new Random(seed);
        int n = dev.autograd4j.Shape.of(shape).numel();
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = (rnd.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * rnd.nextDouble());
        }
        return leaf(device, d, shape);
    }

    /** A float64 leaf holding a random permutation of evenly spaced distinct values (no ties), requiring grad. */
    public static Tensor distinct(Device device, long seed, int... shape) {
        Random rnd = new Random(seed);
        int n = dev.autograd4j.Shape.of(shape).numel();
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

    /** A float64 leaf with the given values on the device, requiring grad. */
    public static Tensor leaf(Device device, double[] data, int... shape) {
        return Tensor.of(data, shape).to(device).detach().requiresGrad(true);
    }
}
