package dev.autograd4j;

import java.util.Arrays;

/**
 * Sorting ops of {@link Tensor}, as PyTorch's: {@code sort}, {@code argsort}, {@code topk}, {@code kthvalue} and
 * {@code median}. One backend kernel serves them all ({@code Backend.sort}, a stable sort along the last dim of a
 * view; NaN sorts as the largest value); the others select from its result. The gradient of each flows back to the
 * positions the values were taken from (a {@code scatterAdd} of the gradient into zeros, or for {@code median()}
 * shared evenly among the elements equal to it), written in tensor ops, so it can be differentiated again.
 */
public sealed interface TensorSorting permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * Sorts along the last dim in ascending order, like {@code torch.sort(self)}.
     *
     * @return the sorted values ({@code SortBackward0}) and their int64 positions in this tensor
     */
    default Tensor.ValuesIndices sort() {
        return sort(-1, false, false);
    }

    /**
     * Sorts along a dim, like {@code torch.sort(self, dim, descending)}. Equal elements keep their order here
     * (PyTorch leaves it open unless {@code stable}); NaN is the largest value.
     *
     * @param dim the dim to sort along (negative counts from the end)
     * @param descending largest first
     * @return the sorted values ({@code SortBackward0}) and their int64 positions along dim
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor.ValuesIndices sort(int dim, boolean descending) {
        return sort(dim, descending, false);
    }

    /**
     * Sorts along a dim, like {@code torch.sort(self, dim=, descending=, stable=)}: the sort is always stable (equal
     * elements keep their order, in either direction); NaN sorts as the largest value, {@code -0.0} equals
     * {@code 0.0}. Every dtype.
     *
     * @param dim the dim to sort along (negative counts from the end)
     * @param descending largest first
     * @param stable PyTorch's flag; only the node name depends on it ({@code SortBackward1} when set, as PyTorch's
     *     {@code sort.stable} overload), the result does not
     * @return the sorted values and their int64 positions along dim; the values' gradient is scattered back to
     *     those positions
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor.ValuesIndices sort(int dim, boolean descending, boolean stable) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        Tensor[] r = sortKernel(x, d, descending);
        Tensor indices = r[1];
        Shape shape = x.shape();
        Tensor values = Tensor.record(stable ? "SortBackward1" : "SortBackward0", r[0], Tensor.saved(indices),
                (g, needs) -> new Tensor[] {scatterBack(shape, d, indices, g)}, x);
        return new Tensor.ValuesIndices(values, indices);
    }

    /**
     * The positions that sort this tensor along the last dim in ascending order, like {@code torch.argsort(self)}.
     *
     * @return a new int64 tensor of this shape
     */
    default Tensor argsort() {
        return argsort(-1, false, false);
    }

    /**
     * The positions that sort this tensor along a dim, like {@code torch.argsort(self, dim, descending, stable)}.
     *
     * @param dim the dim to sort along (negative counts from the end)
     * @param descending largest first
     * @param stable PyTorch's flag; the sort is stable either way
     * @return a new int64 tensor of this shape
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor argsort(int dim, boolean descending, boolean stable) {
        Tensor x = self();
        return sortKernel(x, Shape.normalizeDim(dim, x.dim()), descending)[1];
    }

    /**
     * The positions that sort this tensor along a dim, like {@code torch.argsort(self, dim, descending)}.
     *
     * @param dim the dim to sort along (negative counts from the end)
     * @param descending largest first
     * @return a new int64 tensor of this shape
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor argsort(int dim, boolean descending) {
        return argsort(dim, descending, false);
    }

    /**
     * The {@code k} largest elements along the last dim, sorted, like {@code torch.topk(self, k)}.
     *
     * @param k how many, from 0 to the dim's size
     * @return the values ({@code TopkBackward0}) and their int64 positions
     * @throws IllegalArgumentException when k is out of range
     */
    default Tensor.ValuesIndices topk(int k) {
        return topk(k, -1, true, true);
    }

    /**
     * The {@code k} largest (or smallest) elements along a dim, like {@code torch.topk(self, k, dim, largest,
     * sorted)}. The result is always sorted (largest first, or smallest first); among equal elements the earlier
     * one is taken first; NaN counts as the largest value.
     *
     * @param k how many, from 0 to the dim's size
     * @param dim the dim to select along (negative counts from the end)
     * @param largest the largest (true) or smallest (false)
     * @param sorted PyTorch's flag; the result is sorted either way
     * @return the values and their int64 positions, of this shape with {@code k} along dim; {@code TopkBackward0},
     *     whose gradient is scattered back to the positions
     * @throws IllegalArgumentException ("selected index k out of range") when k is out of range
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor.ValuesIndices topk(int k, int dim, boolean largest, boolean sorted) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.size(d);
        if (k < 0 || k > size) {
            throw new IllegalArgumentException("selected index k out of range");
        }
        Tensor[] r = sortKernel(x, d, largest);
        Tensor values, indices;
        try (var g = Autograd.noGrad()) {
            values = x.dim() == 0 ? r[0] : r[0].narrow(d, 0, k).contiguous().detach();
            indices = x.dim() == 0 ? r[1] : r[1].narrow(d, 0, k).contiguous().detach();
        }
        Tensor saved = indices;
        Shape shape = x.shape();
        values = Tensor.record("TopkBackward0", values, Tensor.saved(saved),
                (g, needs) -> new Tensor[] {scatterBack(shape, d, saved, g)}, x);
        return new Tensor.ValuesIndices(values, indices);
    }

    /**
     * The {@code k}-th smallest element along a dim (1-based), like {@code torch.kthvalue(self, k, dim, keepdim)};
     * among equal elements the first in sorted order (the earliest) is reported. NaN counts as the largest value.
     *
     * @param k which, from 1 to the dim's size
     * @param dim the dim to select along (negative counts from the end)
     * @param keepDim keep the dim as size 1
     * @return the values ({@code KthvalueBackward0}) and their int64 positions
     * @throws IllegalArgumentException when k is out of range
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor.ValuesIndices kthvalue(int k, int dim, boolean keepDim) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.size(d);
        if (k < 1 || k > size) {
            throw new IllegalArgumentException("kthvalue(): selected number k out of range for dimension " + d);
        }
        Tensor[] r = sortKernel(x, d, false);
        return selectAt(x, d, r, k - 1, keepDim, "KthvalueBackward0");
    }

    /**
     * The median of all elements, like {@code torch.median(self)}: for an even count the lower of the two middle
     * values (PyTorch's choice, not their mean); NaN when any element is NaN.
     *
     * @return a 0-d tensor; {@code MedianBackward0}, whose gradient is shared evenly among the elements equal to the
     *     median
     * @throws IllegalArgumentException for an empty tensor
     */
    default Tensor median() {
        Tensor x = self();
        if (x.numel() == 0) {
            throw new IllegalArgumentException("median() input tensor cannot be empty");
        }
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = x.reshape(x.numel()).median(0, false).values().detach();
        }
        return Tensor.record("MedianBackward0", out, Tensor.saved(x, out), (g, needs) -> {
            // evenly_distribute_backward, as for max(): the gradient shared among the elements equal to the result
            Tensor mask = x.isnan().where(out.isnan(), x.eq(out));
            Tensor share = g.div(mask.to(g.dtype()).sum());
            return new Tensor[] {share.where(mask, Tensor.zeros(x.shape(), g.dtype(), x.device()))};
        }, x);
    }

    /**
     * The median along a dim and its position, like {@code torch.median(self, dim, keepdim)}: for an even count the
     * lower of the two middle values; where a row holds NaN, the first NaN and its position.
     *
     * @param dim the dim to reduce (negative counts from the end)
     * @param keepDim keep the dim as size 1
     * @return the values ({@code MedianBackward1}) and their int64 positions
     * @throws IllegalArgumentException when the dim is empty
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor.ValuesIndices median(int dim, boolean keepDim) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.size(d);
        if (size == 0) {
            throw new IllegalArgumentException("median(): Expected reduction dim " + d + " to have non-zero size.");
        }
        Tensor[] r = sortKernel(x, d, false);
        if (!x.dtype().isFloatingPoint()) {
            return selectAt(x, d, r, (size - 1) / 2, keepDim, "MedianBackward1");
        }
        // the stable sort puts the NaNs last in their original order: where a row has any, take its first one
        Tensor position;
        try (var g = Autograd.noGrad()) {
            Tensor xv = x.dim() == 0 ? x.reshape(1) : x;
            Tensor nans = xv.isnan().to(DType.INT64).sum(new int[] {x.dim() == 0 ? 0 : d}, true);
            Tensor middle = Kernels.scalarLike(nans, (long) (size - 1) / 2, DType.INT64).expand(nans.shapeUnsafe());
            position = Kernels.scalarLike(nans, (long) size, DType.INT64).sub(nans).where(nans.gt(0L), middle);
        }
        return selectAt(x, d, r, position, keepDim, "MedianBackward1");
    }

    // ------------------------------------------------------------------ helpers

    /** The backend's stable sort of x along d: {values, indices}, outside the graph. */
    private static Tensor[] sortKernel(Tensor x, int d, boolean descending) {
        Tensor values = x.emptyLike(x.shapeUnsafe(), x.dtype());
        Tensor indices = x.emptyLike(x.shapeUnsafe(), DType.INT64);
        if (x.numel() > 0) {
            x.kernels().sort(x.storageUnsafe(), x.layout().moveDimLast(d), descending, values.storageUnsafe(),
                    values.layout().moveDimLast(d), indices.storageUnsafe(), indices.layout().moveDimLast(d));
        }
        return new Tensor[] {values, indices};
    }

    /**
     * The gradient {@code g} of values taken at {@code indices} along d from an input of {@code shape}, scattered
     * back into zeros (PyTorch's value_selecting_reduction_backward). Only the input's shape is kept, not the input.
     */
    private static Tensor scatterBack(Shape shape, int d, Tensor indices, Tensor g) {
        if (shape.rank() == 0) {
            return g.reshape(new int[0]);
        }
        return Tensor.zeros(shape, g.dtype(), g.device()).scatterAdd(d, indices, g);
    }

    /** Element {@code k} of each sorted row, as a values/indices pair recorded under {@code node}. */
    private static Tensor.ValuesIndices selectAt(Tensor x, int d, Tensor[] sorted, int k, boolean keepDim,
                                                 String node) {
        Tensor position;
        try (var g = Autograd.noGrad()) {
            int[] shape = x.dim() == 0 ? new int[] {1} : x.shapeUnsafe().clone();
            shape[x.dim() == 0 ? 0 : d] = 1;
            position = Kernels.scalarLike(x, (long) k, DType.INT64).expand(shape);
        }
        return selectAt(x, d, sorted, position, keepDim, node);
    }

    /** The elements of the sorted rows at {@code position} (size 1 along d), recorded under {@code node}. */
    private static Tensor.ValuesIndices selectAt(Tensor x, int d, Tensor[] sorted, Tensor position, boolean keepDim,
                                                 String node) {
        int rank = x.dim();
        Tensor values, kept;
        try (var g = Autograd.noGrad()) {
            Tensor sv = rank == 0 ? sorted[0].reshape(1) : sorted[0];
            Tensor si = rank == 0 ? sorted[1].reshape(1) : sorted[1];
            int dd = rank == 0 ? 0 : d;
            values = sv.gather(dd, position);
            kept = si.gather(dd, position); // the positions in x, size 1 along d
            if (rank == 0) {
                values = values.reshape(new int[0]);
                kept = kept.reshape(new int[0]);
            }
            values = values.detach();
            kept = kept.detach();
        }
        int[] dropped = droppedShape(x, d);
        Tensor indices = keepDim ? kept : Kernels.reshapeNoGrad(kept, dropped);
        if (!keepDim) {
            values = Kernels.reshapeNoGrad(values, dropped);
        }
        int[] keptShape = kept.shapeUnsafe();
        Tensor keptIndices = kept;
        Shape shape = x.shape();
        values = Tensor.record(node, values, Tensor.saved(keptIndices),
                (g, needs) -> new Tensor[] {scatterBack(shape, d, keptIndices, g.reshape(keptShape))}, x);
        return new Tensor.ValuesIndices(values, indices);
    }

    private static int[] droppedShape(Tensor x, int d) {
        if (x.dim() == 0) {
            return new int[0];
        }
        int[] shape = x.shapeUnsafe();
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                out[j++] = shape[i];
            }
        }
        return Arrays.copyOf(out, out.length);
    }
}
