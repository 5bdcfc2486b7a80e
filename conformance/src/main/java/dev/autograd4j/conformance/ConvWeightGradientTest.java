package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * The float32 gradients of a batched one-group convolution (where the CPU takes the weight's gradient from its
 * fused {@code Backend.convWeightGradient} when the weight has at most 4096 elements, and the columns and a matmul
 * otherwise; the columns and matmul on other devices) against the float64 ones on every device: batches that are not
 * a multiple of the CPU's block of 4 samples, strides, paddings ("same" with an even kernel), dilations, conv1d,
 * weights of 4096 and 4097 elements, non-contiguous and expanded inputs and output gradients, NaN and infinities in
 * the input, a second backward through a retained graph, and a double backward (createGraph) in float32, which must
 * differentiate the weight's gradient.
 */
@DisplayNameGeneration(ConformanceNames.class)
class ConvWeightGradientTest {

    private static double[] host(Tensor t) {
        return t.detach().to(DType.FLOAT64).toDoubleArray();
    }

    /** float32 against float64 within {@code rel} of the largest magnitude; NaN and infinities exactly where. */
    private static void close(Tensor expected64, Tensor actual32, double rel, String what) {
        assertNotNull(actual32, what + ": no gradient");
        assertEquals(DType.FLOAT32, actual32.dtype(), what);
        double[] e = host(expected64), a = host(actual32);
        assertEquals(e.length, a.length, what);
        double scale = 1;
        for (double v : e) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < e.length; i++) {
            String at = what + " at " + i + ": want " + e[i] + ", got " + a[i];
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                assertEquals(e[i], a[i], 0, at);
            } else {
                assertTrue(Math.abs(e[i] - a[i]) <= rel * scale, at);
            }
        }
    }

    /**
     * The input's and the weight's gradients of {@code sum(conv(x, w) * r)} in float32 against float64; x, w and r
     * are float64 and only converted here, so both runs see the same values.
     */
    private static void compare(String what, Tensor x, Tensor w, Tensor r, BinaryOperator<Tensor> conv) {
        Tensor x64 = x.detach().requiresGrad(true), w64 = w.detach().requiresGrad(true);
        conv.apply(x64, w64).mul(r).sum().backward();
        Tensor x32 = x.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor w32 = w.detach().to(DType.FLOAT32).requiresGrad(true);
        conv.apply(x32, w32).mul(r.to(DType.FLOAT32)).sum().backward();
        close(w64.grad(), w32.grad(), 1e-4, what + " weight gradient");
        close(x64.grad(), x32.grad(), 1e-4, what + " input gradient");
    }

    private static BinaryOperator<Tensor> conv2d(int[] stride, int[] pad, int[] dil) {
        return (x, w) -> Convolution.conv2d(x, w, null, stride, pad, dil, 1);
    }

    private static Tensor out(Device d, long seed, Tensor x, Tensor w, BinaryOperator<Tensor> conv) {
        return randn(d, seed, conv.apply(x, w).shape().toArray());
    }

    @AllDevices
    void weightGradient(Device d) {
        List<Executable> cases = new ArrayList<>();
        // {n, c, o, h, w, kh, kw, stride h, stride w, pad h, pad w, dil h, dil w}
        int[][] geometries = {
            {1, 2, 3, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 1, 1, 5, 5, 5, 5, 1, 1, 0, 0, 1, 1},
            {3, 2, 5, 9, 8, 3, 2, 2, 1, 1, 0, 1, 2}, {5, 3, 7, 8, 11, 2, 3, 1, 3, 0, 2, 2, 1},
            {7, 1, 16, 12, 12, 5, 5, 1, 1, 2, 2, 1, 1}, {9, 4, 2, 5, 21, 3, 3, 2, 1, 3, 1, 1, 3},
            {4, 16, 16, 6, 6, 4, 4, 1, 1, 1, 1, 1, 1}, // 4096 weights: fused on the CPU
            {4, 241, 17, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1}, // 4097 weights: columns and matmul
            // taps wholly in the padding right of a one-column image (past the input's last element) and left of it
            // (before its first): no element of the row to copy, at the ends of the array
            {2, 1, 2, 3, 1, 2, 3, 1, 1, 1, 2, 1, 2}, {2, 1, 1, 2, 1, 1, 21, 1, 1, 0, 10, 1, 1},
        };
        long seed = 300;
        for (int[] q : geometries) {
            String name = java.util.Arrays.toString(q);
            Tensor x = randn(d, seed++, q[0], q[1], q[3], q[4]), w = randn(d, seed++, q[2], q[1], q[5], q[6]);
            BinaryOperator<Tensor> conv = conv2d(new int[] {q[7], q[8]}, new int[] {q[9], q[10]},
                    new int[] {q[11], q[12]});
            Tensor r = out(d, seed++, x, w, conv);
            cases.add(named(name, () -> compare(name, x, w, r, conv)));
        }
        cases.add(named("padding same, even kernel", () -> {
            Tensor x = randn(d, 320, 5, 2, 7, 6), w = randn(d, 321, 3, 2, 4, 2);
            BinaryOperator<Tensor> conv = (a, b) -> Convolution.conv2d(a, b, null, new int[] {1}, "same",
                    new int[] {1, 2}, 1);
            compare("same", x, w, out(d, 322, x, w, conv), conv);
        }));
        cases.add(named("conv1d", () -> {
            Tensor x = randn(d, 323, 6, 3, 17), w = randn(d, 324, 4, 3, 3);
            BinaryOperator<Tensor> conv = (a, b) -> Convolution.conv1d(a, b, null, 2, 1, 2, 1);
            compare("conv1d", x, w, out(d, 325, x, w, conv), conv);
        }));
        cases.add(named("non-contiguous input and output gradient", () -> {
            // x a transposed view; the gradient reaching the convolution a transposed one
            Tensor x = randn(d, 326, 5, 2, 9, 7).transpose(2, 3), w = randn(d, 327, 3, 2, 3, 3);
            BinaryOperator<Tensor> conv = (a, b) -> Convolution.conv2d(a, b, null, new int[] {1}, new int[] {0},
                    new int[] {1}, 1).transpose(2, 3);
            compare("non-contiguous", x, w, out(d, 328, x, w, conv), conv);
        }));
        cases.add(named("expanded output gradient (sum)", () -> {
            Tensor x = randn(d, 329, 6, 2, 8, 8), w = randn(d, 330, 4, 2, 3, 3);
            Tensor x64 = x.detach(), w64 = w.detach().requiresGrad(true);
            Convolution.conv2d(x64, w64, null).sum().backward();
            Tensor w32 = w.detach().to(DType.FLOAT32).requiresGrad(true);
            Convolution.conv2d(x.to(DType.FLOAT32), w32, null).sum().backward();
            close(w64.grad(), w32.grad(), 1e-4, "sum");
        }));
        cases.add(named("NaN and infinities in the input", () -> {
            double[] v = host(randn(d, 331, 5, 2, 7, 7));
            v[3] = Double.POSITIVE_INFINITY; // sample 0, channel 0: its taps' sums are infinite
            v[2 * 49 + 20] = Double.NaN; // sample 1, channel 0: NaN at every tap that reads it
            v[4 * 98 + 49 + 48] = Double.NEGATIVE_INFINITY; // the last sample's last element
            Tensor x = Tensor.of(v, 5, 2, 7, 7).to(d), w = randn(d, 332, 3, 2, 3, 3);
            BinaryOperator<Tensor> conv = conv2d(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
            Tensor r = out(d, 333, x, w, conv);
            Tensor w64 = w.detach().requiresGrad(true);
            conv.apply(x, w64).mul(r).sum().backward();
            Tensor w32 = w.detach().to(DType.FLOAT32).requiresGrad(true);
            conv.apply(x.to(DType.FLOAT32), w32).mul(r.to(DType.FLOAT32)).sum().backward();
            double[] g = host(w64.grad());
            int nonFinite = 0;
            for (double e : g) {
                nonFinite += Double.isFinite(e) ? 0 : 1;
            }
            assertTrue(nonFinite > 0 && nonFinite < g.length, "the reference has " + nonFinite + " non-finite");
            close(w64.grad(), w32.grad(), 1e-4, "non-finite");
        }));
        cases.add(named("second backward through a retained graph", () -> {
            Tensor x = randn(d, 334, 6, 2, 8, 8), w = randn(d, 335, 4, 2, 3, 3);
            Tensor w32 = w.detach().to(DType.FLOAT32).requiresGrad(true);
            Tensor loss = Convolution.conv2d(x.to(DType.FLOAT32), w32, null).square().sum();
            loss.backward(null, true);
            double[] once = host(w32.grad());
            loss.backward(null, false);
            double[] twice = host(w32.grad());
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], 1e-5 * (1 + Math.abs(once[i])), "at " + i);
            }
        }));
        cases.add(named("double backward in float32 (createGraph)", () -> {
            // d/dx of sum(dL/dw * m): the weight's gradient must be recorded, so its own gradient reaches x
            Tensor x = randn(d, 336, 5, 2, 7, 7), w = randn(d, 337, 3, 2, 3, 3), m = randn(d, 338, 3, 2, 3, 3);
            BinaryOperator<Tensor> conv = conv2d(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
            Tensor r = out(d, 339, x, w, conv);
            Tensor[] got = new Tensor[2];
            for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                Tensor xt = x.detach().to(t).requiresGrad(true), wt = w.detach().to(t).requiresGrad(true);
                Tensor gw = Autograd.grad(new Tensor[] {conv.apply(xt, wt).mul(r.to(t)).sum()}, new Tensor[] {wt},
                        null, true, true, false)[0];
                assertTrue(gw.requiresGrad(), t + ": the weight's gradient is recorded with createGraph");
                gw.mul(m.to(t)).sum().backward();
                got[t == DType.FLOAT64 ? 0 : 1] = xt.grad();
            }
            close(got[0], got[1], 1e-4, "double backward");
        }));
        all(cases);
    }
}
