package dev.autograd4j.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocked, packed matrix-product driver shared by {@link GemmPlain} and the Vector API kernel
 * (Goto/BLIS structure).
 *
 * <p>C (m x n, row-major) is cut into tasks: column blocks of at most nc (two per thread when
 * parallel, as far as the columns go), and row ranges only when there are too few column blocks to go
 * round. Threads claim tasks one at a time from a shared counter, so a thread that starts late or is
 * descheduled by a busy machine leaves its share to the others. Each task walks k in blocks of kc and
 * packs its kc x nc block of B once per k block into micro-panels of NR columns
 * ({@code pb[panel*NR*kc + p*NR + j]}), then walks its rows in blocks of mc, multiplying MR-row
 * micro-panels of A ({@code pa[panel*MR*kc + p*MR + r]}) by it in the subclass's macro-kernel, which
 * either overwrites C (the first k block) or adds to it. When all tasks share one row range and A is
 * not too big ({@link #SHARED_A_MAX}), A is packed once, by all threads together, before the tasks
 * start, and a task waits (bounded spin, then yield and park) only for a block of rows another thread
 * claimed and is still packing, where it first uses it; otherwise each task packs its mc x kc blocks as it
 * goes. Both packed operands are zero-padded
 * to whole panels, so edge tiles run the same kernels. Packing reads through arbitrary strides, so
 * transposed and broadcast (stride 0) operands cost nothing extra in the kernel, and the kernel never
 * sees the operands' leading dimensions (no power-of-two cache-set conflicts); row-major B is read
 * row by row (contiguous), not panel by panel.
 *
 * <p>Every element of C is the sum over the k blocks in order of each block's products summed in k
 * order, whatever the thread count or the task a thread happened to claim: results are the same bits
 * with 1 or 16 threads.
 */
abstract class GemmKernel {
    /** Below this many multiply-adds a product runs on the caller's thread. */
    static final long INLINE_WORK = 64L * 64 * 64;
    /**
     * The k block of float and double products on every machine and in both kernels: each element of C is
     * the sum over k blocks of this size, in order, of each block's products summed in k order (fused
     * multiply-adds from zero). Fixing it (rather than deriving it from the L1 size) makes a product's bits
     * the same on every machine, with or without the Vector API, at any thread count and JIT tier.
     */
    static final int KC_F = 256, KC_D = 192;
    /** Largest packed A (rows padded x k elements) shared by the column tasks of one product. */
    static final long SHARED_A_MAX = 1L << 22;
    /** Largest shared packed A a thread keeps between products; bigger ones are dropped after use. */
    static final int SHARED_A_KEEP = 1 << 20;
    /** Tasks per thread when A is read where it lies (see {@link #plan}). */
    static final int FINE_TASKS = 4;
    /** Fewest rows of a fine task split by rows (each such task packs its B block again). */
    static final int FINE_MIN_ROWS = 512;
    /** How long a thread spins for a unit of the shared packed A another thread is packing, before yielding. */
    static final long PACK_SPIN_NANOS = 20_000;

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
    abstract void macro(int mc, int nc, int kc, float[] pa, int paOff, float[] pb, float[] c, int cOff, int ldc,
                        boolean first, Buffers buf);

    abstract void macro(int mc, int nc, int kc, double[] pa, int paOff, double[] pb, double[] c, int cOff, int ldc,
                        boolean first, Buffers buf);

    /**
     * Whether {@link #macroA} is used for an m x n x k product whose A has strides (rs, cs), instead of packing A:
     * never unless overridden.
     */
    boolean readsA(int m, int n, int k, int rs, int cs) {
        return false;
    }

    /**
     * As {@link #macro}, with A (mc x kc) read where it lies: element (i,p) at a[aOff + i*rs + p*cs]. Only
     * called when {@link #readsA} said so.
     */
    void macroA(int mc, int nc, int kc, float[] a, int aOff, int rs, int cs, float[] pb, float[] c, int cOff, int ldc,
                boolean first, Buffers buf) {
        throw new UnsupportedOperationException();
    }

    /** As the float version. */
    void macroA(int mc, int nc, int kc, double[] a, int aOff, int rs, int cs, double[] pb, double[] c, int cOff,
                int ldc, boolean first, Buffers buf) {
        throw new UnsupportedOperationException();
    }

    /** Packs a float block of B as {@link #packB} does; a kernel may do it faster in its own way (same layout). */
    void packPanelsB(float[] b, int off, int rs, int cs, int kc, int nc, int nr, float[] pb) {
        packB(b, off, rs, cs, kc, nc, nr, pb);
    }

    /** Width of the column panels B is packed in, for a block of nc columns: NR unless overridden. */
    int panelWidthB(int nr, int nc) {
        return nr;
    }

    /** Per-thread packing buffers, grown on demand and kept. */
    static final class Buffers {
        float[] paF = new float[0], pbF = new float[0], tmpF = new float[0];
        double[] paD = new double[0], pbD = new double[0], tmpD = new double[0];
        /** All of A packed, shared by the threads of one product (see {@link #SHARED_A_MAX}). */
        float[] sharedF = new float[0];
        double[] sharedD = new double[0];

        float[] sharedF(int size) {
            if (sharedF.length < size) {
                sharedF = new float[size];
            }
            return sharedF;
        }

        double[] sharedD(int size) {
            if (sharedD.length < size) {
                sharedD = new double[size];
            }
            return sharedD;
        }

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

        /** The packed last rows of an A read where it lies (see {@link #macroA}). */
        float[] edgeF = new float[0];
        double[] edgeD = new double[0];

        float[] edgeF(int size) {
            if (edgeF.length < size) {
                edgeF = new float[size];
            }
            return edgeF;
        }

        double[] edgeD(int size) {
            if (edgeD.length < size) {
                edgeD = new double[size];
            }
            return edgeD;
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
     * in blocks of mc) by nc columns. With several threads there are two column blocks per thread as
     * far as the columns go (the tasks are claimed one by one, so a thread that starts late or is
     * descheduled leaves its share to the others), and row ranges only when there are too few columns.
     * When A is read where it lies ({@code fine}), a task costs no packing of A, so the tasks are finer:
     * {@link #FINE_TASKS} per thread as far as the column panels go (one panel each for W2's products,
     * 64 x 784 x 256 and the like), then row ranges of at least {@link #FINE_MIN_ROWS} rows (each packs B
     * again); the thread that claims the last task then finishes at most one small task after the other.
     * Nothing here changes the order of any element's sum: that is fixed by kc, which depends on k only.
     */
    static int[] plan(int m, int n, int k, int mr, int nr, int mcMax, int ncMax, int kcMax, int threads,
                      boolean fine) {
        // Even k blocks, so that the last one is not a sliver.
        int kc = ceilDiv(k, ceilDiv(k, kcMax));
        int tn = ceilDiv(n, Math.min(ncMax, roundUp(n, nr)));
        int tm = 1;
        if (threads > 1) {
            int maxTn = ceilDiv(n, nr);
            if (fine) {
                int tasks = FINE_TASKS * threads;
                tn = Math.min(maxTn, Math.max(tn, tasks));
                if (tn < 2 * threads) {
                    // each row range packs B again: only where the ranges stay long (a convolution's N*H*W rows)
                    tm = Math.max(1, Math.min(Math.min(ceilDiv(m, mr), m / FINE_MIN_ROWS), ceilDiv(tasks, tn)));
                    if (tn * tm < threads) {
                        tm = Math.min(ceilDiv(m, mr), ceilDiv(threads, tn)); // as without fine tasks
                    }
                }
            } else {
                tn = Math.min(maxTn, roundUp(Math.max(tn, 2 * threads), threads));
                if (tn < threads) {
                    // Too few columns: split the rows as well.
                    tm = Math.min(ceilDiv(m, mr), ceilDiv(threads, tn));
                }
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

    /** Whether A is packed once for all column tasks (one row range, several column blocks, not too big). */
    private static boolean shareA(int tm, int tn, int mPad, int k) {
        return tm == 1 && tn > 1 && (long) mPad * k <= SHARED_A_MAX;
    }

    /**
     * Runs body on up to {@code threads} threads (inline when 1); the bodies claim their work from
     * shared counters, so it does not matter how many actually run.
     */
    private static void run(int threads, long costPerThread, Parallel.RangeBody body) {
        if (threads < 2) {
            body.run(0, 1);
        } else {
            Parallel.forRange(threads, costPerThread, body);
        }
    }

    /**
     * Waits until unit u of the shared packed A is packed (by the thread that claimed it; packed[u] 1, or -1
     * when its packing failed, which throws here): spins up to
     * {@link #PACK_SPIN_NANOS}, then yields, then parks a few microseconds at a time, so that a thread waiting for a
     * descheduled packer gives its core back instead of spinning out its time slice.
     */
    static void awaitPacked(AtomicIntegerArray packed, int u) {
        if (packed.get(u) > 0) {
            return;
        }
        long start = System.nanoTime();
        for (int i = 1; packed.get(u) == 0; i++) {
            if ((i & 31) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long waited = System.nanoTime() - start;
            if (waited < PACK_SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (waited < 10 * PACK_SPIN_NANOS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(PACK_SPIN_NANOS);
            }
        }
        if (packed.get(u) < 0) {
            throw new IllegalStateException("matrix product: packing rows " + u + " of A failed on another thread");
        }
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
        // one thread inside another kernel's chunk (attention's batched products): the product runs inline there
        int threads = work >= INLINE_WORK && !Parallel.nested() ? Parallel.threads() : 1;
        final int mr = mrF, nr = nrF;
        final boolean direct = readsA(m, n, k, aRs, aCs);
        int[] pl = plan(m, n, k, mr, nr, mcF, ncF, kcF, threads, direct);
        final int mc = pl[0], nc = pl[1], kcMax = pl[2], tn = pl[4], rowsPerTask = pl[5];
        final int tiles = pl[3] * tn, mPad = roundUp(m, mr);
        final boolean shared = !direct && shareA(pl[3], tn, mPad, k);
        Buffers own = BUFFERS.get();
        final float[] paAll = shared ? own.sharedF(mPad * k) : null;
        final int aUnits = shared ? ceilDiv(m, mc) : 0;
        final AtomicInteger nextA = new AtomicInteger(), nextTile = new AtomicInteger();
        final AtomicIntegerArray packedA = shared ? new AtomicIntegerArray(aUnits) : null;
        Parallel.RangeBody body = (from, to) -> {
            Buffers buf = BUFFERS.get();
            int paLen = roundUp(mc, mr) * kcMax, pbLen = roundUp(nc, panelWidthB(nr, nc)) * kcMax;
            if (!shared && !direct && buf.paF.length < paLen) {
                buf.paF = new float[paLen];
            }
            if (buf.pbF.length < pbLen) {
                buf.pbF = new float[pbLen];
            }
            float[] pa = shared ? paAll : buf.paF, pb = buf.pbF;
            if (shared) {
                // All of A, packed once: k block p0 of rows [i, i + rows) at p0 * mPad + i * kcb.
                for (int u; (u = nextA.getAndIncrement()) < aUnits; packedA.set(u, 1)) {
                    int i = u * mc, rows = Math.min(mc, m - i);
                    try {
                        for (int p0 = 0; p0 < k; p0 += kcMax) {
                            int kcb = Math.min(kcMax, k - p0);
                            packA(a, aOff + i * aRs + p0 * aCs, aRs, aCs, rows, kcb, mr, pa, p0 * mPad + i * kcb);
                        }
                    } catch (Throwable e) {
                        packedA.set(u, -1); // a thread waiting for this unit fails instead of waiting forever
                        throw e;
                    }
                }
                // Units other threads claimed are awaited where they are first used (awaitPacked).
            }
            for (int t; (t = nextTile.getAndIncrement()) < tiles; ) {
                int i0 = (t / tn) * rowsPerTask, j0 = (t % tn) * nc;
                int rows = Math.min(rowsPerTask, m - i0), ncb = Math.min(nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += kcMax) {
                    int kcb = Math.min(kcMax, k - p0);
                    packPanelsB(b, bOff + p0 * bRs + j0 * bCs, bRs, bCs, kcb, ncb, panelWidthB(nr, ncb), pb);
                    for (int ic = 0; ic < rows; ic += mc) {
                        int mcb = Math.min(mc, rows - ic), paOff;
                        if (direct) {
                            macroA(mcb, ncb, kcb, a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, pb, c,
                                    cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                            continue;
                        }
                        if (shared) {
                            awaitPacked(packedA, (i0 + ic) / mc);
                            paOff = p0 * mPad + (i0 + ic) * kcb;
                        } else {
                            packA(a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, mcb, kcb, mr, pa, 0);
                            paOff = 0;
                        }
                        macro(mcb, ncb, kcb, pa, paOff, pb, c, cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                    }
                }
            }
        };
        run(Math.min(threads, Math.max(tiles, aUnits)), work / Math.max(1, threads), body);
        if (shared && paAll.length > SHARED_A_KEEP) {
            own.sharedF = new float[0];
        }
    }

    /** Packs rows [0, mc) x cols [0, kc) of A (origin at a[off]) into MR-row micro-panels from pa[po] on. */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, int mr, float[] pa, int po) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int d = po + ir * kc;
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
                // a loop, not Arrays.fill: one call per row of a 16-column B cost as much as the copy
                for (int p = 0, dp = d; p < kc; p++, dp += nr) {
                    for (int j = cols; j < nr; j++) {
                        pb[dp + j] = 0f;
                    }
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
        // one thread inside another kernel's chunk (attention's batched products): the product runs inline there
        int threads = work >= INLINE_WORK && !Parallel.nested() ? Parallel.threads() : 1;
        final int mr = mrD, nr = nrD;
        final boolean direct = readsA(m, n, k, aRs, aCs);
        int[] pl = plan(m, n, k, mr, nr, mcD, ncD, kcD, threads, direct);
        final int mc = pl[0], nc = pl[1], kcMax = pl[2], tn = pl[4], rowsPerTask = pl[5];
        final int tiles = pl[3] * tn, mPad = roundUp(m, mr);
        final boolean shared = !direct && shareA(pl[3], tn, mPad, k);
        Buffers own = BUFFERS.get();
        final double[] paAll = shared ? own.sharedD(mPad * k) : null;
        final int aUnits = shared ? ceilDiv(m, mc) : 0;
        final AtomicInteger nextA = new AtomicInteger(), nextTile = new AtomicInteger();
        final AtomicIntegerArray packedA = shared ? new AtomicIntegerArray(aUnits) : null;
        Parallel.RangeBody body = (from, to) -> {
            Buffers buf = BUFFERS.get();
            int paLen = roundUp(mc, mr) * kcMax, pbLen = roundUp(nc, panelWidthB(nr, nc)) * kcMax;
            if (!shared && !direct && buf.paD.length < paLen) {
                buf.paD = new double[paLen];
            }
            if (buf.pbD.length < pbLen) {
                buf.pbD = new double[pbLen];
            }
            double[] pa = shared ? paAll : buf.paD, pb = buf.pbD;
            if (shared) {
                // All of A, packed once: k block p0 of rows [i, i + rows) at p0 * mPad + i * kcb.
                for (int u; (u = nextA.getAndIncrement()) < aUnits; packedA.set(u, 1)) {
                    int i = u * mc, rows = Math.min(mc, m - i);
                    try {
                        for (int p0 = 0; p0 < k; p0 += kcMax) {
                            int kcb = Math.min(kcMax, k - p0);
                            packA(a, aOff + i * aRs + p0 * aCs, aRs, aCs, rows, kcb, mr, pa, p0 * mPad + i * kcb);
                        }
                    } catch (Throwable e) {
                        packedA.set(u, -1); // a thread waiting for this unit fails instead of waiting forever
                        throw e;
                    }
                }
                // Units other threads claimed are awaited where they are first used (awaitPacked).
            }
            for (int t; (t = nextTile.getAndIncrement()) < tiles; ) {
                int i0 = (t / tn) * rowsPerTask, j0 = (t % tn) * nc;
                int rows = Math.min(rowsPerTask, m - i0), ncb = Math.min(nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += kcMax) {
                    int kcb = Math.min(kcMax, k - p0);
                    packB(b, bOff + p0 * bRs + j0 * bCs, bRs, bCs, kcb, ncb, panelWidthB(nr, ncb), pb);
                    for (int ic = 0; ic < rows; ic += mc) {
                        int mcb = Math.min(mc, rows - ic), paOff;
                        if (direct) {
                            macroA(mcb, ncb, kcb, a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, pb, c,
                                    cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                            continue;
                        }
                        if (shared) {
                            awaitPacked(packedA, (i0 + ic) / mc);
                            paOff = p0 * mPad + (i0 + ic) * kcb;
                        } else {
                            packA(a, aOff + (i0 + ic) * aRs + p0 * aCs, aRs, aCs, mcb, kcb, mr, pa, 0);
                            paOff = 0;
                        }
                        macro(mcb, ncb, kcb, pa, paOff, pb, c, cOff + (i0 + ic) * ldc + j0, ldc, p0 == 0, buf);
                    }
                }
            }
        };
        run(Math.min(threads, Math.max(tiles, aUnits)), work / Math.max(1, threads), body);
        if (shared && paAll.length > SHARED_A_KEEP) {
            own.sharedD = new double[0];
        }
    }

    static void packA(double[] a, int off, int rs, int cs, int mc, int kc, int mr, double[] pa, int po) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int d = po + ir * kc;
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
                for (int p = 0, dp = d; p < kc; p++, dp += nr) {
                    for (int j = cols; j < nr; j++) {
                        pb[dp + j] = 0d;
                    }
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
