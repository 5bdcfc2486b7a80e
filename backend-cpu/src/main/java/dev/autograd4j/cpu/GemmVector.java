package dev.autograd4j.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix product with a Vector API micro-kernel: an MR-row x 2-vector tile of C lives in 2*MR
 * vector registers while the packed panels stream through, one broadcast and two FMAs per row
 * and k step. Vectors never cross a method boundary (a call that is not inlined would box them).
 *
 * <p>Loop order per thread (see {@link GemmKernel}): the kc x NR micro-panel of packed B stays in
 * L1 while the ir loop streams the packed mc x kc block of A (in L2) past it. Edge tiles (fewer
 * than MR rows or NR columns) run the full kernel on the zero-padded packed panels into a small
 * temp tile that is then copied into C; one or two leftover rows use a one-row kernel instead.
 *
 * <p>Only loaded when {@code jdk.incubator.vector} is in the boot layer (see {@link Gemm}).
 * The species are {@code static final}: C2 only intrinsifies vector operations whose species
 * is a constant.
 */
final class GemmVector extends GemmKernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final int DL = DS.length();
    /** Rows of the register tile. 12 (24 accumulators) runs ~20% faster once C2 has compiled it, but that compile
     * takes seconds on a busy machine and C1 code boxes every vector, so cold calls crawl: 6 keeps warm-up short. */
    private static final int MR = 6;
    private static final int NRF = 2 * FL;
    private static final int NRD = 2 * DL;
    /** Edge tiles with at most this many rows use the one-row kernel (latency-bound, but no wasted rows). */
    private static final int FEW_ROWS = 2;

    static final GemmVector INSTANCE = new GemmVector();

    private GemmVector() {
        // kc: the kc x NR micro-panel of B (32 KiB) plus an MR x kc panel of A in the 48 KiB L1;
        // mc: the mc x kc block of A in L2 (2 MiB); nc: the kc x nc block of B in L2 as well.
        super(MR, NRF, 144, Math.max(NRF, 1024 / NRF * NRF), 256,
              MR, NRD, 96, Math.max(NRD, 512 / NRD * NRD), 192);
    }

    /** Bits of the vectors the kernel uses. */
    static int vectorBits() {
        return FS.vectorBitSize();
    }

    static void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc) {
        INSTANCE.gemmF(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    static void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc) {
        INSTANCE.gemmD(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    // ---------------------------------------------------------------- float

    @Override
    void macro(int mc, int nc, int kc, float[] pa, float[] pb, float[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        float[] tmp = null;
        for (int jr = 0; jr < nc; jr += NRF) {
            int cols = Math.min(NRF, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int ia = ir * kc;
                int co = cOff + ir * ldc + jr;
                if (rows == MR && cols == NRF) {
                    if (first) {
                        for (int r = 0; r < MR; r++) {
                            java.util.Arrays.fill(c, co + r * ldc, co + r * ldc + NRF, 0f);
                        }
                    }
                    micro(kc, pa, ia, pb, ib, c, co, ldc);
                } else if (rows <= FEW_ROWS && cols == NRF) {
                    for (int r = 0; r < rows; r++) {
                        micro1(kc, pa, ia + r, pb, ib, c, co + r * ldc, first);
                    }
                } else {
                    if (tmp == null) {
                        tmp = buf.tmpF(MR * NRF);
                    }
                    if (rows <= FEW_ROWS) {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, tmp, r * NRF, true);
                        }
                    } else {
                        java.util.Arrays.fill(tmp, 0, MR * NRF, 0f);
                        micro(kc, pa, ia, pb, ib, tmp, 0, NRF);
                    }
                    flush(tmp, NRF, rows, cols, c, co, ldc, first);
                }
            }
        }
    }

    /** C tile += A panel * B panel (no overwrite variant: one store path keeps the method small enough for C1). */
    private static void micro(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, int ldc) {
        FloatVector c0_0 = FloatVector.zero(FS), c0_1 = FloatVector.zero(FS);
        FloatVector c1_0 = FloatVector.zero(FS), c1_1 = FloatVector.zero(FS);
        FloatVector c2_0 = FloatVector.zero(FS), c2_1 = FloatVector.zero(FS);
        FloatVector c3_0 = FloatVector.zero(FS), c3_1 = FloatVector.zero(FS);
        FloatVector c4_0 = FloatVector.zero(FS), c4_1 = FloatVector.zero(FS);
        FloatVector c5_0 = FloatVector.zero(FS), c5_1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * NRF;
            FloatVector b0 = FloatVector.fromArray(FS, pb, pB);
            FloatVector b1 = FloatVector.fromArray(FS, pb, pB + FL);
            FloatVector a;
            a = FloatVector.broadcast(FS, pa[pA]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = FloatVector.broadcast(FS, pa[pA + 1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = FloatVector.broadcast(FS, pa[pA + 2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = FloatVector.broadcast(FS, pa[pA + 3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = FloatVector.broadcast(FS, pa[pA + 4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = FloatVector.broadcast(FS, pa[pA + 5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        c0_0.add(FloatVector.fromArray(FS, c, co)).intoArray(c, co);
        c0_1.add(FloatVector.fromArray(FS, c, co + FL)).intoArray(c, co + FL);
        c1_0.add(FloatVector.fromArray(FS, c, co + ldc)).intoArray(c, co + ldc);
        c1_1.add(FloatVector.fromArray(FS, c, co + ldc + FL)).intoArray(c, co + ldc + FL);
        c2_0.add(FloatVector.fromArray(FS, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
        c2_1.add(FloatVector.fromArray(FS, c, co + 2 * ldc + FL)).intoArray(c, co + 2 * ldc + FL);
        c3_0.add(FloatVector.fromArray(FS, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
        c3_1.add(FloatVector.fromArray(FS, c, co + 3 * ldc + FL)).intoArray(c, co + 3 * ldc + FL);
        c4_0.add(FloatVector.fromArray(FS, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
        c4_1.add(FloatVector.fromArray(FS, c, co + 4 * ldc + FL)).intoArray(c, co + 4 * ldc + FL);
        c5_0.add(FloatVector.fromArray(FS, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc);
        c5_1.add(FloatVector.fromArray(FS, c, co + 5 * ldc + FL)).intoArray(c, co + 5 * ldc + FL);
    }

    /** One row of the tile: row r of the packed A panel is pa[ia + p*MR]. */
    private static void micro1(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, boolean first) {
        FloatVector c0 = FloatVector.zero(FS), c1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pB = ib + p * NRF;
            FloatVector a = FloatVector.broadcast(FS, pa[ia + p * MR]);
            c0 = a.fma(FloatVector.fromArray(FS, pb, pB), c0);
            c1 = a.fma(FloatVector.fromArray(FS, pb, pB + FL), c1);
        }
        if (first) {
            c0.intoArray(c, co);
            c1.intoArray(c, co + FL);
        } else {
            c0.add(FloatVector.fromArray(FS, c, co)).intoArray(c, co);
            c1.add(FloatVector.fromArray(FS, c, co + FL)).intoArray(c, co + FL);
        }
    }

    // ---------------------------------------------------------------- double

    @Override
    void macro(int mc, int nc, int kc, double[] pa, double[] pb, double[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        double[] tmp = null;
        for (int jr = 0; jr < nc; jr += NRD) {
            int cols = Math.min(NRD, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int ia = ir * kc;
                int co = cOff + ir * ldc + jr;
                if (rows == MR && cols == NRD) {
                    if (first) {
                        for (int r = 0; r < MR; r++) {
                            java.util.Arrays.fill(c, co + r * ldc, co + r * ldc + NRD, 0d);
                        }
                    }
                    micro(kc, pa, ia, pb, ib, c, co, ldc);
                } else if (rows <= FEW_ROWS && cols == NRD) {
                    for (int r = 0; r < rows; r++) {
                        micro1(kc, pa, ia + r, pb, ib, c, co + r * ldc, first);
                    }
                } else {
                    if (tmp == null) {
                        tmp = buf.tmpD(MR * NRD);
                    }
                    if (rows <= FEW_ROWS) {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, tmp, r * NRD, true);
                        }
                    } else {
                        java.util.Arrays.fill(tmp, 0, MR * NRD, 0d);
                        micro(kc, pa, ia, pb, ib, tmp, 0, NRD);
                    }
                    flush(tmp, NRD, rows, cols, c, co, ldc, first);
                }
            }
        }
    }

    /** C tile += A panel * B panel (no overwrite variant: one store path keeps the method small enough for C1). */
    private static void micro(int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(DS), c0_1 = DoubleVector.zero(DS);
        DoubleVector c1_0 = DoubleVector.zero(DS), c1_1 = DoubleVector.zero(DS);
        DoubleVector c2_0 = DoubleVector.zero(DS), c2_1 = DoubleVector.zero(DS);
        DoubleVector c3_0 = DoubleVector.zero(DS), c3_1 = DoubleVector.zero(DS);
        DoubleVector c4_0 = DoubleVector.zero(DS), c4_1 = DoubleVector.zero(DS);
        DoubleVector c5_0 = DoubleVector.zero(DS), c5_1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * NRD;
            DoubleVector b0 = DoubleVector.fromArray(DS, pb, pB);
            DoubleVector b1 = DoubleVector.fromArray(DS, pb, pB + DL);
            DoubleVector a;
            a = DoubleVector.broadcast(DS, pa[pA]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = DoubleVector.broadcast(DS, pa[pA + 1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = DoubleVector.broadcast(DS, pa[pA + 2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = DoubleVector.broadcast(DS, pa[pA + 3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = DoubleVector.broadcast(DS, pa[pA + 4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = DoubleVector.broadcast(DS, pa[pA + 5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        c0_0.add(DoubleVector.fromArray(DS, c, co)).intoArray(c, co);
        c0_1.add(DoubleVector.fromArray(DS, c, co + DL)).intoArray(c, co + DL);
        c1_0.add(DoubleVector.fromArray(DS, c, co + ldc)).intoArray(c, co + ldc);
        c1_1.add(DoubleVector.fromArray(DS, c, co + ldc + DL)).intoArray(c, co + ldc + DL);
        c2_0.add(DoubleVector.fromArray(DS, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
        c2_1.add(DoubleVector.fromArray(DS, c, co + 2 * ldc + DL)).intoArray(c, co + 2 * ldc + DL);
        c3_0.add(DoubleVector.fromArray(DS, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
        c3_1.add(DoubleVector.fromArray(DS, c, co + 3 * ldc + DL)).intoArray(c, co + 3 * ldc + DL);
        c4_0.add(DoubleVector.fromArray(DS, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
        c4_1.add(DoubleVector.fromArray(DS, c, co + 4 * ldc + DL)).intoArray(c, co + 4 * ldc + DL);
        c5_0.add(DoubleVector.fromArray(DS, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc);
        c5_1.add(DoubleVector.fromArray(DS, c, co + 5 * ldc + DL)).intoArray(c, co + 5 * ldc + DL);
    }

    private static void micro1(int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int co, boolean first) {
        DoubleVector c0 = DoubleVector.zero(DS), c1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            int pB = ib + p * NRD;
            DoubleVector a = DoubleVector.broadcast(DS, pa[ia + p * MR]);
            c0 = a.fma(DoubleVector.fromArray(DS, pb, pB), c0);
            c1 = a.fma(DoubleVector.fromArray(DS, pb, pB + DL), c1);
        }
        if (first) {
            c0.intoArray(c, co);
            c1.intoArray(c, co + DL);
        } else {
            c0.add(DoubleVector.fromArray(DS, c, co)).intoArray(c, co);
            c1.add(DoubleVector.fromArray(DS, c, co + DL)).intoArray(c, co + DL);
        }
    }
}
