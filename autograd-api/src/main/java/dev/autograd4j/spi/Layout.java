package dev.autograd4j.spi;

import java.util.Arrays;

/**
 * How a tensor reads its storage: element (i0, i1, ...) sits at {@code offset + sum(ik * strides[k])}.
 * A stride of 0 repeats an element (broadcast); views share storage with other strides and offsets.
 * Arrays are never modified after construction.
 *
 * <p>All view math lives here (as candle's {@code layout.rs}): broadcasting, view strides, permute, transpose,
 * squeeze, unsqueeze, expand, narrow, select, the orders reductions and softmax walk in, and the memory-overlap
 * tests in-place writes make ({@link #hasInternalOverlap}, {@link #overlapWith}). Dims passed in are
 * already normalized to {@code [0, rank)} and in range (the API checks them, with PyTorch's messages); each
 * method returns a new layout over the same storage.
 *
 * @param shape the size of each dim
 * @param strides the element step of each dim
 * @param offset the element index of element (0, 0, ...)
 */
public record Layout(int[] shape, int[] strides, int offset) {

    /**
     * Row-major strides with no gaps, offset 0.
     *
     * @param shape the sizes
     * @return the contiguous layout of that shape
     */
    public static Layout contiguous(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return new Layout(shape, strides, 0);
    }

    /**
     * The number of dims.
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes
     */
    public int numel() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Row-major with no gaps (offset may be non-zero).
     *
     * @return whether the elements are contiguous in storage, in order
     */
    public boolean isContiguous() {
        if (numel() == 0) {
            return true; // nothing to read: any strides will do, as in PyTorch
        }
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) {
                return false;
            }
            s *= shape[i];
        }
        return true;
    }

    // ------------------------------------------------------------------ memory overlap

    /**
     * How the elements of two layouts over one storage relate, as PyTorch's {@code MemOverlapStatus}
     * ({@code get_overlap_status} in ATen's MemoryOverlap.cpp).
     */
    public enum Overlap {
        /** Every element sits where the other layout's element of the same index does (same memory, same strides). */
        FULL,
        /** Some memory is shared, but not element for element: a write through one changes reads of the other. */
        PARTIAL,
        /** No memory in common. */
        NO,
        /** Not decided: one of the layouts has gaps or repeats, where PyTorch does not look further. */
        TOO_HARD
    }

    /**
     * Whether the elements cover one run of storage exactly once, in some order of the dims (PyTorch's
     * {@code is_non_overlapping_and_dense}): contiguous, or a permutation of a contiguous layout.
     *
     * @return whether the layout is dense and free of repeats
     */
    public boolean isNonOverlappingAndDense() {
        if (isContiguous()) {
            return true;
        }
        int n = 0;
        int[] dims = new int[rank()];
        for (int i = 0; i < rank(); i++) {
            if (shape[i] >= 2) { // size-0 tensors are contiguous; size-1 dims step nowhere
                dims[n++] = i;
            }
        }
        long[] byStride = new long[n]; // stride in the high bits, dim in the low ones: sorted by stride
        for (int i = 0; i < n; i++) {
            byStride[i] = ((long) strides[dims[i]] << 32) | dims[i];
        }
        Arrays.sort(byStride);
        long required = 1;
        for (long packed : byStride) {
            int d = (int) packed;
            if (strides[d] != required) {
                return false;
            }
            required *= shape[d];
        }
        return true;
    }

    /**
     * Whether two elements of this layout sit at one storage position, decided as PyTorch's
     * {@code has_internal_overlap} decides it: a dense layout has none; a dim of size above 1 with stride 0 (an
     * expanded or broadcast dim) has them; anything else is "too hard" and reported as no overlap, so writes
     * go through, as in PyTorch. For the layouts autograd4j's views produce (no {@code as_strided}, no
     * {@code unfold}) the rule is exact: repeats only come from stride 0.
     *
     * @return true when in-place writes through this layout must be refused
     */
    public boolean hasInternalOverlap() {
        if (isNonOverlappingAndDense()) {
            return false;
        }
        for (int i = 0; i < rank(); i++) {
            if (shape[i] > 1 && strides[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * How this layout's memory relates to another layout's over the same storage (the caller checks that the
     * storage is the same object), as PyTorch's {@code get_overlap_status}: identical layouts overlap fully; an
     * empty one overlaps nothing; when either layout is not {@linkplain #isNonOverlappingAndDense() dense} the
     * answer is {@link Overlap#TOO_HARD}; otherwise the element ranges {@code [offset, offset + numel)} are
     * compared: the same range with the same strides is {@link Overlap#FULL}, the same range with other strides
     * or intersecting ranges {@link Overlap#PARTIAL}, disjoint ranges {@link Overlap#NO}. Comparing ranges is
     * conservative, as in PyTorch.
     *
     * @param other another layout over the same storage
     * @return the overlap status
     */
    public Overlap overlapWith(Layout other) {
        if (Arrays.equals(shape, other.shape) && Arrays.equals(strides, other.strides) && offset == other.offset) {
            return Overlap.FULL;
        }
        if (numel() == 0 || other.numel() == 0) {
            return Overlap.NO;
        }
        if (!isNonOverlappingAndDense() || !other.isNonOverlappingAndDense()) {
            return Overlap.TOO_HARD;
        }
        long begin = offset, end = begin + numel();
        long otherBegin = other.offset, otherEnd = otherBegin + other.numel();
        if (begin == otherBegin && end == otherEnd) {
            return Arrays.equals(strides, other.strides) ? Overlap.FULL : Overlap.PARTIAL;
        }
        return begin < otherEnd && otherBegin < end ? Overlap.PARTIAL : Overlap.NO;
    }

    // ------------------------------------------------------------------ shape inference

    /**
     * A requested shape with its one {@code -1} (if any) filled in so that it holds {@code numel} elements.
     *
     * @param requested the sizes, at most one of them -1
     * @param numel the number of elements the shape must hold
     * @return the completed shape
     * @throws IllegalArgumentException with PyTorch's message when no such shape exists
     */
    public static int[] inferShape(int[] requested, int numel) {
        int known = 1, infer = -1;
        int[] out = requested.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension can be inferred");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + out[i]);
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0 ? known == 0 || numel % known != 0 : known != numel) {
            throw new IllegalArgumentException("shape '" + Arrays.toString(requested) + "' is invalid for input of "
                    + "size " + numel);
        }
        if (infer >= 0) {
            out[infer] = numel / known;
        }
        return out;
    }

    // ------------------------------------------------------------------ views

    /**
     * This layout read as a (larger) broadcast shape: new leading dims and size-1 dims that grow get stride 0.
     *
     * @param target a shape this one broadcasts to
     * @return the broadcast layout
     */
    public Layout broadcastTo(int[] target) {
        int r = target.length, lr = rank();
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int li = i - (r - lr);
            st[i] = li < 0 || (shape[li] == 1 && target[i] != 1) ? 0 : strides[li];
        }
        return new Layout(target, st, offset);
    }

    /**
     * The same elements with another shape without copying (PyTorch's {@code computeStride}), or null when the
     * strides do not allow it (a dim of the new shape would span two non-contiguous runs).
     *
     * @param newShape the target sizes, holding as many elements
     * @return the view's layout, or null
     */
    public Layout viewAs(int[] newShape) {
        if (numel() == 0) {
            return new Layout(newShape, contiguous(newShape).strides, offset);
        }
        int[] newStrides = new int[newShape.length];
        int viewD = newShape.length - 1;
        int chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        for (; viewD >= 0; viewD--) { // what is left of the new shape is size-1 dims
            if (newShape[viewD] != 1) {
                return null;
            }
            newStrides[viewD] = 1;
        }
        return new Layout(newShape, newStrides, offset);
    }

    /**
     * Dims reordered: dim i of the result is dim {@code perm[i]} of this.
     *
     * @param perm a permutation of {@code 0..rank-1}
     * @return the permuted layout
     */
    public Layout permute(int[] perm) {
        int[] sh = new int[perm.length], st = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            sh[i] = shape[perm[i]];
            st[i] = strides[perm[i]];
        }
        return new Layout(sh, st, offset);
    }

    /**
     * Two dims swapped.
     *
     * @param a one dim
     * @param b another (or the same) dim
     * @return the transposed layout
     */
    public Layout transpose(int a, int b) {
        int[] sh = shape.clone(), st = strides.clone();
        sh[a] = shape[b];
        sh[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Layout(sh, st, offset);
    }

    /**
     * Every size-1 dim removed.
     *
     * @return the squeezed layout
     */
    public Layout squeeze() {
        int n = 0;
        for (int s : shape) {
            n += s == 1 ? 0 : 1;
        }
        int[] sh = new int[n], st = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Layout(sh, st, offset);
    }

    /**
     * One dim removed (its size is 1, or the caller drops it on purpose, as select does).
     *
     * @param dim the dim to remove
     * @return the layout without it
     */
    public Layout squeeze(int dim) {
        return new Layout(removeAt(shape, dim), removeAt(strides, dim), offset);
    }

    /**
     * A size-1 dim inserted at position {@code dim} (in {@code [0, rank]}).
     *
     * @param dim where the new dim goes
     * @return the layout with it
     */
    public Layout unsqueeze(int dim) {
        int stride = dim < rank() ? strides[dim] * shape[dim] : 1;
        return new Layout(insertAt(shape, dim, 1), insertAt(strides, dim, stride), offset);
    }

    /**
     * Size-1 dims (and new leading dims) repeated to the given sizes without copying; -1 keeps a size.
     *
     * @param sizes the target sizes, at least as many as this layout has dims
     * @return the expanded layout
     * @throws IllegalArgumentException with PyTorch's message when a size cannot be expanded
     */
    public Layout expand(int[] sizes) {
        int r = sizes.length, lr = rank();
        if (r < lr) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + r + ") must be greater or "
                    + "equal to the number of dimensions in the tensor (" + lr + ")");
        }
        int[] sh = new int[r], st = new int[r];
        for (int i = 0; i < r; i++) {
            int li = i - (r - lr);
            int target = sizes[i];
            if (li < 0) {
                if (target < 0) {
                    throw new IllegalArgumentException("The expanded size of the tensor (" + target + ") isn't allowed "
                            + "in a leading, non-existing dimension " + i);
                }
                sh[i] = target;
                continue; // stride 0
            }
            int have = shape[li];
            if (target == -1 || target == have) {
                sh[i] = have;
                st[i] = strides[li];
            } else if (have == 1) {
                sh[i] = target;
            } else {
                throw new IllegalArgumentException("The expanded size of the tensor (" + target + ") must match the "
                        + "existing size (" + have + ") at non-singleton dimension " + i + ".  Target sizes: "
                        + Arrays.toString(sizes) + ".  Tensor sizes: " + Arrays.toString(shape));
            }
        }
        return new Layout(sh, st, offset);
    }

    /**
     * {@code length} elements of a dim starting at {@code start}.
     *
     * @param dim the dim
     * @param start the first index kept, in {@code [0, size]}
     * @param length how many, with {@code start + length <= size}
     * @return the narrowed layout
     */
    public Layout narrow(int dim, int start, int length) {
        int[] sh = shape.clone();
        sh[dim] = length;
        return new Layout(sh, strides, offset + start * strides[dim]);
    }

    /**
     * One index of a dim, the dim removed.
     *
     * @param dim the dim
     * @param index an index in {@code [0, size)}
     * @return the selected layout
     */
    public Layout select(int dim, int index) {
        return new Layout(removeAt(shape, dim), removeAt(strides, dim), offset + index * strides[dim]);
    }

    /**
     * The same elements with one dim moved last, as (log-)softmax walks them; a 0-d layout becomes one row of
     * one element.
     *
     * @param dim the dim to move
     * @return the reordered layout
     */
    public Layout moveDimLast(int dim) {
        if (rank() == 0) {
            return new Layout(new int[] {1}, new int[] {1}, offset);
        }
        int[] perm = new int[rank()];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != dim) {
                perm[j++] = i;
            }
        }
        perm[rank() - 1] = dim;
        return permute(perm);
    }

    /**
     * The order {@link Backend#reduce} walks: the kept dims first, in order, then the reduced ones.
     *
     * @param reduced which dims are reduced, sorted, no repeats
     * @return the reordered layout; its trailing {@code reduced.length} dims are the reduced ones
     */
    public Layout reducedDimsLast(int[] reduced) {
        int[] perm = new int[rank()];
        boolean[] isReduced = new boolean[rank()];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int j = 0;
        for (int i = 0; i < rank(); i++) {
            if (!isReduced[i]) {
                perm[j++] = i;
            }
        }
        for (int d : reduced) {
            perm[j++] = d;
        }
        return permute(perm);
    }

    /**
     * The diagonal of two dims as a view, as {@code torch.diagonal}: both dims removed and one appended whose
     * stride is the sum of theirs; a positive offset starts on dim2 (above the main diagonal), a negative one on
     * dim1.
     *
     * @param diagonalOffset which diagonal: 0 the main one, positive above, negative below
     * @param dim1 the first dim (normalized, distinct from dim2)
     * @param dim2 the second dim
     * @return the diagonal's layout; its last dim has {@code max(0, min(n1 + min(off, 0), n2 - max(off, 0)))}
     *     elements
     */
    public Layout diagonal(int diagonalOffset, int dim1, int dim2) {
        int n1 = shape[dim1], n2 = shape[dim2];
        int length = Math.max(0, diagonalOffset >= 0 ? Math.min(n1, n2 - diagonalOffset)
                : Math.min(n1 + diagonalOffset, n2));
        int start = offset;
        if (length > 0) {
            start += diagonalOffset >= 0 ? diagonalOffset * strides[dim2] : -diagonalOffset * strides[dim1];
        }
        int[] sh = new int[rank() - 1], st = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != dim1 && i != dim2) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        sh[rank() - 2] = length;
        st[rank() - 2] = strides[dim1] + strides[dim2];
        return new Layout(sh, st, start);
    }

    /**
     * A matrix as a batch of one, {@code [m, n] -> [1, m, n]} with batch stride 0, for {@link Backend#matmul}.
     *
     * @return the rank-3 layout
     */
    public Layout asBatchOfOne() {
        return new Layout(new int[] {1, shape[0], shape[1]}, new int[] {0, strides[0], strides[1]}, offset);
    }

    private static int[] removeAt(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    private static int[] insertAt(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
