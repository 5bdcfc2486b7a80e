package dev.autograd4j.spi;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A tensor engine for one kind of device, found with {@link java.util.ServiceLoader}. Backends know
 * nothing of gradients. Every compute method takes storage plus {@link Layout}, so views never
 * need a copy; the API has already checked shapes, dtypes and devices, and broadcast inputs arrive
 * with stride-0 layouts of the output's shape. Outputs may be strided too.
 */
public interface Backend {
    Device.Type deviceType();

    /** Cheap, never throws: false when natives or devices are missing. */
    boolean isAvailable();

    int deviceCount();

    /** One line for logs and demos, e.g. "cpu: Vector API kernels, 2 threads". */
    String describe();

    /** New storage of {@code size} elements, zero-filled. */
    Storage allocate(Device device, DType dtype, int size);

    /**
     * New storage of {@code size} elements whose contents are unspecified: for an op's output, which its
     * kernel writes entirely. A backend whose fresh memory is zeroed anyway need not override this.
     */
    default Storage allocateUninitialized(Device device, DType dtype, int size) {
        return allocate(device, dtype, size);
    }

    /** Storage holding a copy of a host array: float[], double[], long[] or boolean[] matching dtype. */
    Storage fromHost(Device device, DType dtype, Object array);

    /** The viewed elements in row-major order as a new host array of the storage's dtype. */
    Object toHost(Storage storage, Layout layout);

    /** dst[...] = (cast) src[...], same shape; dtypes may differ (a cast). */
    void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

    void fill(Storage dst, Layout layout, double value);

    /** dst[i] = start + i * step in row-major order. */
    void arange(Storage dst, Layout layout, double start, double step);

    /** dst[i] = the standard uniform [0,1) or normal of {@link CounterRandom} at counter offset + i. */
    void random(boolean normal, Storage dst, Layout layout, long seed, long offset);

    void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0, double p1);

    void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout);

    /** out = cond ? a : b, cond is BOOL. */
    void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
               Storage out, Layout outLayout);

    /**
     * Reduces the last {@code reducedDims} dims of x into out (shape = x's leading dims). For MAX/MIN,
     * {@code indices} (INT64, may be null) gets the flat index of the winner within the reduced dims;
     * NaN wins, as in PyTorch.
     */
    void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                Storage indices, Layout indicesLayout);

    /**
     * Softmax, or with {@code log} log-softmax, over the last dim of x (rank at least 1) into out, same shape,
     * any strides: per row {@code exp(x - max) / sum(exp(x - max))} or {@code x - max - log(sum(exp(x - max)))}.
     * The default composes the methods above through temporaries; a backend overrides it with one kernel.
     */
    default void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
        int rank = xLayout.rank();
        int[] shape = xLayout.shape();
        Device device = x.device();
        DType dtype = x.dtype();
        Layout rows = Layout.contiguous(Arrays.copyOf(shape, rank - 1));
        // a per-row statistic read along the whole row (stride 0 on the last dim)
        Layout alongRow = new Layout(shape, Arrays.copyOf(rows.strides(), rank), 0);
        Layout full = Layout.contiguous(shape);
        Storage stat = allocate(device, dtype, rows.numel());
        reduce(ReduceOp.MAX, x, xLayout, 1, stat, rows, null, null);
        Storage shifted = allocate(device, dtype, full.numel());
        binary(BinaryOp.SUB, x, xLayout, stat, alongRow, shifted, full);
        Storage exp = allocate(device, dtype, full.numel());
        unary(UnaryOp.EXP, shifted, full, exp, full, 0, 0);
        reduce(ReduceOp.SUM, exp, full, 1, stat, rows, null, null);
        if (log) {
            unary(UnaryOp.LOG, stat, rows, stat, rows, 0, 0);
            binary(BinaryOp.SUB, shifted, full, stat, alongRow, out, outLayout);
        } else {
            binary(BinaryOp.DIV, exp, full, stat, alongRow, out, outLayout);
        }
    }

    /**
     * Throws {@code failure.get()} when any element of {@code flags} (BOOL) is true: how a check computed on the
     * device (class indices in range, say) reports bad input. A backend that queues work asynchronously may
     * throw at its next synchronization instead (a host read or {@link #synchronize}), as PyTorch's device-side
     * asserts do, so that the check costs no wait; the default reads the flags now.
     */
    default void assertNoneSet(Storage flags, Layout layout, Supplier<? extends RuntimeException> failure) {
        for (boolean set : (boolean[]) toHost(flags, layout)) {
            if (set) {
                throw failure.get();
            }
        }
    }

    /** Batched product: a is [B, m, k], b is [B, k, n], out is [B, m, n]; any strides. */
    void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout);

    /** Waits for queued work on the device (no-op on the CPU). */
    void synchronize(Device device);
}
