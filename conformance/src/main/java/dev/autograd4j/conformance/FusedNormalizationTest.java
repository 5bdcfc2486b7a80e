package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Normalization;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Batch, layer and group norm (which a backend may run as fused kernels, {@code Backend.normForward} and
 * {@code normBackward}) against the same normalization written out in elementary differentiable ops (mean,
 * var, sub, mul, rsqrt), whose gradients autograd derives on its own: outputs and the first-order gradients of
 * input, weight and bias, in float32 and float64, on shapes whose rows are not a multiple of any vector width, on
 * non-contiguous inputs, with and without the affine parameters; running statistics of batch norm; and the same
 * bits from two identical calls.
 */
@DisplayNameGeneration(ConformanceNames.class)
class FusedNormalizationTest {

    private static Tensor randn(Device d, long seed, DType dt, int... shape) {
        return Tensor.randn(Shape.of(shape), dt, d, new Generator(seed));
    }

    private static double tolerance(DType dt) {
        return dt == DType.FLOAT32 ? 2e-4 : 1e-9;
    }

    /**
     * f (the op under test) and ref (the composite) on copies of the same leaves: the outputs, then each leaf's
     * gradient for the upstream gradient {@code up}, compared.
     */
    private static void compare(String what, Function<Tensor[], Tensor> f, Function<Tensor[], Tensor> ref,
                                Tensor up, Tensor... inputs) {
        Tensor[] a = new Tensor[inputs.length];
        Tensor[] b = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            a[i] = inputs[i] == null ? null : inputs[i].detach().copy().requiresGrad(true);
            b[i] = inputs[i] == null ? null : inputs[i].detach().copy().requiresGrad(true);
        }
        Tensor ya = f.apply(a);
        Tensor yb = ref.apply(b);
        double tol = tolerance(up.dtype());
        assertArrayEquals(yb.toDoubleArray(), ya.toDoubleArray(), tol, what + ": output");
        ya.backward(up);
        yb.backward(up);
        for (int i = 0; i < inputs.length; i++) {
            if (a[i] != null) {
                assertArrayEquals(b[i].grad().toDoubleArray(), a[i].grad().toDoubleArray(), tol * 10,
                        what + ": gradient of input " + i);
            }
        }
    }

    private static Tensor affine(Tensor xhat, Tensor w, Tensor b) {
        Tensor y = w == null ? xhat : xhat.mul(w);
        return b == null ? y : y.add(b);
    }

    /** The normalization over dims of a, in elementary ops. */
    private static Tensor normalize(Tensor a, int[] dims, double eps) {
        return a.sub(a.mean(dims, true)).mul(a.var(dims, 0, true).add(eps).rsqrt());
    }

    @AllDevices
    void layerNormMatchesTheComposite(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(d, 1, dt, 3, 5, 7).mul(3).add(1);
            Tensor w = randn(d, 2, dt, 7);
            Tensor b = randn(d, 3, dt, 7);
            Tensor up = randn(d, 4, dt, 3, 5, 7);
            cases.add(named("rows of 7 " + dt, () -> compare("layer norm", in -> Normalization.layerNorm(in[0],
                    new int[] {7}, in[1], in[2], 1e-5), in -> affine(normalize(in[0], new int[] {2}, 1e-5), in[1],
                    in[2]), up, x, w, b)));
            cases.add(named("no affine " + dt, () -> compare("layer norm", in -> Normalization.layerNorm(in[0],
                    new int[] {7}, null, null, 1e-3), in -> normalize(in[0], new int[] {2}, 1e-3), up, x)));
            Tensor x2 = randn(d, 5, dt, 4, 3, 2, 5);
            Tensor w2 = randn(d, 6, dt, 2, 5);
            Tensor up2 = randn(d, 7, dt, 4, 3, 2, 5);
            cases.add(named("two normalized dims, weight only " + dt, () -> compare("layer norm",
                    in -> Normalization.layerNorm(in[0], new int[] {2, 5}, in[1], null, 1e-5),
                    in -> affine(normalize(in[0], new int[] {2, 3}, 1e-5), in[1], null), up2, x2, w2)));
            Tensor xt = randn(d, 8, dt, 9, 6).t(); // [6, 9], not contiguous
            Tensor wt = randn(d, 9, dt, 9);
            Tensor bt = randn(d, 10, dt, 9);
            Tensor upt = randn(d, 11, dt, 9, 6).t();
            cases.add(named("transposed input and gradient " + dt, () -> compare("layer norm",
                    in -> Normalization.layerNorm(in[0].t().t(), new int[] {9}, in[1], in[2], 1e-5),
                    in -> affine(normalize(in[0], new int[] {1}, 1e-5), in[1], in[2]), upt, xt.contiguous(), wt,
                    bt)));
            cases.add(named("long rows " + dt, () -> compare("layer norm", in -> Normalization.layerNorm(in[0],
                    new int[] {1031}, in[1], in[2], 1e-5), in -> affine(normalize(in[0], new int[] {1}, 1e-5), in[1],
                    in[2]), randn(d, 12, dt, 3, 1031), randn(d, 13, dt, 3, 1031), randn(d, 14, dt, 1031),
                    randn(d, 15, dt, 1031))));
        }
        all(cases);
    }

    @AllDevices
    void batchNormMatchesTheComposite(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(d, 1, dt, 5, 3, 4, 3).mul(2).sub(1);
            Tensor w = randn(d, 2, dt, 3);
            Tensor b = randn(d, 3, dt, 3);
            Tensor up = randn(d, 4, dt, 5, 3, 4, 3);
            int[] dims = {0, 2, 3};
            cases.add(named("4-D " + dt, () -> compare("batch norm", in -> Normalization.batchNorm(in[0], null, null,
                    in[1], in[2], true, 0.1, 1e-5), in -> affine(normalize(in[0], dims, 1e-5),
                    in[1].reshape(1, 3, 1, 1), in[2].reshape(1, 3, 1, 1)), up, x, w, b)));
            Tensor x2 = randn(d, 5, dt, 7, 5);
            cases.add(named("2-D, no affine " + dt, () -> compare("batch norm", in -> Normalization.batchNorm(in[0],
                    null, null, null, null, true, 0.1, 1e-5), in -> normalize(in[0], new int[] {0}, 1e-5),
                    randn(d, 6, dt, 7, 5), x2)));
            cases.add(named("running statistics " + dt, () -> {
                Tensor rm = Tensor.zeros(Shape.of(3), dt, d);
                Tensor rv = Tensor.ones(Shape.of(3), dt, d);
                Normalization.batchNorm(x, rm, rv, w, b, true, 0.25, 1e-5);
                Tensor mean = x.mean(dims, false);
                Tensor unbiased = x.var(dims, 1, false);
                double tol = tolerance(dt);
                assertArrayEquals(mean.mul(0.25).toDoubleArray(), rm.toDoubleArray(), tol);
                assertArrayEquals(unbiased.mul(0.25).add(0.75).toDoubleArray(), rv.toDoubleArray(), tol);
            }));
        }
        all(cases);
    }

    @AllDevices
    void groupNormMatchesTheComposite(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(d, 1, dt, 3, 6, 5).mul(2).add(0.5);
            Tensor w = randn(d, 2, dt, 6);
            Tensor b = randn(d, 3, dt, 6);
            Tensor up = randn(d, 4, dt, 3, 6, 5);
            for (int groups : new int[] {1, 2, 3, 6}) {
                cases.add(named(groups + " groups " + dt, () -> compare("group norm", in -> Normalization.groupNorm(
                        in[0], groups, in[1], in[2], 1e-5), in -> affine(normalize(in[0].reshape(3, groups, -1),
                        new int[] {2}, 1e-5).reshape(3, 6, 5), in[1].reshape(6, 1), in[2].reshape(6, 1)), up, x, w,
                        b)));
            }
            cases.add(named("4-D, bias only " + dt, () -> compare("group norm", in -> Normalization.groupNorm(in[0], 2,
                    null, in[1], 1e-5), in -> affine(normalize(in[0].reshape(2, 2, -1), new int[] {2}, 1e-5)
                    .reshape(2, 4, 3, 2), null, in[1].reshape(4, 1, 1)), randn(d, 5, dt, 2, 4, 3, 2),
                    randn(d, 6, dt, 2, 4, 3, 2), randn(d, 7, dt, 4))));
        }
        all(cases);
    }

    @AllDevices
    void sameBitsTwice(Device d) {
        Tensor x = randn(d, 1, DType.FLOAT32, 16, 33, 40);
        Tensor w = randn(d, 2, DType.FLOAT32, 40);
        Tensor b = randn(d, 3, DType.FLOAT32, 40);
        Tensor up = randn(d, 4, DType.FLOAT32, 16, 33, 40);
        double[][] first = null;
        for (int run = 0; run < 2; run++) {
            Tensor xi = x.detach().copy().requiresGrad(true);
            Tensor wi = w.detach().copy().requiresGrad(true);
            Tensor bi = b.detach().copy().requiresGrad(true);
            Tensor y = Normalization.layerNorm(xi, new int[] {40}, wi, bi, 1e-5);
            y.backward(up);
            double[][] now = {y.toDoubleArray(), xi.grad().toDoubleArray(), wi.grad().toDoubleArray(),
                bi.grad().toDoubleArray()};
            if (first == null) {
                first = now;
            } else {
                for (int i = 0; i < now.length; i++) {
                    assertArrayEquals(first[i], now[i], 0.0, "result " + i);
                }
            }
        }
        assertEquals("NativeLayerNormBackward0",
                Normalization.layerNorm(x.requiresGrad(true), new int[] {40}, w, b, 1e-5).gradFn().name());
    }
}
