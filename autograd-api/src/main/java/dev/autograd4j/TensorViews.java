package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Views and reshapes of {@link Tensor}: new shapes, dim orders, slices and broadcasts over the same storage
 * (the stride math lives on {@link Layout}), and copies. A view shares its storage and version counter with
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
     * @return this tensor for the same shape, else a view or a copy
     * @throws IllegalArgumentException when the shape does not hold this tensor's elements
     */
    default Tensor reshape(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        Tensor x = self();
        int[] target = Layout.inferShape(shape, x.numel());
        if (Arrays.equals(target, x.shapeUnsafe())) {
            return x;
        }
        return x.layout().viewAs(target) != null ? x.view(target) : x.contiguous().view(target);
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
}
