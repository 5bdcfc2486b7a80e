package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Window2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 im2col and col2im of {@link Windows} (col2im through the Vector API planes of {@link VectorWindows}
 * where the module is on and the horizontal stride is 1) give the bits of the scalar plane loops, with every thread
 * count, and what the float64 loops give: geometries with rows shorter and longer than a vector, padding, strides and
 * dilations, planes at an offset and at the very end of the array (whose whole-vector reads would leave it: the
 * scalar loop), and NaN, infinities and signed zeros among the values.
 */
class VectorWindowsTest {
    /** {height, width, kH, kW, sH, sW, pT, pL, dH, dW}. */
    private static final int[][] CONVS = {
        {28, 28, 5, 5, 1, 1, 2, 2, 1, 1}, {14, 14, 5, 5, 1, 1, 2, 2, 1, 1}, {7, 7, 3, 3, 1, 1, 1, 1, 1, 1},
        {6, 40, 3, 3, 1, 1, 0, 1, 1, 1}, {9, 11, 3, 2, 2, 1, 1, 0, 1, 2}, {5, 17, 2, 4, 3, 1, 2, 3, 2, 3},
        {3, 3, 3, 3, 1, 1, 2, 2, 1, 1}, {4, 33, 1, 7, 1, 1, 0, 3, 1, 1}, {10, 16, 4, 4, 2, 1, 0, 0, 1, 1},
        {9, 11, 3, 3, 2, 2, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0, 0, 1, 1}, {2, 50, 2, 9, 1, 1, 1, 4, 1, 2},
        // padding wider than the image (windows wholly in it), a one-column image, a kernel as wide as the image,
        // rows of exactly 8 and 16 and one more, a dilation of a whole vector, taller padding than the kernel
        {2, 2, 1, 1, 1, 1, 5, 5, 1, 1}, {3, 1, 2, 3, 1, 1, 1, 2, 1, 2}, {2, 40, 1, 40, 1, 1, 0, 0, 1, 1},
        {4, 8, 3, 3, 1, 1, 1, 1, 1, 1}, {4, 16, 3, 3, 1, 1, 1, 1, 1, 1}, {3, 17, 2, 5, 1, 1, 0, 2, 1, 1},
        {2, 40, 1, 3, 1, 1, 0, 0, 1, 16}, {3, 9, 2, 2, 3, 1, 4, 0, 2, 1},
        // more window positions than fit the padded input (ceil mode): the last windows hang off the right and bottom
        {5, 6, 2, 3, 2, 1, 1, 1, 1, 1, 4, 7}, {3, 19, 3, 2, 1, 1, 0, 0, 1, 2, 3, 20}, {4, 4, 2, 2, 2, 1, 0, 1, 1, 1, 3, 6}};

    private static Window2d window(int[] c) {
        if (c.length == 12) { // the window positions given, as pooling's ceil mode and fold give them
            return new Window2d(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]);
        }
        int oh = (c[0] + 2 * c[6] - c[8] * (c[2] - 1) - 1) / c[4] + 1;
        int ow = (c[1] + 2 * c[7] - c[9] * (c[3] - 1) - 1) / c[5] + 1;
        return new Window2d(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], oh, ow);
    }

    private static float value(Random rnd) {
        int kind = rnd.nextInt(40);
        return switch (kind) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> -0f;
            case 4 -> 0f;
            default -> (float) rnd.nextGaussian();
        };
    }

    @Test
    void im2colAndCol2imGiveTheScalarBitsWithEveryThreadCount() {
        int before = CpuBackend.settings().threads();
        try {
            for (int[] c : CONVS) {
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
        Random rnd = new Random(Arrays.hashCode(c) + (special ? 1 : 0));
        int planes = 6, hw = c[0] * c[1], plane = g.taps() * g.positions();
        int imgOffset = 3, colsOffset = 5; // images and columns start inside their arrays, and end with them
        float[] x = new float[imgOffset + planes * hw];
        float[] cols = new float[colsOffset + planes * plane];
        for (int i = 0; i < x.length; i++) {
            x[i] = special ? value(rnd) : (float) rnd.nextGaussian();
        }
        for (int i = 0; i < cols.length; i++) {
            cols[i] = special ? value(rnd) : (float) rnd.nextGaussian();
        }
        Layout img = new Layout(new int[] {2, 3, c[0], c[1]}, Layout.contiguous(new int[] {2, 3, c[0], c[1]}).strides(),
                imgOffset);
        int[] colsShape = {2, 3 * g.taps(), g.positions()};
        Layout colsLayout = new Layout(colsShape, Layout.contiguous(colsShape).strides(), colsOffset);
        String what = Arrays.toString(c) + (special ? " with NaN, infinities and zeros" : "");
        for (float pad : new float[] {0f, Float.NEGATIVE_INFINITY}) {
            float[] want = new float[cols.length];
            for (int p = 0; p < planes; p++) {
                Windows.im2colF(x, imgOffset + p * hw, want, colsOffset + p * plane, g, pad);
            }
            for (int t = 1; t <= 3; t++) {
                CpuBackend.settings().setThreads(t);
                float[] got = new float[cols.length];
                Windows.im2col(new CpuStorage(DType.FLOAT32, x), img, g, pad, new CpuStorage(DType.FLOAT32, got),
                        colsLayout);
                assertBits(want, got, colsOffset, what + " im2col pad " + pad + ", " + t + " threads");
            }
        }
        float[] want = new float[x.length];
        for (int p = 0; p < planes; p++) {
            Windows.col2imF(cols, colsOffset + p * plane, want, imgOffset + p * hw, g);
        }
        for (int t = 1; t <= 3; t++) {
            CpuBackend.settings().setThreads(t);
            float[] got = new float[x.length];
            Arrays.fill(got, Float.NaN); // col2im writes every element of its planes
            got[0] = 7f;
            Windows.col2im(new CpuStorage(DType.FLOAT32, cols), colsLayout, g, new CpuStorage(DType.FLOAT32, got), img);
            assertEquals(7f, got[0], what + " col2im wrote before its planes");
            assertBits(want, got, imgOffset, what + " col2im, " + t + " threads");
        }
        if (!special) { // and the float64 loop agrees
            double[] cd = new double[cols.length];
            for (int i = 0; i < cd.length; i++) {
                cd[i] = cols[i];
            }
            double[] xd = new double[x.length];
            Windows.col2im(new CpuStorage(DType.FLOAT64, cd), colsLayout, g, new CpuStorage(DType.FLOAT64, xd), img);
            for (int i = imgOffset; i < x.length; i++) {
                assertEquals(xd[i], want[i], 1e-5 * (1 + Math.abs(xd[i])), what + " col2im float64 at " + i);
            }
        }
    }

    private static void assertBits(float[] want, float[] got, int from, String what) {
        for (int i = from; i < want.length; i++) {
            int a = Float.floatToRawIntBits(want[i]), b = Float.floatToRawIntBits(got[i]);
            if (Float.isNaN(want[i]) && Float.isNaN(got[i])) {
                continue;
            }
            assertTrue(a == b, what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
