package dev.autograd4j.cuda;

import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend's settings, one object per process ({@link CudaBackend#settings()}). Each starts from a
 * system property, read once when this class loads, and can be changed at run time, taking effect for the
 * next operation; setters are thread-safe.
 *
 * <ul>
 *   <li>{@link #cublas()}: matrix products on cuBLAS ({@value #CUBLAS_PROPERTY}, default {@code true};
 *       {@code false} forces the built-in tiled GEMM kernel, as when cuBLAS cannot be loaded).</li>
 *   <li>{@link #tf32()}: let cuBLAS use TF32 tensor cores for float32 products ({@value #TF32_PROPERTY},
 *       default {@code false}: float32 products are exact to float32, as on the CPU).</li>
 *   <li>{@link #collectEveryMiB()}: the caching allocator asks for a garbage collection, so that dead
 *       tensors return their device memory, each time it has handed out this many MiB that its cache
 *       could not serve ({@value #COLLECT_EVERY_MIB_PROPERTY}, default 1024; 0 never asks).</li>
 * </ul>
 */
public final class CudaSettings {
    /** System property giving the default of {@link #cublas()}: {@code false} turns cuBLAS off. */
    public static final String CUBLAS_PROPERTY = "autograd4j.cuda.cublas";
    /** System property giving the default of {@link #tf32()}: {@code true} turns TF32 on. */
    public static final String TF32_PROPERTY = "autograd4j.cuda.tf32";
    /** System property giving the default of {@link #collectEveryMiB()}. */
    public static final String COLLECT_EVERY_MIB_PROPERTY = "autograd4j.cuda.collectEveryMiB";
    /** The largest {@link #collectEveryMiB()}: its byte count must fit in a {@code long}. */
    public static final long MAX_COLLECT_EVERY_MIB = Long.MAX_VALUE >> 20;

    private static final Logger LOG = LoggerFactory.getLogger(CudaSettings.class);
    private static final long DEFAULT_COLLECT_EVERY_MIB = 1024;

    /** The settings the backend uses, from the system properties. */
    static final CudaSettings GLOBAL = new CudaSettings(System::getProperty);

    private volatile boolean cublas;
    private volatile boolean tf32;
    private volatile long collectEveryMiB;

    /** Settings whose defaults come from {@code properties} (a property name to its value, or null). */
    CudaSettings(UnaryOperator<String> properties) {
        cublas = !"false".equalsIgnoreCase(properties.apply(CUBLAS_PROPERTY));
        tf32 = "true".equalsIgnoreCase(properties.apply(TF32_PROPERTY));
        String c = properties.apply(COLLECT_EVERY_MIB_PROPERTY);
        long mib = DEFAULT_COLLECT_EVERY_MIB;
        if (c != null) {
            try {
                mib = Math.min(MAX_COLLECT_EVERY_MIB, Math.max(0, Long.parseLong(c.trim())));
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring -D{}={}: not a whole number; using {}", COLLECT_EVERY_MIB_PROPERTY, c, mib);
            }
        }
        collectEveryMiB = mib;
    }

    /**
     * Whether matrix products run on cuBLAS (where it can be loaded) rather than the built-in kernel.
     *
     * @return true for cuBLAS
     */
    public boolean cublas() {
        return cublas;
    }

    /**
     * Chooses cuBLAS or the built-in GEMM kernel for the next matrix products.
     *
     * @param on {@code true} for cuBLAS (where it can be loaded), {@code false} for the built-in kernel
     * @return these settings
     */
    public CudaSettings setCublas(boolean on) {
        cublas = on;
        return this;
    }

    /**
     * Whether cuBLAS may use TF32 tensor cores for float32 products.
     *
     * @return true when TF32 is allowed
     */
    public boolean tf32() {
        return tf32;
    }

    /**
     * Lets cuBLAS use TF32 tensor cores (faster, about 10 mantissa bits) for the next float32 products, or not.
     *
     * @param on whether TF32 is allowed
     * @return these settings
     */
    public CudaSettings setTf32(boolean on) {
        tf32 = on;
        return this;
    }

    /**
     * MiB handed out past the allocator's cache between two garbage collection hints.
     *
     * @return the threshold in MiB; 0 means never
     */
    public long collectEveryMiB() {
        return collectEveryMiB;
    }

    /** {@link #collectEveryMiB()} in bytes. */
    long collectEveryBytes() {
        return collectEveryMiB << 20;
    }

    /**
     * Sets how many MiB the caching allocator hands out past its cache before it asks for a garbage collection.
     *
     * @param mib 0 (never) to {@link #MAX_COLLECT_EVERY_MIB}
     * @return these settings
     * @throws IllegalArgumentException if {@code mib} is out of range
     */
    public CudaSettings setCollectEveryMiB(long mib) {
        if (mib < 0 || mib > MAX_COLLECT_EVERY_MIB) {
            throw new IllegalArgumentException("collectEveryMiB must be between 0 and " + MAX_COLLECT_EVERY_MIB
                    + ", got " + mib);
        }
        collectEveryMiB = mib;
        return this;
    }

    @Override
    public String toString() {
        return "CudaSettings[cublas=" + cublas + ", tf32=" + tf32 + ", collectEveryMiB=" + collectEveryMiB + "]";
    }
}
