package dev.autograd4j.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A team of worker threads for {@link Parallel#forRange}'s hand-offs, which may spin a short while before parking,
 * as an OpenMP runtime's do: a training step hands several small kernels (products of a few million
 * multiply-adds, optimizer updates) to the second thread, and waking a parked thread costs tens of microseconds
 * on a virtual machine, as much as such a kernel itself. A worker that ran a chunk in the last
 * {@link #SPIN_NANOS} picks up the next one without a wake-up; the caller likewise spins a while for the
 * workers' chunks before parking.
 *
 * <p>One caller at a time: {@link #tryRun} returns false when the team is busy (another thread's kernel, or a
 * kernel called from inside a chunk), and the caller then takes the fork-join pool as before. The chunks are the
 * same whichever thread runs them, so results do not depend on who ran what.
 */
final class SpinTeam {
    /**
     * How long an idle worker spins for the next chunk, and the caller for the workers' chunks, before parking:
     * {@code autograd4j.cpu.spinMicros} (default 0: park at once). Spinning halved W2's step on the 2-core VM in a
     * fresh process, but made products up to 4x slower after other work had run in the same process (README,
     * "CPU"), so it is opt-in.
     */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("autograd4j.cpu.spinMicros", 0)) * 1000;

    /** One call's chunks: chunk c is [bounds[c], bounds[c + 1]); chunk 0 runs on the caller. */
    private static final class Job {
        final Parallel.RangeBody body;
        final int[] bounds;
        final AtomicInteger pending;
        final Thread caller;
        volatile Throwable failure;

        Job(Parallel.RangeBody body, int[] bounds, Thread caller) {
            this.body = body;
            this.bounds = bounds;
            this.pending = new AtomicInteger(bounds.length - 2);
            this.caller = caller;
        }
    }

    /** A team thread; a {@link Parallel} call from one of them runs inline. */
    static final class Worker extends Thread {
        private final SpinTeam team;
        private final int index;
        private volatile boolean parked;

        Worker(SpinTeam team, int index) {
            super("autograd4j-cpu-" + index);
            this.team = team;
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            long idleSince = System.nanoTime();
            while (true) {
                Job j = team.job;
                if (j != last) {
                    last = j;
                    if (index + 1 < j.bounds.length - 1) {
                        try {
                            j.body.run(j.bounds[index + 1], j.bounds[index + 2]);
                        } catch (Throwable t) {
                            j.failure = t;
                        }
                        if (j.pending.decrementAndGet() == 0) {
                            LockSupport.unpark(j.caller);
                        }
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                if (team.shutdown && !team.busy.get()) {
                    return;
                }
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait(); // no Thread.yield(): it made W2's median 1.7x slower on the 2-core VM
                    continue;
                }
                parked = true;
                if (team.job == last && !(team.shutdown && !team.busy.get())) {
                    LockSupport.park(team);
                }
                parked = false;
            }
        }
    }

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean shutdown;
    /** The thread running chunk 0 of the job in flight; its nested {@link Parallel} calls run inline. */
    private volatile Thread owner;

    /** A team for {@code threads} threads in all: the caller and {@code threads - 1} workers. */
    SpinTeam(int threads) {
        job = new Job((from, to) -> { }, new int[] {0, 0}, null);
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i);
            workers[i].start();
        }
    }

    /** Threads in all, the caller's included. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body} over the chunks [bounds[c], bounds[c + 1]), chunk 0 on the calling thread, the others on
     * the workers, and returns when all are done; false (nothing run) when the team is busy or shut down.
     *
     * @param bounds {@code chunks + 1} increasing bounds, at most {@link #threads()} chunks
     */
    boolean tryRun(int[] bounds, Parallel.RangeBody body) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (shutdown) {
                return false;
            }
            Thread me = Thread.currentThread();
            owner = me;
            Job j = new Job(body, bounds, me);
            job = j;
            int chunks = bounds.length - 1;
            for (int w = 0; w + 1 < chunks; w++) {
                if (workers[w].parked) {
                    LockSupport.unpark(workers[w]);
                }
            }
            Throwable mine = null;
            try {
                body.run(bounds[0], bounds[1]);
            } catch (Throwable t) {
                mine = t;
            }
            if (j.pending.get() != 0) {
                long start = System.nanoTime();
                while (j.pending.get() != 0 && System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                }
                while (j.pending.get() != 0) {
                    LockSupport.park(this);
                }
            }
            Throwable failure = mine != null ? mine : j.failure;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return true;
        } finally {
            owner = null;
            busy.set(false);
        }
    }

    /** Lets the workers end once idle; a later {@link #tryRun} returns false. */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Whether the calling thread is one of a team's workers. */
    static boolean inWorker() {
        return Thread.currentThread() instanceof Worker;
    }

    /** Whether the calling thread runs a chunk of a job of this team (a worker, or the caller in chunk 0). */
    boolean inJob() {
        Thread me = Thread.currentThread();
        return me instanceof Worker || owner == me;
    }
}
