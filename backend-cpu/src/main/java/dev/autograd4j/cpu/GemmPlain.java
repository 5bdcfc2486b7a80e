package dev.autograd4j.cpu;

/**
 * Matrix product in plain Java, for JVMs without {@code jdk.incubator.vector}.
 *
 * <p>Same blocking and packing as the Vector API kernel, but B is packed as one row-major
 * kc x nc panel per block, and the tile is 4 rows of C by the block's columns: for each k step,
 * four A values are held in registers and the inner loop {@code c_r[j] = fma(a_r, b[j], c_r[j])} over
 * the B row is a plain counted loop that C2's superword pass turns into SIMD FMA code. The 4 x nc
 * accumulator strip stays in L1 across the kc steps. Every element is summed in the Vector API kernel's
 * order with the same fused multiply-adds (the k blocks are {@link GemmKernel#KC_F}/{@link GemmKernel#KC_D}
 * in both), so the two kernels give the same bits.
 *
 * <p>C2 (JDK 17) only vectorises these loops when every array is indexed from 0 (an invariant
 * offset such as {@code c[o + j]} keeps them scalar, 5x slower), so the packed B rows and the
 * accumulators are separate per-thread row arrays.
 */
final class GemmPlain extends GemmKernel {
    private static final int MR = 4;
    /** Columns are rounded up to this in the packed panel. */
    private static final int NR = 16;

    static final GemmPlain INSTANCE = new GemmPlain();

    private GemmPlain() {
        super(MR, NR, 128, 256, KC_F, MR, NR, 128, 256, KC_D);
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
    void macro(int mc, int nc, int kc, float[] pa, int paOff, float[] pb, float[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        int ncp = panelWidthB(NR, nc);
        float[][] rows = buf.rowsF = Buffers.rows(buf.rowsF, kc, ncp);
        float[][] acc = buf.accF = Buffers.rows(buf.accF, MR, ncp);
        for (int p = 0; p < kc; p++) {
            System.arraycopy(pb, p * ncp, rows[p], 0, nc);
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int nrows = Math.min(MR, mc - ir);
            int ia = paOff + ir * kc;
            if (nrows == MR) {
                for (int r = 0; r < MR; r++) {
                    java.util.Arrays.fill(acc[r], 0, nc, 0f);
                }
                strip4(kc, nc, pa, ia, rows, acc[0], acc[1], acc[2], acc[3]);
            } else {
                for (int r = 0; r < nrows; r++) {
                    java.util.Arrays.fill(acc[r], 0, nc, 0f);
                    strip1(kc, nc, pa, ia + r, rows, acc[r]);
                }
            }
            for (int r = 0; r < nrows; r++) {
                int o = cOff + (ir + r) * ldc;
                float[] ar = acc[r];
                if (first) {
                    System.arraycopy(ar, 0, c, o, nc);
                } else {
                    for (int j = 0; j < nc; j++) {
                        c[o + j] += ar[j];
                    }
                }
            }
        }
    }

    private static void strip4(int kc, int nc, float[] pa, int ia, float[][] rows,
                               float[] c0, float[] c1, float[] c2, float[] c3) {
        for (int p = 0; p < kc; p++) {
            float a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
            float[] b = rows[p];
            for (int j = 0; j < nc; j++) {
                float bj = b[j];
                c0[j] = Math.fma(a0, bj, c0[j]);
                c1[j] = Math.fma(a1, bj, c1[j]);
                c2[j] = Math.fma(a2, bj, c2[j]);
                c3[j] = Math.fma(a3, bj, c3[j]);
            }
            ia += MR;
        }
    }

    private static void strip1(int kc, int nc, float[] pa, int ia, float[][] rows, float[] c0) {
        for (int p = 0; p < kc; p++) {
            float a0 = pa[ia];
            float[] b = rows[p];
            for (int j = 0; j < nc; j++) {
                c0[j] = Math.fma(a0, b[j], c0[j]);
            }
            ia += MR;
        }
    }

    // ---------------------------------------------------------------- double

    @Override
    void macro(int mc, int nc, int kc, double[] pa, int paOff, double[] pb, double[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        int ncp = panelWidthB(NR, nc);
        double[][] rows = buf.rowsD = Buffers.rows(buf.rowsD, kc, ncp);
        double[][] acc = buf.accD = Buffers.rows(buf.accD, MR, ncp);
        for (int p = 0; p < kc; p++) {
            System.arraycopy(pb, p * ncp, rows[p], 0, nc);
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int nrows = Math.min(MR, mc - ir);
            int ia = paOff + ir * kc;
            if (nrows == MR) {
                for (int r = 0; r < MR; r++) {
                    java.util.Arrays.fill(acc[r], 0, nc, 0d);
                }
                strip4(kc, nc, pa, ia, rows, acc[0], acc[1], acc[2], acc[3]);
            } else {
                for (int r = 0; r < nrows; r++) {
                    java.util.Arrays.fill(acc[r], 0, nc, 0d);
                    strip1(kc, nc, pa, ia + r, rows, acc[r]);
                }
            }
            for (int r = 0; r < nrows; r++) {
                int o = cOff + (ir + r) * ldc;
                double[] ar = acc[r];
                if (first) {
                    System.arraycopy(ar, 0, c, o, nc);
                } else {
                    for (int j = 0; j < nc; j++) {
                        c[o + j] += ar[j];
                    }
                }
            }
        }
    }

    private static void strip4(int kc, int nc, double[] pa, int ia, double[][] rows,
                               double[] c0, double[] c1, double[] c2, double[] c3) {
        for (int p = 0; p < kc; p++) {
            double a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
            double[] b = rows[p];
            for (int j = 0; j < nc; j++) {
                double bj = b[j];
                c0[j] = Math.fma(a0, bj, c0[j]);
                c1[j] = Math.fma(a1, bj, c1[j]);
                c2[j] = Math.fma(a2, bj, c2[j]);
                c3[j] = Math.fma(a3, bj, c3[j]);
            }
            ia += MR;
        }
    }

    private static void strip1(int kc, int nc, double[] pa, int ia, double[][] rows, double[] c0) {
        for (int p = 0; p < kc; p++) {
            double a0 = pa[ia];
            double[] b = rows[p];
            for (int j = 0; j < nc; j++) {
                c0[j] = Math.fma(a0, b[j], c0[j]);
            }
            ia += MR;
        }
    }
}
