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
    /**
     * 512-bit vectors (AVX-512: 32 vector registers): a 12 x 2-vector tile, 24 accumulators. Narrower vectors
     * (AVX2: 16 registers): a 6 x 2-vector tile, 12 accumulators plus two B vectors and one broadcast.
     */
    private static final boolean WIDE = FS.vectorBitSize() >= 512;
    /** Rows of the register tile (and of the packed A micro-panels). */
    private static final int MR = WIDE ? 12 : 6;
    /**
     * Blocks of fewer multiply-adds run the wide tile's panels as two six-row tiles (same sums, same bits): the
     * small products of a training step then never need the big 12 x 2 kernel, whose C2 compile takes
     * about a second of a busy machine's time and whose interpreted and C1 code (boxed vectors) is slow
     * until then; the large products that gain from it amortise that.
     */
    static final long WIDE_BLOCK = 1L << 21;
    /**
     * Float k blocks shorter than this run the six-row tiles too (same bits): a convolution's input gradient
     * (k = 32 output channels) called the wide tile for a few steps at a time, and C2 then often compiled it with
     * its last stores not intrinsified (the Java fallback, {@code FloatVector.stOp}, up to 18% of a W6 step).
     */
    static final int WIDE_MIN_K = 128;
    /**
     * Products of fewer multiply-adds read a row-major or column-major A where it lies instead of packing it
     * (see {@link #macroA}): for the small products of a training step packing A costs as much as a good part
     * of the product, and these never run the wide tile, which needs packed panels. So do products of any size
     * with at most {@link #DIRECT_A_PANELS} column panels: packing A then costs as much as a third of the product
     * (a convolution's [N * H * W, C * kH * kW] x [C * kH * kW, 32] forward: 1.8 ms direct against 4.0 packed).
     */
    static final long DIRECT_A_WORK = 1L << 24;
    /**
     * Column panels up to which A is read where it lies at any size: four (n <= 128 floats on AVX-512), so that
     * a convolution's weight gradient [128 channels, 7 * 7 * 64] x [7 * 7 * 64, 288] (A row-major, re-read from L2
     * once per panel) runs at 199 GFLOP/s single-threaded instead of 155 with A packed (packing A, a transposing
     * scatter, was a third of it).
     */
    static final int DIRECT_A_PANELS = 4;
    /** Rows of the narrow tile, also used for the edges of the wide one. */
    private static final int MR6 = 6;
    private static final int NRF = 2 * FL;
    private static final int NRD = 2 * DL;
    /** Edge tiles with at most this many rows use the one-row kernel (latency-bound, but no wasted rows). */
    private static final int FEW_ROWS = 2;

    /** Block sizes, {kc, mc, nc}; before INSTANCE, whose constructor reads them. */
    private static final int[] BLOCKS_F = CacheSizes.blocks(MR, NRF, Float.BYTES, KC_F, 144,
            Math.max(NRF, 1024 / NRF * NRF), CacheSizes.L2);
    private static final int[] BLOCKS_D = CacheSizes.blocks(MR, NRD, Double.BYTES, KC_D, 96,
            Math.max(NRD, 512 / NRD * NRD), CacheSizes.L2);

    static final GemmVector INSTANCE = new GemmVector();

    private GemmVector() {
        // kc (fixed, GemmKernel.KC_F/KC_D): the kc x NR micro-panel of B plus an MR x kc micro-panel of A in a
        // 48 KiB L1; mc: the mc x kc block of A in L2; nc: the kc x nc block of B in L2 as well.
        super(MR, NRF, BLOCKS_F[1], BLOCKS_F[2], BLOCKS_F[0],
              MR, NRD, BLOCKS_D[1], BLOCKS_D[2], BLOCKS_D[0]);
    }

    /** "kc/mc/nc" of the float and double blocks, for the log. */
    static String blocks() {
        return "f32 " + BLOCKS_F[0] + "/" + BLOCKS_F[1] + "/" + BLOCKS_F[2] + ", f64 " + BLOCKS_D[0] + "/" + BLOCKS_D[1]
                + "/" + BLOCKS_D[2] + " (kc/mc/nc; L1d " + CacheSizes.L1D / 1024 + " KiB, L2 " + CacheSizes.L2 / 1024
                + " KiB)";
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
    boolean readsA(int m, int n, int k, int rs, int cs) {
        return (rs == 1 || cs == 1) && ((long) m * n * k < DIRECT_A_WORK || n <= DIRECT_A_PANELS * NRF);
    }

    /**
     * A row-major B is dealt out to the panels two vectors at a time: {@code System.arraycopy} of one panel row
     * (NRF floats, a length C2 does not know) is a stub call that cost as much as the copy (5% of a W6 step in
     * {@code packB}).
     */
    @Override
    void packPanelsB(float[] b, int off, int rs, int cs, int kc, int nc, int nr, float[] pb) {
        if (nr == NRF && rs == 1 && cs > 1) {
            packTransposed(b, off, cs, kc, nc, pb);
            return;
        }
        if (cs != 1 || nr != NRF) {
            packB(b, off, rs, cs, kc, nc, nr, pb);
            return;
        }
        int full = nc / NRF * NRF, rest = nc - full, panel = NRF * kc;
        if (panel % 1024 == 0) {
            // panel by panel: row by row, the writes to the panels (4 KiB apart) would all go to one cache set
            for (int jr = 0, d = 0; jr < full; jr += NRF) {
                for (int p = 0, s = off + jr; p < kc; p++, s += rs, d += NRF) {
                    FloatVector.fromArray(FS, b, s).intoArray(pb, d);
                    FloatVector.fromArray(FS, b, s + FL).intoArray(pb, d + FL);
                }
            }
        } else {
            // row by row: each row of B is read in order (its rows may be 4 KiB apart: a convolution's columns)
            for (int p = 0; p < kc; p++) {
                for (int jr = 0, s = off + p * rs, d = p * NRF; jr < full; jr += NRF, d += panel) {
                    FloatVector.fromArray(FS, b, s + jr).intoArray(pb, d);
                    FloatVector.fromArray(FS, b, s + jr + FL).intoArray(pb, d + FL);
                }
            }
        }
        if (rest > 0) {
            for (int p = 0, s = off + full, d = full * kc; p < kc; p++, s += rs, d += NRF) {
                for (int j = 0; j < rest; j++) {
                    pb[d + j] = b[s + j];
                }
                for (int j = rest; j < NRF; j++) {
                    pb[d + j] = 0f;
                }
            }
        }
    }

    /**
     * A column-major B (a weight gradient's [k, n] = g.t() with n = 16 or 32 channels) column by column, as
     * {@link #packB} does; a partial last panel's padding is zeroed a vector at a time where it can be (n = 16:
     * half of the stores).
     */
    private static void packTransposed(float[] b, int off, int cs, int kc, int nc, float[] pb) {
        for (int jr = 0; jr < nc; jr += NRF) {
            int cols = Math.min(NRF, nc - jr), d = jr * kc;
            if (cols <= FL) {
                FloatVector zero = FloatVector.zero(FS);
                for (int p = 0, dp = d; p < kc; p++, dp += NRF) {
                    zero.intoArray(pb, dp + FL);
                    for (int j = cols; j < FL; j++) {
                        pb[dp + j] = 0f;
                    }
                }
            } else if (cols < NRF) {
                for (int p = 0, dp = d; p < kc; p++, dp += NRF) {
                    for (int j = cols; j < NRF; j++) {
                        pb[dp + j] = 0f;
                    }
                }
            }
            for (int j = 0; j < cols; j++) {
                for (int p = 0, s = off + (jr + j) * cs, dp = d + j; p < kc; p++, dp += NRF) {
                    pb[dp] = b[s + p];
                }
            }
        }
    }

    /**
     * As {@link #macro}, reading A (mc x kc, element (i,p) at a[aOff + i*rs + p*cs]) where it lies: whole
     * six-row panels run the six-row kernel on it directly (same products in the same order as on a packed
     * panel, so the same bits); the last mc % 6 rows are packed (zero-padded) and run as an edge tile. A
     * row-major A (cs == 1) runs {@link #micro6r}, a column-major one {@link #micro6}.
     */
    @Override
    void macroA(int mc, int nc, int kc, float[] a, int aOff, int rs, int cs, float[] pb, float[] c, int cOff, int ldc,
                boolean first, Buffers buf) {
        if (cs == 1 && rs != 1) {
            macroRows(mc, nc, kc, a, aOff, rs, pb, c, cOff, ldc, first, buf);
            return;
        }
        int full = mc / MR6 * MR6, rest = mc - full;
        float[] edgeA = null;
        if (rest > 0) {
            // packed in six-row panels, not padded: the rows past the last are computed into the temp tile
            // from stale values and never copied out
            edgeA = buf.edgeF(MR6 * kc);
            for (int p = 0; p < kc; p++) {
                for (int r = 0, s = aOff + full * rs + p * cs; r < rest; r++, s += rs) {
                    edgeA[p * MR6 + r] = a[s];
                }
            }
        }
        float[] tmp = buf.tmpF(MR6 * NRF);
        for (int jr = 0; jr < nc; jr += NRF) {
            int cols = Math.min(NRF, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < full; ir += MR6) {
                int co = cOff + ir * ldc + jr;
                if (cols == NRF) {
                    micro6(kc, a, aOff + ir, cs, pb, ib, c, co, ldc, first);
                } else {
                    micro6(kc, a, aOff + ir, cs, pb, ib, tmp, 0, NRF, true);
                    flush(tmp, NRF, MR6, cols, c, co, ldc, first);
                }
            }
            if (rest > 0) {
                edge(rest, cols, kc, edgeA, 0, MR6, pb, ib, c, cOff + full * ldc + jr, ldc, first, buf);
            }
        }
    }

    /** {@link #macroA} for a row-major A (cs == 1): rows at stride rs. */
    private void macroRows(int mc, int nc, int kc, float[] a, int aOff, int rs, float[] pb, float[] c, int cOff,
                           int ldc, boolean first, Buffers buf) {
        int full = mc / MR6 * MR6, rest = mc - full;
        float[] edgeA = null;
        if (rest > 0) {
            // the last rows copied as six rows of kc (the rows past the last are stale: computed into the temp tile
            // and never copied out) and run by micro6r too: a kernel used only for edges (micro6, micro1) stays in
            // C1 code, where every vector operation is a call to the Java fallback, long after micro6r is compiled
            // (W2's first product 64 x 256 x 784 at 1.5-50 GFLOP/s instead of 200 in 3 of about 15 runs)
            edgeA = buf.edgeF(MR6 * kc);
            for (int r = 0, s = aOff + full * rs; r < rest; r++, s += rs) {
                System.arraycopy(a, s, edgeA, r * kc, kc);
            }
        }
        float[] tmp = buf.tmpF(MR6 * NRF);
        for (int jr = 0; jr < nc; jr += NRF) {
            int cols = Math.min(NRF, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < full; ir += MR6) {
                int co = cOff + ir * ldc + jr;
                if (cols == NRF) {
                    micro6r(kc, a, aOff + ir * rs, rs, pb, ib, c, co, ldc, first);
                } else {
                    micro6r(kc, a, aOff + ir * rs, rs, pb, ib, tmp, 0, NRF, true);
                    flush(tmp, NRF, MR6, cols, c, co, ldc, first);
                }
            }
            if (rest > 0) {
                micro6r(kc, edgeA, 0, kc, pb, ib, tmp, 0, NRF, true);
                flush(tmp, NRF, rest, cols, c, cOff + full * ldc + jr, ldc, first);
            }
        }
    }

    @Override
    void macro(int mc, int nc, int kc, float[] pa, int paOff, float[] pb, float[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        boolean wide = WIDE && (long) mc * nc * kc >= WIDE_BLOCK && kc >= WIDE_MIN_K;
        for (int jr = 0; jr < nc; jr += NRF) {
            int cols = Math.min(NRF, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int ia = paOff + ir * kc;
                int co = cOff + ir * ldc + jr;
                if (rows == MR && cols == NRF) {
                    if (wide) {
                        // the first k block by its own kernel, not a zero tile read in micro12x2 (with that, C2
                        // often failed to intrinsify the kernel's last stores: 18% of a W6 step in the Java
                        // fallback, FloatVector.stOp) nor C zero-filled first (a pass over C: a convolution's
                        // forward 128 x 3136 x 288 4-8% slower)
                        if (first) {
                            micro12x2first(kc, pa, ia, pb, ib, c, co, ldc);
                        } else {
                            micro12x2(kc, pa, ia, pb, ib, c, co, ldc);
                        }
                    } else {
                        micro6(kc, pa, ia, MR, pb, ib, c, co, ldc, first);
                        if (MR > MR6) {
                            micro6(kc, pa, ia + MR6, MR, pb, ib, c, co + MR6 * ldc, ldc, first);
                        }
                    }
                } else {
                    edge(rows, cols, kc, pa, ia, MR, pb, ib, c, co, ldc, first, buf);
                }
            }
        }
    }

    /**
     * An edge tile (fewer than MR rows or NRF columns) in chunks of six rows: whole chunks run the six-row
     * kernel, one or two leftover rows the one-row kernel, and partial columns go through a temp tile.
     */
    private static void edge(int rows, int cols, int kc, float[] pa, int ia, int sp, float[] pb, int ib, float[] c,
                             int co, int ldc, boolean first, Buffers buf) {
        float[] tmp = buf.tmpF(MR6 * NRF);
        for (int r0 = 0; r0 < rows; r0 += MR6) {
            int rr = Math.min(MR6, rows - r0);
            int cr = co + r0 * ldc;
            if (rr == MR6 && cols == NRF) {
                micro6(kc, pa, ia + r0, sp, pb, ib, c, cr, ldc, first);
            } else if (rr <= FEW_ROWS && cols == NRF) {
                for (int r = 0; r < rr; r++) {
                    micro1(kc, pa, ia + r0 + r, sp, pb, ib, c, cr + r * ldc, first);
                }
            } else {
                if (rr <= FEW_ROWS) {
                    for (int r = 0; r < rr; r++) {
                        micro1(kc, pa, ia + r0 + r, sp, pb, ib, tmp, r * NRF, true);
                    }
                } else {
                    micro6(kc, pa, ia + r0, sp, pb, ib, tmp, 0, NRF, true);
                }
                flush(tmp, NRF, rr, cols, c, cr, ldc, first);
            }
        }
    }

    /**
     * C tile = (first ? 0 : C tile) + A panel * B panel for 6 rows x 2 vectors. Row r of A at step p is
     * pa[ia + p*sp + r]: sp = MR for a packed panel (MR rows, 6 or 12), cs for a column-major A read where it lies.
     * The rows are adjacent (constant offsets), so C2 checks the six reads of a step as one range.
     */
    private static void micro6(int kc, float[] pa, int ia, int sp, float[] pb, int ib, float[] c, int co, int ldc,
                               boolean first) {
        final int a1 = 1, a2 = 2, a3 = 3, a4 = 4, a5 = 5;
        FloatVector c0_0 = FloatVector.zero(FS), c0_1 = FloatVector.zero(FS);
        FloatVector c1_0 = FloatVector.zero(FS), c1_1 = FloatVector.zero(FS);
        FloatVector c2_0 = FloatVector.zero(FS), c2_1 = FloatVector.zero(FS);
        FloatVector c3_0 = FloatVector.zero(FS), c3_1 = FloatVector.zero(FS);
        FloatVector c4_0 = FloatVector.zero(FS), c4_1 = FloatVector.zero(FS);
        FloatVector c5_0 = FloatVector.zero(FS), c5_1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * sp, pB = ib + p * NRF;
            FloatVector b0 = FloatVector.fromArray(FS, pb, pB);
            FloatVector b1 = FloatVector.fromArray(FS, pb, pB + FL);
            FloatVector a;
            a = FloatVector.broadcast(FS, pa[pA]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = FloatVector.broadcast(FS, pa[pA + a1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = FloatVector.broadcast(FS, pa[pA + a2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = FloatVector.broadcast(FS, pa[pA + a3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = FloatVector.broadcast(FS, pa[pA + a4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = FloatVector.broadcast(FS, pa[pA + a5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        if (first) {
            // 0 + sum, as when C was zero-filled first: the same bits (a -0 sum becomes +0)
            FloatVector zero = FloatVector.zero(FS);
            c0_0.add(zero).intoArray(c, co);
            c0_1.add(zero).intoArray(c, co + FL);
            c1_0.add(zero).intoArray(c, co + ldc);
            c1_1.add(zero).intoArray(c, co + ldc + FL);
            c2_0.add(zero).intoArray(c, co + 2 * ldc);
            c2_1.add(zero).intoArray(c, co + 2 * ldc + FL);
            c3_0.add(zero).intoArray(c, co + 3 * ldc);
            c3_1.add(zero).intoArray(c, co + 3 * ldc + FL);
            c4_0.add(zero).intoArray(c, co + 4 * ldc);
            c4_1.add(zero).intoArray(c, co + 4 * ldc + FL);
            c5_0.add(zero).intoArray(c, co + 5 * ldc);
            c5_1.add(zero).intoArray(c, co + 5 * ldc + FL);
        } else {
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
    }

    /**
     * As {@link #micro6} for a row-major A read where it lies: row r at step p is pa[ia + r*sr + p]. Each row's
     * reads advance by one a step, so C2 checks their ranges once, before the loop.
     */
    private static void micro6r(int kc, float[] pa, int ia, int sr, float[] pb, int ib, float[] c, int co, int ldc,
                                boolean first) {
        final int a1 = sr, a2 = 2 * sr, a3 = 3 * sr, a4 = 4 * sr, a5 = 5 * sr;
        FloatVector c0_0 = FloatVector.zero(FS), c0_1 = FloatVector.zero(FS);
        FloatVector c1_0 = FloatVector.zero(FS), c1_1 = FloatVector.zero(FS);
        FloatVector c2_0 = FloatVector.zero(FS), c2_1 = FloatVector.zero(FS);
        FloatVector c3_0 = FloatVector.zero(FS), c3_1 = FloatVector.zero(FS);
        FloatVector c4_0 = FloatVector.zero(FS), c4_1 = FloatVector.zero(FS);
        FloatVector c5_0 = FloatVector.zero(FS), c5_1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p, pB = ib + p * NRF;
            FloatVector b0 = FloatVector.fromArray(FS, pb, pB);
            FloatVector b1 = FloatVector.fromArray(FS, pb, pB + FL);
            FloatVector a;
            a = FloatVector.broadcast(FS, pa[pA]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = FloatVector.broadcast(FS, pa[pA + a1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = FloatVector.broadcast(FS, pa[pA + a2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = FloatVector.broadcast(FS, pa[pA + a3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = FloatVector.broadcast(FS, pa[pA + a4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = FloatVector.broadcast(FS, pa[pA + a5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        if (first) {
            // 0 + sum, as when C was zero-filled first: the same bits (a -0 sum becomes +0)
            FloatVector zero = FloatVector.zero(FS);
            c0_0.add(zero).intoArray(c, co);
            c0_1.add(zero).intoArray(c, co + FL);
            c1_0.add(zero).intoArray(c, co + ldc);
            c1_1.add(zero).intoArray(c, co + ldc + FL);
            c2_0.add(zero).intoArray(c, co + 2 * ldc);
            c2_1.add(zero).intoArray(c, co + 2 * ldc + FL);
            c3_0.add(zero).intoArray(c, co + 3 * ldc);
            c3_1.add(zero).intoArray(c, co + 3 * ldc + FL);
            c4_0.add(zero).intoArray(c, co + 4 * ldc);
            c4_1.add(zero).intoArray(c, co + 4 * ldc + FL);
            c5_0.add(zero).intoArray(c, co + 5 * ldc);
            c5_1.add(zero).intoArray(c, co + 5 * ldc + FL);
        } else {
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
    }

    /** C tile += A panel * B panel for a 12 x 2-vector tile (accumulators live in 24 registers). */
    private static void micro12x2(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, int ldc) {
        FloatVector c0_0 = FloatVector.zero(FS), c0_1 = FloatVector.zero(FS);
        FloatVector c1_0 = FloatVector.zero(FS), c1_1 = FloatVector.zero(FS);
        FloatVector c2_0 = FloatVector.zero(FS), c2_1 = FloatVector.zero(FS);
        FloatVector c3_0 = FloatVector.zero(FS), c3_1 = FloatVector.zero(FS);
        FloatVector c4_0 = FloatVector.zero(FS), c4_1 = FloatVector.zero(FS);
        FloatVector c5_0 = FloatVector.zero(FS), c5_1 = FloatVector.zero(FS);
        FloatVector c6_0 = FloatVector.zero(FS), c6_1 = FloatVector.zero(FS);
        FloatVector c7_0 = FloatVector.zero(FS), c7_1 = FloatVector.zero(FS);
        FloatVector c8_0 = FloatVector.zero(FS), c8_1 = FloatVector.zero(FS);
        FloatVector c9_0 = FloatVector.zero(FS), c9_1 = FloatVector.zero(FS);
        FloatVector c10_0 = FloatVector.zero(FS), c10_1 = FloatVector.zero(FS);
        FloatVector c11_0 = FloatVector.zero(FS), c11_1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * 2 * FL;
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
            a = FloatVector.broadcast(FS, pa[pA + 6]);
            c6_0 = a.fma(b0, c6_0);
            c6_1 = a.fma(b1, c6_1);
            a = FloatVector.broadcast(FS, pa[pA + 7]);
            c7_0 = a.fma(b0, c7_0);
            c7_1 = a.fma(b1, c7_1);
            a = FloatVector.broadcast(FS, pa[pA + 8]);
            c8_0 = a.fma(b0, c8_0);
            c8_1 = a.fma(b1, c8_1);
            a = FloatVector.broadcast(FS, pa[pA + 9]);
            c9_0 = a.fma(b0, c9_0);
            c9_1 = a.fma(b1, c9_1);
            a = FloatVector.broadcast(FS, pa[pA + 10]);
            c10_0 = a.fma(b0, c10_0);
            c10_1 = a.fma(b1, c10_1);
            a = FloatVector.broadcast(FS, pa[pA + 11]);
            c11_0 = a.fma(b0, c11_0);
            c11_1 = a.fma(b1, c11_1);
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
        c6_0.add(FloatVector.fromArray(FS, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc);
        c6_1.add(FloatVector.fromArray(FS, c, co + 6 * ldc + FL)).intoArray(c, co + 6 * ldc + FL);
        c7_0.add(FloatVector.fromArray(FS, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc);
        c7_1.add(FloatVector.fromArray(FS, c, co + 7 * ldc + FL)).intoArray(c, co + 7 * ldc + FL);
        c8_0.add(FloatVector.fromArray(FS, c, co + 8 * ldc)).intoArray(c, co + 8 * ldc);
        c8_1.add(FloatVector.fromArray(FS, c, co + 8 * ldc + FL)).intoArray(c, co + 8 * ldc + FL);
        c9_0.add(FloatVector.fromArray(FS, c, co + 9 * ldc)).intoArray(c, co + 9 * ldc);
        c9_1.add(FloatVector.fromArray(FS, c, co + 9 * ldc + FL)).intoArray(c, co + 9 * ldc + FL);
        c10_0.add(FloatVector.fromArray(FS, c, co + 10 * ldc)).intoArray(c, co + 10 * ldc);
        c10_1.add(FloatVector.fromArray(FS, c, co + 10 * ldc + FL)).intoArray(c, co + 10 * ldc + FL);
        c11_0.add(FloatVector.fromArray(FS, c, co + 11 * ldc)).intoArray(c, co + 11 * ldc);
        c11_1.add(FloatVector.fromArray(FS, c, co + 11 * ldc + FL)).intoArray(c, co + 11 * ldc + FL);
    }

    /**
     * C tile = 0 + A panel * B panel for a 12 x 2-vector tile, the first k block: the sums stored as C = 0 + sum
     * would leave them (the same bits), without a pass that zero-fills C and a read of it back.
     */
    private static void micro12x2first(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int co, int ldc) {
        FloatVector c0_0 = FloatVector.zero(FS), c0_1 = FloatVector.zero(FS);
        FloatVector c1_0 = FloatVector.zero(FS), c1_1 = FloatVector.zero(FS);
        FloatVector c2_0 = FloatVector.zero(FS), c2_1 = FloatVector.zero(FS);
        FloatVector c3_0 = FloatVector.zero(FS), c3_1 = FloatVector.zero(FS);
        FloatVector c4_0 = FloatVector.zero(FS), c4_1 = FloatVector.zero(FS);
        FloatVector c5_0 = FloatVector.zero(FS), c5_1 = FloatVector.zero(FS);
        FloatVector c6_0 = FloatVector.zero(FS), c6_1 = FloatVector.zero(FS);
        FloatVector c7_0 = FloatVector.zero(FS), c7_1 = FloatVector.zero(FS);
        FloatVector c8_0 = FloatVector.zero(FS), c8_1 = FloatVector.zero(FS);
        FloatVector c9_0 = FloatVector.zero(FS), c9_1 = FloatVector.zero(FS);
        FloatVector c10_0 = FloatVector.zero(FS), c10_1 = FloatVector.zero(FS);
        FloatVector c11_0 = FloatVector.zero(FS), c11_1 = FloatVector.zero(FS);
        FloatVector zero = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * 2 * FL;
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
            a = FloatVector.broadcast(FS, pa[pA + 6]);
            c6_0 = a.fma(b0, c6_0);
            c6_1 = a.fma(b1, c6_1);
            a = FloatVector.broadcast(FS, pa[pA + 7]);
            c7_0 = a.fma(b0, c7_0);
            c7_1 = a.fma(b1, c7_1);
            a = FloatVector.broadcast(FS, pa[pA + 8]);
            c8_0 = a.fma(b0, c8_0);
            c8_1 = a.fma(b1, c8_1);
            a = FloatVector.broadcast(FS, pa[pA + 9]);
            c9_0 = a.fma(b0, c9_0);
            c9_1 = a.fma(b1, c9_1);
            a = FloatVector.broadcast(FS, pa[pA + 10]);
            c10_0 = a.fma(b0, c10_0);
            c10_1 = a.fma(b1, c10_1);
            a = FloatVector.broadcast(FS, pa[pA + 11]);
            c11_0 = a.fma(b0, c11_0);
            c11_1 = a.fma(b1, c11_1);
        }
        c0_0.add(zero).intoArray(c, co);
        c0_1.add(zero).intoArray(c, co + FL);
        c1_0.add(zero).intoArray(c, co + ldc);
        c1_1.add(zero).intoArray(c, co + ldc + FL);
        c2_0.add(zero).intoArray(c, co + 2 * ldc);
        c2_1.add(zero).intoArray(c, co + 2 * ldc + FL);
        c3_0.add(zero).intoArray(c, co + 3 * ldc);
        c3_1.add(zero).intoArray(c, co + 3 * ldc + FL);
        c4_0.add(zero).intoArray(c, co + 4 * ldc);
        c4_1.add(zero).intoArray(c, co + 4 * ldc + FL);
        c5_0.add(zero).intoArray(c, co + 5 * ldc);
        c5_1.add(zero).intoArray(c, co + 5 * ldc + FL);
        c6_0.add(zero).intoArray(c, co + 6 * ldc);
        c6_1.add(zero).intoArray(c, co + 6 * ldc + FL);
        c7_0.add(zero).intoArray(c, co + 7 * ldc);
        c7_1.add(zero).intoArray(c, co + 7 * ldc + FL);
        c8_0.add(zero).intoArray(c, co + 8 * ldc);
        c8_1.add(zero).intoArray(c, co + 8 * ldc + FL);
        c9_0.add(zero).intoArray(c, co + 9 * ldc);
        c9_1.add(zero).intoArray(c, co + 9 * ldc + FL);
        c10_0.add(zero).intoArray(c, co + 10 * ldc);
        c10_1.add(zero).intoArray(c, co + 10 * ldc + FL);
        c11_0.add(zero).intoArray(c, co + 11 * ldc);
        c11_1.add(zero).intoArray(c, co + 11 * ldc + FL);
    }

    /** One row of the tile: the row's element at step p is pa[ia + p*sp]. */
    private static void micro1(int kc, float[] pa, int ia, int sp, float[] pb, int ib, float[] c, int co,
                               boolean first) {
        FloatVector c0 = FloatVector.zero(FS), c1 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            int pB = ib + p * NRF;
            FloatVector a = FloatVector.broadcast(FS, pa[ia + p * sp]);
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

    /**
     * As {@link #macro}, reading A (mc x kc, element (i,p) at a[aOff + i*rs + p*cs]) where it lies: whole
     * six-row panels run the six-row kernel on it directly (same products in the same order as on a packed
     * panel, so the same bits); the last mc % 6 rows are packed (zero-padded) and run as an edge tile.
     */
    @Override
    void macroA(int mc, int nc, int kc, double[] a, int aOff, int rs, int cs, double[] pb, double[] c, int cOff,
                int ldc, boolean first, Buffers buf) {
        int full = mc / MR6 * MR6, rest = mc - full;
        double[] edgeA = null;
        if (rest > 0) {
            // packed in six-row panels, not padded: the rows past the last are computed into the temp tile
            // from stale values and never copied out
            edgeA = buf.edgeD(MR6 * kc);
            for (int p = 0; p < kc; p++) {
                for (int r = 0, s = aOff + full * rs + p * cs; r < rest; r++, s += rs) {
                    edgeA[p * MR6 + r] = a[s];
                }
            }
        }
        double[] tmp = buf.tmpD(MR6 * NRD);
        for (int jr = 0; jr < nc; jr += NRD) {
            int cols = Math.min(NRD, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < full; ir += MR6) {
                int co = cOff + ir * ldc + jr;
                if (cols == NRD) {
                    micro6(kc, a, aOff + ir * rs, cs, rs, pb, ib, c, co, ldc, first);
                } else {
                    micro6(kc, a, aOff + ir * rs, cs, rs, pb, ib, tmp, 0, NRD, true);
                    flush(tmp, NRD, MR6, cols, c, co, ldc, first);
                }
            }
            if (rest > 0) {
                edge(rest, cols, kc, edgeA, 0, MR6, pb, ib, c, cOff + full * ldc + jr, ldc, first, buf);
            }
        }
    }

    @Override
    void macro(int mc, int nc, int kc, double[] pa, int paOff, double[] pb, double[] c, int cOff, int ldc,
               boolean first, Buffers buf) {
        boolean wide = WIDE && (long) mc * nc * kc >= WIDE_BLOCK;
        for (int jr = 0; jr < nc; jr += NRD) {
            int cols = Math.min(NRD, nc - jr);
            int ib = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int ia = paOff + ir * kc;
                int co = cOff + ir * ldc + jr;
                if (rows == MR && cols == NRD) {
                    if (wide) {
                        // zero-filled here, not a zero tile read in micro12x2: with that, C2 often failed to
                        // intrinsify the kernel's last stores (18% of a W6 step in the Java fallback, FloatVector.stOp)
                        if (first) {
                            for (int r = 0; r < MR; r++) {
                                java.util.Arrays.fill(c, co + r * ldc, co + r * ldc + NRD, 0d);
                            }
                        }
                        micro12x2(kc, pa, ia, pb, ib, c, co, ldc);
                    } else {
                        micro6(kc, pa, ia, MR, 1, pb, ib, c, co, ldc, first);
                        if (MR > MR6) {
                            micro6(kc, pa, ia + MR6, MR, 1, pb, ib, c, co + MR6 * ldc, ldc, first);
                        }
                    }
                } else {
                    edge(rows, cols, kc, pa, ia, MR, pb, ib, c, co, ldc, first, buf);
                }
            }
        }
    }

    /** As the float version. */
    private static void edge(int rows, int cols, int kc, double[] pa, int ia, int sp, double[] pb, int ib, double[] c,
                             int co, int ldc, boolean first, Buffers buf) {
        double[] tmp = buf.tmpD(MR6 * NRD);
        for (int r0 = 0; r0 < rows; r0 += MR6) {
            int rr = Math.min(MR6, rows - r0);
            int cr = co + r0 * ldc;
            if (rr == MR6 && cols == NRD) {
                micro6(kc, pa, ia + r0, sp, 1, pb, ib, c, cr, ldc, first);
            } else if (rr <= FEW_ROWS && cols == NRD) {
                for (int r = 0; r < rr; r++) {
                    micro1(kc, pa, ia + r0 + r, sp, pb, ib, c, cr + r * ldc, first);
                }
            } else {
                if (rr <= FEW_ROWS) {
                    for (int r = 0; r < rr; r++) {
                        micro1(kc, pa, ia + r0 + r, sp, pb, ib, tmp, r * NRD, true);
                    }
                } else {
                    micro6(kc, pa, ia + r0, sp, 1, pb, ib, tmp, 0, NRD, true);
                }
                flush(tmp, NRD, rr, cols, c, cr, ldc, first);
            }
        }
    }

    /** As the float version. */
    private static void micro6(int kc, double[] pa, int ia, int sp, int sr, double[] pb, int ib, double[] c, int co,
                               int ldc, boolean first) {
        final int a1 = sr, a2 = 2 * sr, a3 = 3 * sr, a4 = 4 * sr, a5 = 5 * sr;
        DoubleVector c0_0 = DoubleVector.zero(DS), c0_1 = DoubleVector.zero(DS);
        DoubleVector c1_0 = DoubleVector.zero(DS), c1_1 = DoubleVector.zero(DS);
        DoubleVector c2_0 = DoubleVector.zero(DS), c2_1 = DoubleVector.zero(DS);
        DoubleVector c3_0 = DoubleVector.zero(DS), c3_1 = DoubleVector.zero(DS);
        DoubleVector c4_0 = DoubleVector.zero(DS), c4_1 = DoubleVector.zero(DS);
        DoubleVector c5_0 = DoubleVector.zero(DS), c5_1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * sp, pB = ib + p * NRD;
            DoubleVector b0 = DoubleVector.fromArray(DS, pb, pB);
            DoubleVector b1 = DoubleVector.fromArray(DS, pb, pB + DL);
            DoubleVector a;
            a = DoubleVector.broadcast(DS, pa[pA]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = DoubleVector.broadcast(DS, pa[pA + a1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = DoubleVector.broadcast(DS, pa[pA + a2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = DoubleVector.broadcast(DS, pa[pA + a3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = DoubleVector.broadcast(DS, pa[pA + a4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = DoubleVector.broadcast(DS, pa[pA + a5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        if (first) {
            // 0 + sum, as when C was zero-filled first: the same bits (a -0 sum becomes +0)
            DoubleVector zero = DoubleVector.zero(DS);
            c0_0.add(zero).intoArray(c, co);
            c0_1.add(zero).intoArray(c, co + DL);
            c1_0.add(zero).intoArray(c, co + ldc);
            c1_1.add(zero).intoArray(c, co + ldc + DL);
            c2_0.add(zero).intoArray(c, co + 2 * ldc);
            c2_1.add(zero).intoArray(c, co + 2 * ldc + DL);
            c3_0.add(zero).intoArray(c, co + 3 * ldc);
            c3_1.add(zero).intoArray(c, co + 3 * ldc + DL);
            c4_0.add(zero).intoArray(c, co + 4 * ldc);
            c4_1.add(zero).intoArray(c, co + 4 * ldc + DL);
            c5_0.add(zero).intoArray(c, co + 5 * ldc);
            c5_1.add(zero).intoArray(c, co + 5 * ldc + DL);
        } else {
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
    }

    /** C tile += A panel * B panel for a 12 x 2-vector tile (accumulators live in 24 registers). */
    private static void micro12x2(int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(DS), c0_1 = DoubleVector.zero(DS);
        DoubleVector c1_0 = DoubleVector.zero(DS), c1_1 = DoubleVector.zero(DS);
        DoubleVector c2_0 = DoubleVector.zero(DS), c2_1 = DoubleVector.zero(DS);
        DoubleVector c3_0 = DoubleVector.zero(DS), c3_1 = DoubleVector.zero(DS);
        DoubleVector c4_0 = DoubleVector.zero(DS), c4_1 = DoubleVector.zero(DS);
        DoubleVector c5_0 = DoubleVector.zero(DS), c5_1 = DoubleVector.zero(DS);
        DoubleVector c6_0 = DoubleVector.zero(DS), c6_1 = DoubleVector.zero(DS);
        DoubleVector c7_0 = DoubleVector.zero(DS), c7_1 = DoubleVector.zero(DS);
        DoubleVector c8_0 = DoubleVector.zero(DS), c8_1 = DoubleVector.zero(DS);
        DoubleVector c9_0 = DoubleVector.zero(DS), c9_1 = DoubleVector.zero(DS);
        DoubleVector c10_0 = DoubleVector.zero(DS), c10_1 = DoubleVector.zero(DS);
        DoubleVector c11_0 = DoubleVector.zero(DS), c11_1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * 2 * DL;
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
            a = DoubleVector.broadcast(DS, pa[pA + 6]);
            c6_0 = a.fma(b0, c6_0);
            c6_1 = a.fma(b1, c6_1);
            a = DoubleVector.broadcast(DS, pa[pA + 7]);
            c7_0 = a.fma(b0, c7_0);
            c7_1 = a.fma(b1, c7_1);
            a = DoubleVector.broadcast(DS, pa[pA + 8]);
            c8_0 = a.fma(b0, c8_0);
            c8_1 = a.fma(b1, c8_1);
            a = DoubleVector.broadcast(DS, pa[pA + 9]);
            c9_0 = a.fma(b0, c9_0);
            c9_1 = a.fma(b1, c9_1);
            a = DoubleVector.broadcast(DS, pa[pA + 10]);
            c10_0 = a.fma(b0, c10_0);
            c10_1 = a.fma(b1, c10_1);
            a = DoubleVector.broadcast(DS, pa[pA + 11]);
            c11_0 = a.fma(b0, c11_0);
            c11_1 = a.fma(b1, c11_1);
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
        c6_0.add(DoubleVector.fromArray(DS, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc);
        c6_1.add(DoubleVector.fromArray(DS, c, co + 6 * ldc + DL)).intoArray(c, co + 6 * ldc + DL);
        c7_0.add(DoubleVector.fromArray(DS, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc);
        c7_1.add(DoubleVector.fromArray(DS, c, co + 7 * ldc + DL)).intoArray(c, co + 7 * ldc + DL);
        c8_0.add(DoubleVector.fromArray(DS, c, co + 8 * ldc)).intoArray(c, co + 8 * ldc);
        c8_1.add(DoubleVector.fromArray(DS, c, co + 8 * ldc + DL)).intoArray(c, co + 8 * ldc + DL);
        c9_0.add(DoubleVector.fromArray(DS, c, co + 9 * ldc)).intoArray(c, co + 9 * ldc);
        c9_1.add(DoubleVector.fromArray(DS, c, co + 9 * ldc + DL)).intoArray(c, co + 9 * ldc + DL);
        c10_0.add(DoubleVector.fromArray(DS, c, co + 10 * ldc)).intoArray(c, co + 10 * ldc);
        c10_1.add(DoubleVector.fromArray(DS, c, co + 10 * ldc + DL)).intoArray(c, co + 10 * ldc + DL);
        c11_0.add(DoubleVector.fromArray(DS, c, co + 11 * ldc)).intoArray(c, co + 11 * ldc);
        c11_1.add(DoubleVector.fromArray(DS, c, co + 11 * ldc + DL)).intoArray(c, co + 11 * ldc + DL);
    }


    private static void micro1(int kc, double[] pa, int ia, int sp, double[] pb, int ib, double[] c, int co,
                               boolean first) {
        DoubleVector c0 = DoubleVector.zero(DS), c1 = DoubleVector.zero(DS);
        for (int p = 0; p < kc; p++) {
            int pB = ib + p * NRD;
            DoubleVector a = DoubleVector.broadcast(DS, pa[ia + p * sp]);
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
