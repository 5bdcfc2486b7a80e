package dev.autograd4j.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix product with a Vector API micro-kernel: a 6-row x 2-vector tile of C lives in 12
 * vector registers while the packed panels stream through, one broadcast and two FMAs per
 * row and k step. Vectors never cross a method boundary (a call that is not inlined would box them).
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
    private static final int MR = 6;
    private static final int NRF = 2 * FL;
    private static final int NRD = 2 * DL;

    static final GemmVector INSTANCE = new GemmVector();

    private GemmVector() {
        // mc, nc, kc: a 6 x kc A panel plus a kc x NR B panel in L1, the mc x kc A block in L2.
        super(MR, NRF, 144, Math.max(NRF, 512 / NRF * NRF), 256,
              MR, NRD, 144, Math.max(NRD, 256 / NRD * NRD), 256);
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
                if (cols == NRF) {
                    if (rows == MR) {
                        micro6(kc, pa, ia, pb, ib, c, co, ldc, first);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, c, co + r * ldc, first);
                        }
                    }
                } else {
                    if (tmp == null) {
                        tmp = buf.tmpF(MR * NRF);
                    }
                    if (rows == MR) {
                        micro6(kc, pa, ia, pb, ib, tmp, 0, NRF, true);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, tmp, r * NRF, true);
                        }
                    }
                    flush(tmp, NRF, rows, cols, c, co, ldc, first);
                }
            }
        }
    }

    private static void micro6(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, int ldc,
                               boolean first) {
        FloatVector c00 = FloatVector.zero(FS), c01 = FloatVector.zero(FS);
        FloatVector c10 = FloatVector.zero(FS), c11 = FloatVector.zero(FS);
        FloatVector c20 = FloatVector.zero(FS), c21 = FloatVector.zero(FS);
        FloatVector c30 = FloatVector.zero(FS), c31 = FloatVector.zero(FS);
        FloatVector c40 = FloatVector.zero(FS), c41 = FloatVector.zero(FS);
        FloatVector c50 = FloatVector.zero(FS), c51 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(FS, pb, ib);
            FloatVector b1 = FloatVector.fromArray(FS, pb, ib + FL);
            FloatVector a;
            a = FloatVector.broadcast(FS, pa[ia]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(FS, pa[ia + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(FS, pa[ia + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(FS, pa[ia + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(FS, pa[ia + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(FS, pa[ia + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            ia += MR;
            ib += NRF;
        }
        if (first) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + FL);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + FL);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + FL);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + FL);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + FL);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + FL);
        } else {
            c00.add(FloatVector.fromArray(FS, c, co)).intoArray(c, co);
            c01.add(FloatVector.fromArray(FS, c, co + FL)).intoArray(c, co + FL);
            c10.add(FloatVector.fromArray(FS, c, co + ldc)).intoArray(c, co + ldc);
            c11.add(FloatVector.fromArray(FS, c, co + ldc + FL)).intoArray(c, co + ldc + FL);
            c20.add(FloatVector.fromArray(FS, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c21.add(FloatVector.fromArray(FS, c, co + 2 * ldc + FL)).intoArray(c, co + 2 * ldc + FL);
            c30.add(FloatVector.fromArray(FS, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c31.add(FloatVector.fromArray(FS, c, co + 3 * ldc + FL)).intoArray(c, co + 3 * ldc + FL);
            c40.add(FloatVector.fromArray(FS, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c41.add(FloatVector.fromArray(FS, c, co + 4 * ldc + FL)).intoArray(c, co + 4 * ldc + FL);
            c50.add(FloatVector.fromArray(FS, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc);
            c51.add(FloatVector.fromArray(FS, c, co + 5 * ldc + FL)).intoArray(c, co + 5 * ldc + FL);
        }
    }

    /** One row of the tile: row r of the packed A panel is pa[ia + p*MR]. */
    private static void micro1(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, boolean first) {
        FloatVector c0 = FloatVector.zero(FS), c1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            FloatVector a = FloatVector.broadcast(FS, pa[ia]);
            c0 = a.fma(FloatVector.fromArray(FS, pb, ib), c0);
            c1 = a.fma(FloatVector.fromArray(FS, pb, ib + FL), c1);
            ia += MR;
            ib += NRF;
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
                if (cols == NRD) {
                    if (rows == MR) {
                        micro6(kc, pa, ia, pb, ib, c, co, ldc, first);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, c, co + r * ldc, first);
                        }
                    }
                } else {
                    if (tmp == null) {
                        tmp = buf.tmpD(MR * NRD);
                    }
                    if (rows == MR) {
                        micro6(kc, pa, ia, pb, ib, tmp, 0, NRD, true);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            micro1(kc, pa, ia + r, pb, ib, tmp, r * NRD, true);
                        }
                    }
                    flush(tmp, NRD, rows, cols, c, co, ldc, first);
                }
            }
        }
    }

    private static void micro6(int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int co, int ldc,
                               boolean first) {
        DoubleVector c00 = DoubleVector.zero(DS), c01 = DoubleVector.zero(DS);
        DoubleVector c10 = DoubleVector.zero(DS), c11 = DoubleVector.zero(DS);
        DoubleVector c20 = DoubleVector.zero(DS), c21 = DoubleVector.zero(DS);
        DoubleVector c30 = DoubleVector.zero(DS), c31 = DoubleVector.zero(DS);
        DoubleVector c40 = DoubleVector.zero(DS), c41 = DoubleVector.zero(DS);
        DoubleVector c50 = DoubleVector.zero(DS), c51 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(DS, pb, ib);
            DoubleVector b1 = DoubleVector.fromArray(DS, pb, ib + DL);
            DoubleVector a;
            a = DoubleVector.broadcast(DS, pa[ia]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = DoubleVector.broadcast(DS, pa[ia + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = DoubleVector.broadcast(DS, pa[ia + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = DoubleVector.broadcast(DS, pa[ia + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = DoubleVector.broadcast(DS, pa[ia + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = DoubleVector.broadcast(DS, pa[ia + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            ia += MR;
            ib += NRD;
        }
        if (first) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + DL);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + DL);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + DL);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + DL);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + DL);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + DL);
        } else {
            c00.add(DoubleVector.fromArray(DS, c, co)).intoArray(c, co);
            c01.add(DoubleVector.fromArray(DS, c, co + DL)).intoArray(c, co + DL);
            c10.add(DoubleVector.fromArray(DS, c, co + ldc)).intoArray(c, co + ldc);
            c11.add(DoubleVector.fromArray(DS, c, co + ldc + DL)).intoArray(c, co + ldc + DL);
            c20.add(DoubleVector.fromArray(DS, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c21.add(DoubleVector.fromArray(DS, c, co + 2 * ldc + DL)).intoArray(c, co + 2 * ldc + DL);
            c30.add(DoubleVector.fromArray(DS, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c31.add(DoubleVector.fromArray(DS, c, co + 3 * ldc + DL)).intoArray(c, co + 3 * ldc + DL);
            c40.add(DoubleVector.fromArray(DS, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c41.add(DoubleVector.fromArray(DS, c, co + 4 * ldc + DL)).intoArray(c, co + 4 * ldc + DL);
            c50.add(DoubleVector.fromArray(DS, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc);
            c51.add(DoubleVector.fromArray(DS, c, co + 5 * ldc + DL)).intoArray(c, co + 5 * ldc + DL);
        }
    }

    private static void micro1(int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int co, boolean first) {
        DoubleVector c0 = DoubleVector.zero(DS), c1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            DoubleVector a = DoubleVector.broadcast(DS, pa[ia]);
            c0 = a.fma(DoubleVector.fromArray(DS, pb, ib), c0);
            c1 = a.fma(DoubleVector.fromArray(DS, pb, ib + DL), c1);
            ia += MR;
            ib += NRD;
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
