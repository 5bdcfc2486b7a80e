package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.distinct;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Pooling;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Pooling and resampling (issue 13): maxPool2d (stride, padding, dilation, ceil mode, indices), avgPool2d
 * (count_include_pad, ceil mode, divisor override), adaptiveAvgPool2d and interpolate (nearest, bilinear with and
 * without align_corners). Values against direct loops written here, gradcheck in float64 on every device (max
 * pooling on distinct values, so no ties), node names, and PyTorch's messages.
 */
@DisplayNameGeneration(ConformanceNames.class)
class PoolingTest {

    private static double[] host(Tensor t) {
        return t.detach().to(DType.FLOAT64).toDoubleArray();
    }

    private static void close(double[] expected, Tensor actual, double tol) {
        assertArrayEquals(expected, host(actual), tol);
    }

    private static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    private static int pooled(int in, int k, int p, int s, int d, boolean ceil) {
        int num = in + 2 * p - d * (k - 1) - 1;
        int out = (ceil ? (num + s - 1) / s : num / s) + 1;
        if (ceil && (out - 1) * s >= in + p) {
            out--;
        }
        return out;
    }

    /** Direct max pooling over planes [planes, h, w]: values then flat indices. */
    private static double[][] directMax(double[] x, int planes, int h, int w, int[] k, int[] s, int[] p, int[] d,
                                        boolean ceil) {
        int oh = pooled(h, k[0], p[0], s[0], d[0], ceil), ow = pooled(w, k[1], p[1], s[1], d[1], ceil);
        double[] v = new double[planes * oh * ow], idx = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int i = 0; i < k[0]; i++) {
                        for (int j = 0; j < k[1]; j++) {
                            int r = y * s[0] - p[0] + i * d[0], q = xx * s[1] - p[1] + j * d[1];
                            if (r >= 0 && r < h && q >= 0 && q < w && (at < 0 || x[(pl * h + r) * w + q] > best)) {
                                best = x[(pl * h + r) * w + q];
                                at = r * w + q;
                            }
                        }
                    }
                    v[(pl * oh + y) * ow + xx] = best;
                    idx[(pl * oh + y) * ow + xx] = at;
                }
            }
        }
        return new double[][] {v, idx};
    }

    /** Direct average pooling as PyTorch's kernel divides. */
    private static double[] directAvg(double[] x, int planes, int h, int w, int[] k, int[] s, int[] p, boolean ceil,
                                      boolean includePad) {
        int oh = pooled(h, k[0], p[0], s[0], 1, ceil), ow = pooled(w, k[1], p[1], s[1], 1, ceil);
        double[] out = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    int h0 = y * s[0] - p[0], w0 = xx * s[1] - p[1];
                    int h1 = Math.min(h0 + k[0], h + p[0]), w1 = Math.min(w0 + k[1], w + p[1]);
                    int size = (h1 - h0) * (w1 - w0);
                    h0 = Math.max(h0, 0);
                    w0 = Math.max(w0, 0);
                    h1 = Math.min(h1, h);
                    w1 = Math.min(w1, w);
                    double sum = 0;
                    for (int r = h0; r < h1; r++) {
                        for (int q = w0; q < w1; q++) {
                            sum += x[(pl * h + r) * w + q];
                        }
                    }
                    out[(pl * oh + y) * ow + xx] = sum / (includePad ? size : (h1 - h0) * (w1 - w0));
                }
            }
        }
        return out;
    }

    @AllDevices
    void maxPool2d(Device d) {
        List<Executable> cases = new ArrayList<>();
        int[][] settings = { // kernel, stride, padding, dilation (per dim), ceil
            {2, 2, 2, 2, 0, 0, 1, 1, 0},
            {3, 3, 2, 2, 1, 1, 1, 1, 0},
            {3, 2, 2, 1, 1, 0, 1, 1, 1},
            {2, 2, 1, 2, 0, 1, 2, 1, 0},
            {3, 3, 2, 2, 0, 1, 1, 2, 1},
        };
        long seed = 60;
        for (int[] st : settings) {
            int[] k = {st[0], st[1]}, s = {st[2], st[3]}, p = {st[4], st[5]}, dl = {st[6], st[7]};
            boolean ceil = st[8] == 1;
            Tensor x = distinct(d, seed++, 2, 3, 7, 6);
            String name = java.util.Arrays.toString(st);
            cases.add(named(name + " values and indices", () -> {
                double[][] want = directMax(host(x), 6, 7, 6, k, s, p, dl, ceil);
                Tensor.ValuesIndices r = Pooling.maxPool2dWithIndices(x, k, s, p, dl, ceil);
                close(want[0], r.values(), 0);
                close(want[1], r.indices(), 0);
                assertEquals(DType.INT64, r.indices().dtype());
                assertEquals("MaxPool2DWithIndicesBackward0", r.values().gradFn().name());
            }));
            cases.add(named(name + " gradcheck", () -> check1(t -> Pooling.maxPool2d(t, k, s, p, dl, ceil), x)));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Pooling.maxPool2d(
                in[0].square(), new int[] {2}), distinct(d, 70, 1, 2, 4, 4)))));
        cases.add(named("overlapping windows sum their gradient", () -> {
            Tensor x = GradChecks.leaf(d, new double[] {1, 9, 2, 3}, 1, 1, 4);
            Pooling.maxPool2d(x, new int[] {1, 2}, new int[] {1}, new int[] {0}, new int[] {1}, false).sum()
                    .backward();
            close(new double[] {0, 2, 0, 1}, x.grad(), 0);
        }));
        cases.add(named("unbatched, float32, default stride", () -> {
            Tensor x = distinct(d, 71, 3, 4, 4);
            Tensor y = Pooling.maxPool2d(x.to(DType.FLOAT32), new int[] {2});
            assertArrayEquals(new int[] {3, 2, 2}, y.shape().toArray());
            close(directMax(host(x), 3, 4, 4, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                    new int[] {1, 1}, false)[0], y, 1e-6);
        }));
        cases.add(named("rank", () -> assertEquals("non-empty 3D or 4D (batch mode) tensor expected for input",
                message(() -> Pooling.maxPool2d(Tensor.zeros(4, 4).to(d), new int[] {2})))));
        cases.add(named("padding", () -> assertEquals("pad should be smaller than or equal to half of kernel size, "
                + "but got padW = 2, padH = 2, kW = 2, kH = 2", message(() -> Pooling.maxPool2d(
                        Tensor.zeros(1, 4, 4).to(d), new int[] {2}, null, new int[] {2}, new int[] {1}, false)))));
        cases.add(named("output too small", () -> assertEquals("Given input size: (1x2x2). Calculated output size: "
                + "(1x0x0). Output size is too small", message(() -> Pooling.maxPool2d(Tensor.zeros(1, 2, 2).to(d),
                        new int[] {3})))));
        all(cases);
    }

    @AllDevices
    void avgPool2d(Device d) {
        List<Executable> cases = new ArrayList<>();
        int[][] settings = { // kernel, stride, padding (per dim), ceil, count_include_pad
            {2, 2, 2, 2, 0, 0, 0, 1},
            {3, 3, 2, 2, 1, 1, 0, 1},
            {3, 3, 2, 2, 1, 1, 0, 0},
            {3, 2, 2, 3, 1, 1, 1, 1},
            {3, 2, 2, 3, 1, 0, 1, 0},
        };
        long seed = 80;
        for (int[] st : settings) {
            int[] k = {st[0], st[1]}, s = {st[2], st[3]}, p = {st[4], st[5]};
            boolean ceil = st[6] == 1, include = st[7] == 1;
            Tensor x = randn(d, seed++, 2, 2, 7, 6);
            String name = java.util.Arrays.toString(st);
            cases.add(named(name + " values", () -> {
                Tensor y = Pooling.avgPool2d(x, k, s, p, ceil, include, null);
                close(directAvg(host(x), 4, 7, 6, k, s, p, ceil, include), y, 1e-12);
                assertEquals("AvgPool2DBackward0", y.gradFn().name());
            }));
            cases.add(named(name + " gradcheck", () -> check1(t -> Pooling.avgPool2d(t, k, s, p, ceil, include,
                    null), x)));
        }
        cases.add(named("divisor override", () -> {
            Tensor x = randn(d, 90, 1, 1, 4, 4);
            close(host(Pooling.avgPool2d(x, new int[] {2}).mul(4.0 / 3)),
                    Pooling.avgPool2d(x, new int[] {2}, null, new int[] {0}, false, true, 3), 1e-12);
            check1(t -> Pooling.avgPool2d(t, new int[] {2}, new int[] {1}, new int[] {1}, true, false, 5), x);
        }));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Pooling.avgPool2d(
                in[0].square(), new int[] {2}, new int[] {1}, new int[] {1}, false, false, null),
                randn(d, 91, 1, 1, 3, 3)))));
        cases.add(named("divisor zero", () -> assertEquals("divisor must be not zero", message(() ->
                Pooling.avgPool2d(Tensor.zeros(1, 4, 4).to(d), new int[] {2}, null, new int[] {0}, false, true, 0)))));
        all(cases);
    }

    @AllDevices
    void adaptiveAvgPool2d(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 100, 2, 3, 7, 5);
        cases.add(named("values", () -> {
            double[] hx = host(x), want = new double[6 * 3 * 2];
            for (int pl = 0; pl < 6; pl++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 2; j++) {
                        int h0 = i * 7 / 3, h1 = ((i + 1) * 7 + 2) / 3, w0 = j * 5 / 2, w1 = ((j + 1) * 5 + 1) / 2;
                        double sum = 0;
                        for (int r = h0; r < h1; r++) {
                            for (int q = w0; q < w1; q++) {
                                sum += hx[(pl * 7 + r) * 5 + q];
                            }
                        }
                        want[(pl * 3 + i) * 2 + j] = sum / ((h1 - h0) * (w1 - w0));
                    }
                }
            }
            Tensor y = Pooling.adaptiveAvgPool2d(x, new int[] {3, 2});
            close(want, y, 1e-12);
            assertEquals("AdaptiveAvgPool2DBackward0", y.gradFn().name());
        }));
        cases.add(named("gradcheck", () -> {
            check1(t -> Pooling.adaptiveAvgPool2d(t, new int[] {3, 2}), x);
            check1(t -> Pooling.adaptiveAvgPool2d(t, new int[] {9}), randn(d, 101, 2, 4, 6));
        }));
        cases.add(named("1 x 1 is a mean", () -> {
            Tensor y = Pooling.adaptiveAvgPool2d(x, new int[] {1});
            assertArrayEquals(new int[] {2, 3, 1, 1}, y.shape().toArray());
            assertEquals("MeanBackward1", y.gradFn().name());
            close(host(x.mean(new int[] {2, 3}, true)), y, 1e-12);
        }));
        cases.add(named("rank", () -> assertEquals("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [2, 2]",
                message(() -> Pooling.adaptiveAvgPool2d(Tensor.zeros(2, 2).to(d), new int[] {1})))));
        all(cases);
    }

    @AllDevices
    void interpolate(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 110, 1, 2, 3, 4);
        cases.add(named("nearest values", () -> {
            Tensor y = Pooling.interpolate(x, new int[] {5, 6}, null, "nearest", null);
            double[] hx = host(x), want = new double[2 * 5 * 6];
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 6; j++) {
                        int r = Math.min((int) Math.floor(i * (3.0 / 5)), 2);
                        int q = Math.min((int) Math.floor(j * (4.0 / 6)), 3);
                        want[(c * 5 + i) * 6 + j] = hx[(c * 3 + r) * 4 + q];
                    }
                }
            }
            close(want, y, 0);
            assertEquals("UpsampleNearest2DBackward0", y.gradFn().name());
            close(host(x.indexSelect(2, Tensor.of(new long[] {0, 0, 1, 1, 2, 2}, 6).to(d))
                    .indexSelect(3, Tensor.of(new long[] {0, 0, 1, 1, 2, 2, 3, 3}, 8).to(d))),
                    Pooling.interpolate(x, null, new double[] {2}, "nearest", null), 0);
        }));
        for (boolean align : new boolean[] {false, true}) {
            cases.add(named("bilinear values, align_corners=" + align, () -> {
                Tensor y = Pooling.interpolate(x, new int[] {5, 7}, null, "bilinear", align);
                double[] hx = host(x), want = new double[2 * 5 * 7];
                for (int c = 0; c < 2; c++) {
                    for (int i = 0; i < 5; i++) {
                        for (int j = 0; j < 7; j++) {
                            double sr = align ? i * 2.0 / 4 : Math.max((i + 0.5) * 3 / 5 - 0.5, 0);
                            double sq = align ? j * 3.0 / 6 : Math.max((j + 0.5) * 4 / 7 - 0.5, 0);
                            int r0 = (int) sr, q0 = (int) sq, r1 = Math.min(r0 + 1, 2), q1 = Math.min(q0 + 1, 3);
                            double a = sr - r0, b = sq - q0;
                            want[(c * 5 + i) * 7 + j] = (1 - a) * ((1 - b) * hx[(c * 3 + r0) * 4 + q0]
                                    + b * hx[(c * 3 + r0) * 4 + q1]) + a * ((1 - b) * hx[(c * 3 + r1) * 4 + q0]
                                    + b * hx[(c * 3 + r1) * 4 + q1]);
                        }
                    }
                }
                close(want, y, 1e-12);
                assertEquals("UpsampleBilinear2DBackward0", y.gradFn().name());
            }));
            cases.add(named("bilinear gradcheck, align_corners=" + align, () -> {
                check1(t -> Pooling.interpolate(t, new int[] {5, 7}, null, "bilinear", align), x);
                check1(t -> Pooling.interpolate(t, new int[] {2, 3}, null, "bilinear", align), x);
            }));
        }
        cases.add(named("nearest gradcheck", () -> {
            check1(t -> Pooling.interpolate(t, new int[] {5, 6}, null, "nearest", null), x);
            check1(t -> Pooling.interpolate(t, new int[] {2, 3}, null, "nearest", null), x);
        }));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Pooling.interpolate(
                in[0].square(), null, new double[] {1.5}, "bilinear", false), randn(d, 111, 1, 1, 2, 3)))));
        cases.add(named("bad arguments", () -> {
            assertEquals("only one of size or scale_factor should be defined", message(() -> Pooling.interpolate(x,
                    new int[] {2}, new double[] {2}, "nearest", null)));
            assertEquals("either size or scale_factor should be defined", message(() -> Pooling.interpolate(x,
                    null, null, "nearest", null)));
            assertEquals("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                    + "bicubic | trilinear", message(() -> Pooling.interpolate(x, new int[] {2}, null, "nearest",
                            false)));
            assertEquals("Got 3D input, but bilinear mode needs 4D input", message(() -> Pooling.interpolate(
                    x.select(0, 0), new int[] {2}, null, "bilinear", false)));
        }));
        all(cases);
    }
}
