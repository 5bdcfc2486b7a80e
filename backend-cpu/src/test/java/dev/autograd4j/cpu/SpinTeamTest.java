package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parallel.forRange's spinning team: every index once, on both sides of a worker's park, with failures passed to
 * the caller, nested and concurrent calls, and old teams' threads ending after a change of thread count.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinTeamTest {
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = CpuSettings.GLOBAL.threads();
        CpuSettings.GLOBAL.setThreads(2);
    }

    @AfterEach
    void restore() {
        CpuSettings.GLOBAL.setThreads(threadsBefore);
    }

    private static void coversOnce(int n) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n);
        }
    }

    @Test
    void everyIndexOnceWhetherTheWorkerSpinsOrSleeps() throws InterruptedException {
        for (int rep = 0; rep < 2000; rep++) {
            coversOnce(40_000 + rep % 7);
        }
        for (int rep = 0; rep < 5; rep++) {
            Thread.sleep(2 + CpuSettings.GLOBAL.spinMicros() / 1000); // past the spin: the worker parks
            coversOnce(65_537);
        }
    }

    /** Runs a call whose chunk 0 waits (up to 10 s) until another thread has started chunk 1; returns that thread. */
    static Thread secondChunksThread(int n) {
        AtomicReference<Thread> second = new AtomicReference<>();
        Parallel.forRange(n, 1, (from, to) -> {
            if (from > 0) {
                second.compareAndSet(null, Thread.currentThread());
            } else {
                // the caller runs chunks no worker has started yet itself: give the worker time to start it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (second.get() == null && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        });
        return second.get();
    }

    @Test
    void theWorkersChunkRunsOnATeamThread() {
        Thread second = secondChunksThread(100_000);
        assertTrue(second instanceof SpinTeam.Worker, String.valueOf(second));
        assertFalse(SpinTeam.inWorker());
    }

    @Test
    void aFailureInAnyChunkReachesTheCallerAndTheTeamStaysUsable() {
        for (int failing = 0; failing < 2; failing++) {
            final int f = failing;
            IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                    Parallel.forRange(100_000, 1, (from, to) -> {
                        if ((from > 0) == (f == 1)) {
                            throw new IllegalStateException("chunk " + from);
                        }
                    }));
            assertEquals(f == 1 ? "chunk 50000" : "chunk 0", e.getMessage());
            coversOnce(100_000);
        }
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws InterruptedException {
        int n = 50_000;
        AtomicIntegerArray hits = new AtomicIntegerArray(n * 4);
        Parallel.forRange(4, 1_000_000, (from, to) -> {
            for (int c = from; c < to; c++) {
                final int base = c * n;
                Parallel.forRange(n, 1, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        hits.incrementAndGet(base + i);
                    }
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i));
        }
        List<Thread> callers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int rep = 0; rep < 300; rep++) {
                        coversOnce(33_000 + rep);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            callers.add(th);
            th.start();
        }
        for (Thread th : callers) {
            th.join();
        }
        assertSame(null, failure.get());
    }

    @Test
    void forRangeInWorkersRunsNestedCallsInlineInEveryChunk() {
        int n = 100_000;
        AtomicIntegerArray hits = new AtomicIntegerArray(2 * n);
        AtomicIntegerArray foreign = new AtomicIntegerArray(2);
        Parallel.forRangeInWorkers(2, (from, to) -> {
            for (int c = from; c < to; c++) {
                final int base = c * n, chunk = c;
                Thread outer = Thread.currentThread();
                Parallel.forRange(n, 1, (a, b) -> {
                    if (Thread.currentThread() != outer) {
                        foreign.incrementAndGet(chunk);
                    }
                    for (int i = a; i < b; i++) {
                        hits.incrementAndGet(base + i);
                    }
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i));
        }
        assertEquals(0, foreign.get(0));
        assertEquals(0, foreign.get(1));
        coversOnce(n); // and the caller is no longer marked as inside a job
        assertTrue(secondChunksThread(n) instanceof SpinTeam.Worker);
    }

    @Test
    void oldTeamsEndAfterAChangeOfThreadCount() throws InterruptedException {
        for (int threads = 2; threads <= 4; threads++) {
            CpuSettings.GLOBAL.setThreads(threads);
            coversOnce(100_000);
        }
        CpuSettings.GLOBAL.setThreads(2);
        coversOnce(100_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long alive;
        do {
            Thread.sleep(10);
            alive = Thread.getAllStackTraces().keySet().stream().filter(t -> t instanceof SpinTeam.Worker).count();
        } while (alive > 1 && System.nanoTime() < deadline);
        assertEquals(1, alive, "team workers still alive: only the current team's one should be");
    }
}
