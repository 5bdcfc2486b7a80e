package dev.autograd4j;

import dev.autograd4j.spi.ReduceOp;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Indexing ops of {@link Tensor} with int64 index tensors, as PyTorch's: {@code gather}, {@code scatter},
 * {@code scatterAdd}, {@code scatterReduce}, {@code indexSelect}, {@code indexAdd}, {@code take}, {@code put}, and
 * with a boolean mask {@code maskedFill} and {@code maskedSelect} (advanced indexing, {@code nonzero} and
 * {@code unique} are in {@link TensorAdvancedIndexing}). Three backend kernels serve them all
 * ({@code Backend.gather}, {@code Backend.scatterAdd} and, for amax/amin, {@code Backend.scatterReduce}); each
 * op's derivative, next to its forward, is written in these same ops, so it can be differentiated again (the
 * gradient of {@code gather} is a {@code scatterAdd} and the other way round).
 *
 * <p>Indices are checked on the device before the kernel runs: one out of range fails with PyTorch's message
 * (for {@code gather} and the scatters "index 7 is out of bounds for dimension 0 with size 5"), on the CPU at
 * once and on a GPU at the next synchronization, as PyTorch's device-side asserts do.
 */
public sealed interface TensorIndexing permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    // ------------------------------------------------------------------ gather and scatter

    /**
     * Values along {@code dim} picked by {@code index}, like {@code torch.gather(self, dim, index)}: for rank 3
     * and dim 1, {@code out[i][j][k] = this[i][index[i][j][k]][k]}. The index has this tensor's rank and, apart
     * from {@code dim}, sizes no larger than this tensor's; the result has the index's shape.
     *
     * @param dim the dim to pick along (negative counts from the end)
     * @param index an INT64 tensor of indices in {@code [0, size(dim))}
     * @return a new tensor of the index's shape and this tensor's dtype; {@code GatherBackward0}, whose
     *     gradient is a {@code scatterAdd} of the result's gradient into zeros
     * @throws IllegalArgumentException when the index is not INT64, the ranks differ or a size is too large
     * @throws IndexOutOfBoundsException when dim is out of range, or an index is (on a GPU, at the next
     *     synchronization)
     */
    default Tensor gather(int dim, Tensor index) {
        Objects.requireNonNull(index, "index must not be null");
        Tensor x = self();
        requireInt64("gather", index);
        Kernels.checkSameDevice(x, index);
        int d = Shape.normalizeDim(dim, x.dim());
        if (x.dim() == 0 || index.dim() == 0) { // PyTorch takes a 0-d tensor as 1-d here
            return atLeast1d(x).gather(d, atLeast1d(index)).reshape(index.shape().toArray());
        }
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException("Index tensor must have the same number of dimensions as input tensor");
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && index.size(i) > x.size(i)) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index "
                        + Arrays.toString(index.shapeUnsafe()) + " to be smaller than self "
                        + Arrays.toString(x.shapeUnsafe()) + " apart from dimension " + d);
            }
        }
        checkRange(x, index, d, x.size(d));
        Tensor out = gatherKernel(x, d, index);
        Shape shape = x.shape();
        return Tensor.record("GatherBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            Tensor.zeros(shape, g.dtype(), g.device()).scatterAdd(d, index, g)}, x);
    }

    /**
     * A copy of this tensor with {@code src}'s values added at the positions {@code index} names along {@code dim},
     * like {@code torch.scatter_add(self, dim, index, src)}: for rank 3 and dim 1,
     * {@code out[i][index[i][j][k]][k] += src[i][j][k]} for every position of the index; repeated indices add up.
     * Only the part of {@code src} of the index's shape is read.
     *
     * @param dim the dim to scatter along (negative counts from the end)
     * @param index an INT64 tensor of this tensor's rank, with indices in {@code [0, size(dim))}
     * @param src the values, of this tensor's dtype and rank, at least the index's size in every dim
     * @return a new tensor of this tensor's shape; {@code ScatterAddBackward0}: the gradient flows unchanged to
     *     this tensor and, gathered at the index, to {@code src} (zero where src is not read)
     * @throws IllegalArgumentException when the index is not INT64, the dtypes or ranks differ, or a size is too
     *     large
     * @throws IndexOutOfBoundsException when dim is out of range, or an index is
     */
    default Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        Tensor x = self();
        int d = checkScatter("scatter_add", x, dim, index, src);
        if (x.dim() == 0 || index.dim() == 0) {
            return atLeast1d(x).scatterAdd(d, atLeast1d(index), atLeast1d(src)).reshape(x.shape().toArray());
        }
        Tensor out = scatterAddKernel(x, d, index, src);
        int[] srcShape = src.shapeUnsafe();
        return Tensor.record("ScatterAddBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            needs[0] ? g : null,
            needs[1] ? padWithZeros(g.gather(d, index), srcShape) : null}, x, src);
    }

    /**
     * A copy of this tensor with {@code src}'s values written at the positions {@code index} names along
     * {@code dim}, like {@code torch.scatter(self, dim, index, src)}: for rank 3 and dim 1,
     * {@code out[i][index[i][j][k]][k] = src[i][j][k]}. When an index repeats along {@code dim}, PyTorch leaves
     * which value is written undefined; here the last one in the index's row-major order is written, on every
     * device (as PyTorch's CPU loop, {@link #put} and {@code indexPut_} do). The gradient is PyTorch's in every case.
     *
     * @param dim the dim to scatter along (negative counts from the end)
     * @param index an INT64 tensor of this tensor's rank, with indices in {@code [0, size(dim))}
     * @param src the values, of this tensor's dtype and rank, at least the index's size in every dim
     * @return a new tensor of this tensor's shape; {@code ScatterBackward0}: this tensor gets the gradient with
     *     the written positions zeroed, {@code src} the gradient gathered at the index
     * @throws IllegalArgumentException when the index is not INT64, the dtypes or ranks differ, or a size is too
     *     large
     * @throws IndexOutOfBoundsException when dim is out of range, or an index is
     */
    default Tensor scatter(int dim, Tensor index, Tensor src) {
        Tensor x = self();
        int d = checkScatter("scatter", x, dim, index, src);
        if (x.dim() == 0 || index.dim() == 0) {
            return atLeast1d(x).scatter(d, atLeast1d(index), atLeast1d(src)).reshape(x.shape().toArray());
        }
        Tensor out;
        Tensor written;
        try (var g = Autograd.noGrad()) {
            Tensor count = scatterAddKernel(Tensor.zeros(x.shape(), DType.INT64, x.device()), d, index,
                    Tensor.ones(index.shape(), DType.INT64, x.device()));
            written = count.gt(0L);
            int[] indexShape = index.shapeUnsafe();
            Tensor positions = flatPositions(x.shapeUnsafe(), d, index);
            out = IndexKernels.write(x.reshape(-1), positions.reshape(-1), readPart(src, indexShape).reshape(-1))
                    .reshape(x.shape().toArray()).detach();
        }
        int[] srcShape = src.shapeUnsafe();
        return Tensor.record("ScatterBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            needs[0] ? g.maskedFill(written, 0) : null,
            needs[1] ? padWithZeros(g.gather(d, index), srcShape) : null}, x, src);
    }

    // ------------------------------------------------------------------ index_select, index_add, take

    /**
     * The entries {@code index} names along {@code dim}, like {@code torch.index_select(self, dim, index)}: the
     * result has this tensor's shape with {@code size(dim)} replaced by the index's length. Indices may repeat.
     *
     * @param dim the dim to select along (negative counts from the end)
     * @param index a 1-D (or 0-d) INT64 tensor of indices in {@code [0, size(dim))}
     * @return a new tensor; {@code IndexSelectBackward0}, whose gradient adds the result's gradient back at the
     *     indices ({@code index_add} into zeros, repeated indices summed)
     * @throws IllegalArgumentException when the index is not INT64 or has more than one dim
     * @throws IndexOutOfBoundsException ("index out of range in self") when an index is out of range; when dim is
     */
    default Tensor indexSelect(int dim, Tensor index) {
        Objects.requireNonNull(index, "index must not be null");
        Tensor x = self();
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException("index_select(): Expected dtype int32 or int64 for index");
        }
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_select(): Index is supposed to be a vector");
        }
        Kernels.checkSameDevice(x, index);
        int d = Shape.normalizeDim(dim, x.dim());
        if (x.dim() == 0) {
            return atLeast1d(x).indexSelect(0, index).reshape(index.shape().toArray());
        }
        Tensor expanded = expandAlong(index, x.shapeUnsafe(), d);
        checkRange(x, index, x.size(d), () -> new IndexOutOfBoundsException("index out of range in self"));
        Tensor out = gatherKernel(x, d, expanded);
        Shape shape = x.shape();
        return Tensor.record("IndexSelectBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            Tensor.zeros(shape, g.dtype(), g.device()).scatterAdd(d, expanded, g)}, x);
    }

    /**
     * A copy of this tensor with {@code source}'s slices added at the entries {@code index} names along
     * {@code dim}, like {@code torch.index_add(self, dim, index, source)}: {@code out.select(dim, index[i]) +=
     * source.select(dim, i)}; repeated indices add up.
     *
     * @param dim the dim to add along (negative counts from the end)
     * @param index a 1-D (or 0-d) INT64 tensor of indices in {@code [0, size(dim))}
     * @param source the slices, of this tensor's dtype and shape except {@code index.numel()} along dim
     * @return a new tensor of this tensor's shape; {@code IndexAddBackward0}: the gradient flows unchanged to this
     *     tensor and, selected at the index, to {@code source}
     * @throws IllegalArgumentException when the index is not INT64 or not a vector, the dtypes differ or
     *     source's shape does not match
     * @throws IndexOutOfBoundsException when dim or an index is out of range
     */
    default Tensor indexAdd(int dim, Tensor index, Tensor source) {
        Objects.requireNonNull(index, "index must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Tensor x = self();
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException("index_add_(): Expected dtype int32/int64 for index");
        }
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_add_(): Index is supposed to be a vector");
        }
        if (source.dtype() != x.dtype()) {
            throw new IllegalArgumentException("index_add_(): self (" + x.dtype().scalarTypeName()
                    + ") and source (" + source.dtype().scalarTypeName() + ") must have the same scalar type");
        }
        Kernels.checkSameDevice(x, index);
        Kernels.checkSameDevice(x, source);
        int d = Shape.normalizeDim(dim, x.dim());
        if (x.dim() == 0) {
            return atLeast1d(x).indexAdd(0, atLeast1d(index), atLeast1d(source)).reshape(new int[0]);
        }
        int[] want = x.shapeUnsafe().clone();
        want[d] = index.numel();
        Tensor src = source.dim() == 0 && index.numel() == 1 ? source.reshape(want) : source;
        if (!Arrays.equals(src.shapeUnsafe(), want)) {
            throw new IllegalArgumentException("source tensor shape must match self tensor shape, excluding the "
                    + "specified dimension. Got self.shape = " + Arrays.toString(x.shapeUnsafe())
                    + " source.shape = " + Arrays.toString(source.shapeUnsafe()));
        }
        checkRange(x, index, d, x.size(d));
        Tensor out = scatterAddKernel(x, d, expandAlong(index, want, d), src);
        return Tensor.record("IndexAddBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            needs[0] ? g : null,
            needs[1] ? g.indexSelect(d, index).reshape(source.shapeUnsafe()) : null}, x, source);
    }

    /**
     * The elements at flat (row-major) positions, like {@code torch.take(self, index)}: the result has the
     * index's shape; negative indices count from the end.
     *
     * @param index an INT64 tensor of positions in {@code [-numel, numel)}
     * @return a new tensor of the index's shape; {@code TakeBackward0}, whose gradient adds the result's
     *     gradient back at the positions
     * @throws IllegalArgumentException when the index is not INT64
     * @throws IndexOutOfBoundsException with PyTorch's "out of range: tried to access index 7 on a tensor of 5
     *     elements." when a position is out of range
     */
    default Tensor take(Tensor index) {
        Objects.requireNonNull(index, "index must not be null");
        Tensor x = self();
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException("take(): Expected a long tensor for index, but got "
                    + index.dtype().scalarTypeName());
        }
        Kernels.checkSameDevice(x, index);
        int n = x.numel();
        checkFlatRange(x, index, n);
        Tensor flat;
        Tensor out;
        try (var g = Autograd.noGrad()) {
            flat = index.add(n).where(index.lt(0L), index).reshape(-1).detach();
            out = gatherKernel(x.reshape(-1), 0, flat).reshape(index.shape().toArray()).detach();
        }
        Shape shape = x.shape();
        return Tensor.record("TakeBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            Tensor.zeros(Shape.of(n), g.dtype(), g.device()).scatterAdd(0, flat, g.reshape(-1))
                    .reshape(shape.toArray())}, x);
    }

    // ------------------------------------------------------------------ masks

    /**
     * This tensor with {@code value} where {@code mask} is true, like {@code torch.masked_fill(self, mask, value)};
     * the mask broadcasts with this tensor.
     *
     * @param mask a BOOL tensor
     * @param value the value, cast to this tensor's dtype
     * @return a new tensor of the broadcast shape; {@code MaskedFillBackward0}: the gradient flows where the mask
     *     is false
     * @throws IllegalArgumentException when the mask is not BOOL or the shapes do not broadcast
     */
    default Tensor maskedFill(Tensor mask, double value) {
        Objects.requireNonNull(mask, "mask must not be null");
        Tensor x = self();
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("masked_fill_ only supports boolean masks, but got mask with dtype "
                    + mask.dtype().scalarTypeName());
        }
        Kernels.checkSameDevice(x, mask);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = Tensor.full(Shape.of(), value, x.dtype(), x.device()).where(mask, x).detach();
        }
        int[] shape = x.shapeUnsafe();
        return Tensor.record("MaskedFillBackward0", out, Tensor.saved(mask), (g, needs) -> new Tensor[] {
            g.maskedFill(mask, 0).sumToShape(shape)}, x);
    }

    // ------------------------------------------------------------------ scatter_reduce

    /**
     * A copy of this tensor with {@code src}'s values reduced into the positions {@code index} names along
     * {@code dim}, like {@code torch.scatter_reduce(self, dim, index, src, reduce, include_self=...)}: for rank 2
     * and dim 0, {@code out[index[i][j]][j] = reduce(out[index[i][j]][j], src[i][j])}. With {@code includeSelf}
     * false the old values at the positions written to do not take part (positions nothing is scattered to keep
     * their value). "mean" divides by the number of values reduced (floor division for INT64).
     *
     * @param dim the dim to scatter along (negative counts from the end)
     * @param index an INT64 tensor of this tensor's rank, with indices in {@code [0, size(dim))}
     * @param src the values, of this tensor's dtype and rank, at least the index's size in every dim
     * @param reduce "sum", "mean", "amax" or "amin"
     * @param includeSelf whether this tensor's values at the positions written to take part in the reduction
     * @return a new tensor of this tensor's shape; {@code ScatterReduceBackward0}, with PyTorch's gradients
     *     ("amax"/"amin" share the gradient evenly among the values equal to the result, "mean" divides it by
     *     the count)
     * @throws IllegalArgumentException when reduce is none of those, the index is not INT64, the dtypes or ranks
     *     differ, or a size is too large
     * @throws IndexOutOfBoundsException when dim is out of range, or an index is
     */
    default Tensor scatterReduce(int dim, Tensor index, Tensor src, String reduce, boolean includeSelf) {
        Objects.requireNonNull(reduce, "reduce must not be null");
        Tensor x = self();
        if (!List.of("sum", "mean", "amax", "amin").contains(reduce)) {
            throw new IllegalArgumentException("reduce argument must be either sum, prod, mean, amax or amin, got "
                    + reduce + (reduce.equals("prod") ? " (prod is not supported here)" : ""));
        }
        int d = checkScatter("scatter_reduce", x, dim, index, src);
        if (x.dim() == 0 || index.dim() == 0) {
            return atLeast1d(x).scatterReduce(d, atLeast1d(index), atLeast1d(src), reduce, includeSelf)
                    .reshape(x.shape().toArray());
        }
        Tensor out;
        Tensor written;
        Tensor srcRead;
        try (var g = Autograd.noGrad()) {
            written = scatterAddKernel(Tensor.zeros(x.shape(), DType.INT64, x.device()), d, index,
                    Tensor.ones(index.shape(), DType.INT64, x.device())).gt(0L);
            srcRead = readPart(src, index.shapeUnsafe());
            out = scatterReduceForward(x.detach(), d, index, srcRead.detach(), reduce, includeSelf, written);
        }
        Tensor result = out;
        int[] srcShape = src.shapeUnsafe();
        boolean extreme = reduce.equals("amax") || reduce.equals("amin");
        Tensor[] saved = extreme ? Tensor.saved(x, src, index, out) : Tensor.saved(index);
        return Tensor.record("ScatterReduceBackward0", out, saved, (g, needs) -> {
            Tensor gradSelf;
            Tensor gradSrc;
            if (reduce.equals("sum")) {
                gradSelf = g;
                gradSrc = g.gather(d, index);
            } else if (reduce.equals("mean")) {
                Tensor n = (includeSelf ? Tensor.onesLike(g) : Tensor.zerosLike(g))
                        .scatterAdd(d, index, Tensor.ones(index.shape(), g.dtype(), g.device()));
                n = n.maskedFill(n.eq(0.0), 1);
                gradSelf = g.div(n);
                gradSrc = g.gather(d, index).div(n.gather(d, index));
            } else {
                Tensor value = result.gather(d, index);
                Tensor selfIsResult = x.eq(result).to(g.dtype());
                Tensor srcIsResult = srcRead.detach().eq(value).to(g.dtype());
                Tensor share = g.div(selfIsResult.scatterAdd(d, index, srcIsResult));
                gradSelf = selfIsResult.mul(share);
                gradSrc = srcIsResult.mul(share.gather(d, index));
            }
            if (!includeSelf) {
                gradSelf = gradSelf.maskedFill(written, 0);
            }
            return new Tensor[] {needs[0] ? gradSelf : null, needs[1] ? padWithZeros(gradSrc, srcShape) : null};
        }, x, src);
    }

    /** The forward of scatter_reduce, outside the graph. */
    private static Tensor scatterReduceForward(Tensor x, int d, Tensor index, Tensor src, String reduce,
                                               boolean includeSelf, Tensor written) {
        if (x.dtype() == DType.BOOL && !reduce.equals("sum")) { // the kernels serve numbers: through int64
            return scatterReduceForward(x.to(DType.INT64), d, index, src.to(DType.INT64), reduce, includeSelf,
                    written).to(DType.BOOL);
        }
        switch (reduce) {
            case "sum", "mean" -> {
                Tensor base = includeSelf ? x : Tensor.zeros(Shape.of(), x.dtype(), x.device()).where(written, x);
                Tensor sum = scatterAddKernel(base, d, index, src);
                if (reduce.equals("sum")) {
                    return sum;
                }
                Tensor count = scatterAddKernel(Tensor.full(x.shape(), includeSelf ? 1 : 0, x.dtype(), x.device()),
                        d, index, Tensor.ones(index.shape(), x.dtype(), x.device()));
                count = Tensor.onesLike(count).where(count.eq(0.0), count);
                return x.dtype().isFloatingPoint() ? sum.div(count) : sum.div(count, "floor");
            }
            default -> {
                boolean max = reduce.equals("amax");
                Tensor base = x;
                if (!includeSelf) {
                    Tensor identity = x.dtype() == DType.INT64
                            ? Tensor.of(new long[] {max ? Long.MIN_VALUE : Long.MAX_VALUE}, new int[0]).to(x.device())
                            : Tensor.full(Shape.of(), max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY,
                                    x.dtype(), x.device());
                    base = identity.where(written, x);
                }
                return IndexKernels.scatterReduce(max ? ReduceOp.MAX : ReduceOp.MIN, base, d, index, src);
            }
        }
    }

    /**
     * The row-major flat position in a tensor of {@code shape} that each element of a scatter's {@code index}
     * writes: its own coordinates, with the one along {@code dim} replaced by the index value.
     */
    private static Tensor flatPositions(int[] shape, int dim, Tensor index) {
        int[] indexShape = index.shapeUnsafe();
        long stride = 1;
        Tensor positions = null;
        for (int i = shape.length - 1; i >= 0; i--) {
            Tensor term;
            if (i == dim) {
                term = index.mul(stride);
            } else {
                int[] along = new int[indexShape.length];
                Arrays.fill(along, 1);
                along[i] = indexShape[i];
                term = Tensor.arange(0, (double) indexShape[i] * stride, stride, DType.INT64, index.device())
                        .reshape(along);
            }
            positions = positions == null ? term : positions.add(term);
            stride *= shape[i];
        }
        return positions.expand(indexShape);
    }

    /** The part of {@code src} of the index's shape (what the scatters read). */
    private static Tensor readPart(Tensor src, int[] indexShape) {
        Tensor r = src;
        for (int i = 0; i < indexShape.length; i++) {
            if (r.size(i) != indexShape[i]) {
                r = r.narrow(i, 0, indexShape[i]);
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ put

    /**
     * A copy of this tensor with {@code source}'s values written at flat (row-major) positions, like
     * {@code torch.Tensor.put(index, source, accumulate)}; negative positions count from the end. With
     * {@code accumulate} the values are added (repeated positions add up); without it, which of several values
     * for one position is written is undefined in PyTorch (here the last one, on every device).
     *
     * @param index an INT64 tensor of positions in {@code [-numel, numel)}
     * @param source the values, of this tensor's dtype, as many as the index has
     * @param accumulate whether to add rather than write
     * @return a new tensor of this tensor's shape; {@code PutBackward0}: the gradient flows to this tensor (zero
     *     at the written positions unless accumulating) and, taken at the positions, to {@code source}
     * @throws IllegalArgumentException when the index is not INT64, the dtypes differ or the counts differ
     * @throws IndexOutOfBoundsException ("out of range: tried to access index 7 on a tensor of 5 elements.") when a
     *     position is out of range
     */
    default Tensor put(Tensor index, Tensor source, boolean accumulate) {
        Objects.requireNonNull(index, "index must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Tensor x = self();
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException("put_(): Expected a long tensor for index, but got "
                    + index.dtype().scalarTypeName());
        }
        if (source.dtype() != x.dtype()) {
            throw new IllegalArgumentException("put_(): self and source expected to have the same dtype, but got "
                    + "self.dtype = " + x.dtype().scalarTypeName() + " and source.dtype = "
                    + source.dtype().scalarTypeName());
        }
        if (source.numel() != index.numel()) {
            throw new IllegalArgumentException("put_(): Expected source and index to have the same number of "
                    + "elements, but got source.numel() = " + source.numel() + ", index.numel() = " + index.numel());
        }
        Kernels.checkSameDevice(x, index);
        Kernels.checkSameDevice(x, source);
        int n = x.numel();
        checkFlatRange(x, index, n);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor flat = IndexKernels.wrapNegative(index, n).reshape(-1);
            Tensor values = source.reshape(-1);
            Tensor base = x.reshape(-1);
            out = (accumulate ? scatterAddKernel(base, 0, flat, values) : IndexKernels.write(base, flat, values))
                    .reshape(x.shape().toArray()).detach();
        }
        int[] sourceShape = source.shapeUnsafe();
        return Tensor.record("PutBackward0", out, Tensor.saved(index), (g, needs) -> new Tensor[] {
            needs[0] ? (accumulate ? g : g.put(index, Tensor.zeros(Shape.of(sourceShape), g.dtype(), g.device()), false))
                : null,
            needs[1] ? g.take(index).reshape(sourceShape) : null}, x, source);
    }

    /**
     * In place {@link #put(Tensor, Tensor, boolean)}, like {@code torch.Tensor.put_}.
     *
     * @param index an INT64 tensor of positions in {@code [-numel, numel)}
     * @param source the values, of this tensor's dtype, as many as the index has
     * @param accumulate whether to add rather than write
     * @return this tensor, now carrying {@code PutBackward0} when recorded
     * @throws IllegalArgumentException as {@link #put(Tensor, Tensor, boolean)}
     * @throws IndexOutOfBoundsException as {@link #put(Tensor, Tensor, boolean)}
     * @throws IllegalStateException for a leaf that requires grad, under grad mode
     */
    default Tensor put_(Tensor index, Tensor source, boolean accumulate) {
        Tensor x = self();
        Autograd.checkInPlaceAllowed(x);
        if (x.layout().hasInternalOverlap()) {
            throw new IllegalArgumentException("unsupported operation: more than one element of the written-to tensor "
                    + "refers to a single memory location. Please clone() the tensor before performing the operation.");
        }
        return InPlaceWrites.write(x, "put_", t -> t.put(index, source, accumulate));
    }

    // ------------------------------------------------------------------ masks (continued)

    /**
     * The elements where {@code mask} is true, in row-major order, like {@code torch.masked_select(self, mask)}:
     * mask and this tensor broadcast together. Reads the mask on the host (a synchronization on a GPU), as the
     * result's length depends on it.
     *
     * @param mask a BOOL tensor broadcastable with this tensor
     * @return a new 1-D tensor; {@code MaskedSelectBackward0}: the gradient goes back to the selected positions
     * @throws IllegalArgumentException when the mask is not BOOL or the shapes do not broadcast
     */
    default Tensor maskedSelect(Tensor mask) {
        Objects.requireNonNull(mask, "mask must not be null");
        Tensor x = self();
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("masked_select: expected BoolTensor for mask");
        }
        Kernels.checkSameDevice(x, mask);
        int[] shape = Shape.broadcast(x.shapeUnsafe(), mask.shapeUnsafe());
        Tensor positions;
        Tensor out;
        try (var g = Autograd.noGrad()) {
            int[] set = IndexKernels.nonzeroPositions(mask.expand(shape));
            long[] pos = new long[set.length];
            for (int i = 0; i < set.length; i++) {
                pos[i] = set[i];
            }
            int count = set.length;
            positions = Tensor.of(pos, count).to(x.device());
            out = gatherKernel(x.expand(shape).contiguous().reshape(-1), 0, positions);
        }
        int[] from = x.shapeUnsafe();
        int total = Shape.numel(shape);
        return Tensor.record("MaskedSelectBackward0", out, Tensor.saved(mask), (g, needs) -> new Tensor[] {
            Tensor.zeros(Shape.of(total), g.dtype(), g.device()).scatterAdd(0, positions, g).reshape(shape)
                    .sumToShape(from)}, x);
    }

    /**
     * This tensor with the 0-dim tensor {@code value} where {@code mask} is true, like
     * {@code torch.masked_fill(self, mask, value)} with a tensor value: differentiable in both (the value's
     * gradient is the sum of the result's gradient over the filled positions).
     *
     * @param mask a BOOL tensor broadcastable to this tensor
     * @param value a 0-dim tensor, cast to this tensor's dtype
     * @return a new tensor of the broadcast shape; {@code MaskedFillBackward1}
     * @throws IllegalArgumentException when the mask is not BOOL, value is not 0-dim or the shapes do not broadcast
     */
    default Tensor maskedFill(Tensor mask, Tensor value) {
        Objects.requireNonNull(mask, "mask must not be null");
        Objects.requireNonNull(value, "value must not be null");
        Tensor x = self();
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("masked_fill_ only supports boolean masks, but got mask with dtype "
                    + mask.dtype().scalarTypeName());
        }
        if (value.dim() != 0) {
            throw new IllegalArgumentException("masked_fill_ only supports a 0-dimensional value tensor, but got "
                    + "tensor with " + value.dim() + " dimension(s).");
        }
        Kernels.checkSameDevice(x, mask);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = value.to(x.device()).to(x.dtype()).where(mask, x).detach();
        }
        int[] shape = x.shapeUnsafe();
        DType valueType = value.dtype();
        Device valueDevice = value.device();
        return Tensor.record("MaskedFillBackward1", out, Tensor.saved(mask), (g, needs) -> new Tensor[] {
            needs[0] ? g.maskedFill(mask, 0).sumToShape(shape) : null,
            needs[1] ? g.where(mask, Tensor.zeros(Shape.of(), g.dtype(), g.device())).sum()
                    .to(valueType).to(valueDevice) : null}, x, value);
    }

    // ------------------------------------------------------------------ helpers

    /** take/put's check: every flat position in {@code [-n, n)}, else PyTorch's message. */
    private static void checkFlatRange(Tensor x, Tensor index, int n) {
        if (index.numel() == 0) {
            return;
        }
        Supplier<IndexOutOfBoundsException> failure = () -> {
            for (long j : index.toLongArray()) {
                if (j < -n || j >= n) {
                    return new IndexOutOfBoundsException("out of range: tried to access index " + j
                            + " on a tensor of " + n + " elements.");
                }
            }
            return new IndexOutOfBoundsException("out of range");
        };
        try (var g = Autograd.noGrad()) {
            x.assertNoneSet(index.lt((long) -n), failure);
            x.assertNoneSet(index.ge((long) n), failure);
        }
    }


    private static Tensor atLeast1d(Tensor t) {
        return t.dim() == 0 ? t.reshape(1) : t;
    }

    private static void requireInt64(String op, Tensor index) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + "(): Expected dtype int64 for index");
        }
    }

    /** The checks of scatter and scatter_add, PyTorch's messages; returns the normalized dim. */
    private static int checkScatter(String op, Tensor x, int dim, Tensor index, Tensor src) {
        Objects.requireNonNull(index, "index must not be null");
        Objects.requireNonNull(src, "src must not be null");
        requireInt64(op, index);
        if (src.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + "(): Expected self.dtype to be equal to src.dtype");
        }
        Kernels.checkSameDevice(x, index);
        Kernels.checkSameDevice(x, src);
        int d = Shape.normalizeDim(dim, x.dim());
        int rank = Math.max(x.dim(), 1);
        if (Math.max(index.dim(), 1) != rank) {
            throw new IllegalArgumentException("Index tensor must have the same number of dimensions as self tensor");
        }
        if (Math.max(src.dim(), 1) != rank) {
            throw new IllegalArgumentException("Index tensor must have the same number of dimensions as src tensor");
        }
        int[] is = atLeast1dShape(index), xs = atLeast1dShape(x), ss = atLeast1dShape(src);
        for (int i = 0; i < rank; i++) {
            if (is[i] > ss[i] || (i != d && is[i] > xs[i])) {
                throw new IllegalArgumentException("Expected index " + Arrays.toString(index.shapeUnsafe())
                        + " to be smaller than self " + Arrays.toString(x.shapeUnsafe()) + " apart from dimension "
                        + d + " and to be smaller size than src " + Arrays.toString(src.shapeUnsafe()));
            }
        }
        if (index.dim() > 0 && x.dim() > 0) {
            checkRange(x, index, d, x.size(d));
        }
        return d;
    }

    private static int[] atLeast1dShape(Tensor t) {
        return t.dim() == 0 ? new int[] {1} : t.shapeUnsafe();
    }

    /** Fails (on a GPU at the next synchronization) when an index is outside [0, size): PyTorch's message. */
    private static void checkRange(Tensor x, Tensor index, int dim, int size) {
        checkRange(x, index, size, () -> {
            for (long j : index.toLongArray()) {
                if (j < 0 || j >= size) {
                    return new IndexOutOfBoundsException("index " + j + " is out of bounds for dimension " + dim
                            + " with size " + size);
                }
            }
            return new IndexOutOfBoundsException("index out of bounds for dimension " + dim + " with size " + size);
        });
    }

    private static void checkRange(Tensor x, Tensor index, int size, Supplier<IndexOutOfBoundsException> failure) {
        if (index.numel() == 0) {
            return;
        }
        try (var g = Autograd.noGrad()) {
            Tensor distinct = index; // an expanded index (stride 0) holds each value once: check that one
            int[] strides = index.stride();
            for (int d = 0; d < strides.length; d++) {
                if (strides[d] == 0 && index.size(d) > 1) {
                    distinct = distinct.narrow(d, 0, 1);
                }
            }
            x.assertNoneSet(distinct.lt(0L), failure);
            x.assertNoneSet(distinct.ge((long) size), failure);
        }
    }

    /** A 1-D index as a view over {@code shape} that varies along dim only (size index.numel() there). */
    private static Tensor expandAlong(Tensor index, int[] shape, int dim) {
        int[] one = new int[shape.length];
        Arrays.fill(one, 1);
        one[dim] = index.numel();
        int[] target = shape.clone();
        target[dim] = index.numel();
        try (var g = Autograd.noGrad()) {
            return index.reshape(one).expand(target).detach();
        }
    }

    private static Tensor gatherKernel(Tensor x, int dim, Tensor index) {
        return IndexKernels.gather(x, dim, index);
    }

    private static Tensor scatterAddKernel(Tensor base, int dim, Tensor index, Tensor src) {
        return IndexKernels.scatterAdd(base, dim, index, src);
    }

    /** {@code t} padded with zeros at the end of each dim to {@code shape} (the gradient of a partly read src). */
    private static Tensor padWithZeros(Tensor t, int[] shape) {
        Tensor r = t;
        for (int i = 0; i < shape.length; i++) {
            int missing = shape[i] - r.size(i);
            if (missing > 0) {
                int[] zs = r.shapeUnsafe().clone();
                zs[i] = missing;
                r = Tensor.cat(i, r, Tensor.zeros(Shape.of(zs), r.dtype(), r.device()));
            }
        }
        return r;
    }
}
