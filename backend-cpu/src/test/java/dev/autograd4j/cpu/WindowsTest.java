package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Window2d;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 window kernels' fast paths give what the general float64 loops give on the same values: max pooling
 * with every window inside the image (NaN and ties included), im2col and col2im.
 */
class WindowsTest {
    /** {height, width, kH, kW, sH, sW, pT, pL, dH, dW}. */
    private static final int[][] POOLS = {
        {28, 28, 2, 2, 2, 2, 0, 0, 1, 1}, {14, 14, 2, 2, 2, 2, 0, 0, 1, 1}, {7, 9, 3, 3, 2, 2, 0, 0, 1, 1},
        {9, 8, 2, 3, 1, 2, 0, 0, 2, 1}, {7, 7, 2, 2, 1, 1, 0, 0, 1, 1}, {8, 8, 3, 3, 2, 2, 1, 1, 1, 1}};

    private static Window2d window(int[] c) {
        int oh = (c[0] + 2 * c[6] - c[8] * (c[2] - 1) - 1) / c[4] + 1;
        int ow = (c[1] + 2 * c[7] - c[9] * (c[3] - 1) - 1) / c[5] + 1;
        return new Window2d(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], oh, ow);
    }

    @Test
    void maxPoolFloat32MatchesTheFloat64Loop() {
        Random rnd = new Random(11);
        for (int[] c : POOLS) {
            Window2d g = window(c);
            int planes = 6, hw = c[0] * c[1], n = planes * hw, outN = planes * g.positions();
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(20);
                f[i] = kind == 0 ? Float.NaN : kind < 4 ? 1f : kind == 4 ? Float.NEGATIVE_INFINITY
                        : (float) rnd.nextGaussian();
                d[i] = f[i];
            }
            Layout in = Layout.contiguous(new int[] {2, 3, c[0], c[1]});
            Layout out = Layout.contiguous(new int[] {2, 3, g.outH(), g.outW()});
            CpuStorage of = CpuStorage.allocate(DType.FLOAT32, outN), od = CpuStorage.allocate(DType.FLOAT64, outN);
            CpuStorage tf = CpuStorage.allocate(DType.INT64, outN), td = CpuStorage.allocate(DType.INT64, outN);
            Windows.maxPool2d(new CpuStorage(DType.FLOAT32, f), in, g, of, out, tf, out);
            Windows.maxPool2d(new CpuStorage(DType.FLOAT64, d), in, g, od, out, td, out);
            String what = java.util.Arrays.toString(c);
            assertArrayEquals(td.l(), tf.l(), what);
            for (int i = 0; i < outN; i++) {
                assertEquals((float) od.d()[i], of.f()[i], 0, what + " at " + i);
            }
        }
    }

    @Test
    void im2colAndCol2imFloat32MatchFloat64() {
        Random rnd = new Random(12);
        int[][] convs = {{14, 14, 5, 5, 1, 1, 2, 2, 1, 1}, {7, 7, 3, 3, 1, 1, 1, 1, 1, 1}, {28, 28, 5, 5, 1, 1, 2, 2, 1, 1},
            {9, 11, 3, 2, 2, 1, 1, 0, 1, 2}, {6, 40, 3, 3, 1, 1, 0, 1, 1, 1}};
        for (int[] c : convs) {
            Window2d g = window(c);
            int planes = 6, hw = c[0] * c[1], n = planes * hw, colsN = planes * g.taps() * g.positions();
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = f[i] = (float) rnd.nextGaussian();
            }
            Layout img = Layout.contiguous(new int[] {2, 3, c[0], c[1]});
            Layout cols = Layout.contiguous(new int[] {2, 3 * g.taps(), g.positions()});
            CpuStorage cf = CpuStorage.allocate(DType.FLOAT32, colsN), cd = CpuStorage.allocate(DType.FLOAT64, colsN);
            Windows.im2col(new CpuStorage(DType.FLOAT32, f), img, g, 0, cf, cols);
            Windows.im2col(new CpuStorage(DType.FLOAT64, d), img, g, 0, cd, cols);
            String what = java.util.Arrays.toString(c);
            for (int i = 0; i < colsN; i++) {
                assertEquals((float) cd.d()[i], cf.f()[i], 0, what + " im2col at " + i);
            }
            float[] gf = new float[colsN];
            double[] gd = new double[colsN];
            for (int i = 0; i < colsN; i++) {
                gd[i] = gf[i] = (float) rnd.nextGaussian();
            }
            CpuStorage xf = CpuStorage.allocate(DType.FLOAT32, n), xd = CpuStorage.allocate(DType.FLOAT64, n);
            Windows.col2im(new CpuStorage(DType.FLOAT32, gf), cols, g, xf, img);
            Windows.col2im(new CpuStorage(DType.FLOAT64, gd), cols, g, xd, img);
            for (int i = 0; i < n; i++) {
                assertEquals(xd.d()[i], xf.f()[i], 1e-5 * (1 + Math.abs(xd.d()[i])), what + " col2im at " + i);
            }
        }
    }

    @Test
    void maxPoolBackwardAddsEachGradientOnItsWinner() {
        Random rnd = new Random(13);
        // windows that tile the plane, and windows that overlap, leave a remainder or reach into the padding
        int[][] pools = {{28, 28, 2, 2, 2, 2, 0, 0, 1, 1}, {14, 14, 2, 2, 2, 2, 0, 0, 1, 1}, {9, 6, 3, 3, 3, 3, 0, 0, 1, 1},
            {6, 8, 3, 2, 3, 2, 0, 0, 1, 1}, {7, 7, 2, 2, 2, 2, 0, 0, 1, 1}, {8, 8, 3, 3, 2, 2, 1, 1, 1, 1}};
        for (int[] c : pools) {
            Window2d g = window(c);
            int planes = 6, hw = c[0] * c[1], posN = planes * g.positions();
            long[] taps = new long[posN];
            float[] gf = new float[posN];
            double[] gd = new double[posN];
            for (int i = 0; i < posN; i++) {
                taps[i] = rnd.nextInt(g.taps());
                gd[i] = gf[i] = i % 7 == 0 ? -0f : (float) rnd.nextGaussian();
            }
            double[] want = new double[planes * hw];
            float[] wantF = new float[planes * hw];
            for (int p = 0; p < planes; p++) {
                for (int l = 0; l < g.positions(); l++) {
                    int t = (int) taps[p * g.positions() + l];
                    int h = (l / g.outW()) * g.strideH() - g.padTop() + t / g.kernelW();
                    int w = (l % g.outW()) * g.strideW() - g.padLeft() + t % g.kernelW();
                    if (h >= 0 && h < c[0] && w >= 0 && w < c[1]) {
                        want[p * hw + h * c[1] + w] += gd[p * g.positions() + l];
                        wantF[p * hw + h * c[1] + w] += gf[p * g.positions() + l];
                    }
                }
            }
            Layout in = Layout.contiguous(new int[] {2, 3, c[0], c[1]});
            Layout out = Layout.contiguous(new int[] {2, 3, g.outH(), g.outW()});
            CpuStorage xf = CpuStorage.allocate(DType.FLOAT32, planes * hw);
            CpuStorage xd = CpuStorage.allocate(DType.FLOAT64, planes * hw);
            java.util.Arrays.fill(xf.f(), Float.NaN); // every element is written
            java.util.Arrays.fill(xd.d(), Double.NaN);
            CpuStorage tp = new CpuStorage(DType.INT64, taps);
            Windows.maxPool2dBackward(new CpuStorage(DType.FLOAT32, gf), out, tp, out, g, xf, in);
            Windows.maxPool2dBackward(new CpuStorage(DType.FLOAT64, gd), out, tp, out, g, xd, in);
            String what = java.util.Arrays.toString(c);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(xd.d()[i]), what + " at " + i);
                assertEquals(Float.floatToRawIntBits(wantF[i]), Float.floatToRawIntBits(xf.f()[i]),
                        what + " float32 at " + i);
            }
        }
    }
}
