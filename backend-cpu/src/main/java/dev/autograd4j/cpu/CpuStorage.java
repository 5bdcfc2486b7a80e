package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Storage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * A Java primitive array: float[] for FLOAT32, double[] for FLOAT64, long[] for INT64, boolean[] for BOOL. A
 * storage from {@link CpuPool} may hold a longer array than its {@link #size()} (the size class) and gives the
 * array back to the pool when released or unreachable; after {@link #release()} every backend entry point throws
 * ({@link #live()}) instead of reading an array that may already belong to another tensor.
 */
final class CpuStorage implements Storage {
    final DType dtype;
    final Object data;
    final int size;
    /** Gives a pooled array back (null for arrays the pool does not manage); set once, by the pool. */
    Cleaner.Cleanable cleanable;
    /** Set once by {@link #release()} with release semantics: a store, no fence per released storage. */
    private boolean released;
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(CpuStorage.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Storage over all of {@code data}, an array the pool does not manage (the user's, or a small one). */
    CpuStorage(DType dtype, Object data) {
        this(dtype, data, java.lang.reflect.Array.getLength(data));
    }

    /** Storage over the first {@code size} elements of {@code data}. */
    CpuStorage(DType dtype, Object data, int size) {
        this.dtype = dtype;
        this.data = data;
        this.size = size;
    }

    /**
     * This storage, checked not to be released.
     *
     * @throws IllegalStateException after {@link #release()}
     */
    CpuStorage live() {
        if ((boolean) RELEASED.getAcquire(this)) {
            throw new IllegalStateException("this " + dtype + " tensor's memory on cpu was released when its "
                    + "MemoryScope closed; keep tensors that must outlive a scope with scope.keep(tensor)");
        }
        return this;
    }

    /** The primitive array (checked not to be released), for bulk copies by collectives. */
    @Override
    public Object hostArray() {
        return live().data;
    }

    /** Marks the storage unusable and gives a pooled array back now (idempotent). */
    @Override
    public void release() {
        RELEASED.setRelease(this, true);
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /**
     * A zeroed array of {@code size} elements; when the heap cannot hold it, an OutOfMemoryError naming the bytes
     * and dtype (the API adds the shape). The failed request leaves the heap as it was.
     */
    static CpuStorage allocate(DType dtype, int size) {
        try {
            return new CpuStorage(dtype, newArray(dtype, size));
        } catch (OutOfMemoryError e) {
            throw named(dtype, size, e);
        }
    }

    /** A fresh zeroed array of the dtype's Java type. */
    static Object newArray(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT64 -> new long[size];
            case BOOL -> new boolean[size];
        };
    }

    /** The OutOfMemoryError naming the bytes and dtype of a failed request. */
    static OutOfMemoryError named(DType dtype, int size, OutOfMemoryError cause) {
        OutOfMemoryError named = new OutOfMemoryError("not enough memory: you tried to allocate "
                + (long) size * dtype.byteSize() + " bytes for " + size + " " + dtype.pythonName()
                + " elements on the Java heap (max " + Runtime.getRuntime().maxMemory() + " bytes; raise -Xmx)");
        named.initCause(cause);
        return named;
    }

    float[] f() {
        return (float[]) data;
    }

    double[] d() {
        return (double[]) data;
    }

    long[] l() {
        return (long[]) data;
    }

    /** Any element as a double: the slow, general path for casts, comparisons and the rarer dtypes. */
    double get(int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
        };
    }

    void set(int i, double v) {
        switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = v;
            case INT64 -> ((long[]) data)[i] = (long) v;
            case BOOL -> ((boolean[]) data)[i] = v != 0;
        }
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }
}
