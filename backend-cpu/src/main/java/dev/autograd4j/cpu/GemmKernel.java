package dev.autograd4j.cpu;

/**
 * The blocked, packed matrix-product driver shared by {@link GemmPlain} and the Vector API kernel.
 *
 * <p>C (m x n, row-major) is cut into at most a few tasks per thread: column blocks of at most nc
 * (a multiple of the thread count of them when parallel), and row ranges only when there are too
 * few column blocks to go round. Each task walks k in blocks of kc and packs its kc x nc block of
 * B once per k block into micro-panels of NR columns ({@code pb[panel*NR*kc + p*NR + j]}), then
 * walks its rows in blocks of mc, packing each mc x kc block of A into micro-panels of MR rows
 * ({@code pa[panel*MR*kc + p*MR + r]}); both are zero-padded to whole panels, and the subclass's
 * macro-kernel multiplies the two packed blocks into C, either overwriting it (the first k block)
 * or adding to it. So B is packed exactly once per product and A once per column block, and the
 * threads share nothing but C (disjoint parts of it). Packing reads through arbitrary strides, so
 * transposed and broadcast (stride 0) operands cost nothing extra in the kernel; row-major B is
 * read row by row (contiguous), not panel by panel (a column strip down every row, which for
 * power-of-two leading dimensions hits the same cache sets and a new page on every row).
 */
abstract class GemmKernel {
    /** Below this many multiply-adds a product runs on the caller's thread. */
    static final long INLINE_WORK = 64L * 64 * 64;

    final int mrF, nrF, mcF, ncF, kcF;
    final int mrD, nrD, mcD, ncD, kcD;

    GemmKernel(int mrF, int nrF, int mcF, int ncF, int kcF, int mrD, int nrD, int mcD, int ncD, int kcD) {
        this.mrF = mrF;
        this.nrF = nrF;
        this.mcF = mcF;
        this.ncF = ncF;
        this.kcF = kcF;
        this.mrD = mrD;
        this.nrD = nrD;
        this.mcD = mcD;
        this.ncD = ncD;
        this.kcD = kcD;
    }

    /**
     * C[0..mc, 0..nc] (at c[cOff + i*ldc + j]) = (first ? 0 : C) + packedA * packedB, the packed
     * blocks being mc (padded to MR) x kc and kc x nc (padded to NR).
     */
    abstract void macro(int mc, int nc, int kc, float[] pa, float[] pb, float[] c, int cOff, int ldc,
                        boolean first, Buffers buf);

    abstract void macro(int mc, int nc, int kc, double[] pa, double[] pb, double[] c, int cOff, int ldc,
                        boolean first, Buffers buf);

    /** Width of the column panels B is packed in, for a block of nc columns: NR unless overridden. */
    int panelWidthB(int nr, int nc) {
        return nr;
    }

    /** Per-thread packing buffers, grown on demand and kept. */
    static final class Buffers {
        float[] paF = new float[0], pbF = new float[0], tmpF = new float[0];
        double[] paD = new double[0], pbD = new double[0], tmpD = new double[0];

        /** Row arrays for the plain kernel: C2 only vectorises its loops when every array index starts at 0. */
        float[][] rowsF = new float[0][], accF = new float[0][];
        double[][] rowsD = new double[0][], accD = new double[0][];

        static float[][] rows(float[][] have, int count, int len) {
            if (have.length < count || have.length > 0 && have[0].length < len) {
                have = new float[Math.max(count, have.length)][Math.max(len, have.length > 0 ? have[0].length : 0)];
            }
            return have;
        }

        static double[][] rows(double[][] have, int count, int len) {
            if (have.length < count || have.length > 0 && have[0].length < len) {
                have = new double[Math.max(count, have.length)][Math.max(len, have.length > 0 ? have[0].length : 0)];
            }
            return have;
        }

        float[] tmpF(int size) {
            if (tmpF.length < size) {
                tmpF = new float[size];
            }
            return tmpF;
        }

        double[] tmpD(int size) {
            if (tmpD.length < size) {
                tmpD = new double[size];
            }
            return tmpD;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }

    /**
     * Tiling of C into tasks: {mc, nc, kc, tm, tn, rowsPerTask}; a task is rowsPerTask rows (walked
     * in blocks of mc) by nc columns.
     */
    private static int[] plan(int m, int n, int k, int mr, int nr, int mcMax, int ncMax, int kcMax, boolean parallel) {
        // Even k blocks, so that the last one is not a sliver.
        int kc = ceilDiv(k, ceilDiv(k, kcMax));
        int tn = ceilDiv(n, Math.min(ncMax, roundUp(n, nr)));
        int tm = 1;
        if (parallel) {
            int threads = Parallel.threads();
            int maxTn = ceilDiv(n, nr);
            // A multiple of the thread count of column blocks, as far as the columns go.
            tn = Math.min(maxTn, roundUp(tn, threads));
            if (tn < threads) {
                // Too few columns: split the rows as well.
                tm = Math.min(ceilDiv(m, mr), ceilDiv(threads, tn));
            }
        }
        int nc = roundUp(ceilDiv(n, tn), nr);
        tn = ceilDiv(n, nc);
        int rowsPerTask = roundUp(ceilDiv(m, tm), mr);
        tm = ceilDiv(m, rowsPerTask);
        // Balance the mc blocks within a task (no thin last block).
        int mc = Math.min(mcMax, rowsPerTask);
        mc = roundUp(ceilDiv(rowsPerTask, ceilDiv(rowsPerTask, mc)), mr);
        return new int[] {mc, nc, kc, tm, tn, rowsPerTask};
    }

    // ---------------------------------------------------------------- float

    final void gemmF(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                     float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        long work = (long) m * n * k;
        boolean parallel = work >= INLINE_WORK && Parallel.threads() > 1;
        int[] pl = plan(m, n, k, mrF, nrF, mcF, ncF, kcF, parallel);
        final int mc = pl[0], nc = pl[1], kcMax = pl[2], tn = pl[4], rowsPerTask = pl[5];
        int tiles = pl[3] * tn;
        Parallel.RangeBody body = (from, to) -> {
            Buffers buf = BUFFERS.get();
            int paLen = roundUp(mc, mrF) * kcMax, pbLen = roundUp(nc, panelWidthB(nrF, nc)) * kcMax;
            if (buf.paF.length < paLen) {
                buf.paF = new float[paLen];
            }
            if (buf.pbF.length < pbLen) {
                buf.pbF = new float[pbLen];
            }
            float[] pa = buf.paF, pb = buf.pbF;
            for (int t = from; t < to; t++) {
                int i0 = (t / tn) * rowsPerTask, j0 = (t % tn) * nc;
                int rows = Math.min(rowsPerTask, m - i0), ncb = Math.min(nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += kcMax) {
                    int kcb = Math.min(kcMax, k - p0);
                    packB(b, bOff + p0 * bRs + j0 * bCs, bRs, bCs, kcb, ncb, panelWidthB(nrF, ncb), pb);
                    for (int ic = 0; ic < rows; ic += mc) {
                        int mcb = Math.min(mc, rows - ic);
                        packA(a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, mcb, kcb, mrF, pa);
                        macro(mcb, ncb, kcb, pa, pb, c, cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                    }
                }
            }
        };
        if (!parallel || tiles < 2) {
            body.run(0, tiles);
        } else {
            Parallel.forRange(tiles, (long) mc * nc * k, body);
        }
    }

    /** Packs rows [0, mc) x cols [0, kc) of A (origin at a[off]) into MR-row micro-panels. */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, int mr, float[] pa) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int d = ir * kc;
            if (cs == 1 && rs != 1) {
                for (int r = 0; r < rows; r++) {
                    int s = off + (ir + r) * rs;
                    for (int p = 0; p < kc; p++) {
                        pa[d + p * mr + r] = a[s + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + ir * rs + p * cs, dp = d + p * mr;
                    for (int r = 0; r < rows; r++) {
                        pa[dp + r] = a[s + r * rs];
                    }
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) {
                        pa[d + p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs rows [0, kc) x cols [0, nc) of B (origin at b[off]) into NR-column micro-panels. */
    static void packB(float[] b, int off, int rs, int cs, int kc, int nc, int nr, float[] pb) {
        if (cs == 1) {
            // Row by row: each row of the block is read contiguously and dealt out to the panels.
            int full = nc / nr * nr, rest = nc - full;
            for (int p = 0; p < kc; p++) {
                int s = off + p * rs, d = p * nr;
                for (int jr = 0; jr < full; jr += nr) {
                    System.arraycopy(b, s + jr, pb, jr * kc + d, nr);
                }
                if (rest > 0) {
                    int dl = full * kc + d;
                    System.arraycopy(b, s + full, pb, dl, rest);
                    java.util.Arrays.fill(pb, dl + rest, dl + nr, 0f);
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int d = jr * kc;
            if (rs == 1 || cs != 0 && Math.abs(rs) > Math.abs(cs)) {
                for (int j = 0; j < cols; j++) {
                    int s = off + (jr + j) * cs;
                    for (int p = 0; p < kc; p++) {
                        pb[d + p * nr + j] = b[s + p * rs];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * rs + jr * cs, dp = d + p * nr;
                    for (int j = 0; j < cols; j++) {
                        pb[dp + j] = b[s + j * cs];
                    }
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(pb, d + p * nr + cols, d + p * nr + nr, 0f);
                }
            }
        }
    }

    /** Copies (first) or adds an mr x nc micro-tile from tmp (row stride nrT) into C. */
    static void flush(float[] tmp, int nrT, int rows, int cols, float[] c, int cOff, int ldc, boolean first) {
        for (int r = 0; r < rows; r++) {
            int s = r * nrT, d = cOff + r * ldc;
            if (first) {
                System.arraycopy(tmp, s, c, d, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    c[d + j] += tmp[s + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------- double

    final void gemmD(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                     double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0d);
            }
            return;
        }
        long work = (long) m * n * k;
        boolean parallel = work >= INLINE_WORK && Parallel.threads() > 1;
        int[] pl = plan(m, n, k, mrD, nrD, mcD, ncD, kcD, parallel);
        final int mc = pl[0], nc = pl[1], kcMax = pl[2], tn = pl[4], rowsPerTask = pl[5];
        int tiles = pl[3] * tn;
        Parallel.RangeBody body = (from, to) -> {
            Buffers buf = BUFFERS.get();
            int paLen = roundUp(mc, mrD) * kcMax, pbLen = roundUp(nc, panelWidthB(nrD, nc)) * kcMax;
            if (buf.paD.length < paLen) {
                buf.paD = new double[paLen];
            }
            if (buf.pbD.length < pbLen) {
                buf.pbD = new double[pbLen];
            }
            double[] pa = buf.paD, pb = buf.pbD;
            for (int t = from; t < to; t++) {
                int i0 = (t / tn) * rowsPerTask, j0 = (t % tn) * nc;
                int rows = Math.min(rowsPerTask, m - i0), ncb = Math.min(nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += kcMax) {
                    int kcb = Math.min(kcMax, k - p0);
                    packB(b, bOff + p0 * bRs + j0 * bCs, bRs, bCs, kcb, ncb, panelWidthB(nrD, ncb), pb);
                    for (int ic = 0; ic < rows; ic += mc) {
                        int mcb = Math.min(mc, rows - ic);
                        packA(a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, mcb, kcb, mrD, pa);
                        macro(mcb, ncb, kcb, pa, pb, c, cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                    }
                }
            }
        };
        if (!parallel || tiles < 2) {
            body.run(0, tiles);
        } else {
            Parallel.forRange(tiles, (long) mc * nc * k, body);
        }
    }

    static void packA(double[] a, int off, int rs, int cs, int mc, int kc, int mr, double[] pa) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int d = ir * kc;
            if (cs == 1 && rs != 1) {
                for (int r = 0; r < rows; r++) {
                    int s = off + (ir + r) * rs;
                    for (int p = 0; p < kc; p++) {
                        pa[d + p * mr + r] = a[s + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + ir * rs + p * cs, dp = d + p * mr;
                    for (int r = 0; r < rows; r++) {
                        pa[dp + r] = a[s + r * rs];
                    }
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) {
                        pa[d + p * mr + r] = 0d;
                    }
                }
            }
        }
    }

    static void packB(double[] b, int off, int rs, int cs, int kc, int nc, int nr, double[] pb) {
        if (cs == 1) {
            // Row by row: each row of the block is read contiguously and dealt out to the panels.
            int full = nc / nr * nr, rest = nc - full;
            for (int p = 0; p < kc; p++) {
                int s = off + p * rs, d = p * nr;
                for (int jr = 0; jr < full; jr += nr) {
                    System.arraycopy(b, s + jr, pb, jr * kc + d, nr);
                }
                if (rest > 0) {
                    int dl = full * kc + d;
                    System.arraycopy(b, s + full, pb, dl, rest);
                    java.util.Arrays.fill(pb, dl + rest, dl + nr, 0d);
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int d = jr * kc;
            if (rs == 1 || cs != 0 && Math.abs(rs) > Math.abs(cs)) {
                for (int j = 0; j < cols; j++) {
                    int s = off + (jr + j) * cs;
                    for (int p = 0; p < kc; p++) {
                        pb[d + p * nr + j] = b[s + p * rs];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * rs + jr * cs, dp = d + p * nr;
                    for (int j = 0; j < cols; j++) {
                        pb[dp + j] = b[s + j * cs];
                    }
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(pb, d + p * nr + cols, d + p * nr + nr, 0d);
                }
            }
        }
    }

    static void flush(double[] tmp, int nrT, int rows, int cols, double[] c, int cOff, int ldc, boolean first) {
        for (int r = 0; r < rows; r++) {
            int s = r * nrT, d = cOff + r * ldc;
            if (first) {
                System.arraycopy(tmp, s, c, d, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    c[d + j] += tmp[s + j];
                }
            }
        }
    }
}
