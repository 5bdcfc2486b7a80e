package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.NormShape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused normalization kernels ({@link Norms}) and the softmax gradient kernel on many threads give exactly
 * (bit for bit) what one thread gives, for batch, layer and group norm, forward and backward, on odd sizes too;
 * the float32 row sums give the plain loops' bits on the Vector API path (subnormals, signed zeros, huge values,
 * tails, several segments) and pass infinities and NaN on; and the results match the formulas computed directly
 * in double precision, in float32 and float64.
 */
class NormsKernelTest {

    private static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        CpuSettings settings = CpuBackend.settings();
        int before = settings.threads();
        settings.setThreads(threads);
        try {
            return body.get();
        } finally {
            settings.setThreads(before);
        }
    }

    private static float[] gaussian(Random rnd, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale + shift);
        }
        return a;
    }

    private static CpuStorage f(float[] a) {
        return new CpuStorage(DType.FLOAT32, a.clone());
    }

    /** out, mean, rstd, var, dx, dw, db of one forward and backward, concatenated. */
    private static float[] run(NormShape sh, float[] x, float[] w, float[] b, float[] g) {
        int rows = sh.rows(), n = sh.numel(), c = sh.c();
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, n);
        CpuStorage mean = CpuStorage.allocate(DType.FLOAT32, rows);
        CpuStorage rstd = CpuStorage.allocate(DType.FLOAT32, rows);
        CpuStorage var = CpuStorage.allocate(DType.FLOAT32, rows);
        Norms.forward(sh, f(x), 0, f(w), f(b), 1e-5, out, mean, rstd, var);
        CpuStorage dx = CpuStorage.allocate(DType.FLOAT32, n);
        CpuStorage dw = CpuStorage.allocate(DType.FLOAT32, c);
        CpuStorage db = CpuStorage.allocate(DType.FLOAT32, c);
        Norms.backward(sh, f(g), 0, f(x), 0, mean, rstd, f(w), dx, dw, db);
        float[] all = new float[n + 3 * rows + n + 2 * c];
        int at = 0;
        for (CpuStorage s : new CpuStorage[] {out, mean, rstd, var, dx, dw, db}) {
            float[] a = s.f();
            int len = s == out || s == dx ? n : s == dw || s == db ? c : rows;
            System.arraycopy(a, 0, all, at, len);
            at += len;
        }
        return all;
    }

    @Test
    void normalizationIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(3);
        NormShape[] shapes = {new NormShape(2048, 256, 1, 1), new NormShape(64, 16, 196, 0),
            new NormShape(8, 12, 50, 4), new NormShape(7, 5, 3, 0), new NormShape(300, 33, 1, 1),
            new NormShape(9, 7, 49, 0), new NormShape(5, 3, 37, 0), new NormShape(3, 6, 17, 3),
            new NormShape(11, 45, 1, 1), new NormShape(2, 5, 1, 0)};
        for (NormShape sh : shapes) {
            float[] x = gaussian(rnd, sh.numel(), 2, 0.5);
            float[] g = gaussian(rnd, sh.numel(), 1, 0);
            float[] w = gaussian(rnd, sh.c(), 1, 1);
            float[] b = gaussian(rnd, sh.c(), 1, 0);
            float[] want = withThreads(1, () -> run(sh, x, w, b, g));
            for (int threads : new int[] {2, 3, 8}) {
                assertArrayEquals(want, withThreads(threads, () -> run(sh, x, w, b, g)), 0f,
                        sh + " on " + threads + " threads");
            }
        }
    }

    @Test
    void layerNormForwardMatchesDoublePrecision() {
        Random rnd = new Random(4);
        NormShape sh = new NormShape(5, 37, 1, 1);
        float[] x = gaussian(rnd, sh.numel(), 3, 1);
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, sh.numel());
        CpuStorage mean = CpuStorage.allocate(DType.FLOAT32, 5);
        CpuStorage rstd = CpuStorage.allocate(DType.FLOAT32, 5);
        Norms.forward(sh, f(x), 0, null, null, 0.0, out, mean, rstd, null);
        for (int r = 0; r < 5; r++) {
            double m = 0;
            for (int j = 0; j < 37; j++) {
                m += x[r * 37 + j];
            }
            m /= 37;
            double v = 0;
            for (int j = 0; j < 37; j++) {
                v += (x[r * 37 + j] - m) * (x[r * 37 + j] - m);
            }
            v /= 37;
            assertEquals(m, mean.f()[r], 1e-6);
            for (int j = 0; j < 37; j++) {
                assertEquals((x[r * 37 + j] - m) / Math.sqrt(v), out.f()[r * 37 + j], 1e-5);
            }
        }
    }

    /** Rows of every kind of length: shorter than the lanes, whole blocks, tails, several segments. */
    private static final int[][] ROWS = {{1, 1, 1}, {1, 5, 5}, {1, 16, 16}, {1, 17, 17}, {1, 64, 64}, {3, 49, 120},
        {4, 33, 33}, {64, 16, 256}, {7, 100, 301}, {2, 8, 9}, {5, 3, 7}};

    private static float[] awkward(Random rnd, int n) {
        float[] a = gaussian(rnd, n, 3, 1.5);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -3e-39f, Float.MIN_NORMAL, 3e38f, -3e38f,
            1e-30f, 65504f};
        for (int i = 0; i < n; i += 7) {
            a[i] = special[(i / 7) % special.length];
        }
        return a;
    }

    @Test
    void floatSumsGiveThePlainLoopsBits() {
        Random rnd = new Random(6);
        double[] lanes = NormStats.scratch(), plainLanes = NormStats.scratch(), res = new double[2];
        for (int[] row : ROWS) {
            int segs = row[0], len = row[1], stride = row[2], base = 3, n = base + (segs - 1) * stride + len;
            float[] a = awkward(rnd, n), g = gaussian(rnd, n, 1, 0.2f), w = gaussian(rnd, segs * len, 1, 1);
            double m = 0.37;
            String what = "segs " + segs + " len " + len + " stride " + stride;
            assertEquals(NormStats.sumPlain(a, base, segs, len, stride, plainLanes, NormStats.LANES),
                    NormStats.sum(a, base, segs, len, stride, lanes), 0.0, what);
            assertEquals(NormStats.squaredDeviationsPlain(a, base, segs, len, stride, m, plainLanes, NormStats.LANES),
                    NormStats.squaredDeviations(a, base, segs, len, stride, m, lanes), 0.0, what);
            for (float[] wt : new float[][] {null, w}) { // against one long double-precision loop
                double sg = 0, sgx = 0;
                for (int k = 0; k < segs; k++) {
                    for (int i = 0; i < len; i++) {
                        int at = base + k * stride + i;
                        double gw = wt == null ? g[at] : (double) g[at] * wt[k * len + i];
                        sg += gw;
                        sgx += gw * (a[at] - m);
                    }
                }
                NormStats.gradientSums(g, base, a, base, segs, len, stride, m, wt, 0, res);
                assertEquals(sg, res[0], 1e-12 * segs * len * 10, what);
                assertEquals(sgx, res[1], 1e-12 * segs * len * 3e39, what);
            }
            // and the sums are sums: against a long double-precision loop
            double sum = 0;
            for (int k = 0; k < segs; k++) {
                for (int i = 0; i < len; i++) {
                    sum += a[base + k * stride + i];
                }
            }
            assertEquals(sum, NormStats.sum(a, base, segs, len, stride, lanes), 1e-9 * segs * len * 3e38, what);
        }
    }

    @Test
    void infinityAndNanReachTheStatistics() {
        double[] lanes = NormStats.scratch();
        for (int len : new int[] {5, 16, 40}) {
            float[] a = new float[len];
            java.util.Arrays.fill(a, 1f);
            a[len / 2] = Float.POSITIVE_INFINITY;
            assertEquals(Double.POSITIVE_INFINITY, NormStats.sum(a, 0, 1, len, len, lanes));
            assertEquals(Double.NaN, NormStats.squaredDeviations(a, 0, 1, len, len, Double.POSITIVE_INFINITY, lanes));
            a[len - 1] = Float.NaN;
            assertEquals(Double.NaN, NormStats.sum(a, 0, 1, len, len, lanes));
            a[len - 1] = Float.NEGATIVE_INFINITY;
            assertEquals(Double.NaN, NormStats.sum(a, 0, 1, len, len, lanes));
        }
    }

    /** Batch, group and layer norm in float32 and float64 against the formulas in double precision. */
    @Test
    void normalizationMatchesDoublePrecisionFormulas() {
        Random rnd = new Random(7);
        NormShape[] shapes = {new NormShape(6, 4, 37, 0), new NormShape(3, 6, 17, 3), new NormShape(7, 45, 1, 1),
            new NormShape(2, 3, 70, 0)};
        for (NormShape sh : shapes) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                int n = sh.numel(), rows = sh.rows(), c = sh.c(), len = sh.rowLength();
                float[] xf = gaussian(rnd, n, 2, 3), gf = gaussian(rnd, n, 1, 0.5);
                float[] wf = gaussian(rnd, c, 1, 1), bf = gaussian(rnd, c, 1, 0);
                CpuStorage x = of(dt, xf), g = of(dt, gf), w = of(dt, wf), b = of(dt, bf);
                CpuStorage out = CpuStorage.allocate(dt, n), mean = CpuStorage.allocate(dt, rows);
                CpuStorage rstd = CpuStorage.allocate(dt, rows), dx = CpuStorage.allocate(dt, n);
                CpuStorage dw = CpuStorage.allocate(dt, c), db = CpuStorage.allocate(dt, c);
                double eps = 1e-5;
                withThreads(3, () -> {
                    Norms.forward(sh, x, 0, w, b, eps, out, mean, rstd, null);
                    Norms.backward(sh, g, 0, x, 0, mean, rstd, w, dx, dw, db);
                    return null;
                });
                double tol = dt == DType.FLOAT32 ? 2e-5 : 1e-12;
                double[] wantDw = new double[c], wantDb = new double[c];
                for (int r = 0; r < rows; r++) {
                    int[] idx = rowIndices(sh, r);
                    double m = 0, v = 0;
                    for (int i : idx) {
                        m += xf[i];
                    }
                    m /= len;
                    for (int i : idx) {
                        v += (xf[i] - m) * (xf[i] - m);
                    }
                    v /= len;
                    double rs = 1 / Math.sqrt(v + eps), sgw = 0, sgwx = 0;
                    assertEquals(m, mean.get(r), tol * 4, sh + " " + dt + " mean");
                    assertEquals(rs, rstd.get(r), tol * rs * 4, sh + " " + dt + " rstd");
                    for (int i : idx) {
                        int ch = (i / sh.s()) % c;
                        double xhat = (xf[i] - m) * rs, gw = gf[i] * (double) wf[ch];
                        assertEquals(xhat * wf[ch] + bf[ch], out.get(i), tol * 8, sh + " " + dt + " out " + i);
                        sgw += gw;
                        sgwx += gw * xhat;
                        wantDw[ch] += gf[i] * xhat;
                        wantDb[ch] += gf[i];
                    }
                    for (int i : idx) {
                        int ch = (i / sh.s()) % c;
                        double xhat = (xf[i] - m) * rs;
                        double want = (gf[i] * (double) wf[ch] - sgw / len - xhat * sgwx / len) * rs;
                        assertEquals(want, dx.get(i), tol * 20, sh + " " + dt + " dx " + i);
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    assertEquals(wantDw[ch], dw.get(ch), tol * 40, sh + " " + dt + " dw " + ch);
                    assertEquals(wantDb[ch], db.get(ch), tol * 40, sh + " " + dt + " db " + ch);
                }
            }
        }
    }

    private static CpuStorage of(DType dt, float[] a) {
        CpuStorage st = CpuStorage.allocate(dt, a.length);
        for (int i = 0; i < a.length; i++) {
            st.set(i, a[i]);
        }
        return st;
    }

    /** The flat indices of statistics row r, in row order. */
    private static int[] rowIndices(NormShape sh, int r) {
        int[] idx = new int[sh.rowLength()];
        int s = sh.s(), c = sh.c();
        for (int j = 0; j < idx.length; j++) {
            if (sh.perChannel()) {
                idx[j] = (j / s) * c * s + r * s + j % s;
            } else {
                idx[j] = r * sh.rowLength() + j;
            }
        }
        return idx;
    }

    @Test
    void softmaxBackwardIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(5);
        int rows = 8192, n = 128;
        float[] y = gaussian(rnd, rows * n, 1, 0);
        float[] g = gaussian(rnd, rows * n, 1, 0);
        for (boolean log : new boolean[] {false, true}) {
            java.util.function.Supplier<float[]> body = () -> {
                CpuStorage out = CpuStorage.allocate(DType.FLOAT32, rows * n);
                Softmax.backward(log, f(y), 0, f(g), 0, out, rows, n);
                return out.f().clone();
            };
            float[] want = withThreads(1, body);
            assertArrayEquals(want, withThreads(2, body), 0f, "log " + log);
            assertArrayEquals(want, withThreads(8, body), 0f, "log " + log);
        }
    }
}
