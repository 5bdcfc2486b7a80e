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
         * @param x the op's input, or null unless the op declared {@link Saved#INPUT}
         * @param y the op's result, or null unless the op declared {@link Saved#RESULT}
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
                    + a.dtype() + " and " + b.dtype());
        }
    }

    // ------------------------------------------------------------------ type promotion (torch.result_type)

    /** Position in PyTorch's promotion lattice for these dtypes: bool < int64 < float32 < float64. */
    private static int rank(DType t) {
        return switch (t) {
            case BOOL -> 0;
            case INT64 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }

    /** {@code torch.promote_types}: the smaller dtype that holds both (null, PyTorch's Undefined, is ignored). */
    static DType promoteTypes(DType a, DType b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return rank(a) >= rank(b) ? a : b;
    }

    /**
     * PyTorch's {@code combine_categories}: the higher-priority operands' dtype wins unless the lower ones are of
     * a higher category (bool &lt; integer &lt; floating); then the two promote.
     */
    private static DType combineCategories(DType higher, DType lower) {
        if (higher == null) {
            return lower;
        }
        if (higher.isFloatingPoint()) {
            return higher;
        }
        if (higher == DType.BOOL || (lower != null && lower.isFloatingPoint())) {
            return promoteTypes(higher, lower);
        }
        return higher;
    }

    /**
     * {@code torch.result_type(a, b)} for two tensors: tensors with dims take part fully, 0-d tensors only by a
     * higher category. The one promotion function every op's check calls.
     */
    static DType resultType(Tensor a, Tensor b) {
        DType dims = null, zeroDim = null;
        for (Tensor t : new Tensor[] {a, b}) {
            if (t.dim() > 0) {
                dims = promoteTypes(dims, t.dtype());
            } else {
                zeroDim = promoteTypes(zeroDim, t.dtype());
            }
        }
        return combineCategories(dims, zeroDim);
    }

    /**
     * {@code torch.result_type(a, scalar)}: a Java scalar takes part only by its category, as a Python number:
     * a double as the default float dtype (float32), a long as int64, a boolean as bool.
     *
     * @param scalarKind FLOAT64 for a double, INT64 for a long, BOOL for a boolean
     */
    static DType resultType(Tensor a, DType scalarKind) {
        return combineCategories(a.dtype(), scalarKind.isFloatingPoint() ? DType.FLOAT32 : scalarKind);
    }

    /** PyTorch's {@code canCast}: no floating to integer or bool, no non-bool to bool. */
    static boolean canCast(DType from, DType to) {
        if (from.isFloatingPoint() && !to.isFloatingPoint()) {
            return false;
        }
        return from == DType.BOOL || to != DType.BOOL;
    }

    /** An in-place op's check that its destination can hold the result type, with PyTorch's message. */
    static void checkCastsTo(DType result, DType destination) {
        if (!canCast(result, destination)) {
            throw new IllegalArgumentException("result type " + result.scalarTypeName()
                    + " can't be cast to the desired output type " + destination.scalarTypeName());
        }
    }

    /** PyTorch's refusal of negating a bool tensor. */
    static void checkNegatable(Tensor a) {
        if (a.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("Negation, the `-` operator, on a bool tensor is not supported. If you "
                    + "are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        }
    }

    /** PyTorch's refusal of subtraction with bool operands (a scalar operand given by its kind). */
    static void checkSubtractable(Tensor a, DType other) {
        if (a.dtype() == DType.BOOL && other == DType.BOOL) {
            throw new IllegalArgumentException("Subtraction, the `-` operator, with two bool tensors is not supported. "
                    + "Use the `^` or `logical_xor()` operator instead.");
        }
        if (a.dtype() == DType.BOOL || other == DType.BOOL) {
            throw new IllegalArgumentException("Subtraction, the `-` operator, with a bool tensor is not supported. "
                    + "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        }
    }

    /**
     * Whether a unary op computes integer and bool inputs in float32 (the default dtype), as PyTorch's
     * floating-point math functions do ({@code torch.tensor([1, 4]).sqrt()} is float32); activations refuse them.
     */
    static boolean promotesIntegers(UnaryOp op) {
        return switch (op) {
            case EXP, EXPM1, LOG, LOG1P, LOG2, LOG10, SQRT, RSQRT, SIN, COS, TANH, SIGMOID, ERF, ERFC, POW_SCALAR,
                 RPOW_SCALAR, RDIV_SCALAR -> true;
            default -> false;
        };
    }

    /** True division's dtype: the result type, or float32 (the default dtype) for integer and bool results. */
    static DType floatingOr32(DType t) {
        return t.isFloatingPoint() ? t : DType.FLOAT32;
    }

    /** The ZeroDivisionError of integer division, raised (on a GPU at the next synchronization) where b has 0. */
    static void checkNoIntegerZero(Tensor b) {
        if (!b.dtype().isFloatingPoint()) {
            b.assertNoneSet(b.eq(0L), () -> new ArithmeticException("ZeroDivisionError"));
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

    /**
     * {@code op(a, b)} broadcast, same device; operands of different dtypes are cast (outside the graph) to their
     * {@link #resultType}, which the result has; comparisons give BOOL. Differentiable ops cast with
     * {@code to(DType)} before, so that each input's gradient flows back in its own dtype.
     */
    /**
     * The sigmoid's gradient {@code g * (y * (1 - y))} through its result y: one fused kernel when no second
     * derivative is being recorded, else composed of ops that record.
     */
    static Tensor sigmoidBackward(Tensor g, Tensor y) {
        return Autograd.isGradEnabled() || g.dtype() != y.dtype() ? g.mul(y.mul(y.rsub(1.0)))
                : binary(g, BinaryOp.SIGMOID_BACKWARD, y);
    }

    static Tensor binary(Tensor a, BinaryOp op, Tensor b) {
        checkSameDevice(a, b);
        if (a.dtype() != b.dtype()) {
            DType common = resultType(a, b);
            try (var g = Autograd.noGrad()) {
                return binary(a.to(common), op, b.to(common));
            }
        }
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

    /** A 0-d tensor of a dtype on x's device holding a long exactly (through the host beyond 2^53). */
    static Tensor scalarLike(Tensor x, long value, DType dtype) {
        if (dtype != DType.INT64 || Math.abs(value) <= (1L << 53)) {
            return Tensor.full(Shape.of(), value, dtype, x.device());
        }
        try (var g = Autograd.noGrad()) {
            return Tensor.of(new long[] {value}).to(x.device());
        }
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

    /**
     * The first-order gradient of softmax (or log-softmax) over dim d from its output y, in one backend kernel when
     * the dim is last and both y and the gradient are contiguous; null when the backend does not fuse it (or the
     * layouts do not suit), for the caller's composition.
     */
    static Tensor softmaxBackward(Tensor y, Tensor g, int d, boolean log) {
        int[] shape = y.shapeUnsafe();
        if (d != shape.length - 1 || y.numel() == 0 || !y.isContiguous() || !g.isContiguous()
                || g.dtype() != y.dtype() || !Arrays.equals(g.shapeUnsafe(), shape)) {
            return null;
        }
        int n = shape[d];
        Tensor out = y.emptyLike(shape, y.dtype());
        boolean done = y.kernels().softmaxBackward(log, y.storageUnsafe(), y.layout().offset(), g.storageUnsafe(),
                g.layout().offset(), out.storageUnsafe(), y.numel() / n, n);
        return done ? out : null;
    }

    /** x reshaped outside the graph (for results whose node is recorded separately). */
    static Tensor reshapeNoGrad(Tensor x, int[] shape) {
        try (var g = Autograd.noGrad()) {
            return x.reshape(shape).detach(); // the op's own output, not a view of a temporary
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
