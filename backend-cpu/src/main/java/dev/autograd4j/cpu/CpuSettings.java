package dev.autograd4j.cpu;

import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU backend's settings, one object per process ({@link CpuBackend#settings()}). Each starts from a
 * system property, read once when this class loads, and can be changed at run time; setters are thread-safe.
 *
 * <ul>
 *   <li>{@link #threads()}: worker threads for large kernels ({@value #THREADS_PROPERTY}, default one per
 *       core). A change takes effect for the next operation: the worker pool is rebuilt then.</li>
 *   <li>{@link #vectorKernels()}: use the Vector API kernels when {@code jdk.incubator.vector} is enabled
 *       ({@value #VECTOR_PROPERTY}, default {@code true}; {@code false} forces plain Java). The kernels
 *       are chosen once, at the first matrix product or elementwise operation (the JIT relies on that
 *       choice being constant), so this can only be changed before then.</li>
 *   <li>{@link #poolCapacityBytes()}: the most bytes of free arrays the CPU memory pool keeps for reuse
 *       ({@value #POOL_PROPERTY} in MiB, default an eighth of the maximum heap, at most 1024 MiB; 0 keeps none).
 *       Arrays given back beyond it are left to the garbage collector.</li>
 *   <li>{@link #spinMicros()}: how long the worker threads spin for the next kernel before parking
 *       ({@value #SPIN_PROPERTY}, default {@value #DEFAULT_SPIN_MICROS}; 0 parks at once). They spin only while
 *       work keeps arriving and no more threads are runnable than there are cores (see the README, "CPU").</li>
 * </ul>
 */
public final class CpuSettings {
    /** System property giving the default of {@link #threads()}. */
    public static final String THREADS_PROPERTY = "autograd4j.cpu.threads";
    /** System property giving the default of {@link #vectorKernels()}: {@code false} turns them off. */
    public static final String VECTOR_PROPERTY = "autograd4j.cpu.vector";
    /** System property giving the default of {@link #poolCapacityBytes()}, in MiB. */
    public static final String POOL_PROPERTY = "autograd4j.cpu.poolMiB";
    /** System property giving the default of {@link #spinMicros()}. */
    public static final String SPIN_PROPERTY = "autograd4j.cpu.spinMicros";
    /** The default of {@link #spinMicros()}. */
    public static final int DEFAULT_SPIN_MICROS = 200;
    /** The most microseconds {@link #setSpinMicros} accepts. */
    public static final int MAX_SPIN_MICROS = 100_000;
    /** The most threads {@link #setThreads} accepts (a fork/join pool's limit). */
    public static final int MAX_THREADS = 0x7fff;

    private static final Logger LOG = LoggerFactory.getLogger(CpuSettings.class);

    /** The settings the backend uses, from the system properties. */
    static final CpuSettings GLOBAL = new CpuSettings(System::getProperty);

    private volatile int threads;
    private volatile long poolCapacityBytes;
    private volatile int spinMicros;
    private boolean vectorKernels; // guarded by this
    private boolean kernelsChosen; // guarded by this

    /** Settings whose defaults come from {@code properties} (a property name to its value, or null). */
    CpuSettings(UnaryOperator<String> properties) {
        int cores = Runtime.getRuntime().availableProcessors();
        String t = properties.apply(THREADS_PROPERTY);
        int n = cores;
        if (t != null) {
            try {
                n = Math.min(MAX_THREADS, Math.max(1, Integer.parseInt(t.trim())));
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring -D{}={}: not a whole number; using {} threads", THREADS_PROPERTY, t, cores);
            }
        }
        threads = n;
        vectorKernels = !"false".equalsIgnoreCase(properties.apply(VECTOR_PROPERTY));
        long pool = Math.min(1024L << 20, Runtime.getRuntime().maxMemory() / 8);
        String p = properties.apply(POOL_PROPERTY);
        if (p != null) {
            try {
                pool = Math.max(0, Long.parseLong(p.trim())) << 20;
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring -D{}={}: not a whole number of MiB; the pool keeps up to {} bytes", POOL_PROPERTY,
                        p, pool);
            }
        }
        poolCapacityBytes = pool;
        int spin = DEFAULT_SPIN_MICROS;
        String sp = properties.apply(SPIN_PROPERTY);
        if (sp != null) {
            try {
                spin = (int) Math.min(MAX_SPIN_MICROS, Math.max(0, Long.parseLong(sp.trim())));
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring -D{}={}: not a whole number of microseconds; spinning up to {} us", SPIN_PROPERTY,
                        sp, spin);
            }
        }
        spinMicros = spin;
    }

    /**
     * How long a worker thread spins for the next kernel before parking, at most: it spins less after spins that
     * found no work, and not at all while more threads are runnable than there are cores.
     *
     * @return microseconds, 0 when the workers park at once
     */
    public int spinMicros() {
        return spinMicros;
    }

    /**
     * Sets how long worker threads spin for the next kernel before parking; takes effect at their next wait.
     *
     * @param micros 0 (park at once) to {@link #MAX_SPIN_MICROS}
     * @return these settings
     * @throws IllegalArgumentException if {@code micros} is out of range
     */
    public CpuSettings setSpinMicros(int micros) {
        if (micros < 0 || micros > MAX_SPIN_MICROS) {
            throw new IllegalArgumentException("the spin time must be between 0 and " + MAX_SPIN_MICROS
                    + " microseconds, got " + micros);
        }
        this.spinMicros = micros;
        return this;
    }

    /**
     * The most bytes of free arrays the CPU memory pool keeps for reuse.
     *
     * @return the capacity in bytes; 0 when the pool keeps nothing
     */
    public long poolCapacityBytes() {
        return poolCapacityBytes;
    }

    /**
     * Sets the pool's capacity; free arrays beyond a lowered capacity stay until {@link CpuBackend#emptyCache()}.
     *
     * @param bytes the most bytes of free arrays to keep, 0 or more
     * @return these settings
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public CpuSettings setPoolCapacityBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the pool capacity must be 0 or more bytes, got " + bytes);
        }
        this.poolCapacityBytes = bytes;
        return this;
    }

    /**
     * Worker threads for large kernels.
     *
     * @return the thread count; 1 runs everything on the calling thread
     */
    public int threads() {
        return threads;
    }

    /**
     * Sets the number of worker threads; the next operation uses them.
     *
     * @param threads 1 (no worker pool) to {@link #MAX_THREADS}
     * @return these settings
     * @throws IllegalArgumentException if {@code threads} is out of range
     */
    public CpuSettings setThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("CPU threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Whether the Vector API kernels are wanted (they run only where {@code jdk.incubator.vector} is enabled).
     *
     * @return true when wanted
     */
    public synchronized boolean vectorKernels() {
        return vectorKernels;
    }

    /**
     * Turns the Vector API kernels on or off. The kernels are chosen once, at the first matrix product or
     * elementwise operation; after that only the value already in use is accepted.
     *
     * @param on whether to use them
     * @return these settings
     * @throws IllegalStateException if the kernels were already chosen with the other value
     */
    public synchronized CpuSettings setVectorKernels(boolean on) {
        if (kernelsChosen && on != vectorKernels) {
            throw new IllegalStateException("The CPU kernels were chosen at the first operation, with vector kernels "
                    + (vectorKernels ? "on" : "off") + "; set -D" + VECTOR_PROPERTY + "=" + on
                    + " or call setVectorKernels before the first operation");
        }
        vectorKernels = on;
        return this;
    }

    /** {@link #vectorKernels()}, fixed from now on: the kernels are being chosen. */
    synchronized boolean chooseVectorKernels() {
        kernelsChosen = true;
        return vectorKernels;
    }

    @Override
    public String toString() {
        return "CpuSettings[threads=" + threads + ", vectorKernels=" + vectorKernels() + ", poolCapacityBytes="
                + poolCapacityBytes + ", spinMicros=" + spinMicros + "]";
    }
}
