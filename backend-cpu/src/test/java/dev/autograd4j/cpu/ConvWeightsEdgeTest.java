package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Window2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Edge cases of the direct convolution weight gradient ({@link ConvWeights}) that {@code ConvWeightsTest} leaves
 * out: batches of 1 to 9 samples (every remainder of the block of 4), one output channel and one column (every
 * clamped row of the 4 x 4 kernel), a single window position and position counts either side of the vector length,
 * weights at the 4096-element gate and one past it, operands at offsets inside larger arrays with NaN around them,
 * NaN and infinities inside them (propagated where the columns' product propagates them: an infinite gradient
 * times a padding zero is NaN, as in the GEMM over the columns), and the same bits for 1, 2 and 3 threads.
 */
class ConvWeightsEdgeTest {
    private static final int VL = VectorConv.VL;

    /** {n, c, o, height, width, kH, kW, sH, sW, pT, pL, dH, dW}. */
    private static final int[][] CASES = {
        {1, 1, 1, 3, 3, 3, 3, 1, 1, 0, 0, 1, 1}, // one position, one sample, one output channel
        {2, 1, 1, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1}, // 9 positions
        {3, 2, 2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1}, // 25 positions
        {5, 1, 3, 4, VL + 3, 1, 4, 1, 1, 0, 0, 1, 1}, // 4 x VL positions: no padded tail
        {7, 1, 3, 1, VL + 1, 1, 2, 1, 1, 0, 0, 1, 1}, // VL positions exactly
        {6, 1, 2, 1, VL + 2, 1, 2, 1, 1, 0, 0, 1, 1}, // VL + 1 positions
        {8, 3, 6, 6, 7, 2, 3, 2, 3, 1, 2, 2, 1}, // every stride, padding and dilation
        {9, 2, 5, 11, 5, 4, 1, 3, 1, 3, 0, 1, 1}, // padding larger than the stride, tall kernel
        {4, 16, 16, 6, 6, 4, 4, 1, 1, 1, 1, 1, 1}, // 16 x 256 = 4096 weights: the gate's largest
        {4, 1, 1, 70, 70, 64, 64, 1, 1, 0, 0, 1, 1}, // 1 x 4096 weights, 49 positions
        {5, 4, 1, 9, 9, 1, 1, 1, 1, 0, 0, 1, 1}, // 1 x 1 kernel
    };

    private static Window2d window(int[] c) {
        int oh = (c[3] + 2 * c[9] - c[11] * (c[5] - 1) - 1) / c[7] + 1;
        int ow = (c[4] + 2 * c[10] - c[12] * (c[6] - 1) - 1) / c[8] + 1;
        return new Window2d(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], oh, ow);
    }

    private static float value(Random rnd, boolean special) {
        if (special) {
            int kind = rnd.nextInt(200);
            if (kind == 0) {
                return Float.NaN;
            } else if (kind == 1) {
                return Float.POSITIVE_INFINITY;
            } else if (kind == 2) {
                return Float.NEGATIVE_INFINITY;
            }
        }
        return (float) rnd.nextGaussian();
    }

    @Test
    void edgeCasesMatchTheColumnsProductWithTheSameBitsForEveryThreadCount() {
        int before = CpuBackend.settings().threads();
        try {
            for (int[] c : CASES) {
                for (boolean special : new boolean[] {false, true}) {
                    check(c, special);
                }
            }
        } finally {
            CpuBackend.settings().setThreads(before);
        }
    }

    private static void check(int[] c, boolean special) {
        Window2d g = window(c);
        int n = c[0], ch = c[1], o = c[2], h = c[3], w = c[4], taps = g.taps(), k = ch * taps, p = g.positions();
        Random rnd = new Random(Arrays.hashCode(c) * 31L + (special ? 1 : 0));
        int xOff = 5, gOff = 3, oOff = 7;
        float[] x = new float[xOff + n * ch * h * w + 11], gy = new float[gOff + n * o * p + 13];
        Arrays.fill(x, Float.NaN); // outside the operands: never read
        Arrays.fill(gy, Float.NaN);
        for (int i = 0; i < n * ch * h * w; i++) {
            x[xOff + i] = value(rnd, special);
        }
        for (int i = 0; i < n * o * p; i++) {
            gy[gOff + i] = value(rnd, special);
        }
        Layout xl = new Layout(new int[] {n, ch, h, w}, Layout.contiguous(new int[] {n, ch, h, w}).strides(), xOff);
        int[] gs = {n, o, g.outH(), g.outW()};
        Layout gl = new Layout(gs, Layout.contiguous(gs).strides(), gOff);
        Layout ol = new Layout(new int[] {o, k}, Layout.contiguous(new int[] {o, k}).strides(), oOff);
        String what = Arrays.toString(c) + (special ? " with NaN and infinities" : "") + ", VL " + VL;
        float[][] got = new float[3][];
        for (int t = 1; t <= 3; t++) {
            CpuBackend.settings().setThreads(t);
            float[] out = new float[oOff + o * k + 9];
            Arrays.fill(out, 42f);
            boolean ran = ConvWeights.weightGradient(new CpuStorage(DType.FLOAT32, x), xl,
                    new CpuStorage(DType.FLOAT32, gy), gl, g, new CpuStorage(DType.FLOAT32, out), ol);
            assertEquals(VectorKernels.ENABLED && partFits(n, o, k, p), ran, what);
            if (!ran) {
                return;
            }
            for (int i = 0; i < oOff; i++) {
                assertEquals(42f, out[i], what + ": wrote before its output");
            }
            for (int i = oOff + o * k; i < out.length; i++) {
                assertEquals(42f, out[i], what + ": wrote past its output");
            }
            got[t - 1] = Arrays.copyOfRange(out, oOff, oOff + o * k);
        }
        for (int t = 1; t < 3; t++) {
            for (int i = 0; i < o * k; i++) {
                assertEquals(Float.floatToIntBits(got[0][i]), Float.floatToIntBits(got[t][i]),
                        what + ", " + (t + 1) + " threads at " + i);
            }
        }
        for (int oc = 0; oc < o; oc++) {
            for (int kc = 0; kc < k; kc++) {
                int cc = kc / taps, tap = kc % taps, ki = tap / g.kernelW(), kj = tap % g.kernelW();
                double want = 0, mag = 0;
                for (int s = 0; s < n; s++) {
                    for (int l = 0; l < p; l++) {
                        int hh = (l / g.outW()) * g.strideH() - g.padTop() + ki * g.dilationH();
                        int ww = (l % g.outW()) * g.strideW() - g.padLeft() + kj * g.dilationW();
                        boolean inside = hh >= 0 && hh < h && ww >= 0 && ww < w;
                        double col = inside ? x[xOff + ((s * ch + cc) * h + hh) * w + ww] : 0; // the column's value
                        double term = (double) gy[gOff + (s * o + oc) * p + l] * col;
                        want += term;
                        mag += Math.abs(term);
                    }
                }
                float have = got[0][oc * k + kc];
                String at = what + " at " + oc + ", " + kc + ": want " + want + ", got " + have;
                if (Double.isNaN(want)) {
                    assertTrue(Float.isNaN(have), at);
                } else if (Double.isInfinite(want)) {
                    assertEquals((float) want, have, at);
                } else {
                    assertEquals(want, have, 1e-5 * (1 + mag), at);
                }
            }
        }
    }

    /** Whether the blocks' partial sums fit the gate: no more floats than the output gradient (or 1M). */
    private static boolean partFits(int n, int o, int k, int p) {
        long part = (long) (n + 3) / 4 * ((o + 3) / 4 * 4) * ((k + 3) / 4 * 4) * VL;
        return part <= Math.max((long) o * n * p, ConvWeights.MIN_PART);
    }

    @Test
    void declinesWhereItsPartialSumsWouldOutgrowTheOutputGradient() {
        // a 1 x 4096 weight over 1 x 1 outputs: 4 x 4096 x VL floats of partial sums per 4 samples, where the GEMM
        // path's transposed output gradient has 1 float a sample (at 32k samples and VL = 16, past an int's range)
        int n = 256;
        Window2d g = new Window2d(64, 64, 64, 64, 1, 1, 0, 0, 1, 1, 1, 1);
        assertFalse(ConvWeights.weightGradient(CpuStorage.allocate(DType.FLOAT32, n * 4096),
                Layout.contiguous(new int[] {n, 1, 64, 64}), CpuStorage.allocate(DType.FLOAT32, n),
                Layout.contiguous(new int[] {n, 1, 1, 1}), g, CpuStorage.allocate(DType.FLOAT32, 4096),
                Layout.contiguous(new int[] {1, 4096})));
    }

    @Test
    void declinesOnePastTheGateAndMismatchedShapes() {
        // 4097 = 17 x 241 weights: one past the gate; the caller's columns and matmul run
        Window2d g = new Window2d(4, 4, 1, 1, 1, 1, 0, 0, 1, 1, 4, 4);
        Layout xl = Layout.contiguous(new int[] {2, 241, 4, 4}), gl = Layout.contiguous(new int[] {2, 17, 4, 4});
        assertFalse(ConvWeights.weightGradient(CpuStorage.allocate(DType.FLOAT32, 2 * 241 * 16), xl,
                CpuStorage.allocate(DType.FLOAT32, 2 * 17 * 16), gl, g, CpuStorage.allocate(DType.FLOAT32, 17 * 241),
                Layout.contiguous(new int[] {17, 241})));
        // a gradient whose batch is not the input's
        Window2d g3 = new Window2d(4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 4);
        assertFalse(ConvWeights.weightGradient(CpuStorage.allocate(DType.FLOAT32, 2 * 16),
                Layout.contiguous(new int[] {2, 1, 4, 4}), CpuStorage.allocate(DType.FLOAT32, 3 * 2 * 16),
                Layout.contiguous(new int[] {3, 2, 4, 4}), g3, CpuStorage.allocate(DType.FLOAT32, 18),
                Layout.contiguous(new int[] {2, 9})));
    }
}
