package dev.autograd4j;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;

/**
 * The check and dispatch steps the op families share: argument checks with PyTorch's messages, output
 * allocation, and one backend call per kernel. Nothing here records a graph; the families do that.
 */
final class Kernels {
    private Kernels() {
    }

    /** Which tensors a unary op's derivative reads, so that in-place writes to them fail its backward. */
    enum Saved {
        /** The derivative reads the input x. */
        INPUT,
        /** The derivative reads the result y. */
        RESULT,
        /** The derivative reads neither (zero or constant). */
        NOTHING
    }

    /** A unary op's derivative: the input's gradient from the input x, the result y and the result's gradient g. */
    @FunctionalInterface
    interface UnaryDerivative {
        /**
         * Computes the input's gradient.
         *
         * @param x the op's input
         * @param y the op's result
         * @param g the gradient of the result
         * @return the gradient of the input
         */
        Tensor apply(Tensor x, Tensor y, Tensor g);
    }

    // ------------------------------------------------------------------ checks

    static void requireFloating(DType dtype, String op) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("\"" + op + "\" not implemented for '" + dtype.scalarTypeName() + "'");
        }
    }

    static void checkSameDevice(Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two "
                    + "devices, " + a.device() + " and " + b.device() + "!");
        }
    }

    static void checkSameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both tensors to have the same dtype, but got "
                    + a.dtype() + " and " + b.dtype() + " (autograd4j does not promote types: use .to(DType))");
        }
    }

    /** Normalizes, checks for repeats and sorts a list of dims of {@code x}. */
    static int[] normalizeDims(Tensor x, int[] dims) {
        int rank = x.dim();
        boolean[] seen = new boolean[Math.max(rank, 1)];
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim(dims[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException("dim " + d + " appears multiple times in the list of dims");
            }
            seen[d] = true;
            out[i] = d;
        }
        Arrays.sort(out);
        return rank == 0 ? new int[0] : out;
    }

    // ------------------------------------------------------------------ dispatch

    /** {@code op(x; p0, p1)} into a new tensor of x's shape and dtype; x's dtype must be one the op serves. */
    static Tensor unary(Tensor x, UnaryOp op, double p0, double p1) {
        if (!op.dtypes().contains(x.dtype())) {
            requireFloating(x.dtype(), op.kernelName());
        }
        Tensor out = x.emptyLike(x.shapeUnsafe(), x.dtype());
        x.kernels().unary(op, x.storageUnsafe(), x.layout(), out.storageUnsafe(), out.layout(), p0, p1);
        return out;
    }

    /** {@code op(a, b)} broadcast, same dtype and device; comparisons give BOOL. */
    static Tensor binary(Tensor a, BinaryOp op, Tensor b) {
        checkSameDevice(a, b);
        checkSameDtype(op.kernelName(), a, b);
        int[] shape = Shape.broadcast(a.shapeUnsafe(), b.shapeUnsafe());
        Tensor out = a.emptyLike(shape, op.isComparison() ? DType.BOOL : a.dtype());
        a.kernels().binary(op, a.storageUnsafe(), a.layout().broadcastTo(shape), b.storageUnsafe(),
                b.layout().broadcastTo(shape), out.storageUnsafe(), out.layout());
        return out;
    }

    /** A 0-d tensor of x's dtype and device, for scalar operands of binary kernels. */
    static Tensor scalarLike(Tensor x, double value) {
        return Tensor.full(Shape.of(), value, x.dtype(), x.device());
    }

    /** Reduces the given (normalized, sorted) dims of x; returns {values, indices or null}. */
    static Tensor[] reduce(Tensor x, ReduceOp op, int[] dims, boolean withIndices) {
        int[] shape = x.shapeUnsafe();
        for (int d : dims) {
            if (op != ReduceOp.SUM && shape[d] == 0) {
                throw new IllegalArgumentException(op.kernelName() + "(): Expected reduction dim " + d
                        + " to have non-zero size.");
            }
        }
        Layout walk = x.layout().reducedDimsLast(dims);
        int[] outShape = Arrays.copyOf(walk.shape(), walk.rank() - dims.length);
        Tensor out = x.emptyLike(outShape, x.dtype());
        Tensor indices = withIndices ? x.emptyLike(outShape, DType.INT64) : null;
        x.kernels().reduce(op, x.storageUnsafe(), walk, dims.length, out.storageUnsafe(), out.layout(),
                indices == null ? null : indices.storageUnsafe(), indices == null ? null : indices.layout());
        return new Tensor[] {out, indices};
    }

    /** The product of {@code a3} [B, m, k] of a and {@code b3} [B, k, n] of b into a new tensor of outShape. */
    static Tensor matmul(Tensor a, Layout a3, Tensor b, Layout b3, int[] outShape) {
        checkSameDevice(a, b);
        checkSameDtype("matmul", a, b);
        requireFloating(a.dtype(), "matmul");
        Tensor out = a.emptyLike(outShape, a.dtype());
        int[] o3 = {a3.shape()[0], a3.shape()[1], b3.shape()[2]};
        a.kernels().matmul(a.storageUnsafe(), a3, b.storageUnsafe(), b3, out.storageUnsafe(), Layout.contiguous(o3));
        return out;
    }

    /** Softmax or log-softmax of x over dim {@code d} (normalized): one backend call, dim d moved last. */
    static Tensor softmax(Tensor x, int d, boolean log) {
        requireFloating(x.dtype(), log ? "log_softmax" : "softmax");
        Tensor out = x.emptyLike(x.shapeUnsafe(), x.dtype());
        if (x.numel() > 0) {
            x.kernels().softmax(log, x.storageUnsafe(), x.layout().moveDimLast(d), out.storageUnsafe(),
                    out.layout().moveDimLast(d));
        }
        return out;
    }

    /** x reshaped outside the graph (for results whose node is recorded separately). */
    static Tensor reshapeNoGrad(Tensor x, int[] shape) {
        try (var g = Autograd.noGrad()) {
            return x.reshape(shape);
        }
    }

    /** The dims of a rank-{@code n} tensor, 0..n-1. */
    static int[] allDims(int n) {
        int[] d = new int[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return d;
    }
}
