package dev.autograd4j;

import dev.autograd4j.spi.ReduceOp;
import java.util.function.Supplier;

/**
 * The indexing kernels as the op families call them, recording nothing: gather, scatter-add and scatter
 * amax/amin into new tensors, and the device-side check of an index range with PyTorch's message.
 */
final class IndexKernels {
    private IndexKernels() {
    }

    /** The gather kernel: a new contiguous tensor of the index's shape. */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        Tensor out = x.emptyLike(index.shapeUnsafe(), x.dtype());
        if (out.numel() > 0) {
            x.kernels().gather(x.storageUnsafe(), x.layout(), dim, index.storageUnsafe(), index.layout(),
                    out.storageUnsafe(), out.layout());
        }
        return out;
    }

    /** A copy of {@code base} with the scatter-add kernel applied to it. */
    static Tensor scatterAdd(Tensor base, int dim, Tensor index, Tensor src) {
        Tensor out = base.contiguousCopy();
        if (index.numel() > 0) {
            base.kernels().scatterAdd(src.storageUnsafe(), src.layout(), dim, index.storageUnsafe(), index.layout(),
                    out.storageUnsafe(), out.layout());
        }
        return out;
    }

    /** A copy of {@code base} with the scatter amax ({@code MAX}) or amin ({@code MIN}) kernel applied to it. */
    static Tensor scatterReduce(ReduceOp op, Tensor base, int dim, Tensor index, Tensor src) {
        Tensor out = base.contiguousCopy();
        if (index.numel() > 0) {
            base.kernels().scatterReduce(op, src.storageUnsafe(), src.layout(), dim, index.storageUnsafe(),
                    index.layout(), out.storageUnsafe(), out.layout());
        }
        return out;
    }

    /**
     * Fails (on a GPU at the next synchronization) when an index is outside {@code [lo, size)}: "index 7 is out of
     * bounds for dimension 0 with size 5", PyTorch's message. {@code lo} is 0, or {@code -size} where negative
     * indices count from the end.
     */
    static void checkRange(Tensor x, Tensor index, int dim, int size, boolean negativeAllowed) {
        if (index.numel() == 0) {
            return;
        }
        long lo = negativeAllowed ? -(long) size : 0;
        Supplier<IndexOutOfBoundsException> failure = () -> {
            for (long j : index.toLongArray()) {
                if (j < lo || j >= size) {
                    return new IndexOutOfBoundsException("index " + j + " is out of bounds for dimension " + dim
                            + " with size " + size);
                }
            }
            return new IndexOutOfBoundsException("index out of bounds for dimension " + dim + " with size " + size);
        };
        try (var g = Autograd.noGrad()) {
            x.assertNoneSet(index.lt(lo), failure);
            x.assertNoneSet(index.ge((long) size), failure);
        }
    }

    /** Negative indices wrapped ({@code j + size} where {@code j < 0}), outside the graph. */
    static Tensor wrapNegative(Tensor index, int size) {
        try (var g = Autograd.noGrad()) {
            return index.add((long) size).where(index.lt(0L), index).detach();
        }
    }

    /** The values of a tensor on the host, for the ops that need them (nonzero, unique, masks). */
    static Object host(Tensor t) {
        return t.kernels().toHost(t.storageUnsafe(), t.layout());
    }

    /**
     * A copy of the 1-D {@code base} with {@code values[i]} written at position {@code positions[i]} (both 1-D, of
     * one length); where a position repeats, the last value wins (what PyTorch's CPU kernels do, deterministic
     * here on every backend): the winner per position is a scatter-amax of the value's ordinal.
     */
    static Tensor write(Tensor base, Tensor positions, Tensor values) {
        int m = positions.numel();
        if (m == 0) {
            return base.contiguousCopy();
        }
        try (var g = Autograd.noGrad()) {
            Device device = base.device();
            Tensor ordinal = Tensor.arange(0, m, 1, DType.INT64, device);
            Tensor winner = scatterReduce(ReduceOp.MAX, Tensor.full(Shape.of(base.numel()), -1, DType.INT64, device),
                    0, positions, ordinal);
            Tensor hit = winner.ge(0L);
            Tensor picked = gather(values, 0, winner.where(hit, Tensor.zeros(Shape.of(), DType.INT64, device)));
            return picked.where(hit, base).detach();
        }
    }

    /** The flat (row-major) positions of the nonzero elements of {@code t}, read on the host. */
    static int[] nonzeroPositions(Tensor t) {
        Object host = host(t);
        int n = t.numel();
        int[] pos = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean set;
            if (host instanceof boolean[] a) {
                set = a[i];
            } else if (host instanceof long[] a) {
                set = a[i] != 0;
            } else if (host instanceof float[] a) {
                set = a[i] != 0;
            } else {
                set = ((double[]) host)[i] != 0;
            }
            if (set) {
                pos[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(pos, count);
    }
}
