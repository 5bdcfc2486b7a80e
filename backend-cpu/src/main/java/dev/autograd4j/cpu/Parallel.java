package dev.autograd4j.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits index ranges across a persistent pool. Small ranges run inline on the caller's thread:
 * a hand-off costs microseconds, more than a small kernel.
 */
final class Parallel {
    /**
     * A worker pool for a thread count, and a {@link SpinTeam} for {@link #forRange}'s hand-offs; neither for
     * one thread.
     */
    private record Pool(int threads, ForkJoinPool workers, SpinTeam team) {
    }

    private static volatile Pool pool = new Pool(1, null, null);

    /** Worker count: {@link CpuSettings#threads()} of the backend's settings. */
    static int threads() {
        return CpuSettings.GLOBAL.threads();
    }

    /** The pool for the current thread count, rebuilt (the old one shut down) when the setting changed. */
    private static Pool pool() {
        Pool p = pool;
        int threads = threads();
        if (p.threads != threads) {
            synchronized (Parallel.class) {
                p = pool;
                if (p.threads != threads) {
                    Pool old = p;
                    p = pool = new Pool(threads, threads > 1 ? new ForkJoinPool(threads) : null,
                            threads > 1 ? new SpinTeam(threads) : null);
                    if (old.workers != null) {
                        old.workers.shutdown(); // tasks already submitted still run
                    }
                    if (old.team != null) {
                        old.team.shutdown(); // a call in flight finishes first
                    }
                }
            }
        }
        return p;
    }

    /**
     * Whether a {@link #forRange} call from this thread now runs inline because the thread runs a chunk already
     * (a team worker, the caller inside its job, or a fork-join worker): a kernel that plans its work for several
     * threads can then plan for one.
     */
    static boolean nested() {
        if (ForkJoinTask.inForkJoinPool() || SpinTeam.inWorker()) {
            return true;
        }
        SpinTeam team = pool.team;
        return team != null && team.inJob();
    }

    /** Work of [from, to). */
    interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** {@code chunks} near-equal chunks of [0, n), the longer first: chunk c is [b[c], b[c + 1]). */
    private static int[] bounds(int n, int chunks) {
        int[] bounds = new int[chunks + 1];
        int b = n / chunks, r = n % chunks;
        for (int c = 0; c < chunks; c++) {
            bounds[c + 1] = bounds[c] + b + (c < r ? 1 : 0);
        }
        return bounds;
    }

    /**
     * Runs body over [0, n) in {@link #threads()} chunks so that kernels called from the body run inline
     * ({@link #forRange} does not fork from inside a chunk): on the {@link SpinTeam} (chunk 0 on the caller, its
     * nested calls inline too), or every chunk on a fork-join worker (the caller waits) when the team is busy;
     * inline when there is one thread or the caller runs a chunk already.
     */
    static void forRangeInWorkers(int n, RangeBody body) {
        Pool p = pool();
        if (n < 2 || p.workers == null || ForkJoinTask.inForkJoinPool() || p.team.inJob()) {
            body.run(0, n);
            return;
        }
        int[] bounds = bounds(n, (int) Math.min(p.threads, n));
        if (p.team.tryRun(bounds, body)) {
            return; // the caller ran chunk 0 with its nested calls inline, as a worker would have
        }
        joinAll(submit(p, bounds, 0, body));
    }

    /**
     * Runs body over [0, n) in at most {@link #threads()} chunks when costPerItem * n reaches the threshold
     * (about 32k simple element operations), inline otherwise. The chunks go to the {@link SpinTeam} (no wake-up
     * while its workers are still spinning from the last call), or to the fork-join pool when the team is busy;
     * the chunks are the same either way.
     */
    static void forRange(int n, long costPerItem, RangeBody body) {
        long work = (long) n * Math.max(1, costPerItem);
        if (n < 2 || work < 32_768 || ForkJoinTask.inForkJoinPool() || SpinTeam.inWorker()) {
            body.run(0, n);
            return;
        }
        Pool p = pool();
        if (p.workers == null || p.team.inJob()) {
            body.run(0, n);
            return;
        }
        int[] bounds = bounds(n, (int) Math.min(p.threads, n));
        if (p.team.tryRun(bounds, body)) {
            return;
        }
        List<ForkJoinTask<?>> tasks = submit(p, bounds, 1, body);
        body.run(bounds[0], bounds[1]);
        joinAll(tasks);
    }

    /** Submits chunks {@code first..} of {@code bounds} to the fork-join pool (inline if it was just replaced). */
    private static List<ForkJoinTask<?>> submit(Pool p, int[] bounds, int first, RangeBody body) {
        List<ForkJoinTask<?>> tasks = new ArrayList<>(bounds.length - 1 - first);
        for (int c = first; c + 1 < bounds.length; c++) {
            final int from = bounds[c], to = bounds[c + 1];
            try {
                tasks.add(p.workers.submit(() -> body.run(from, to)));
            } catch (RejectedExecutionException e) { // the pool was replaced by a change of thread count
                body.run(from, to);
            }
        }
        return tasks;
    }

    private static void joinAll(List<ForkJoinTask<?>> tasks) {
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
