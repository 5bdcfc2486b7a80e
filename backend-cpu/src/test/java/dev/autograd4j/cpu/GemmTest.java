package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** An operand laid out in a bigger array: origin, row stride, column stride. */
    record Layout(int off, int rs, int cs, int size) {
    }

    /** rows x cols operand: 0 row-major, 1 transposed (column-major), 2 broadcast rows (rs = 0), 3 broadcast cols (cs = 0), 4 padded row-major. */
    static Layout layout(int kind, int rows, int cols, int off) {
        switch (kind) {
            case 0: return new Layout(off, cols, 1, off + rows * cols);
            case 1: return new Layout(off, 1, rows, off + rows * cols);
            case 2: return new Layout(off, 0, 1, off + cols);
            case 3: return new Layout(off, 1, 0, off + rows);
            default: return new Layout(off, cols + 3, 1, off + rows * (cols + 3));
        }
    }

    interface Impl {
        void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                   float[] c, int cOff, int ldc);

        void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs,
                   int bCs, double[] c, int cOff, int ldc);
    }

    static final Impl PLAIN = new Impl() {
        public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                          int bCs, float[] c, int cOff, int ldc) {
            GemmPlain.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }

        public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs,
                          int bCs, double[] c, int cOff, int ldc) {
            GemmPlain.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }
    };

    /** Only touches GemmVector when called. */
    static final class VectorImpl implements Impl {
        public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                          int bCs, float[] c, int cOff, int ldc) {
            GemmVector.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }

        public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs,
                          int bCs, double[] c, int cOff, int ldc) {
            GemmVector.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }
    }

    static final Impl GEMM = new Impl() {
        public void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                          int bCs, float[] c, int cOff, int ldc) {
            Gemm.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }

        public void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs,
                          int bCs, double[] c, int cOff, int ldc) {
            Gemm.dgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
        }
    };

    /** {m, n, k} shapes: odd, tiny, block-edge and multi-block (k > kc, m > mc, n > nc). */
    static List<int[]> shapes() {
        List<int[]> s = new ArrayList<>();
        int[] small = {1, 3, 17};
        for (int m : small) {
            for (int n : small) {
                for (int k : small) {
                    s.add(new int[] {m, n, k});
                }
            }
        }
        s.add(new int[] {65, 33, 130});
        s.add(new int[] {130, 65, 17});
        s.add(new int[] {7, 257, 65});
        s.add(new int[] {257, 7, 300});
        s.add(new int[] {1, 1000, 70});
        s.add(new int[] {300, 1, 40});
        s.add(new int[] {64, 64, 64});
        s.add(new int[] {257, 130, 257});
        s.add(new int[] {20, 530, 513});
        // One- and two-row edge tiles (row kernel) across k blocks, full and partial columns.
        s.add(new int[] {2, 100, 300});
        s.add(new int[] {14, 64, 400});
        // Several mc blocks in one task under one packed B block, partial column panel.
        s.add(new int[] {600, 40, 50});
        // More columns than one nc block: several column tasks.
        s.add(new int[] {37, 2100, 20});
        // Large k (many k blocks) for a row vector, a column vector and an odd block; rows that fill the
        // 12-row tile of the 512-bit kernel once with 1, 5 and 7 rows left over.
        s.add(new int[] {1, 70, 3000});
        s.add(new int[] {70, 1, 3000});
        s.add(new int[] {13, 40, 1030});
        s.add(new int[] {25, 97, 33});
        s.add(new int[] {29, 33, 20});
        s.add(new int[] {31, 64, 20});
        // Past the direct-A work limit with at most two column panels (A read where it lies: a convolution's
        // weight gradient and its forward with 32 output channels, transposed).
        s.add(new int[] {1100, 40, 400});
        s.add(new int[] {1500, 64, 180});
        // k = 1 and k = 2 (one-step kernels), with a full, a partial and a one-column panel.
        s.add(new int[] {13, 64, 1});
        s.add(new int[] {19, 37, 2});
        s.add(new int[] {7, 1, 1});
        // Row-major B packed panel by panel (kc * 2 vectors a multiple of 1024 floats: kc = 64 or 32) and row by row,
        // with a partial last panel; row-major A read where it lies with 1..5 rows left over.
        s.add(new int[] {10, 200, 64});
        s.add(new int[] {23, 96, 32});
        s.add(new int[] {16, 300, 25});
        // The W2 and W6 shapes scaled down: short k with many columns, long k with few (n = 10, 16).
        s.add(new int[] {64, 10, 700});
        s.add(new int[] {25, 16, 3000});
        s.add(new int[] {64, 630, 10});
        // Past the direct-A work limit with three column panels and a partial fourth (a convolution's weight
        // gradient with 128 output channels: A read where it lies).
        s.add(new int[] {1100, 100, 200});
        // Past the direct-A limits (work and column panels) with k blocks of at least 128: A packed, the 12 x 2
        // tile of the 512-bit kernel (first k block stored, second added), 10 rows and 12 columns left over.
        s.add(new int[] {130, 300, 450});
        return s;
    }

    static void check(Impl impl, int m, int n, int k, int aKind, int bKind, boolean dbl, Random rnd) {
        Layout la = layout(aKind, m, k, rnd.nextInt(5));
        Layout lb = layout(bKind, k, n, rnd.nextInt(5));
        int cOff = rnd.nextInt(5), ldc = n + rnd.nextInt(3);
        int cSize = cOff + (m - 1) * ldc + n + 2;
        double[] ad = new double[la.size()], bd = new double[lb.size()];
        for (int i = 0; i < ad.length; i++) {
            ad[i] = rnd.nextInt(17) - 8 + rnd.nextDouble() * 0.5;
        }
        for (int i = 0; i < bd.length; i++) {
            bd[i] = rnd.nextInt(17) - 8 + rnd.nextDouble() * 0.5;
        }
        if (!dbl) {
            for (int i = 0; i < ad.length; i++) {
                ad[i] = (float) ad[i];
            }
            for (int i = 0; i < bd.length; i++) {
                bd[i] = (float) bd[i];
            }
        }
        double[] want = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, t = 0;
                for (int p = 0; p < k; p++) {
                    double x = ad[la.off() + i * la.rs() + p * la.cs()] * bd[lb.off() + p * lb.rs() + j * lb.cs()];
                    s += x;
                    t += Math.abs(x);
                }
                want[i * n + j] = s;
                mag[i * n + j] = t;
            }
        }
        String what = (dbl ? "double" : "float") + " m=" + m + " n=" + n + " k=" + k + " a=" + aKind + " b=" + bKind;
        double eps = dbl ? 1e-13 : 1e-5;
        double sentinel = 12345;
        if (dbl) {
            double[] c = new double[cSize];
            java.util.Arrays.fill(c, sentinel);
            impl.dgemm(m, n, k, ad, la.off(), la.rs(), la.cs(), bd, lb.off(), lb.rs(), lb.cs(), c, cOff, ldc);
            verify(c, cOff, ldc, m, n, want, mag, eps, sentinel, what);
        } else {
            float[] af = new float[ad.length], bf = new float[bd.length];
            for (int i = 0; i < af.length; i++) {
                af[i] = (float) ad[i];
            }
            for (int i = 0; i < bf.length; i++) {
                bf[i] = (float) bd[i];
            }
            float[] cf = new float[cSize];
            java.util.Arrays.fill(cf, (float) sentinel);
            impl.sgemm(m, n, k, af, la.off(), la.rs(), la.cs(), bf, lb.off(), lb.rs(), lb.cs(), cf, cOff, ldc);
            double[] c = new double[cSize];
            for (int i = 0; i < cSize; i++) {
                c[i] = cf[i];
            }
            verify(c, cOff, ldc, m, n, want, mag, eps, sentinel, what);
        }
    }

    static void verify(double[] c, int cOff, int ldc, int m, int n, double[] want, double[] mag, double eps,
                       double sentinel, String what) {
        boolean[] inside = new boolean[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                inside[at] = true;
                double tol = eps * (mag[i * n + j] + 1);
                double got = c[at];
                if (!(Math.abs(got - want[i * n + j]) <= tol)) {
                    assertEquals(want[i * n + j], got, tol, what + " at (" + i + "," + j + ")");
                }
            }
        }
        for (int i = 0; i < c.length; i++) {
            if (!inside[i]) {
                assertEquals(sentinel, c[i], 0, what + ": wrote outside C at " + i);
            }
        }
    }

    static void all(Impl impl) {
        Random rnd = new Random(42);
        for (int[] s : shapes()) {
            for (int aKind = 0; aKind < 5; aKind++) {
                for (int bKind = 0; bKind < 5; bKind++) {
                    boolean big = (long) s[0] * s[1] * s[2] > 200_000;
                    // Big shapes: a few layouts; small ones: every pair.
                    if (big && !(aKind == 0 && bKind == 0 || aKind == 1 && bKind == 0 || aKind == 4 && bKind == 1
                            || aKind == 2 && bKind == 3)) {
                        continue;
                    }
                    check(impl, s[0], s[1], s[2], aKind, bKind, false, rnd);
                    check(impl, s[0], s[1], s[2], aKind, bKind, true, rnd);
                }
            }
        }
    }

    static void edges(Impl impl) {
        // k == 0 writes zeros, m or n == 0 writes nothing.
        float[] c = {7, 7, 7, 7, 7, 7, 7};
        impl.sgemm(2, 3, 0, new float[0], 0, 0, 0, new float[0], 0, 0, 0, c, 1, 3);
        assertEquals("[7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", java.util.Arrays.toString(c));
        double[] d = {7, 7, 7, 7, 7, 7, 7, 7};
        impl.dgemm(2, 2, 0, new double[0], 0, 0, 0, new double[0], 0, 0, 0, d, 0, 4);
        assertEquals("[0.0, 0.0, 7.0, 7.0, 0.0, 0.0, 7.0, 7.0]", java.util.Arrays.toString(d));
        float[] e = {7, 7};
        impl.sgemm(0, 2, 3, new float[0], 0, 3, 1, new float[6], 0, 2, 1, e, 0, 2);
        impl.sgemm(2, 0, 3, new float[6], 0, 3, 1, new float[0], 0, 0, 1, e, 0, 0);
        assertEquals("[7.0, 7.0]", java.util.Arrays.toString(e));
        double[] f = {7, 7};
        impl.dgemm(0, 2, 3, new double[0], 0, 3, 1, new double[6], 0, 2, 1, f, 0, 2);
        assertEquals("[7.0, 7.0]", java.util.Arrays.toString(f));
    }

    @Test
    void plainMatchesNaive() {
        all(PLAIN);
        edges(PLAIN);
    }

    @Test
    void vectorMatchesNaive() {
        assumeTrue(VECTOR, "jdk.incubator.vector not enabled");
        Impl v = new VectorImpl();
        all(v);
        edges(v);
    }

    /** Power-of-two leading dimensions (the cache-set cliff case): products of views into a 512-wide matrix. */
    @Test
    void powerOfTwoLeadingDimensions() {
        Random rnd = new Random(11);
        int ld = 512;
        float[] a = new float[ld * ld], b = new float[ld * ld];
        double[] ad = new double[ld * ld], bd = new double[ld * ld];
        for (int i = 0; i < a.length; i++) {
            ad[i] = a[i] = rnd.nextInt(9) - 4;
            bd[i] = b[i] = rnd.nextInt(9) - 4;
        }
        int m = 300, n = 200, k = 260;
        float[] c = new float[m * ld];
        double[] cd = new double[m * ld];
        // A: rows of the big matrix from (3, 5); B: its transpose from (7, 1); C: leading dimension 512 too.
        Gemm.sgemm(m, n, k, a, 3 * ld + 5, ld, 1, b, 7 + ld, 1, ld, c, 0, ld);
        Gemm.dgemm(m, n, k, ad, 3 * ld + 5, ld, 1, bd, 7 + ld, 1, ld, cd, 0, ld);
        for (int i = 0; i < m; i += 7) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int p = 0; p < k; p++) {
                    want += ad[(3 + i) * ld + 5 + p] * bd[(1 + j) * ld + 7 + p];
                }
                // Small integers: every partial sum is exact in both precisions.
                assertEquals(want, c[i * ld + j], 0, "float (" + i + "," + j + ")");
                assertEquals(want, cd[i * ld + j], 0, "double (" + i + "," + j + ")");
            }
        }
    }

    /**
     * The result does not depend on how the work is split: each element's sum runs in the same order
     * whatever the thread count, so one thread and two give the same bits.
     */
    @Test
    void threadCountDoesNotChangeTheBits() {
        int[][] shapes = {{64, 784, 256}, {784, 64, 256}, {64, 256, 784}, {257, 300, 130}, {1, 3000, 50},
            {3000, 1, 50}, {200, 200, 200}, {40, 2100, 37}, {1100, 40, 400}, {25, 5000, 16}, {64, 6272, 10},
            {16, 25, 3000}, {10, 64, 700}, {130, 450, 300}};
        int before = CpuBackend.settings().threads();
        try {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                Random rnd = new Random(m * 31 + n);
                float[] a = new float[m * k], b = new float[k * n];
                double[] ad = new double[m * k], bd = new double[k * n];
                for (int i = 0; i < a.length; i++) {
                    ad[i] = a[i] = (float) rnd.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    bd[i] = b[i] = (float) rnd.nextGaussian();
                }
                // {aRs, aCs, bRs, bCs}: A row-major and B transposed, as in x @ w.t(); A transposed and B row-major,
                // as in x.t() @ g (weight gradients); both row-major, as in x @ w
                int[][] layouts = {{k, 1, 1, k}, {1, m, n, 1}, {k, 1, n, 1}};
                for (int[] l : layouts) {
                    for (Impl impl : new Impl[] {GEMM, PLAIN}) {
                        float[][] cf = new float[3][m * n];
                        double[][] cd = new double[3][m * n];
                        int[] threads = {1, 2, 3};
                        for (int t = 0; t < threads.length; t++) {
                            CpuBackend.settings().setThreads(threads[t]);
                            impl.sgemm(m, n, k, a, 0, l[0], l[1], b, 0, l[2], l[3], cf[t], 0, n);
                            impl.dgemm(m, n, k, ad, 0, l[0], l[1], bd, 0, l[2], l[3], cd[t], 0, n);
                        }
                        for (int t = 1; t < threads.length; t++) {
                            String what = (impl == GEMM ? Gemm.kernelName() : "plain") + " " + m + "x" + k + "x" + n
                                    + " strides " + java.util.Arrays.toString(l) + " with " + threads[t] + " threads";
                            assertTrue(java.util.Arrays.equals(cf[0], cf[t]), "float " + what);
                            assertTrue(java.util.Arrays.equals(cd[0], cd[t]), "double " + what);
                        }
                    }
                }
            }
        } finally {
            CpuBackend.settings().setThreads(before);
        }
    }

    /**
     * Both kernels sum every element in the same order with fused multiply-adds (the same k blocks), so
     * with or without the Vector API a product gives the same bits.
     */
    @Test
    void plainAndVectorKernelsGiveTheSameBits() {
        assumeTrue(VECTOR, "jdk.incubator.vector not enabled");
        Impl v = new VectorImpl();
        Random rnd = new Random(5);
        for (int[] s : shapes()) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = new float[m * k], b = new float[k * n];
            double[] ad = new double[m * k], bd = new double[k * n];
            for (int i = 0; i < a.length; i++) {
                ad[i] = a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                bd[i] = b[i] = (float) rnd.nextGaussian();
            }
            float[] cp = new float[m * n], cv = new float[m * n];
            double[] dp = new double[m * n], dv = new double[m * n];
            PLAIN.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, cp, 0, n);
            v.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, cv, 0, n);
            PLAIN.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, dp, 0, n);
            v.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, dv, 0, n);
            assertTrue(java.util.Arrays.equals(cp, cv), "float " + m + "x" + k + "x" + n);
            assertTrue(java.util.Arrays.equals(dp, dv), "double " + m + "x" + k + "x" + n);
        }
    }

    @Test
    void entryPointPicksAKernel() {
        String name = Gemm.kernelName();
        assertTrue(VECTOR && CpuBackend.settings().vectorKernels()
                ? name.startsWith("Vector API") : name.equals("plain Java"), name);
        Random rnd = new Random(7);
        check(GEMM, 70, 90, 110, 0, 1, false, rnd);
        check(GEMM, 70, 90, 110, 1, 0, true, rnd);
        edges(GEMM);
    }
}
