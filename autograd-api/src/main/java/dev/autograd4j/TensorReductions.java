package dev.autograd4j;

import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reductions of {@link Tensor}: sums, means, extremes and (log-)softmax over dims. Dims may be negative
 * (counting from the end); a dim out of range fails with PyTorch's "Dimension out of range" message.
 */
public sealed interface TensorReductions permits Tensor {

    private Tensor self() {
        return (Tensor) this;
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
        Tensor x = self().dtype() == DType.BOOL ? self().to(DType.INT64) : self(); // PyTorch: bool sums are int64
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
        Tensor x = self().dtype() == DType.BOOL ? self().to(DType.INT64) : self(); // PyTorch: bool sums are int64
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
        return Tensor.record("SoftmaxBackward0", y, Tensor.saved(y), (g, needs) -> new Tensor[] {
            y.mul(g.sub(g.mul(y).sum(new int[] {d}, true)))}, x);
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
        return Tensor.record("LogSoftmaxBackward0", y, Tensor.saved(y), (g, needs) -> new Tensor[] {
            g.sub(y.exp().mul(g.sum(new int[] {d}, true)))}, x);
    }
}
