package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * PyTorch's subscripting of {@link Tensor}: advanced indexing with int64 and boolean index tensors
 * ({@code index}, {@code indexPut}, {@code indexPut_}), stepped slices ({@code slice}), the subscript helper
 * {@code get}/{@code set} with {@link Index} entries ({@code x[1:5, :, idx]} and {@code x[mask] = v}), and the ops
 * whose result's size depends on the data: {@code nonzero}, {@code argwhere}, {@code unique}. These read the data
 * on the host (a synchronization on a GPU, as in PyTorch), as does a boolean index.
 *
 * <p>Advanced indexing follows PyTorch: the index tensors broadcast together to a shape B; the result has B in
 * place of the indexed dims when those are adjacent, and first when a full slice separates them. Indices out of
 * range fail with "index 7 is out of bounds for dimension 0 with size 5" (on a GPU at the next
 * synchronization); negative indices count from the end.
 */
public sealed interface TensorAdvancedIndexing permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    // ------------------------------------------------------------------ advanced indexing

    /**
     * Advanced indexing, like {@code torch.Tensor.__getitem__} with tensors ({@code aten::index}): entry {@code i}
     * indexes dim {@code i} (null: the whole dim); INT64 indices broadcast together, a BOOL mask of k dims indexes
     * the next k dims by its true positions. For {@code x} of shape [5, 6, 7] and indices {@code (null, a, b)}
     * with a and b of shape [3], the result is [5, 3] with {@code out[i][j] = x[i][a[j]][b[j]]}.
     *
     * @param indices one entry per leading dim, INT64, BOOL or null (at least one tensor)
     * @return a new tensor; {@code IndexBackward0}, whose gradient adds the result's gradient back at the indexed
     *     positions (an accumulating {@code indexPut})
     * @throws IllegalArgumentException when an index has another dtype ("tensors used as indices must be long,
     *     int, byte or bool tensors") or no entry is a tensor
     * @throws IndexOutOfBoundsException when there are too many indices, a mask's shape does not match, the
     *     indices do not broadcast, or an index is out of range
     */
    default Tensor index(Tensor... indices) {
        Objects.requireNonNull(indices, "indices must not be null");
        Tensor x = self();
        return plan(x, indices).index(x);
    }

    /**
     * A copy of this tensor with {@code values} written (or added) at the positions the indices name, like
     * {@code torch.index_put(self, indices, values, accumulate)}: values broadcast to the shape {@code
     * index(indices)} has. Without accumulate a position named twice gets the last of its values (PyTorch leaves
     * it undefined); with it, all of them add up.
     *
     * @param indices as for {@link #index(Tensor...)}
     * @param values the values, of this tensor's dtype, broadcastable to the indexing result's shape
     * @param accumulate whether to add rather than write
     * @return a new tensor of this shape; {@code IndexPutBackward0}: the gradient flows to this tensor (zero at
     *     the written positions unless accumulating) and, indexed the same way, to {@code values}
     * @throws IllegalArgumentException when the dtypes differ ("Index put requires the source and destination
     *     dtypes match, ...") or values do not broadcast ("shape mismatch: value tensor of shape ...")
     * @throws IndexOutOfBoundsException as {@link #index(Tensor...)}
     */
    default Tensor indexPut(Tensor[] indices, Tensor values, boolean accumulate) {
        Objects.requireNonNull(indices, "indices must not be null");
        Objects.requireNonNull(values, "values must not be null");
        Tensor x = self();
        return plan(x, indices).put(x, values, accumulate);
    }

    /**
     * In place {@link #indexPut(Tensor[], Tensor, boolean)}, like {@code torch.Tensor.index_put_} (and
     * {@code x[idx] = v}): differentiable into this tensor's history, as PyTorch's; on a view the base's
     * history is rebased ({@code CopySlices}).
     *
     * @param indices as for {@link #index(Tensor...)}
     * @param values the values, of this tensor's dtype, broadcastable to the indexing result's shape
     * @param accumulate whether to add rather than write
     * @return this tensor, now carrying {@code IndexPutBackward0} when recorded
     * @throws IllegalArgumentException as {@link #indexPut(Tensor[], Tensor, boolean)}, or when this tensor's
     *     elements share memory (an expanded tensor)
     * @throws IndexOutOfBoundsException as {@link #index(Tensor...)}
     * @throws IllegalStateException for a leaf that requires grad (or a view of one), under grad mode
     */
    default Tensor indexPut_(Tensor[] indices, Tensor values, boolean accumulate) {
        Objects.requireNonNull(indices, "indices must not be null");
        Objects.requireNonNull(values, "values must not be null");
        Tensor x = self();
        Autograd.checkInPlaceAllowed(x);
        if (x.layout().hasInternalOverlap()) {
            throw new IllegalArgumentException("unsupported operation: more than one element of the written-to tensor "
                    + "refers to a single memory location. Please clone() the tensor before performing the operation.");
        }
        AdvancedIndex plan = plan(x, indices);
        return InPlaceWrites.write(x, "index_put_", t -> plan.put(t, values, accumulate));
    }

    private static AdvancedIndex plan(Tensor x, Tensor[] indices) {
        AdvancedIndex plan = AdvancedIndex.of(x, indices);
        if (plan == null) {
            throw new IllegalArgumentException("index(): at least one index must be a tensor (null means a full slice)");
        }
        return plan;
    }

    // ------------------------------------------------------------------ stepped slices

    /**
     * The entries {@code start, start + step, ...} before {@code end} of a dim, as a view, like Python's
     * {@code x[start:end:step]} on that dim ({@code torch.Tensor.slice}): bounds count from the end when
     * negative and are clamped to the dim, as in Python.
     *
     * @param dim the dim (negative counts from the end)
     * @param start the first index
     * @param end the bound (exclusive)
     * @param step the step, positive
     * @return the view; {@code SliceBackward0}
     * @throws IllegalArgumentException when step is not positive or this tensor is 0-dim
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default Tensor slice(int dim, int start, int end, int step) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("slice() cannot be applied to a 0-dim tensor.");
        }
        if (step <= 0) {
            throw new IllegalArgumentException("slice step must be positive");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.size(d);
        int s0 = clampBound(start, size);
        int e0 = Math.max(s0, clampBound(end, size));
        int length = (e0 - s0 + step - 1) / step;
        Layout l = x.layout();
        int[] shape = l.shape().clone();
        int[] strides = l.strides().clone();
        shape[d] = length;
        int offset = l.offset() + (length == 0 ? 0 : s0 * strides[d]);
        strides[d] *= step;
        Layout view = new Layout(shape, strides, offset);
        int[] from = x.shapeUnsafe();
        return Tensor.record("SliceBackward0", x.view(view, t -> t.slice(d, s0, e0, step)),
                (g, needs) -> new Tensor[] {sliceBackward(g, from, d, s0, e0, step)}, x);
    }

    private static int clampBound(int bound, int size) {
        int b = bound < 0 ? bound + size : bound;
        return Math.max(0, Math.min(b, size));
    }

    /** Zeros of {@code shape} with g at {@code start:end:step} of dim; its own gradient slices again. */
    private static Tensor sliceBackward(Tensor g, int[] shape, int dim, int start, int end, int step) {
        Tensor out = Tensor.zeros(Shape.of(shape), g.dtype(), g.device());
        Tensor target;
        try (var ng = Autograd.noGrad()) {
            target = out.detach().slice(dim, start, end, step);
        }
        g.kernels().copy(g.storageUnsafe(), g.layout(), target.storageUnsafe(), target.layout());
        return Tensor.record("SliceBackwardBackward0", out, (gg, needs) -> new Tensor[] {
            gg.slice(dim, start, end, step)}, g);
    }

    // ------------------------------------------------------------------ subscripts

    /**
     * Python's {@code x[...]} with the given entries ({@code __getitem__}): integers select, slices, {@code none}
     * and {@code ellipsis} make a view (basic indexing); with tensor entries the result is a copy (advanced
     * indexing, {@link #index(Tensor...)}, on the view the other entries made). For example
     * {@code x.get(Index.slice(1, 5), Index.all(), Index.of(idx))} is {@code x[1:5, :, idx]}.
     *
     * @param indices the entries
     * @return a view for basic indexing (this tensor itself when there are no entries), else a new tensor
     * @throws IndexOutOfBoundsException when there are too many indices ("too many indices for tensor of
     *     dimension 2"), an integer is out of range ("index 5 is out of bounds for dimension 0 with size 3"), or as
     *     {@link #index(Tensor...)}
     * @throws IllegalArgumentException when there is more than one ellipsis, or as {@link #index(Tensor...)}
     */
    default Tensor get(Index... indices) {
        Objects.requireNonNull(indices, "indices must not be null");
        Tensor x = self();
        List<Tensor> advanced = new ArrayList<>();
        Tensor view = basic(x, indices, advanced);
        return advanced.isEmpty() ? view : view.index(advanced.toArray(new Tensor[0]));
    }

    /**
     * Python's {@code x[...] = value} ({@code __setitem__}): copies value (broadcast, cast to this dtype) into the
     * view basic indexing makes, or with tensor entries writes it with {@link #indexPut_}; differentiable into
     * this tensor's history as PyTorch's.
     *
     * @param value the values, broadcastable to the indexed shape
     * @param indices the entries, as for {@link #get(Index...)}
     * @return this tensor
     * @throws IndexOutOfBoundsException as {@link #get(Index...)}
     * @throws IllegalArgumentException as {@link #get(Index...)}, or when value does not broadcast
     * @throws IllegalStateException for a leaf that requires grad, under grad mode
     */
    default Tensor set(Tensor value, Index... indices) {
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(indices, "indices must not be null");
        Tensor x = self();
        List<Tensor> advanced = new ArrayList<>();
        Tensor view = basic(x, indices, advanced);
        if (advanced.isEmpty()) {
            view.copy_(value);
        } else {
            view.indexPut_(advanced.toArray(new Tensor[0]), value.to(view.device()).to(view.dtype()), false);
        }
        return x;
    }

    /**
     * Python's {@code x[...] = value} with a number: fills the view basic indexing makes, or with tensor entries
     * writes the value at the indexed positions.
     *
     * @param value the value, cast to this dtype
     * @param indices the entries, as for {@link #get(Index...)}
     * @return this tensor
     * @throws IndexOutOfBoundsException as {@link #get(Index...)}
     * @throws IllegalArgumentException as {@link #get(Index...)}
     * @throws IllegalStateException for a leaf that requires grad, under grad mode
     */
    default Tensor set(double value, Index... indices) {
        Objects.requireNonNull(indices, "indices must not be null");
        Tensor x = self();
        List<Tensor> advanced = new ArrayList<>();
        Tensor view = basic(x, indices, advanced);
        if (advanced.isEmpty()) {
            view.fill_(value);
        } else {
            view.indexPut_(advanced.toArray(new Tensor[0]), Tensor.full(Shape.of(), value, view.dtype(), view.device()),
                    false);
        }
        return x;
    }

    /**
     * PyTorch's {@code applySlicing}: the view the integers, slices, nones and ellipsis make; tensor entries go to
     * {@code advanced}, at the dim of the view they index (null for the other dims), empty when there are none.
     */
    private static Tensor basic(Tensor x, Index[] indices, List<Tensor> advanced) {
        int specified = 0;
        int ellipses = 0;
        for (Index i : indices) {
            Objects.requireNonNull(i, "an Index entry must not be null (Index.all() is the full slice)");
            specified += i.consumes();
            ellipses += i.kind == Index.Kind.ELLIPSIS ? 1 : 0;
        }
        if (ellipses > 1) {
            throw new IllegalArgumentException("an index can only have a single ellipsis ('...')");
        }
        if (specified > x.dim()) {
            throw new IndexOutOfBoundsException("too many indices for tensor of dimension " + x.dim());
        }
        Tensor r = x;
        int dim = 0;
        for (Index i : indices) {
            switch (i.kind) {
                case INTEGER -> {
                    int size = r.size(dim);
                    if (i.integer < -size || i.integer >= size) {
                        throw new IndexOutOfBoundsException("index " + i.integer + " is out of bounds for dimension "
                                + dim + " with size " + size);
                    }
                    r = r.select(dim, (int) i.integer);
                }
                case SLICE -> {
                    int size = r.size(dim);
                    r = r.slice(dim, i.start == null ? 0 : i.start, i.end == null ? size : i.end, i.step);
                    dim++;
                }
                case NONE -> r = r.unsqueeze(dim++);
                case ELLIPSIS -> dim += x.dim() - specified;
                case TENSOR -> {
                    while (advanced.size() < dim) {
                        advanced.add(null);
                    }
                    Tensor t = i.tensor;
                    if (t.dtype() == DType.BOOL && t.dim() == 0) { // x[True]: a new dim, indexed by [0] or by []
                        r = r.unsqueeze(dim);
                        boolean set = ((boolean[]) IndexKernels.host(t))[0];
                        t = Tensor.of(set ? new long[] {0} : new long[0], set ? 1 : 0).to(x.device());
                        advanced.add(t);
                        dim++;
                    } else {
                        advanced.add(t);
                        dim += i.consumes();
                    }
                }
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ data-dependent shapes

    /**
     * The coordinates of the nonzero (true) elements, like {@code torch.nonzero(self)}: one row per element, in
     * row-major order. Reads the data on the host (a synchronization on a GPU).
     *
     * @return a new INT64 tensor of shape [n, dim()], not differentiable
     */
    default Tensor nonzero() {
        Tensor x = self();
        int[] pos;
        try (var g = Autograd.noGrad()) {
            pos = IndexKernels.nonzeroPositions(x);
        }
        int rank = x.dim();
        int[] shape = x.shapeUnsafe();
        long[] out = new long[pos.length * rank];
        for (int i = 0; i < pos.length; i++) {
            int p = pos[i];
            for (int j = rank - 1; j >= 0; j--) {
                out[i * rank + j] = p % shape[j];
                p /= shape[j];
            }
        }
        return Tensor.of(out, pos.length, rank).to(x.device());
    }

    /**
     * The same as {@link #nonzero()}, like {@code torch.argwhere(self)}.
     *
     * @return a new INT64 tensor of shape [n, dim()]
     */
    default Tensor argwhere() {
        return nonzero();
    }

    /**
     * The distinct values, sorted, like {@code torch.unique(self)}.
     *
     * @return a new 1-D tensor of this dtype, not differentiable
     */
    default Tensor unique() {
        return unique(true, false, false).values();
    }

    /**
     * The distinct values, with where each element's value is among them and how often each occurs, like
     * {@code torch.unique(self, sorted, return_inverse, return_counts)}. Values are always returned in ascending
     * order (PyTorch allows that for {@code sorted=false}); floats compare with {@code ==}, so -0.0 and 0.0 are one
     * value and each NaN is its own, as in PyTorch. Reads the data on the host (a synchronization on a GPU).
     *
     * @param sorted accepted for PyTorch's signature; the values are sorted either way
     * @param returnInverse whether to compute the inverse (each element's position in the values)
     * @param returnCounts whether to compute the counts
     * @return values, and the inverse (of this shape) and counts when asked for (else null); all not
     *     differentiable
     */
    default UniqueResult unique(boolean sorted, boolean returnInverse, boolean returnCounts) {
        Tensor x = self();
        int n = x.numel();
        long[] inverse = new long[n];
        Tensor values;
        long[] counts;
        Object host;
        try (var g = Autograd.noGrad()) {
            host = IndexKernels.host(x);
        }
        if (host instanceof float[] || host instanceof double[]) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = host instanceof float[] f ? f[i] : ((double[]) host)[i];
            }
            double[] s = v.clone();
            Arrays.sort(s); // NaN last
            double[] reps = new double[n];
            long[] cnt = new long[n];
            int k = 0;
            int finite = 0; // groups of values that are not NaN
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(s[i]) || k == 0 || s[i] != reps[k - 1]) {
                    reps[k] = s[i];
                    finite += Double.isNaN(s[i]) ? 0 : 1;
                    k++;
                }
                cnt[k - 1]++;
            }
            int nan = finite;
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(v[i])) {
                    inverse[i] = nan++;
                } else {
                    int lo = 0;
                    int hi = finite - 1;
                    while (lo < hi) { // the group whose representative == v[i]
                        int mid = (lo + hi) >>> 1;
                        if (reps[mid] < v[i]) {
                            lo = mid + 1;
                        } else {
                            hi = mid;
                        }
                    }
                    inverse[i] = lo;
                }
            }
            double[] out = Arrays.copyOf(reps, k);
            values = (host instanceof float[] ? Tensor.of(out, k).to(DType.FLOAT32) : Tensor.of(out, k));
            counts = Arrays.copyOf(cnt, k);
        } else {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = host instanceof long[] l ? l[i] : ((boolean[]) host)[i] ? 1 : 0;
            }
            long[] s = v.clone();
            Arrays.sort(s);
            long[] reps = new long[n];
            long[] cnt = new long[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (k == 0 || s[i] != reps[k - 1]) {
                    reps[k++] = s[i];
                }
                cnt[k - 1]++;
            }
            for (int i = 0; i < n; i++) {
                inverse[i] = Arrays.binarySearch(reps, 0, k, v[i]);
            }
            values = Tensor.of(Arrays.copyOf(reps, k), k).to(x.dtype());
            counts = Arrays.copyOf(cnt, k);
        }
        Device device = x.device();
        return new UniqueResult(values.to(device),
                returnInverse ? Tensor.of(inverse, x.shapeUnsafe()).to(device) : null,
                returnCounts ? Tensor.of(counts, counts.length).to(device) : null);
    }

    /**
     * The distinct slices along {@code dim}, like {@code torch.unique(self, dim=dim, ...)}: the slices (this tensor
     * with {@code dim} fixed) compared element by element, returned in lexicographic ascending order as a tensor
     * of this shape with {@code size(dim)} replaced by their number. Floats compare as {@link Double#compare}
     * (NaNs equal each other, -0.0 before 0.0). Reads the data on the host.
     *
     * @param dim the dim whose slices are compared (negative counts from the end)
     * @param sorted accepted for PyTorch's signature; the slices are sorted either way
     * @param returnInverse whether to compute, for each slice of this tensor, its position among the distinct ones
     * @param returnCounts whether to compute how often each distinct slice occurs
     * @return values (not differentiable), inverse (INT64, of length {@code size(dim)}) and counts when asked for
     * @throws IndexOutOfBoundsException when dim is out of range
     */
    default UniqueResult unique(int dim, boolean sorted, boolean returnInverse, boolean returnCounts) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, Math.max(x.dim(), 1));
        if (x.dim() == 0) {
            return unique(sorted, returnInverse, returnCounts);
        }
        int rows = x.size(d);
        int width = rows == 0 ? 0 : x.numel() / rows;
        double[] v;
        try (var g = Autograd.noGrad()) {
            Tensor moved = x.movedim(d, 0).contiguous().detach();
            Object host = IndexKernels.host(moved);
            v = new double[x.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = host instanceof float[] f ? f[i] : host instanceof double[] a ? a[i]
                        : host instanceof long[] l ? l[i] : ((boolean[]) host)[i] ? 1 : 0;
            }
            if (host instanceof long[] l) { // exact comparison for int64 beyond 2^53
                long[] exact = l;
                return uniqueRows(x, d, rows, width, (p, q) -> {
                    for (int k = 0; k < width; k++) {
                        int c = Long.compare(exact[p * width + k], exact[q * width + k]);
                        if (c != 0) {
                            return c;
                        }
                    }
                    return 0;
                }, returnInverse, returnCounts);
            }
        }
        double[] values = v;
        return uniqueRows(x, d, rows, width, (p, q) -> {
            for (int k = 0; k < width; k++) {
                int c = Double.compare(values[p * width + k], values[q * width + k]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }, returnInverse, returnCounts);
    }

    /** unique along a dim, given how two slices compare: sorts the slice numbers, groups equal neighbours. */
    private static UniqueResult uniqueRows(Tensor x, int d, int rows, int width,
                                           java.util.Comparator<Integer> order, boolean returnInverse,
                                           boolean returnCounts) {
        Integer[] perm = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            perm[i] = i;
        }
        Arrays.sort(perm, order);
        long[] inverse = new long[rows];
        long[] first = new long[rows];
        long[] counts = new long[rows];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            if (i == 0 || order.compare(perm[i - 1], perm[i]) != 0) {
                first[k++] = perm[i];
            }
            inverse[perm[i]] = k - 1;
            counts[k - 1]++;
        }
        Device device = x.device();
        Tensor values;
        try (var g = Autograd.noGrad()) {
            values = x.indexSelect(d, Tensor.of(Arrays.copyOf(first, k), k).to(device)).detach();
        }
        return new UniqueResult(values, returnInverse ? Tensor.of(inverse, rows).to(device) : null,
                returnCounts ? Tensor.of(Arrays.copyOf(counts, k), k).to(device) : null);
    }
}
