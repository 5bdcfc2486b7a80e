package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Views and reshapes of {@link Tensor}: new shapes, dim orders, slices, diagonals and broadcasts over the same
 * storage (the stride math lives on {@link Layout}), and the shape ops that copy (repeat, tile, flip, roll,
 * tril/triu, diag). A view shares its storage and version counter with
 * its base, so in-place writes through it are seen by both. Dims may be negative, counting from the end.
 */
public sealed interface TensorViews permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * A view with a new shape, like {@code tensor.view(*shape)}.
     *
     * @param shape the new sizes; one may be -1 (inferred)
     * @return the view; {@code ViewBackward0}
     * @throws IllegalArgumentException when the shape does not hold this tensor's elements
     * @throws IllegalStateException when the strides do not allow a view (use {@link #reshape})
     */
    default Tensor view(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        Tensor x = self();
        Layout view = x.layout().viewAs(Layout.inferShape(shape, x.numel()));
        if (view == null) {
            throw new IllegalStateException("view size is not compatible with input tensor's size and stride (at least "
                    + "one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        }
        int[] from = x.shapeUnsafe();
        return Tensor.record("ViewBackward0", x.view(view, t -> t.reshape(view.shape())),
                (g, needs) -> new Tensor[] {g.reshape(from)}, x);
    }

    /**
     * A view when the strides allow, else a copy, with the new shape, like {@code tensor.reshape(*shape)}.
     *
     * @param shape the new sizes; one may be -1 (inferred)
     * @return this tensor for the same shape, else a view ({@code ViewBackward0}) or, when the strides do not
     *     allow one, a contiguous copy reshaped ({@code UnsafeViewBackward0} over {@code CloneBackward0}, as
     *     PyTorch's {@code _unsafe_view(self.clone())})
     * @throws IllegalArgumentException when the shape does not hold this tensor's elements
     */
    default Tensor reshape(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        Tensor x = self();
        int[] target = Layout.inferShape(shape, x.numel());
        if (Arrays.equals(target, x.shapeUnsafe())) {
            return x;
        }
        if (x.layout().viewAs(target) != null) {
            return x.view(target);
        }
        Tensor copy = x.contiguous();
        int[] from = copy.shapeUnsafe();
        return Tensor.record("UnsafeViewBackward0", Kernels.reshapeNoGrad(copy, target),
                (g, needs) -> new Tensor[] {g.reshape(from)}, copy);
    }

    /**
     * All dims flattened into one, like {@code tensor.flatten()}.
     *
     * @return a 1-D view or copy
     */
    default Tensor flatten() {
        return reshape(-1);
    }

    /**
     * Dims {@code startDim..endDim} (inclusive) flattened into one, like {@code tensor.flatten(start, end)}.
     *
     * @param startDim the first dim merged
     * @param endDim the last dim merged
     * @return a view or copy
     * @throws IllegalArgumentException when start comes after end
     */
    default Tensor flatten(int startDim, int endDim) {
        Tensor x = self();
        if (x.dim() == 0) {
            return reshape(1);
        }
        int s = Shape.normalizeDim(startDim, x.dim()), e = Shape.normalizeDim(endDim, x.dim());
        if (s > e) {
            throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        }
        int[] shape = x.shapeUnsafe();
        int[] out = new int[shape.length - (e - s)];
        System.arraycopy(shape, 0, out, 0, s);
        out[s] = 1;
        for (int i = s; i <= e; i++) {
            out[s] *= shape[i];
        }
        System.arraycopy(shape, e + 1, out, s + 1, shape.length - e - 1);
        return reshape(out);
    }

    /**
     * Two dims swapped (a view), like {@code tensor.transpose(dim0, dim1)}.
     *
     * @param dim0 one dim
     * @param dim1 the other
     * @return the view; {@code TransposeBackward0}
     */
    default Tensor transpose(int dim0, int dim1) {
        Tensor x = self();
        int a = Shape.normalizeDim(dim0, x.dim()), b = Shape.normalizeDim(dim1, x.dim());
        if (x.dim() == 0) {
            return x;
        }
        return Tensor.record("TransposeBackward0", x.view(x.layout().transpose(a, b), t -> t.transpose(a, b)),
                (g, needs) -> new Tensor[] {g.transpose(a, b)}, x);
    }

    /**
     * The transpose of a matrix, like {@code tensor.t()}; tensors of fewer than 2 dims come back as they are.
     *
     * @return the view; {@code TBackward0}
     * @throws IllegalArgumentException for more than 2 dims
     */
    default Tensor t() {
        Tensor x = self();
        if (x.dim() > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + x.dim()
                    + "D");
        }
        if (x.dim() < 2) {
            return x;
        }
        return Tensor.record("TBackward0", x.view(x.layout().transpose(0, 1), Tensor::t),
                (g, needs) -> new Tensor[] {g.t()}, x);
    }

    /**
     * Dims reordered (a view), like {@code tensor.permute(*dims)}: dim i of the result is dim {@code dims[i]}.
     *
     * @param dims a permutation of the dims
     * @return the view; {@code PermuteBackward0}
     * @throws IllegalArgumentException when dims is not a permutation
     */
    default Tensor permute(int... dims) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        if (dims.length != x.dim()) {
            throw new IllegalArgumentException("permute(): number of dimensions in the tensor input does not match "
                    + "the length of the desired ordering of dimensions i.e. input.dim() = " + x.dim()
                    + " is not equal to len(dims) = " + dims.length);
        }
        int[] perm = new int[dims.length], inverse = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim(dims[i], x.dim());
            if (seen[d]) {
                throw new IllegalArgumentException("permute(): duplicate dims are not allowed.");
            }
            seen[d] = true;
            perm[i] = d;
            inverse[d] = i;
        }
        return Tensor.record("PermuteBackward0", x.view(x.layout().permute(perm), t -> t.permute(perm)),
                (g, needs) -> new Tensor[] {g.permute(inverse)}, x);
    }

    /**
     * All size-1 dims removed (a view), like {@code tensor.squeeze()}.
     *
     * @return the view; {@code SqueezeBackward0}
     */
    default Tensor squeeze() {
        Tensor x = self();
        int[] from = x.shapeUnsafe();
        return Tensor.record("SqueezeBackward0", x.view(x.layout().squeeze(), Tensor::squeeze),
                (g, needs) -> new Tensor[] {g.reshape(from)}, x);
    }

    /**
     * A dim removed if its size is 1 (otherwise this tensor, as in PyTorch), like {@code tensor.squeeze(dim)}.
     *
     * @param dim the dim
     * @return the view; {@code SqueezeBackward1}
     */
    default Tensor squeeze(int dim) {
        Tensor x = self();
        if (x.dim() == 0) {
            return x;
        }
        int d = Shape.normalizeDim(dim, x.dim());
        if (x.shapeUnsafe()[d] != 1) {
            return x;
        }
        return Tensor.record("SqueezeBackward1", x.view(x.layout().squeeze(d), t -> t.squeeze(d)),
                (g, needs) -> new Tensor[] {g.unsqueeze(d)}, x);
    }

    /**
     * A size-1 dim inserted (a view), like {@code tensor.unsqueeze(dim)}.
     *
     * @param dim its position, in {@code [-dim()-1, dim()]}
     * @return the view; {@code UnsqueezeBackward0}
     */
    default Tensor unsqueeze(int dim) {
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim() + 1);
        return Tensor.record("UnsqueezeBackward0", x.view(x.layout().unsqueeze(d), t -> t.unsqueeze(d)),
                (g, needs) -> new Tensor[] {g.squeeze(d)}, x);
    }

    /**
     * Size-1 dims (and new leading dims) broadcast to the given sizes without copying, like
     * {@code tensor.expand(*sizes)}.
     *
     * @param sizes the target sizes; -1 keeps a size
     * @return this tensor for the same shape, else the view; {@code ExpandBackward0}
     * @throws IllegalArgumentException with PyTorch's message when a size cannot be expanded
     */
    default Tensor expand(int... sizes) {
        Objects.requireNonNull(sizes, "sizes must not be null");
        Tensor x = self();
        Layout expanded = x.layout().expand(sizes);
        if (Arrays.equals(expanded.shape(), x.shapeUnsafe())) {
            return x;
        }
        int[] from = x.shapeUnsafe();
        return Tensor.record("ExpandBackward0", x.view(expanded, t -> t.expand(expanded.shape())),
                (g, needs) -> new Tensor[] {g.sumToShape(from)}, x);
    }

    /**
     * {@code length} elements of a dim from {@code start} on (a view), like {@code tensor.narrow}.
     *
     * @param dim the dim
     * @param start the first index (negative counts from the end)
     * @param length how many
     * @return the view; {@code SliceBackward0}
     * @throws IndexOutOfBoundsException when the range does not fit the dim
     */
    default Tensor narrow(int dim, int start, int length) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.shapeUnsafe()[d];
        int s0 = start < 0 ? start + size : start;
        if (s0 < 0 || s0 > size || length < 0 || s0 + length > size) {
            throw new IndexOutOfBoundsException("start (" + s0 + ") + length (" + length + ") exceeds dimension size ("
                    + size + ") of dim " + d + " in tensor of shape " + x.shape());
        }
        int[] from = x.shapeUnsafe();
        return Tensor.record("SliceBackward0", x.view(x.layout().narrow(d, s0, length), t -> t.narrow(d, s0, length)),
                (g, needs) -> new Tensor[] {sliceBackward(g, from, d, s0)}, x);
    }

    /** The inverse of narrow for gradients: zeros of {@code shape} with g placed at [start, start+len) of dim. */
    private static Tensor sliceBackward(Tensor g, int[] shape, int dim, int start) {
        Tensor out = Tensor.zeros(Shape.of(shape), g.dtype(), g.device());
        int len = g.size(dim);
        g.kernels().copy(g.storageUnsafe(), g.layout(), out.storageUnsafe(), out.layout().narrow(dim, start, len));
        return Tensor.record("SliceBackwardBackward0", out, (gg, needs) -> new Tensor[] {gg.narrow(dim, start, len)},
                g);
    }

    /**
     * One index of a dim, the dim removed (a view), like {@code tensor.select(dim, index)}.
     *
     * @param dim the dim
     * @param index the index (negative counts from the end)
     * @return the view; {@code SelectBackward0}
     * @throws IndexOutOfBoundsException when the index is out of range
     */
    default Tensor select(int dim, int index) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("select() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.shapeUnsafe()[d];
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + x.shape() + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        int[] from = x.shapeUnsafe();
        return Tensor.record("SelectBackward0", x.view(x.layout().select(d, i), t -> t.select(d, i)),
                (g, needs) -> new Tensor[] {sliceBackward(g.unsqueeze(d), from, d, i)}, x);
    }

    /**
     * This tensor if already contiguous, else a contiguous copy, like {@code tensor.contiguous()}.
     *
     * @return a contiguous tensor; {@code CloneBackward0} when copied
     */
    default Tensor contiguous() {
        return self().isContiguous() ? self() : copy();
    }

    /**
     * A copy with its own storage, like {@code tensor.clone()}.
     *
     * @return the copy; {@code CloneBackward0}
     */
    default Tensor copy() {
        Tensor x = self();
        return Tensor.record("CloneBackward0", x.contiguousCopy(), (g, needs) -> new Tensor[] {g}, x);
    }

    // ------------------------------------------------------------------ the common shape ops

    /**
     * Pieces of {@code splitSize} along a dim (the last may be smaller), each a view, like
     * {@code tensor.split(split_size, dim)}.
     *
     * @param splitSize the size of each piece
     * @param dim the dim to split
     * @return the views, each recorded as a {@code SplitBackward0} node (PyTorch records one node for all of them)
     * @throws IllegalArgumentException for a negative size, or a size of 0 on a non-empty dim
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default List<Tensor> split(int splitSize, int dim) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("split expects at least a 1-dimensional tensor");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.shapeUnsafe()[d];
        if (splitSize < 0 || splitSize == 0 && size != 0) {
            throw new IllegalArgumentException("split_size can only be 0 if dimension size is 0, but got dimension "
                    + "size of " + size);
        }
        List<Tensor> out = new ArrayList<>();
        if (size == 0) {
            out.add(piece(x, "SplitBackward0", d, 0, 0));
            return out;
        }
        for (int start = 0; start < size; start += splitSize) {
            out.add(piece(x, "SplitBackward0", d, start, Math.min(splitSize, size - start)));
        }
        return out;
    }

    /**
     * Pieces of the given sizes along a dim, each a view, like {@code tensor.split([sizes], dim)}.
     *
     * @param sizes the size of each piece; they must add up to the dim's size
     * @param dim the dim to split
     * @return the views, each recorded as a {@code SplitWithSizesBackward0} node
     * @throws IllegalArgumentException when the sizes do not add up to the dim's size, or one is negative
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default List<Tensor> split(int[] sizes, int dim) {
        Objects.requireNonNull(sizes, "sizes must not be null");
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("split expects at least a 1-dimensional tensor");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.shapeUnsafe()[d];
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split_with_sizes expects split_sizes have only non-negative "
                        + "entries, but got split_sizes=" + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != size) {
            throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + size
                    + " (input tensor's size at dimension " + d + "), but got split_sizes=" + Arrays.toString(sizes));
        }
        List<Tensor> out = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            out.add(piece(x, "SplitWithSizesBackward0", d, start, s));
            start += s;
        }
        return out;
    }

    /** A view of {@code length} indices of dim d from {@code start}, recorded as a {@code node} (a split piece). */
    private static Tensor piece(Tensor x, String node, int d, int start, int length) {
        int[] from = x.shapeUnsafe();
        return Tensor.record(node, x.view(x.layout().narrow(d, start, length), t -> t.narrow(d, start, length)),
                (g, needs) -> new Tensor[] {sliceBackward(g, from, d, start)}, x);
    }

    /**
     * At most {@code chunks} views of equal size along a dim (the last may be smaller), like
     * {@code tensor.chunk(chunks, dim)}.
     *
     * @param chunks how many pieces at most
     * @param dim the dim to split
     * @return the views, each a {@code SplitBackward0} node as {@link #split(int, int)}'s; an empty dim gives
     *     {@code chunks} empty views ({@code SplitWithSizesBackward0}), as PyTorch's
     * @throws IllegalArgumentException when chunks is not positive
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default List<Tensor> chunk(int chunks, int dim) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("chunk expects at least a 1-dimensional tensor");
        }
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        }
        int d = Shape.normalizeDim(dim, x.dim());
        int size = x.shapeUnsafe()[d];
        if (size == 0) { // as PyTorch: split_with_sizes into `chunks` empty pieces
            return split(new int[chunks], d);
        }
        return split((size + chunks - 1) / chunks, d);
    }

    /**
     * Every index of a dim as a view with the dim removed, like {@code tensor.unbind(dim)}.
     *
     * @param dim the dim
     * @return the views, one per index, each recorded as an {@code UnbindBackward0} node
     * @throws IllegalArgumentException for a 0-d tensor
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default List<Tensor> unbind(int dim) {
        Tensor x = self();
        if (x.dim() == 0) {
            throw new IllegalArgumentException("Dimension specified as 0 but tensor has no dimensions");
        }
        int d = Shape.normalizeDim(dim, x.dim());
        List<Tensor> out = new ArrayList<>();
        int[] from = x.shapeUnsafe();
        for (int i = 0; i < from[d]; i++) {
            int index = i;
            out.add(Tensor.record("UnbindBackward0", x.view(x.layout().select(d, index), t -> t.select(d, index)),
                    (g, needs) -> new Tensor[] {sliceBackward(g.unsqueeze(d), from, d, index)}, x));
        }
        return out;
    }

    /**
     * The tensor repeated along each dim, like {@code tensor.repeat(*repeats)}; extra leading repeats add dims.
     * Computed as a broadcast view of interleaved size-1 dims, then a copy; the gradient sums the copies.
     *
     * @param repeats how many times along each dim, at least {@link Tensor#dim()} of them
     * @return a new tensor; {@code RepeatBackward0}
     * @throws IllegalArgumentException with fewer repeats than dims, or a negative repeat
     */
    default Tensor repeat(int... repeats) {
        Objects.requireNonNull(repeats, "repeats must not be null");
        Tensor x = self();
        if (repeats.length < x.dim()) {
            throw new IllegalArgumentException("Number of dimensions of repeat dims can not be smaller than number "
                    + "of dimensions of tensor");
        }
        int r = repeats.length, lead = r - x.dim();
        int[] padded = new int[r], inter = new int[2 * r], expanded = new int[2 * r], out = new int[r];
        for (int i = 0; i < r; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("Trying to create tensor with negative dimension "
                        + repeats[i] + ": " + Arrays.toString(repeats));
            }
            padded[i] = i < lead ? 1 : x.shapeUnsafe()[i - lead];
            inter[2 * i] = 1;
            inter[2 * i + 1] = padded[i];
            expanded[2 * i] = repeats[i];
            expanded[2 * i + 1] = padded[i];
            out[i] = repeats[i] * padded[i];
        }
        return SingleNodeOps.repeat(x, inter, expanded, out);
    }

    /**
     * Each element repeated {@code repeats} times in a row along {@code dim}, like
     * {@code tensor.repeat_interleave(repeats, dim)}: {@code [1, 2]} gives {@code [1, 1, 2, 2]} for 2. A composite
     * as PyTorch's with an int repeats (a broadcast view of a new size-1 dim after {@code dim}, a contiguous copy,
     * a reshape), so its graph shows {@code ViewBackward0} over {@code CloneBackward0} and
     * {@code ExpandBackward0}, and the gradient sums each run of copies.
     *
     * @param repeats how many copies of each element, 0 or more
     * @param dim the dim to repeat along (negative counts from the end); a 0-d tensor is taken as 1-D
     * @return a new tensor, {@code dim} {@code repeats} times longer
     * @throws IllegalArgumentException for a negative repeats
     * @throws IndexOutOfBoundsException for a dim out of range
     */
    default Tensor repeatInterleave(int repeats, int dim) {
        if (repeats < 0) {
            throw new IllegalArgumentException("repeats can not be negative");
        }
        Tensor x = self().dim() == 0 ? self().reshape(1) : self();
        int d = Shape.normalizeDim(dim, x.dim());
        int[] shape = x.shapeUnsafe();
        int[] expanded = new int[shape.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            expanded[j++] = shape[i];
            if (i == d) {
                expanded[j++] = repeats;
            }
        }
        int[] out = shape.clone();
        out[d] = shape[d] * repeats;
        return x.unsqueeze(d + 1).expand(expanded).contiguous().reshape(out);
    }

    /**
     * Each element of the flattened tensor repeated {@code repeats} times in a row, like
     * {@code tensor.repeat_interleave(repeats)} (no dim): {@code flatten().repeatInterleave(repeats, 0)}.
     *
     * @param repeats how many copies of each element, 0 or more
     * @return a new 1-D tensor
     * @throws IllegalArgumentException for a negative repeats
     */
    default Tensor repeatInterleave(int repeats) {
        return self().flatten().repeatInterleave(repeats, 0);
    }

    /**
     * The tensor repeated along each dim, like {@code tensor.tile(dims)}: as {@link #repeat} with 1s prepended
     * when fewer reps than dims are given.
     *
     * @param reps how many times along each (trailing) dim
     * @return a new tensor; {@code RepeatBackward0}
     * @throws IllegalArgumentException for a negative rep
     */
    default Tensor tile(int... reps) {
        Objects.requireNonNull(reps, "reps must not be null");
        Tensor x = self();
        int[] full = reps;
        if (reps.length < x.dim()) {
            full = new int[x.dim()];
            Arrays.fill(full, 1);
            System.arraycopy(reps, 0, full, x.dim() - reps.length, reps.length);
        }
        return repeat(full);
    }

    /**
     * The order of elements reversed along dims, like {@code tensor.flip(dims)} (a copy). Computed by size-1
     * slices joined in reverse order: O(n) slice ops per flipped dim of size n, meant for the small dims flips are
     * used on. The gradient is the flipped gradient.
     *
     * @param dims the dims to reverse
     * @return a new tensor; {@code FlipBackward0}
     * @throws IllegalArgumentException when a dim repeats
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor flip(int... dims) {
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        return SingleNodeOps.flip(x, Kernels.normalizeDims(x, dims));
    }

    /**
     * Elements shifted cyclically along dims, like {@code tensor.roll(shifts, dims)}; with no dims the tensor is
     * rolled as if flattened. Computed by two slices joined; the gradient is rolled back.
     *
     * @param shifts how far along each dim (negative: backwards)
     * @param dims the dims, as many as shifts; none rolls the flattened tensor by the single shift
     * @return a new tensor; {@code RollBackward0}
     * @throws IllegalArgumentException when shifts and dims differ in count
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor roll(int[] shifts, int[] dims) {
        Objects.requireNonNull(shifts, "shifts must not be null");
        Objects.requireNonNull(dims, "dims must not be null");
        Tensor x = self();
        if (dims.length == 0 && shifts.length == 1) {
            return SingleNodeOps.roll(x, shifts, new int[0]);
        }
        if (shifts.length != dims.length) {
            throw new IllegalArgumentException("shifts and dimensions must align. shifts: " + shifts.length
                    + ", dims:" + dims.length);
        }
        int[] nd = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            nd[i] = Shape.normalizeDim(dims[i], x.dim());
        }
        return SingleNodeOps.roll(x, shifts, nd);
    }

    /**
     * The lower triangle of the last two dims (elements with {@code col - row <= diagonal}), others 0, like
     * {@code tensor.tril(diagonal)}; the gradient is the gradient's lower triangle.
     *
     * @param diagonal which diagonal bounds the triangle: 0 the main one, positive above, negative below
     * @return a new tensor; {@code TrilBackward0}
     * @throws IllegalArgumentException for fewer than 2 dims
     */
    default Tensor tril(int diagonal) {
        return triangle(diagonal, true);
    }

    /**
     * The upper triangle of the last two dims (elements with {@code col - row >= diagonal}), others 0, like
     * {@code tensor.triu(diagonal)}; the gradient is the gradient's upper triangle.
     *
     * @param diagonal which diagonal bounds the triangle: 0 the main one, positive above, negative below
     * @return a new tensor; {@code TriuBackward0}
     * @throws IllegalArgumentException for fewer than 2 dims
     */
    default Tensor triu(int diagonal) {
        return triangle(diagonal, false);
    }

    private Tensor triangle(int diagonal, boolean lower) {
        Tensor x = self();
        if (x.dim() < 2) {
            throw new IllegalArgumentException((lower ? "tril" : "triu") + ": input tensor must have at least 2 "
                    + "dimensions");
        }
        return SingleNodeOps.triangle(x, diagonal, lower);
    }

    /**
     * A diagonal of two dims as a view (the dims removed, the diagonal appended last), like
     * {@code tensor.diagonal(offset, dim1, dim2)}; writes through it reach this tensor.
     *
     * @param offset which diagonal: 0 the main one, positive above, negative below
     * @param dim1 the first dim
     * @param dim2 the second dim
     * @return the view; {@code DiagonalBackward0}
     * @throws IllegalArgumentException when the dims are the same
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor diagonal(int offset, int dim1, int dim2) {
        Tensor x = self();
        int a = Shape.normalizeDim(dim1, x.dim()), b = Shape.normalizeDim(dim2, x.dim());
        if (a == b) {
            throw new IllegalArgumentException("diagonal dimensions cannot be identical " + dim1 + ", " + dim2);
        }
        int[] from = x.shapeUnsafe();
        return Tensor.record("DiagonalBackward0", x.view(x.layout().diagonal(offset, a, b),
                t -> t.diagonal(offset, a, b)), (g, needs) -> new Tensor[] {diagonalBackward(g, from, offset, a, b)},
                x);
    }

    /** Zeros of {@code shape} with g written on the diagonal {@code (offset, a, b)}: the gradient of diagonal. */
    private static Tensor diagonalBackward(Tensor g, int[] shape, int offset, int a, int b) {
        Tensor out = Tensor.zeros(Shape.of(shape), g.dtype(), g.device());
        g.kernels().copy(g.storageUnsafe(), g.layout(), out.storageUnsafe(), out.layout().diagonal(offset, a, b));
        return Tensor.record("DiagonalBackwardBackward0", out,
                (gg, needs) -> new Tensor[] {gg.diagonal(offset, a, b)}, g);
    }

    /**
     * A 1-D tensor as the given diagonal of a square matrix (zeros elsewhere), or a matrix's diagonal as a new 1-D
     * tensor, like {@code torch.diag(x, diagonal)}.
     *
     * @param diagonal which diagonal: 0 the main one, positive above, negative below
     * @return a new 2-D ({@code DiagEmbedBackward0}) or 1-D tensor
     * @throws IllegalArgumentException when this tensor is neither 1-D nor 2-D
     */
    default Tensor diag(int diagonal) {
        Tensor x = self();
        if (x.dim() == 2) {
            return x.diagonal(diagonal, 0, 1).copy();
        }
        if (x.dim() != 1) {
            throw new IllegalArgumentException("diag(): Supports 1D or 2D tensors. Got " + x.dim() + "D");
        }
        int n = x.size(0) + Math.abs(diagonal);
        Tensor out = diagonalBackward(x.detach(), new int[] {n, n}, diagonal, 0, 1).detach();
        return Tensor.record("DiagEmbedBackward0", out, (g, needs) -> new Tensor[] {g.diagonal(diagonal, 0, 1)}, x);
    }

    /**
     * Dims moved to new positions, the others keeping their order, like {@code tensor.movedim(source,
     * destination)} (a view).
     *
     * @param source the dims to move
     * @param destination where each goes
     * @return the view; {@code PermuteBackward0}
     * @throws IllegalArgumentException when the lists differ in length or repeat a dim
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor movedim(int[] source, int[] destination) {
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(destination, "destination must not be null");
        Tensor x = self();
        int rank = x.dim();
        if (source.length != destination.length) {
            throw new IllegalArgumentException("movedim: Invalid source or destination dims: source ("
                    + Arrays.toString(source) + " dims) should contain the same number of dims as destination ("
                    + Arrays.toString(destination) + " dims)");
        }
        int[] perm = new int[rank];
        Arrays.fill(perm, -1);
        boolean[] moved = new boolean[Math.max(rank, 1)], seenSrc = new boolean[Math.max(rank, 1)];
        for (int i = 0; i < source.length; i++) {
            int s = Shape.normalizeDim(source[i], rank), t = Shape.normalizeDim(destination[i], rank);
            if (seenSrc[s]) {
                throw new IllegalArgumentException("movedim: repeated dim in `source` (" + Arrays.toString(source)
                        + ")");
            }
            if (rank > 0 && perm[t] != -1) {
                throw new IllegalArgumentException("movedim: repeated dim in `destination` ("
                        + Arrays.toString(destination) + ")");
            }
            seenSrc[s] = true;
            if (rank > 0) {
                perm[t] = s;
            }
            moved[s] = true;
        }
        if (rank == 0) {
            return x;
        }
        int next = 0;
        for (int i = 0; i < rank; i++) {
            if (perm[i] == -1) {
                while (moved[next]) {
                    next++;
                }
                perm[i] = next++;
            }
        }
        return x.permute(perm);
    }

    /**
     * A dim moved to a new position, like {@code tensor.movedim(source, destination)} (a view).
     *
     * @param source the dim to move
     * @param destination where it goes
     * @return the view; {@code PermuteBackward0}
     * @throws IndexOutOfBoundsException when a dim is out of range
     */
    default Tensor movedim(int source, int destination) {
        return movedim(new int[] {source}, new int[] {destination});
    }

    /**
     * One dim expanded into several, like {@code tensor.unflatten(dim, sizes)} (a view where the strides allow).
     *
     * @param dim the dim to expand
     * @param sizes its new sizes, whose product is its size; one may be -1 (inferred)
     * @return a view or copy
     * @throws IllegalArgumentException when the sizes are empty or do not multiply up to the dim's size
     * @throws IndexOutOfBoundsException when the dim is out of range
     */
    default Tensor unflatten(int dim, int... sizes) {
        Objects.requireNonNull(sizes, "sizes must not be null");
        Tensor x = self();
        int d = Shape.normalizeDim(dim, x.dim());
        if (sizes.length == 0) {
            throw new IllegalArgumentException("unflatten: sizes must be non-empty");
        }
        int size = x.shapeUnsafe()[d];
        int[] inner;
        try {
            inner = Layout.inferShape(sizes, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unflatten: Provided sizes " + Arrays.toString(sizes)
                    + " don't multiply up to the size of dim " + dim + " (" + size + ") in the input tensor", e);
        }
        int[] s = x.shapeUnsafe();
        int[] out = new int[s.length - 1 + inner.length];
        System.arraycopy(s, 0, out, 0, d);
        System.arraycopy(inner, 0, out, d, inner.length);
        System.arraycopy(s, d + 1, out, d + inner.length, s.length - d - 1);
        return reshape(out);
    }
}
