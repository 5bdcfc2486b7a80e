package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * The direct convolution weight gradient ({@link ConvWeights}) against a float64 loop over the definition, with the
 * same bits for 1, 2 and 3 threads: the MNIST CNN's first convolution, several input channels, output channels and
 * column counts that are not multiples of the 4 x 4 block, positions that are not a multiple of the vector length,
 * strides, dilations, padding, and a batch that is not a multiple of the sample block.
 */
class ConvWeightsTest {
    /** {n, c, o, height, width, kH, kW, sH, sW, pT, pL, dH, dW}. */
    private static final int[][] CASES = {
        {64, 1, 16, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1}, {5, 3, 7, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1},
        {6, 2, 5, 10, 13, 3, 2, 2, 1, 0, 1, 1, 2}, {3, 1, 1, 6, 6, 1, 1, 1, 1, 0, 0, 1, 1},
        {9, 2, 3, 7, 9, 2, 3, 1, 2, 1, 1, 2, 1}, {2, 4, 9, 5, 5, 3, 3, 1, 1, 2, 2, 1, 1}};

    private static Window2d window(int[] c) {
        int oh = (c[3] + 2 * c[9] - c[11] * (c[5] - 1) - 1) / c[7] + 1;
        int ow = (c[4] + 2 * c[10] - c[12] * (c[6] - 1) - 1) / c[8] + 1;
        return new Window2d(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], oh, ow);
    }

    @Test
    void matchesTheDefinitionWithTheSameBitsForEveryThreadCount() {
        int before = CpuBackend.settings().threads();
        try {
            for (int[] c : CASES) {
                check(c);
            }
        } finally {
            CpuBackend.settings().setThreads(before);
        }
    }

    private static void check(int[] c) {
        Window2d g = window(c);
        int n = c[0], ch = c[1], o = c[2], h = c[3], w = c[4], taps = g.taps(), k = ch * taps, p = g.positions();
        Random rnd = new Random(Arrays.hashCode(c));
        float[] x = new float[n * ch * h * w], gy = new float[n * o * p];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < gy.length; i++) {
            gy[i] = (float) rnd.nextGaussian();
        }
        Layout xl = Layout.contiguous(new int[] {n, ch, h, w});
        Layout gl = Layout.contiguous(new int[] {n, o, g.outH(), g.outW()});
        Layout ol = Layout.contiguous(new int[] {o, k});
        String what = Arrays.toString(c);
        float[][] got = new float[3][];
        for (int t = 1; t <= 3; t++) {
            CpuBackend.settings().setThreads(t);
            CpuStorage out = CpuStorage.allocate(DType.FLOAT32, o * k);
            boolean ran = ConvWeights.weightGradient(new CpuStorage(DType.FLOAT32, x), xl,
                    new CpuStorage(DType.FLOAT32, gy), gl, g, out, ol);
            assertEquals(VectorKernels.ENABLED, ran, what);
            if (!ran) {
                return;
            }
            got[t - 1] = out.f();
        }
        assertArrayEquals(got[0], got[1], what + " 2 threads");
        assertArrayEquals(got[0], got[2], what + " 3 threads");
        for (int oc = 0; oc < o; oc++) {
            for (int kc = 0; kc < k; kc++) {
                int cc = kc / taps, t = kc % taps, ki = t / g.kernelW(), kj = t % g.kernelW();
                double want = 0, mag = 0;
                for (int s = 0; s < n; s++) {
                    for (int l = 0; l < p; l++) {
                        int hh = (l / g.outW()) * g.strideH() - g.padTop() + ki * g.dilationH();
                        int ww = (l % g.outW()) * g.strideW() - g.padLeft() + kj * g.dilationW();
                        if (hh < 0 || hh >= h || ww < 0 || ww >= w) {
                            continue;
                        }
                        double term = (double) gy[(s * o + oc) * p + l] * x[((s * ch + cc) * h + hh) * w + ww];
                        want += term;
                        mag += Math.abs(term);
                    }
                }
                assertEquals(want, got[0][oc * k + kc], 1e-5 * (1 + mag), what + " at " + oc + ", " + kc);
            }
        }
    }

    @Test
    void declinesWhatItDoesNotFuse() {
        Window2d g = new Window2d(8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8);
        Layout xl = Layout.contiguous(new int[] {2, 64, 8, 8}), gl = Layout.contiguous(new int[] {2, 64, 8, 8});
        Layout ol = Layout.contiguous(new int[] {64, 64 * 9});
        // 36,864 weights: the GEMM over the columns is faster
        assertFalse(ConvWeights.weightGradient(CpuStorage.allocate(DType.FLOAT32, 2 * 64 * 64),
                xl, CpuStorage.allocate(DType.FLOAT32, 2 * 64 * 64), gl, g,
                CpuStorage.allocate(DType.FLOAT32, 64 * 64 * 9), ol));
        Layout small = Layout.contiguous(new int[] {2, 1, 8, 8}), out = Layout.contiguous(new int[] {1, 9});
        // float64 goes through the columns
        assertFalse(ConvWeights.weightGradient(CpuStorage.allocate(DType.FLOAT64, 128), small,
                CpuStorage.allocate(DType.FLOAT64, 128), small, g, CpuStorage.allocate(DType.FLOAT64, 9), out));
        assertTrue(ConvWeights.MAX_WEIGHTS >= 16 * 25, "the MNIST CNN's first convolution is fused");
    }
}
