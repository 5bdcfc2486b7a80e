package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Storage;

/** A Java primitive array: float[] for FLOAT32, double[] for FLOAT64, long[] for INT64, boolean[] for BOOL. */
final class CpuStorage implements Storage {
    final DType dtype;
    final Object data;
    final int size;

    CpuStorage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
        this.size = java.lang.reflect.Array.getLength(data);
    }

    /**
     * A zeroed array of {@code size} elements; when the heap cannot hold it, an OutOfMemoryError naming the bytes
     * and dtype (the API adds the shape). The failed request leaves the heap as it was.
     */
    static CpuStorage allocate(DType dtype, int size) {
        try {
            return new CpuStorage(dtype, switch (dtype) {
                case FLOAT32 -> new float[size];
                case FLOAT64 -> new double[size];
                case INT64 -> new long[size];
                case BOOL -> new boolean[size];
            });
        } catch (OutOfMemoryError e) {
            OutOfMemoryError named = new OutOfMemoryError("not enough memory: you tried to allocate "
                    + (long) size * dtype.byteSize() + " bytes for " + size + " " + dtype.pythonName()
                    + " elements on the Java heap (max " + Runtime.getRuntime().maxMemory() + " bytes; raise -Xmx)");
            named.initCause(e);
            throw named;
        }
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
