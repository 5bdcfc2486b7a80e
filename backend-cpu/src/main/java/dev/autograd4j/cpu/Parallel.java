package dev.autograd4j.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits index ranges across a persistent pool. Small ranges run inline on the caller's thread:
 * a hand-off costs microseconds, more than a small kernel.
 */
final class Parallel {
    /** Worker count: one per core, overridable with -Dautograd4j.cpu.threads=N. */
    static final int THREADS = Math.max(1, Integer.getInteger("autograd4j.cpu.threads",
            Runtime.getRuntime().availableProcessors()));

    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    /** Work of [from, to). */
    interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Runs body over [0, n) in at most THREADS chunks when costPerItem * n reaches the threshold
     * (about 32k simple element operations), inline otherwise.
     */
    static void forRange(int n, long costPerItem, RangeBody body) {
        long work = (long) n * Math.max(1, costPerItem);
        if (POOL == null || n < 2 || work < 32_768 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(THREADS, n);
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks - 1);
        int base = n / chunks, rem = n % chunks, start = 0;
        int firstEnd = base + (rem > 0 ? 1 : 0);
        start = firstEnd;
        for (int c = 1; c < chunks; c++) {
            int len = base + (c < rem ? 1 : 0);
            final int from = start, to = start + len;
            tasks.add(POOL.submit(() -> body.run(from, to)));
            start = to;
        }
        body.run(0, firstEnd);
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
