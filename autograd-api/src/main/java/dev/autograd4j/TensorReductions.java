package dev.autograd4j;

import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reductions of {@link Tensor}: sums, means, products, variances, norms, extremes, tests of truth, scans
 * and (log-)softmax over dims. Dims may be negative
 * (counting from the end); a dim out of range fails with PyTorch's "Dimension out of range" message.
 */
public sealed interface TensorReductions permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /** This tensor, or its int64 copy when it is bool: PyTorch sums and multiplies bools as int64. */
    private Tensor boolAsInt64() {
        return self().dtype() == DType.BOOL ? self().to(DType.INT64) : self();
    }

    /** Normalized, sorted dims to reduce; an empty list means every dim, as PyTorch's {@code dim=[]}. */
    private static int[] reductionDims(Tensor x, int[] dims) {
        return dims.length == 0 ? Kernels.allDims(x.dim()) : Kernels.normalizeDims(x, dims);
    }

    /** The shape of x with the reduced dims kept as size 1. */
    private static int[] keptShape(Tensor x, int[] dims) {
        int[] s = x.shapeUnsafe().clone();
        for (int d : dims) {
            s[d] = 1;
        }
        return s;
    }

    /**
     * Sum of all elements, like {@code tensor.sum()}; bool tensors sum to int64, int64 sums exactly.
     *
     * @return a 0-d tensor; {@code SumBackward0}
     */
    default Tensor sum() {
        Tensor x = boolAsInt64();
        Tensor out = Kernels.reduce(x, ReduceOp.SUM, Kernels.allDims(x.dim()), false)[0];
        return Tensor.record("SumBackward0", out, (g, needs) -> new Tensor[] {g.expand(x.shapeUnsafe())}, x);
    }

    /**
     * Sum over dims, dropping them, like {@code tensor.sum(dims)}; an empty list reduces every dim, as in
     * PyTorch ({@code x.sum(new int[0])} is {@link #sum()} recorded as {@code SumBackward1}).
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @return a new tensor; {@code SumBackward1}
     * @throws NullPointerException if {@code dims} is null
     */
    default Tensor sum(int... dims) {
        Objects.requireNonNull(dims, "dims must not be null");
        return sum(dims, false);
    }

    /**
     * Sum over dims, like {@code tensor.sum(dims, keepdim)}.
     *
     * @param dims the dims to reduce; an empty list reduces all of them, as in PyTorch
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code SumBackward1}
     * @throws IllegalArgumentException when a dim repeats
     * @throws NullPointerException if {@code dims} is null
     */
    default Tensor sum(int[] dims, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = boolAsInt64();
        int[] nd = reductionDims(x, dims);
        Tensor out = Kernels.reduce(x, ReduceOp.SUM, nd, false)[0];
        int[] kept = keptShape(x, nd);
        if (keepDim) {
            out = Kernels.reshapeNoGrad(out, kept);
        }
        return Tensor.record("SumBackward1", out,
                (g, needs) -> new Tensor[] {g.reshape(kept).expand(x.shapeUnsafe())}, x);
    }

    /**
     * Mean of all elements, like {@code tensor.mean()} (floating dtypes).
     *
     * @return a 0-d tensor; {@code MeanBackward0}
     */
    default Tensor mean() {
        Tensor x = self();
        Kernels.requireFloating(x.dtype(), "mean");
        int count = x.numel();
        Tensor sum = Kernels.reduce(x, ReduceOp.SUM, Kernels.allDims(x.dim()), false)[0];
        Tensor out = Kernels.unary(sum, UnaryOp.MUL_SCALAR, 1.0 / count, 0);
        return Tensor.record("MeanBackward0", out,
                (g, needs) -> new Tensor[] {g.expand(x.shapeUnsafe()).div(count)}, x);
    }

    /**
     * Mean over dims, dropping them; an empty list reduces every dim, as in PyTorch.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @return a new tensor; {@code MeanBackward1}
     * @throws NullPointerException if {@code dims} is null
     */
    default Tensor mean(int... dims) {
        Objects.requireNonNull(dims, "dims must not be null");
        return mean(dims, false);
    }

    /**
     * Mean over dims, like {@code tensor.mean(dims, keepdim)} (floating dtypes).
     *
     * @param dims the dims to reduce; an empty list reduces all of them, as in PyTorch
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code MeanBackward1}
     * @throws NullPointerException if {@code dims} is null
     */
    default Tensor mean(int[] dims, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        Kernels.requireFloating(x.dtype(), "mean");
        int[] nd = reductionDims(x, dims);
        int count = 1;
        for (int d : nd) {
            count *= x.shapeUnsafe()[d];
        }
        final int n = count;
        Tensor sum = Kernels.reduce(x, ReduceOp.SUM, nd, false)[0];
        Tensor out = Kernels.unary(sum, UnaryOp.MUL_SCALAR, 1.0 / n, 0);
        int[] kept = keptShape(x, nd);
        if (keepDim) {
            out = Kernels.reshapeNoGrad(out, kept);
        }
        return Tensor.record("MeanBackward1", out,
                (g, needs) -> new Tensor[] {g.reshape(kept).expand(x.shapeUnsafe()).div(n)}, x);
    }

    /**
     * Largest element (NaN if any), like {@code tensor.max()}; the gradient is split evenly among ties.
     *
     * @return a 0-d tensor; {@code MaxBackward1}
     * @throws IllegalArgumentException for an empty tensor
     */
    default Tensor max() {
        return extremeAll(ReduceOp.MAX, "MaxBackward1");
    }

    /**
     * Smallest element (NaN if any), like {@code tensor.min()}; the gradient is split evenly among ties.
     *
     * @return a 0-d tensor; {@code MinBackward1}
     * @throws IllegalArgumentException for an empty tensor
     */
    default Tensor min() {
        return extremeAll(ReduceOp.MIN, "MinBackward1");
    }

    private Tensor extremeAll(ReduceOp op, String node) {
        Tensor x = self();
        if (x.numel() == 0) {
            throw new IllegalArgumentException(op.kernelName() + "(): Expected reduction dim to be specified for "
                    + "input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        }
        Tensor out = Kernels.reduce(x, op, Kernels.allDims(x.dim()), false)[0];
        return Tensor.record(node, out, Tensor.saved(x, out), (g, needs) -> {
            // evenly_distribute_backward: the gradient shared among the extremes (the NaNs when the result is NaN),
            // written where they are, never multiplied by a mask (0 * inf would be NaN)
            Tensor mask = x.isnan().where(out.isnan(), x.eq(out));
            Tensor share = g.div(mask.to(g.dtype()).sum());
            return new Tensor[] {share.where(mask, Tensor.zeros(x.shape(), g.dtype(), x.device()))};
        }, x);
    }

    /**
     * Largest values over a dim and where they are, like {@code tensor.max(dim, keepdim)}.
     *
     * @param dim the dim to reduce
     * @param keepDim keep it as size 1
     * @return the values ({@code MaxBackward0}) and their int64 indices
     */
    default Tensor.ValuesIndices max(int dim, boolean keepDim) {
        return extremeDim(ReduceOp.MAX, "MaxBackward0", dim, keepDim);
    }

    /**
     * Smallest values over a dim and where they are, like {@code tensor.min(dim, keepdim)}.
     *
     * @param dim the dim to reduce
     * @param keepDim keep it as size 1
     * @return the values ({@code MinBackward0}) and their int64 indices
     */
    default Tensor.ValuesIndices min(int dim, boolean keepDim) {
        return extremeDim(ReduceOp.MIN, "MinBackward0", dim, keepDim);
    }

    /**
     * Indices of the largest values over a dim, like {@code tensor.argmax(dim)}.
     *
     * @param dim the dim to reduce
     * @return a new int64 tensor
     */
    default Tensor argmax(int dim) {
        try (var g = Autograd.noGrad()) {
            return max(dim, false).indices();
        }
    }

    private Tensor.ValuesIndices extremeDim(ReduceOp op, String node, int dim, boolean keepDim) {
        Tensor x = self();
        int rank = x.dim();
        int d = Shape.normalizeDim(dim, rank);
        int[] dims = rank == 0 ? new int[0] : new int[] {d};
        Tensor[] r = Kernels.reduce(x, op, dims, true);
        Tensor values = r[0], indices = r[1];
        int[] kept = keptShape(x, dims);
        Tensor keptIndices = Kernels.reshapeNoGrad(indices, kept);
        if (keepDim) {
            values = Kernels.reshapeNoGrad(values, kept);
            indices = keptIndices;
        }
        int size = rank == 0 ? 1 : x.shapeUnsafe()[d];
        values = Tensor.record(node, values, Tensor.saved(keptIndices), (g, needs) -> {
            int[] positionShape = new int[Math.max(rank, 1)];
            Arrays.fill(positionShape, 1);
            positionShape[rank == 0 ? 0 : d] = size;
            Tensor positions = Tensor.arange(0, size, 1, DType.INT64, x.device()).reshape(positionShape);
            // value_selecting_reduction_backward: the gradient scattered to the indices, zeros elsewhere
            Tensor zero = Tensor.zeros(x.shape(), g.dtype(), x.device());
            return new Tensor[] {g.reshape(kept).where(positions.eq(keptIndices), zero).reshape(x.shapeUnsafe())};
        }, x);
        return new Tensor.ValuesIndices(values, indices);
    }

    /**
     * Softmax over a dim, computed stably (the max is subtracted first), like {@code tensor.softmax(dim)}.
     *
     * @param dim the dim whose entries sum to 1
     * @return a new tensor; {@code SoftmaxBackward0}
     */
    default Tensor softmax(int dim) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        Tensor y = Kernels.softmax(x, d, false);
        return Tensor.record("SoftmaxBackward0", y, Tensor.saved(y), (g, needs) -> {
            Tensor fused = Autograd.isGradEnabled() ? null : Kernels.softmaxBackward(y, g, d, false);
            return new Tensor[] {fused != null ? fused : y.mul(g.sub(g.mul(y).sum(new int[] {d}, true)))};
        }, x);
    }

    /**
     * {@code log(softmax(x))} over a dim, computed stably without forming softmax, like
     * {@code tensor.log_softmax(dim)}.
     *
     * @param dim the dim to normalize over
     * @return a new tensor; {@code LogSoftmaxBackward0}
     */
    default Tensor logSoftmax(int dim) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        Tensor y = Kernels.softmax(x, d, true);
        return Tensor.record("LogSoftmaxBackward0", y, Tensor.saved(y), (g, needs) -> {
            Tensor fused = Autograd.isGradEnabled() ? null : Kernels.softmaxBackward(y, g, d, true);
            return new Tensor[] {fused != null ? fused : g.sub(y.exp().mul(g.sum(new int[] {d}, true)))};
        }, x);
    }

    // ------------------------------------------------------------------ the common reductions (composites)

    /** The shape of x with the (normalized) dims removed. */
    private static int[] droppedShape(Tensor x, int[] dims) {
        int[] s = x.shapeUnsafe();
        boolean[] drop = new boolean[s.length];
        for (int d : dims) {
            drop[d] = true;
        }
        int[] out = new int[s.length - dims.length];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (!drop[i]) {
                out[j++] = s[i];
            }
        }
        return out;
    }

    /**
     * Product of all elements, like {@code tensor.prod()}; bool and int64 tensors give int64 (exact, wrapping
     * on overflow). The gradient is exact where elements are zero (products of the elements before and after
     * each one).
     *
     * @return a 0-d tensor; {@code ProdBackward0}
     */
    default Tensor prod() {
        return SingleNodeOps.prodAll(boolAsInt64());
    }

    /**
     * Product over a dim, like {@code tensor.prod(dim, keepdim)}; bool and int64 tensors give int64. Computed by
     * pairwise products over a halving tree (about {@code log2(n)} multiplications of halves, O(n) work); the
     * gradient, {@code g * prod_{j != i} x_j} from the exclusive cumulative products from both ends, is exact
     * where elements are zero. An empty dim gives ones.
     *
     * @param dim the dim to reduce
     * @param keepDim keep it as size 1
     * @return a new tensor; {@code ProdBackward1}
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor prod(int dim, boolean keepDim) {
        return SingleNodeOps.prod(boolAsInt64(), dim, keepDim);
    }

    /**
     * Variance of all elements with Bessel's correction, like {@code tensor.var()}.
     *
     * @return a 0-d tensor
     * @throws IllegalArgumentException for a tensor that is not floating point
     */
    default Tensor var() {
        return var(new int[0], 1, false);
    }

    /**
     * Variance over dims with Bessel's correction, like {@code tensor.var(dims, keepdim=keepDim)}.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor
     * @throws IllegalArgumentException for a tensor that is not floating point, or a repeated dim
     */
    default Tensor var(int[] dims, boolean keepDim) {
        return var(dims, 1, keepDim);
    }

    /**
     * Variance over dims, {@code sum((x - mean)^2) / max(0, N - correction)}, like
     * {@code tensor.var(dims, correction=correction, keepdim=keepDim)}, with PyTorch's derivative
     * {@code 2 / (N - correction) * g * (x - mean)}; when {@code N <= correction} the result is inf or NaN, as
     * PyTorch's.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param correction subtracted from the element count (1: unbiased, 0: the population variance)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code VarBackward0}
     * @throws IllegalArgumentException for a tensor that is not floating point, or a repeated dim
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor var(int[] dims, double correction, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("std and var only support floating point and complex dtypes");
        }
        return SingleNodeOps.varStd(x, reductionDims(x, dims), correction, keepDim, false);
    }

    /**
     * Standard deviation of all elements with Bessel's correction, like {@code tensor.std()}.
     *
     * @return a 0-d tensor
     * @throws IllegalArgumentException for a tensor that is not floating point
     */
    default Tensor std() {
        return std(new int[0], 1, false);
    }

    /**
     * Standard deviation over dims with Bessel's correction, like {@code tensor.std(dims, keepdim=keepDim)}.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor
     * @throws IllegalArgumentException for a tensor that is not floating point, or a repeated dim
     */
    default Tensor std(int[] dims, boolean keepDim) {
        return std(dims, 1, keepDim);
    }

    /**
     * Standard deviation over dims, the square root of {@link #var(int[], double, boolean)}, like
     * {@code tensor.std(dims, correction=correction, keepdim=keepDim)}; as PyTorch's {@code std_backward}, the
     * gradient is 0 where the deviation is 0.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param correction subtracted from the element count (1: unbiased, 0: the population deviation)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code StdBackward0}
     * @throws IllegalArgumentException for a tensor that is not floating point, or a repeated dim
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor std(int[] dims, double correction, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("std and var only support floating point and complex dtypes");
        }
        return SingleNodeOps.varStd(x, reductionDims(x, dims), correction, keepDim, true);
    }

    /**
     * The 2-norm of all elements, like {@code torch.linalg.vector_norm(x)}.
     *
     * @return a 0-d tensor; {@code LinalgVectorNormBackward0}
     * @throws IllegalArgumentException for a tensor that is not floating point
     */
    default Tensor norm() {
        return norm(2.0, new int[0], false);
    }

    /**
     * The p-norm of all elements, like {@code torch.linalg.vector_norm(x, p)}.
     *
     * @param p the order: a positive number, 0 (the count of non-zeros), or +/- infinity (max/min of |x|)
     * @return a 0-d tensor; {@code LinalgVectorNormBackward0}
     * @throws IllegalArgumentException for a tensor that is not floating point, or a negative finite p
     */
    default Tensor norm(double p) {
        return norm(p, new int[0], false);
    }

    /**
     * The Frobenius norm ({@code "fro"}: the 2-norm of the elements) over dims, like
     * {@code tensor.norm("fro", dims, keepdim)}.
     *
     * @param p {@code "fro"} (other matrix norms, e.g. {@code "nuc"}, are not supported)
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code LinalgVectorNormBackward0}
     * @throws IllegalArgumentException for another {@code p}, a tensor that is not floating point, or a repeated dim
     */
    default Tensor norm(String p, int[] dims, boolean keepDim) {
        if (!"fro".equals(p)) {
            throw new IllegalArgumentException("norm(): unsupported norm type " + p + " (only \"fro\" is supported)");
        }
        return norm(2.0, dims, keepDim);
    }

    /**
     * The vector p-norm over dims, {@code sum(|x|^p)^(1/p)}, like
     * {@code torch.linalg.vector_norm(x, p, dims, keepdim)}, with PyTorch's derivative
     * (0 where the norm is 0; for +/- infinity the gradient is split evenly among the elements that reach it).
     *
     * @param p the order: a positive number, 0 (the count of non-zeros), or +/- infinity (max/min of |x|)
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code LinalgVectorNormBackward0}
     * @throws IllegalArgumentException for a tensor that is not floating point, a negative finite p, or a repeated
     *     dim
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor norm(double p, int[] dims, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("linalg.vector_norm: Expected a floating point or complex tensor as "
                    + "input. Got " + x.dtype().scalarTypeName());
        }
        if (p < 0 && !Double.isInfinite(p) || Double.isNaN(p)) {
            throw new IllegalArgumentException("linalg.vector_norm: ord must be a non-negative number or inf, got "
                    + p);
        }
        int[] nd = reductionDims(x, dims);
        int[] kept = keptShape(x, nd);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor a = x.abs();
            if (p == Double.POSITIVE_INFINITY) {
                out = a.amax(nd, keepDim);
            } else if (p == Double.NEGATIVE_INFINITY) {
                out = a.amin(nd, keepDim);
            } else if (p == 0) {
                out = a.ne(0L).to(x.dtype()).sum(nd, keepDim);
            } else if (p == 1) {
                out = a.sum(nd, keepDim);
            } else if (p == 2) {
                out = a.square().sum(nd, keepDim).sqrt();
            } else {
                out = a.pow(p).sum(nd, keepDim).pow(1 / p);
            }
            out = out.detach();
        }
        Tensor norm = out;
        return Tensor.record("LinalgVectorNormBackward0", out, Tensor.saved(x, out), (g, needs) -> {
            Tensor gk = g.reshape(kept), nk = norm.reshape(kept);
            Tensor zero = Kernels.scalarLike(g, 0.0);
            if (p == 0) {
                return new Tensor[] {Tensor.zeros(x.shape(), g.dtype(), x.device())};
            }
            if (p == 1) {
                return new Tensor[] {x.sign().mul(gk)};
            }
            if (Double.isInfinite(p)) {
                Tensor mask = x.abs().eq(nk);
                Tensor share = gk.div(mask.to(g.dtype()).sum(nd, true));
                return new Tensor[] {x.sign().mul(share).where(mask, zero)};
            }
            Tensor scale = (p == 2 ? gk.div(nk) : gk.div(nk.pow(p - 1))).where(nk.ne(0L), zero);
            if (p == 2) {
                return new Tensor[] {x.mul(scale)};
            }
            Tensor scaled = p < 2 ? x.sign().mul(x.abs().pow(p - 1)).where(x.ne(0L), zero)
                    : x.mul(x.abs().pow(p - 2));
            return new Tensor[] {scaled.mul(scale)};
        }, x);
    }

    /**
     * {@code log(sum(exp(x)))} over dims, computed stably (the max is subtracted first, infinite maxima taken
     * as 0), like {@code torch.logsumexp(x, dims, keepdim)}; integer tensors compute in float32. The gradient is
     * {@code g * exp(x - result)}.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code LogsumexpBackward0}
     * @throws IllegalArgumentException when a dim repeats
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor logsumexp(int[] dims, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self().dtype().isFloatingPoint() ? self() : self().to(DType.FLOAT32);
        int[] nd = reductionDims(x, dims);
        return SingleNodeOps.logsumexp(x, nd, keepDim, droppedShape(x, nd));
    }

    /**
     * The largest values over dims, like {@code torch.amax(x, dims)}; an empty list reduces all dims.
     *
     * @param dims the dims to reduce
     * @return a new tensor; {@code AmaxBackward0}
     * @throws IllegalArgumentException when a reduced dim is empty or repeats
     */
    default Tensor amax(int... dims) {
        return amax(dims, false);
    }

    /**
     * The largest values over dims, like {@code torch.amax(x, dims, keepdim)}; unlike {@code max(dim)} the
     * gradient is split evenly among ties, as PyTorch's {@code AmaxBackward0}.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code AmaxBackward0}
     * @throws IllegalArgumentException when a reduced dim is empty or repeats
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor amax(int[] dims, boolean keepDim) {
        return extremeDims(ReduceOp.MAX, "amax", "AmaxBackward0", dims, keepDim);
    }

    /**
     * The smallest values over dims, like {@code torch.amin(x, dims)}; an empty list reduces all dims.
     *
     * @param dims the dims to reduce
     * @return a new tensor; {@code AminBackward0}
     * @throws IllegalArgumentException when a reduced dim is empty or repeats
     */
    default Tensor amin(int... dims) {
        return amin(dims, false);
    }

    /**
     * The smallest values over dims, like {@code torch.amin(x, dims, keepdim)}; the gradient is split evenly
     * among ties, as PyTorch's {@code AminBackward0}.
     *
     * @param dims the dims to reduce (an empty list reduces all)
     * @param keepDim keep them as size 1
     * @return a new tensor; {@code AminBackward0}
     * @throws IllegalArgumentException when a reduced dim is empty or repeats
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor amin(int[] dims, boolean keepDim) {
        return extremeDims(ReduceOp.MIN, "amin", "AminBackward0", dims, keepDim);
    }

    private Tensor extremeDims(ReduceOp op, String name, String node, int[] dims, boolean keepDim) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        int[] nd = reductionDims(x, dims);
        for (int d : nd) {
            if (x.shapeUnsafe()[d] == 0) {
                throw new IllegalArgumentException(name + "(): Expected reduction dim " + d
                        + " to have non-zero size.");
            }
        }
        if (x.numel() == 0 && nd.length == 0) {
            throw new IllegalArgumentException(name + "(): Expected reduction dim to be specified for "
                    + "input.numel() == 0.");
        }
        Tensor out = Kernels.reduce(x, op, nd, false)[0];
        int[] kept = keptShape(x, nd);
        if (keepDim) {
            out = Kernels.reshapeNoGrad(out, kept);
        }
        Tensor result = out;
        return Tensor.record(node, out, Tensor.saved(x, out), (g, needs) -> {
            // scale_grad_by_count: the gradient shared evenly among the elements equal to the result
            Tensor mask = x.eq(result.reshape(kept));
            Tensor share = g.reshape(kept).div(mask.to(g.dtype()).sum(nd, true));
            return new Tensor[] {share.where(mask, Tensor.zeros(x.shape(), g.dtype(), x.device()))};
        }, x);
    }

    /**
     * Indices of the smallest values over a dim, like {@code tensor.argmin(dim)}.
     *
     * @param dim the dim to reduce
     * @return a new int64 tensor
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor argmin(int dim) {
        try (var g = Autograd.noGrad()) {
            return min(dim, false).indices();
        }
    }

    private static Tensor nonZero(Tensor x) {
        return x.dtype() == DType.BOOL ? x : x.ne(0L);
    }

    /**
     * Whether any element is non-zero (NaN counts as non-zero), like {@code tensor.any()}.
     *
     * @return a 0-d BOOL tensor
     */
    default Tensor any() {
        try (var g = Autograd.noGrad()) {
            return nonZero(self()).sum().gt(0L);
        }
    }

    /**
     * Whether any element over a dim is non-zero, like {@code tensor.any(dim, keepdim)}.
     *
     * @param dim the dim to reduce
     * @param keepDim keep it as size 1
     * @return a BOOL tensor
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor any(int dim, boolean keepDim) {
        try (var g = Autograd.noGrad()) {
            Tensor x = self();
            return nonZero(x).sum(new int[] {x.dim() == 0 ? Shape.normalizeDim(dim, 0) : dim}, keepDim).gt(0L);
        }
    }

    /**
     * Whether every element is non-zero, like {@code tensor.all()}.
     *
     * @return a 0-d BOOL tensor
     */
    default Tensor all() {
        try (var g = Autograd.noGrad()) {
            Tensor x = self();
            return nonZero(x).sum().eq((long) x.numel());
        }
    }

    /**
     * Whether every element over a dim is non-zero, like {@code tensor.all(dim, keepdim)}.
     *
     * @param dim the dim to reduce
     * @param keepDim keep it as size 1
     * @return a BOOL tensor
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor all(int dim, boolean keepDim) {
        try (var g = Autograd.noGrad()) {
            Tensor x = self();
            int d = Shape.normalizeDim(dim, x.dim());
            long n = x.dim() == 0 ? 1 : x.size(d);
            return nonZero(x).sum(new int[] {d}, keepDim).eq(n);
        }
    }

    /**
     * Cumulative sums over a dim, like {@code torch.cumsum(x, dim)}; bool and int64 tensors give int64.
     * A scan (Hillis-Steele): {@code ceil(log2(n))} steps each adding a shifted copy, O(n log n) work, never an
     * n x n matrix; the gradient is the reversed cumulative sum of {@code g}.
     *
     * @param dim the dim to scan
     * @return a new tensor of this shape; {@code CumsumBackward0}
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor cumsum(int dim) {
        return scan(dim, false);
    }

    /**
     * Cumulative products over a dim, like {@code torch.cumprod(x, dim)}; bool and int64 tensors give int64.
     * The same scan as {@link #cumsum} with products; the gradient ({@code sum_{k >= i} g_k * out_k / x_i} before
     * the first zero of a line, the same sum with that zero taken as 1 at it, 0 after it) is exact where elements
     * are zero.
     *
     * @param dim the dim to scan
     * @return a new tensor of this shape; {@code CumprodBackward0}
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor cumprod(int dim) {
        return scan(dim, true);
    }

    private Tensor scan(int dim, boolean product) {
        return SingleNodeOps.scan(boolAsInt64(), dim, product);
    }
}
