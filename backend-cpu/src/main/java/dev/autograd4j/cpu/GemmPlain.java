package dev.autograd4j.cpu;

/**
 * Matrix product in plain Java, for JVMs without {@code jdk.incubator.vector}.
 *
 * <p>Same blocking and packing as the Vector API kernel, but B is packed as one row-major
 * kc x nc panel per block, and the register tile is 4 rows of C by a contiguous run of columns:
 * for each k step, four A values are held in registers and the inner loop
 * {@code c_r[j] += a_r * b[j]} over the packed B row is a plain counted loop that C2's
 * superword pass turns into SIMD code. The 4 x nc strip of C stays in L1 across the kc steps.
 */
final class GemmPlain extends GemmKernel {
    private static final int MR = 4;
    /** Columns are rounded up to this in the packed panel. */
    private static final int NR = 16;

    static final boolean STRIP4 = Boolean.getBoolean("strip4");
    static final GemmPlain INSTANCE = new GemmPlain();

    private GemmPlain() {
        super(MR, NR, 128, 256, 256, MR, NR, 128, 256, 256);
    }

    static void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc) {
        INSTANCE.gemmF(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    static void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc) {
        INSTANCE.gemmD(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    @Override
    int panelWidthB(int nr, int nc) {
        return (nc + nr - 1) / nr * nr;
    }

    // ---------------------------------------------------------------- float

    @Override
    void macro(int mc, int nc, int kc, float[] pa, float[] pb, float[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        int ncp = panelWidthB(NR, nc);
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int o = cOff + ir * ldc;
            if (first) {
                for (int r = 0; r < rows; r++) {
                    java.util.Arrays.fill(c, o + r * ldc, o + r * ldc + nc, 0f);
                }
            }
            int ia = ir * kc;
            if (STRIP4 && rows == MR) {
                strip4(kc, nc, ncp, pa, ia, pb, c, o, ldc);
            } else {
                for (int r = 0; r < rows; r++) {
                    strip1(kc, nc, ncp, pa, ia + r, pb, c, o + r * ldc);
                }
            }
        }
    }

    private static void strip4(int kc, int nc, int ncp, float[] pa, int ia, float[] pb, float[] c, int o0, int ldc) {
        int o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        for (int p = 0; p < kc; p++) {
            float a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
            int ib = p * ncp;
            for (int j = 0; j < nc; j++) {
                float bj = pb[ib + j];
                c[o0 + j] += a0 * bj;
                c[o1 + j] += a1 * bj;
                c[o2 + j] += a2 * bj;
                c[o3 + j] += a3 * bj;
            }
            ia += MR;
        }
    }

    private static void strip1(int kc, int nc, int ncp, float[] pa, int ia, float[] pb, float[] c, int o) {
        for (int p = 0; p < kc; p++) {
            float a0 = pa[ia];
            int ib = p * ncp;
            for (int j = 0; j < nc; j++) {
                c[o + j] += a0 * pb[ib + j];
            }
            ia += MR;
        }
    }

    // ---------------------------------------------------------------- double

    @Override
    void macro(int mc, int nc, int kc, double[] pa, double[] pb, double[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        int ncp = panelWidthB(NR, nc);
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int o = cOff + ir * ldc;
            if (first) {
                for (int r = 0; r < rows; r++) {
                    java.util.Arrays.fill(c, o + r * ldc, o + r * ldc + nc, 0d);
                }
            }
            int ia = ir * kc;
            if (STRIP4 && rows == MR) {
                strip4(kc, nc, ncp, pa, ia, pb, c, o, ldc);
            } else {
                for (int r = 0; r < rows; r++) {
                    strip1(kc, nc, ncp, pa, ia + r, pb, c, o + r * ldc);
                }
            }
        }
    }

    private static void strip4(int kc, int nc, int ncp, double[] pa, int ia, double[] pb, double[] c, int o0,
                               int ldc) {
        int o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        for (int p = 0; p < kc; p++) {
            double a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
            int ib = p * ncp;
            for (int j = 0; j < nc; j++) {
                double bj = pb[ib + j];
                c[o0 + j] += a0 * bj;
                c[o1 + j] += a1 * bj;
                c[o2 + j] += a2 * bj;
                c[o3 + j] += a3 * bj;
            }
            ia += MR;
        }
    }

    private static void strip1(int kc, int nc, int ncp, double[] pa, int ia, double[] pb, double[] c, int o) {
        for (int p = 0; p < kc; p++) {
            double a0 = pa[ia];
            int ib = p * ncp;
            for (int j = 0; j < nc; j++) {
                c[o + j] += a0 * pb[ib + j];
            }
            ia += MR;
        }
    }
}
