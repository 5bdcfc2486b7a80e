package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spinning team's bounds: the caller runs chunks no worker started, spinning backs off under contention and
 * ends in a park, failures anywhere reach the caller, nested calls from any chunk run inline, the shared packed A
 * is awaited without spinning forever, and thread-count changes while other threads compute.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinTeamBoundsTest {
    private static CpuSettings spinning(int micros) {
        return new CpuSettings(Map.of(CpuSettings.SPIN_PROPERTY, String.valueOf(micros))::get);
    }

    private static int[] bounds(int... b) {
        return b;
    }

    @Test
    void theSpinTimeComesFromItsPropertyAndIsValidated() {
        assertEquals(CpuSettings.DEFAULT_SPIN_MICROS, new CpuSettings(Map.<String, String>of()::get).spinMicros());
        assertEquals(200, CpuSettings.DEFAULT_SPIN_MICROS);
        assertEquals(0, spinning(0).spinMicros());
        assertEquals(50, new CpuSettings(Map.of(CpuSettings.SPIN_PROPERTY, " 50 ")::get).spinMicros());
        assertEquals(0, spinning(-5).spinMicros());
        assertEquals(CpuSettings.MAX_SPIN_MICROS, new CpuSettings(Map.of(CpuSettings.SPIN_PROPERTY, "9999999999")::get)
                .spinMicros());
        assertEquals(CpuSettings.DEFAULT_SPIN_MICROS,
                new CpuSettings(Map.of(CpuSettings.SPIN_PROPERTY, "long")::get).spinMicros());
        CpuSettings s = spinning(10);
        assertEquals(70, s.setSpinMicros(70).spinMicros());
        for (int bad : new int[] {-1, CpuSettings.MAX_SPIN_MICROS + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setSpinMicros(bad));
            assertEquals("the spin time must be between 0 and 100000 microseconds, got " + bad, e.getMessage());
        }
        assertEquals(70, s.spinMicros());
        assertTrue(s.toString().endsWith(", spinMicros=70]"), s.toString());
    }

    @Test
    void theCallerRunsChunksNoWorkerHasStarted() {
        SpinTeam team = new SpinTeam(2, spinning(0)); // the worker parks at once: each call has to wake it
        try {
            int onCaller = 0;
            for (int rep = 0; rep < 300; rep++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(4);
                AtomicReference<Thread> ranOne = new AtomicReference<>();
                Thread me = Thread.currentThread();
                assertTrue(team.tryRun(bounds(0, 1, 2, 3, 4), (from, to) -> {
                    hits.incrementAndGet(from);
                    if (from == 1) {
                        ranOne.set(Thread.currentThread());
                    }
                }));
                for (int i = 0; i < 4; i++) {
                    assertEquals(1, hits.get(i), "chunk " + i + " of call " + rep);
                }
                if (ranOne.get() == me) {
                    onCaller++;
                }
            }
            // waking a parked thread takes microseconds, an empty chunk nanoseconds: the caller takes most
            assertTrue(onCaller > 0, "the caller never ran a chunk the parked worker had not started");
        } finally {
            team.shutdown();
        }
    }

    @Test
    void aSpinningWorkerParksOnceItsSpinIsOver() throws InterruptedException {
        for (int micros : new int[] {0, 200}) {
            SpinTeam team = new SpinTeam(2, spinning(micros));
            try {
                AtomicInteger n = new AtomicInteger();
                for (int rep = 0; rep < 50; rep++) {
                    assertTrue(team.tryRun(bounds(0, 1, 2), (from, to) -> n.incrementAndGet()));
                }
                assertEquals(100, n.get());
                assertTrue(awaitParked(team), "the worker still runs " + (micros + 20_000) + " us after the last call"
                        + " (spin " + micros + " us)");
            } finally {
                team.shutdown();
            }
        }
    }

    /** Whether every worker of the team is parked within 20 s, looking every millisecond. */
    private static boolean awaitParked(SpinTeam team) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (team.workersParked()) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    @Test
    void contentionStopsTheSpinning() throws InterruptedException {
        SpinTeam team = new SpinTeam(2, spinning(100_000)); // would spin 100 ms after every call
        try {
            team.contended();
            assertTrue(team.quiet());
            assertFalse(team.maySpin(System.nanoTime()));
            assertTrue(team.tryRun(bounds(0, 1, 2), (from, to) -> { }));
            // quiet for SpinTeam.QUIET_NANOS: the worker parks at once instead of spinning 100 ms
            long start = System.nanoTime();
            while (!team.workersParked() && System.nanoTime() - start < SpinTeam.QUIET_NANOS / 2) {
                Thread.sleep(1);
            }
            if (team.quiet()) { // not decidable when the machine stalled this thread past the quiet period
                assertTrue(team.workersParked(), "a worker spins although contention was seen");
            }
        } finally {
            team.shutdown();
        }
    }

    @Test
    void theRunnableCountComesFromTheFourthFieldOfLoadavg() {
        for (String[] c : new String[][] {{"0.52 0.58 0.59 3/467 12345\n", "3"}, {"10.00 9.1 8.0 12/2000 1", "12"},
            {"0.00 0.00 0.00 1/87 6979", "1"}, {"garbage", "0"}, {"1 2 3 x/5 6", "0"}, {"1 2 3 45", "0"}, {"", "0"}}) {
            byte[] b = c[0].getBytes(StandardCharsets.US_ASCII);
            assertEquals(Integer.parseInt(c[1]), SpinTeam.Load.parseRunning(b, b.length), c[0]);
        }
    }

    @Test
    void failuresInAnyChunkReachTheCallerAndLaterChunksAreSkipped() {
        SpinTeam team = new SpinTeam(3, spinning(100));
        try {
            for (int failing = 0; failing < 4; failing++) {
                final int f = failing;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                        team.tryRun(bounds(0, 10, 20, 30, 40), (from, to) -> {
                            if (from == f * 10) {
                                throw new IllegalArgumentException("chunk " + f);
                            }
                        }));
                assertEquals("chunk " + f, e.getMessage());
                AtomicInteger ran = new AtomicInteger();
                assertTrue(team.tryRun(bounds(0, 10, 20, 30, 40), (from, to) -> ran.incrementAndGet()));
                assertEquals(4, ran.get(), "the team is usable after a failure in chunk " + f);
            }
            // an Error passes as it is, a checked exception wrapped
            assertThrows(StackOverflowError.class, () -> team.tryRun(bounds(0, 1, 2), (from, to) -> {
                if (from == 1) {
                    throw new StackOverflowError();
                }
            }));
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () ->
                    team.tryRun(bounds(0, 1, 2), (from, to) -> {
                        if (from == 1) {
                            SpinTeamBoundsTest.<RuntimeException>sneaky(new java.io.IOException("disk"));
                        }
                    }));
            assertTrue(wrapped.getCause() instanceof java.io.IOException);
            // after chunk 0 failed, chunks nobody started are not run
            AtomicInteger ran = new AtomicInteger();
            CountingBody body = new CountingBody(ran);
            assertThrows(IllegalStateException.class, () -> team.tryRun(bounds(0, 1, 2, 3, 4, 5, 6, 7, 8), body));
            assertTrue(ran.get() < 8, ran.get() + " chunks ran after chunk 0 failed");
        } finally {
            team.shutdown();
        }
    }

    /** Chunk 0 waits a little and fails; the others count themselves. */
    private record CountingBody(AtomicInteger ran) implements Parallel.RangeBody {
        @Override
        public void run(int from, int to) {
            if (from == 0) {
                throw new IllegalStateException("chunk 0");
            }
            ran.incrementAndGet();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void nestedCallsRunInlineInEveryChunkWhoeverRunsIt() {
        int before = CpuSettings.GLOBAL.threads();
        CpuSettings.GLOBAL.setThreads(2);
        try {
            for (int rep = 0; rep < 200; rep++) {
                int n = 40_000;
                AtomicIntegerArray hits = new AtomicIntegerArray(4 * n);
                AtomicInteger foreign = new AtomicInteger();
                Parallel.forRange(4, 1_000_000, (from, to) -> {
                    for (int c = from; c < to; c++) {
                        final int base = c * n;
                        Thread outer = Thread.currentThread();
                        Parallel.forRange(n, 1, (a, b) -> {
                            if (Thread.currentThread() != outer) {
                                foreign.incrementAndGet();
                            }
                            for (int i = a; i < b; i++) {
                                hits.incrementAndGet(base + i);
                            }
                        });
                    }
                });
                assertEquals(0, foreign.get(), "a nested call left its chunk's thread");
                for (int i = 0; i < hits.length(); i++) {
                    assertEquals(1, hits.get(i));
                }
            }
        } finally {
            CpuSettings.GLOBAL.setThreads(before);
        }
    }

    @Test
    void kernelsKnowWhenTheyRunInsideAChunk() {
        int before = CpuSettings.GLOBAL.threads();
        CpuSettings.GLOBAL.setThreads(2);
        try {
            assertFalse(Parallel.nested());
            AtomicIntegerArray nested = new AtomicIntegerArray(2);
            Parallel.forRangeInWorkers(2, (from, to) -> {
                for (int c = from; c < to; c++) {
                    nested.set(c, Parallel.nested() ? 1 : -1);
                }
            });
            assertEquals(1, nested.get(0), "chunk 0");
            assertEquals(1, nested.get(1), "chunk 1");
            assertFalse(Parallel.nested(), "after the call");
            // a product inside a chunk (attention's batched products) gives the bits it gives on its own
            int m = 128, n = 64, k = 128;
            float[] a = new float[m * k], b = new float[k * n], alone = new float[m * n];
            java.util.Random rnd = new java.util.Random(3);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, alone, 0, n);
            float[][] inside = new float[2][m * n];
            Parallel.forRangeInWorkers(2, (from, to) -> {
                for (int c = from; c < to; c++) {
                    Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, inside[c], 0, n);
                }
            });
            assertTrue(java.util.Arrays.equals(alone, inside[0]) && java.util.Arrays.equals(alone, inside[1]));
        } finally {
            CpuSettings.GLOBAL.setThreads(before);
        }
    }

    @Test
    void threadCountChangesWhileOtherThreadsCompute() throws InterruptedException {
        int before = CpuSettings.GLOBAL.threads();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] callers = new Thread[3];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = new Thread(() -> {
                try {
                    for (int rep = 0; !stop.get(); rep++) {
                        int n = 33_000 + rep % 1000;
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        Parallel.forRange(n, 1, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < n; i++) {
                            if (hits.get(i) != 1) {
                                throw new AssertionError("index " + i + " of " + n + " ran " + hits.get(i) + " times");
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            callers[t].start();
        }
        try {
            for (int change = 0; change < 60; change++) {
                CpuSettings.GLOBAL.setThreads(1 + change % 4);
                Thread.sleep(3);
            }
        } finally {
            stop.set(true);
            for (Thread t : callers) {
                t.join();
            }
            CpuSettings.GLOBAL.setThreads(before);
        }
        assertSame(null, failure.get());
    }

    @Test
    void theSharedPackedAIsAwaitedWithoutSpinningItsWholeTime() throws InterruptedException {
        AtomicIntegerArray packed = new AtomicIntegerArray(2);
        packed.set(0, 1);
        GemmKernel.awaitPacked(packed, 0); // packed: returns at once
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicReference<long[]> waited = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            long cpu0 = mx.getCurrentThreadCpuTime(), wall0 = System.nanoTime();
            GemmKernel.awaitPacked(packed, 1);
            waited.set(new long[] {mx.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0});
        });
        waiter.start();
        Thread.sleep(200); // a packer descheduled for 200 ms
        packed.set(1, 1);
        waiter.join();
        long cpu = waited.get()[0], wall = waited.get()[1];
        assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(150), "returned before the unit was packed");
        if (mx.isCurrentThreadCpuTimeSupported()) {
            assertTrue(cpu < wall / 2, "the waiter used " + cpu / 1000 + " us of CPU in " + wall / 1000 + " us");
        }
    }

    @Test
    void aFailedPackingOfTheSharedAFailsTheProductInsteadOfHangingIt() {
        int before = CpuSettings.GLOBAL.threads();
        CpuSettings.GLOBAL.setThreads(2);
        try {
            int n = 256;
            float[] b = new float[n * n], c = new float[n * n];
            double[] bd = new double[n * n], cd = new double[n * n];
            for (int rep = 0; rep < 20; rep++) {
                // A ends 1000 elements short: packing its last rows fails on whichever thread claimed them
                assertThrows(RuntimeException.class, () -> GemmPlain.INSTANCE.gemmF(n, n, n, new float[n * n - 1000], 0,
                        n, 1, b, 0, n, 1, c, 0, n));
                assertThrows(RuntimeException.class, () -> GemmPlain.INSTANCE.gemmD(n, n, n, new double[n * n - 1000],
                        0, n, 1, bd, 0, n, 1, cd, 0, n));
            }
            GemmPlain.INSTANCE.gemmF(n, n, n, new float[n * n], 0, n, 1, b, 0, n, 1, c, 0, n); // still usable
        } finally {
            CpuSettings.GLOBAL.setThreads(before);
        }
    }

    /**
     * The fine tasks of products that read A where it lies, in W2's backward layouts (A transposed, B row-major)
     * and a convolution's few-column shape (rows split): the same bits with 1 to 4 threads, in both kernels.
     */
    @Test
    void fineTasksGiveTheSameBitsAtAnyThreadCount() {
        // {m, k, n, A transposed?}
        int[][] shapes = {{784, 64, 256, 1}, {256, 64, 128, 1}, {64, 128, 256, 0}, {3000, 288, 32, 0},
            {2999, 27, 64, 1}, {70, 300, 100, 0}};
        int before = CpuSettings.GLOBAL.threads();
        try {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                boolean at = s[3] == 1;
                int aRs = at ? 1 : k, aCs = at ? m : 1;
                java.util.Random rnd = new java.util.Random(m * 7 + n);
                float[] a = new float[m * k], b = new float[k * n];
                double[] ad = new double[m * k], bd = new double[k * n];
                for (int i = 0; i < a.length; i++) {
                    ad[i] = a[i] = (float) rnd.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    bd[i] = b[i] = (float) rnd.nextGaussian();
                }
                for (boolean plain : new boolean[] {false, true}) {
                    float[] want = null;
                    double[] wantD = null;
                    for (int threads = 1; threads <= 4; threads++) {
                        CpuSettings.GLOBAL.setThreads(threads);
                        float[] c = new float[m * n];
                        double[] cd = new double[m * n];
                        if (plain) {
                            GemmPlain.INSTANCE.gemmF(m, n, k, a, 0, aRs, aCs, b, 0, n, 1, c, 0, n);
                            GemmPlain.INSTANCE.gemmD(m, n, k, ad, 0, aRs, aCs, bd, 0, n, 1, cd, 0, n);
                        } else {
                            Gemm.sgemm(m, n, k, a, 0, aRs, aCs, b, 0, n, 1, c, 0, n);
                            Gemm.dgemm(m, n, k, ad, 0, aRs, aCs, bd, 0, n, 1, cd, 0, n);
                        }
                        if (want == null) {
                            want = c;
                            wantD = cd;
                        } else {
                            String what = (plain ? "plain " : Gemm.kernelName() + " ") + m + "x" + k + "x" + n
                                    + (at ? " (A transposed)" : "") + " with " + threads + " threads";
                            assertTrue(java.util.Arrays.equals(want, c), "float " + what);
                            assertTrue(java.util.Arrays.equals(wantD, cd), "double " + what);
                        }
                    }
                }
            }
        } finally {
            CpuSettings.GLOBAL.setThreads(before);
        }
    }

    @Test
    void finePlansForProductsThatReadAWhereItLies() {
        // {mc, nc, kc, tm, tn, rowsPerTask}: W2's 64 x 784 x 256 on two threads, 32-column panels
        int[] p = GemmKernel.plan(64, 256, 784, 6, 32, 144, 1024, 256, 2, true);
        assertEquals(1, p[3]);
        assertEquals(8, p[4], "one panel per task");
        assertEquals(32, p[1]);
        p = GemmKernel.plan(64, 256, 784, 6, 32, 144, 1024, 256, 2, false);
        assertEquals(4, p[4], "packed A: two column blocks per thread");
        // few columns: rows split into FINE_TASKS tasks per thread
        p = GemmKernel.plan(50_176, 32, 288, 6, 32, 144, 1024, 256, 2, true);
        assertEquals(1, p[4]);
        assertEquals(GemmKernel.FINE_TASKS * 2, p[3]);
        // one thread: one task per column block as before
        p = GemmKernel.plan(64, 256, 784, 6, 32, 144, 1024, 256, 1, true);
        assertEquals(1, p[3] * p[4]);
    }
}
