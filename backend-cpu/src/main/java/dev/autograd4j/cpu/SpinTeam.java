package dev.autograd4j.cpu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A team of worker threads for {@link Parallel#forRange}'s hand-offs, which spin a short while before parking, as
 * an OpenMP runtime's do: a training step hands several small kernels (products of a few million multiply-adds,
 * optimizer updates) to the second thread, and waking a parked thread costs tens of microseconds on a virtual
 * machine, as much as such a kernel itself.
 *
 * <p>Spinning only pays while cores are idle, so every spin is bounded and backs off:
 * <ul>
 *   <li>a worker spins for the next job at most {@link CpuSettings#spinMicros()} after its last chunk (200 us by
 *       default: in W2's step 90% of the hand-offs come less than 200 us after the last one ended, in W7's most
 *       within 300 us), and half as long after each spin that ran out with no work for twice the full spin time
 *       (down to nothing, as in W8, whose kernels come milliseconds apart); a job that arrives sooner restores
 *       the full spin: it spins while work keeps arriving;</li>
 *   <li>nobody spins while more threads are runnable than there are cores (sampled from {@code /proc/loadavg}
 *       every few milliseconds where it exists, and seen in {@link Load#OVER_SAMPLES} samples in a row), nor for {@link #QUIET_NANOS} after a spinning thread found it
 *       had been descheduled (a gap of {@link #PREEMPTED_NANOS} between two looks at the clock): a spinning
 *       thread then only takes a core from the thread it waits for, or from the JIT compiler;</li>
 *   <li>the caller runs chunks no worker has started yet itself (a parked or descheduled worker delays nothing),
 *       and waits only for chunks in progress: spinning within the same bounds (but at least
 *       {@link #AWAIT_SPIN_NANOS}, as the worker it waits for is running), then parking.</li>
 * </ul>
 *
 * <p>One caller at a time: {@link #tryRun} returns false when the team is busy (another thread's kernel), and the
 * caller then takes the fork-join pool as before. The chunks are the same whichever thread runs them, so results do
 * not depend on who ran what.
 */
final class SpinTeam {
    /** A gap this long between two looks at the clock while spinning means the spinning thread was descheduled. */
    static final long PREEMPTED_NANOS = 50_000;
    /** After a sign of contention (a descheduled spinner, too many runnable threads), nobody spins this long. */
    static final long QUIET_NANOS = 20_000_000;
    /** How often the runnable-thread count is sampled, at most. */
    static final long SAMPLE_NANOS = 4_000_000;
    /**
     * The caller spins this long for the chunks a worker is still running even while spinning is held off (then
     * parks): on W2's step the team is held off most of the time on a quiet 2-core machine (the JIT compiler is
     * runnable through the benchmark's first seconds), and parking for the worker's last GEMM tile cost the
     * unpark's wake-up on top of the tile (about 14 us a product of 64 x 256 x 784). The worker runs its chunk
     * now (it claimed it), so a bounded spin takes a core only from a third thread, for at most this long.
     */
    static final long AWAIT_SPIN_NANOS = 30_000;

    /** One call's chunks: chunk c is [bounds[c], bounds[c + 1]); chunk 0 runs on the caller. */
    private static final class Job {
        final Parallel.RangeBody body;
        final int[] bounds;
        /** The next chunk to claim (chunk 0 is the caller's). */
        final AtomicInteger next = new AtomicInteger(1);
        /** Chunks 1.. not finished yet. */
        final AtomicInteger pending;
        final Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;

        Job(Parallel.RangeBody body, int[] bounds, Thread caller) {
            this.body = body;
            this.bounds = bounds;
            this.pending = new AtomicInteger(bounds.length - 2);
            this.caller = caller;
        }

        int chunks() {
            return bounds.length - 1;
        }

        /** Claims and runs chunks until none is left; a failure is kept for the caller. */
        void runChunks() {
            int chunks = chunks();
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) {
                        body.run(bounds[c], bounds[c + 1]);
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
                if (pending.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** A team thread; a {@link Parallel} call from one of them runs inline. */
    static final class Worker extends Thread {
        private final SpinTeam team;
        private volatile boolean parked;

        Worker(SpinTeam team, int index) {
            super("autograd4j-cpu-" + index);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            long budget = team.spinNanos(); // how long to spin after the last chunk: shrinks while spins are wasted
            long idleSince = System.nanoTime();
            boolean spunOut = false; // the last idle period spun its whole budget and then parked
            while (true) {
                Job j = team.job;
                if (j != last) {
                    last = j;
                    long now = System.nanoTime();
                    long max = team.spinNanos();
                    if (!spunOut || now - idleSince < 2 * max) {
                        budget = max; // work keeps arriving (during the spin, or soon after it)
                    }
                    spunOut = false;
                    j.runChunks();
                    idleSince = System.nanoTime();
                    continue;
                }
                if (team.shutdown && !team.busy.get()) {
                    return;
                }
                long now = System.nanoTime();
                if (now - idleSince < budget && team.maySpin(now)) {
                    long before = now;
                    for (int i = 0; i < 64 && team.job == last; i++) {
                        Thread.onSpinWait(); // no Thread.yield(): it made W2's median 1.7x slower on the 2-core VM
                    }
                    if (System.nanoTime() - before > PREEMPTED_NANOS) {
                        team.contended();
                    }
                    continue;
                }
                if (!spunOut && budget > 0 && now - idleSince >= budget) {
                    spunOut = true;
                    budget /= 2; // a spin that ended without work: spin less next time
                    if (budget < 2_000) {
                        budget = 0;
                    }
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
    /** System.nanoTime() before which nobody spins (contention was seen). */
    private volatile long quietUntil = System.nanoTime();
    private final CpuSettings settings;

    /** A team for {@code threads} threads in all: the caller and {@code threads - 1} workers. */
    SpinTeam(int threads) {
        this(threads, CpuSettings.GLOBAL);
    }

    /** As {@link #SpinTeam(int)}, spinning as {@code settings} say. */
    SpinTeam(int threads, CpuSettings settings) {
        this.settings = settings;
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

    long spinNanos() {
        return settings.spinMicros() * 1000;
    }

    /** Whether a thread may spin now: spinning is on, no contention was seen lately, the cores are not all busy. */
    boolean maySpin(long now) {
        if (now - quietUntil < 0 || settings.spinMicros() == 0) {
            return false;
        }
        if (Load.overloaded(now)) {
            contended();
            return false;
        }
        return true;
    }

    /** Contention seen: nobody spins for {@link #QUIET_NANOS}. */
    void contended() {
        quietUntil = System.nanoTime() + QUIET_NANOS;
    }

    /** Whether spinning is held off now (after contention), for tests. */
    boolean quiet() {
        return System.nanoTime() - quietUntil < 0;
    }

    /**
     * Runs {@code body} over the chunks [bounds[c], bounds[c + 1]), chunk 0 on the calling thread, the others on
     * whichever thread claims them first (a worker, or the caller once its own chunk is done), and returns when all
     * are done; false (nothing run) when the team is busy or shut down. After a chunk failed, chunks not started
     * yet are skipped, and the first failure is thrown (a checked one wrapped in an IllegalStateException).
     *
     * @param bounds {@code chunks + 1} increasing bounds
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
            for (int w = 0; w + 1 < chunks && w < workers.length; w++) {
                if (workers[w].parked) {
                    LockSupport.unpark(workers[w]);
                }
            }
            Throwable mine = null;
            try {
                body.run(bounds[0], bounds[1]);
            } catch (Throwable t) {
                mine = t;
                j.failure = t;
            }
            j.runChunks(); // the chunks no worker has started: a late worker delays nothing
            if (j.pending.get() != 0) {
                awaitChunks(j);
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

    /**
     * Waits for the chunks in progress on workers: spins within the team's bounds (at least
     * {@link #AWAIT_SPIN_NANOS} when spinning is held off, unless the spin limit is shorter), then parks.
     */
    private void awaitChunks(Job j) {
        long start = System.nanoTime(), last = start, limit = spinNanos();
        while (j.pending.get() != 0) {
            long now = System.nanoTime();
            if (now - last > PREEMPTED_NANOS) {
                contended();
            }
            last = now;
            if (now - start >= limit || now - start >= AWAIT_SPIN_NANOS && !maySpin(now)) {
                break;
            }
            for (int i = 0; i < 64 && j.pending.get() != 0; i++) {
                Thread.onSpinWait();
            }
        }
        j.callerParked = true;
        while (j.pending.get() != 0) {
            LockSupport.park(this);
        }
    }

    /** Whether every worker is parked now (for tests). */
    boolean workersParked() {
        for (Worker w : workers) {
            if (!w.parked) {
                return false;
            }
        }
        return true;
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

    /** Whether the calling thread runs a chunk of a job of this team (a worker, or the caller). */
    boolean inJob() {
        Thread me = Thread.currentThread();
        return me instanceof Worker || owner == me;
    }

    /**
     * The machine's runnable threads against its cores, from the fourth field of {@code /proc/loadavg}
     * ("running/total"; the kernel's count of runnable threads right now, the sampling thread included), read at
     * most every {@link #SAMPLE_NANOS} by one thread at a time; never overloaded where the file is missing.
     */
    static final class Load {
        /**
         * Samples in a row (each at least {@link #SAMPLE_NANOS} after the last) that must find more runnable threads
         * than cores before the machine counts as overloaded. A single sample catches the JVM's own short-lived
         * threads now and then (a collection's GC workers, the Cleaner, the reference handler, found runnable next
         * to W2's two threads on a quiet machine), and each such snapshot held off all spinning for
         * {@link #QUIET_NANOS}; other processes running steadily still show in consecutive samples, and a spinner
         * that is actually descheduled still sees the gap ({@link #PREEMPTED_NANOS}) at once.
         */
        static final int OVER_SAMPLES = 3;
        private static final int CORES = Runtime.getRuntime().availableProcessors();
        private static final AtomicBoolean SAMPLING = new AtomicBoolean();
        private static volatile long sampledAt = System.nanoTime() - 2 * SAMPLE_NANOS;
        private static volatile boolean overloaded;
        private static volatile boolean unavailable;
        private static RandomAccessFile file; // guarded by SAMPLING
        private static final byte[] BUF = new byte[128]; // guarded by SAMPLING
        /** Consecutive samples that found more runnable threads than cores; guarded by SAMPLING. */
        private static int over;

        private Load() {
        }

        /** Whether more threads are runnable than there are cores (as last sampled). */
        static boolean overloaded(long now) {
            if (unavailable) {
                return false;
            }
            if (now - sampledAt > SAMPLE_NANOS && SAMPLING.compareAndSet(false, true)) {
                try {
                    int running = running();
                    over = running > CORES ? over + 1 : 0;
                    overloaded = over >= OVER_SAMPLES;
                    sampledAt = System.nanoTime();
                } finally {
                    SAMPLING.set(false);
                }
            }
            return overloaded;
        }

        /** Runnable threads now, or 0 where unknown (and then never again asked). */
        private static int running() {
            try {
                if (file == null) {
                    file = new RandomAccessFile("/proc/loadavg", "r");
                }
                file.seek(0);
                int n = file.read(BUF);
                return parseRunning(BUF, n);
            } catch (IOException | SecurityException e) {
                unavailable = true;
                return 0;
            }
        }

        /** The running count of a /proc/loadavg line ("0.52 0.58 0.59 3/467 12345"); 0 if malformed. */
        static int parseRunning(byte[] b, int n) {
            int fields = 0, i = 0;
            while (i < n && fields < 3) {
                if (b[i++] == ' ') {
                    fields++;
                }
            }
            int v = 0;
            boolean digits = false;
            for (; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
                v = v * 10 + (b[i] - '0');
                digits = true;
            }
            return digits && i < n && b[i] == '/' ? v : 0;
        }
    }
}
