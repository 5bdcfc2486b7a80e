package dev.autograd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plan of one advanced indexing ({@code x[i0, :, i2]} with index tensors), as PyTorch's {@code index} and
 * {@code index_put_} make it: boolean indices become their {@code nonzero()} (a mask of k dims is k int64
 * indices), the int64 indices broadcast together to a shape B, and the result has B where the indexed dims were
 * when they are adjacent, or first when a full slice separates them, the other dims of {@code x} in order
 * around it. The plan holds, for every element of the result, the flat (row-major) position in {@code x} it is
 * read from (or written to): both ops are then one gather or scatter over the flattened tensor, and each is the
 * other's derivative.
 */
final class AdvancedIndex {
    final int[] selfShape;
    final int[] resultShape;
    /** INT64, contiguous, of {@link #resultShape}: the flat position in a row-major {@code x} of each element. */
    final Tensor offsets;

    private AdvancedIndex(int[] selfShape, int[] resultShape, Tensor offsets) {
        this.selfShape = selfShape;
        this.resultShape = resultShape;
        this.offsets = offsets;
    }

    /**
     * Checks the indices against {@code x} with PyTorch's messages and makes the plan. Index tensors on another
     * device are moved to x's (PyTorch accepts CPU indices for a CUDA tensor).
     */
    static AdvancedIndex of(Tensor x, Tensor[] indices) {
        int rank = x.dim();
        int[] shape = x.shapeUnsafe();
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : indices) {
            if (t == null) {
                expanded.add(null);
                continue;
            }
            if (t.dtype() == DType.BOOL) {
                int at = expanded.size();
                if (t.dim() == 0) {
                    throw new IllegalArgumentException("index(): a 0-dim boolean index is not supported here; "
                            + "get(Index.of(mask)) takes it (a new dim, as x[True] in PyTorch)");
                }
                if (at + t.dim() > rank) {
                    throw new IndexOutOfBoundsException("too many indices for tensor of dimension " + rank);
                }
                for (int j = 0; j < t.dim(); j++) {
                    if (t.size(j) != shape[at + j]) {
                        throw new IndexOutOfBoundsException("The shape of the mask " + Arrays.toString(t.shapeUnsafe())
                                + " at index " + j + " does not match the shape of the indexed tensor "
                                + Arrays.toString(shape) + " at index " + (at + j));
                    }
                }
                expanded.addAll(maskIndices(t.to(x.device())));
            } else if (t.dtype() == DType.INT64) {
                expanded.add(t.to(x.device()));
            } else {
                throw new IllegalArgumentException("tensors used as indices must be long, int, byte or bool tensors");
            }
        }
        if (expanded.size() > rank) {
            throw new IndexOutOfBoundsException("too many indices for tensor of dimension " + rank);
        }
        while (expanded.size() < rank) {
            expanded.add(null);
        }
        int[] dims = new int[rank];
        int nd = 0;
        int[] b = null;
        for (int d = 0; d < rank; d++) {
            Tensor t = expanded.get(d);
            if (t == null) {
                continue;
            }
            dims[nd++] = d;
            try {
                b = b == null ? t.shapeUnsafe() : Shape.broadcast(b, t.shapeUnsafe());
            } catch (IllegalArgumentException e) {
                StringBuilder shapes = new StringBuilder();
                for (Tensor u : expanded) {
                    if (u != null) {
                        shapes.append(shapes.length() == 0 ? "" : ", ").append(Arrays.toString(u.shapeUnsafe()));
                    }
                }
                throw new IndexOutOfBoundsException("shape mismatch: indexing tensors could not be broadcast together "
                        + "with shapes " + shapes);
            }
        }
        if (nd == 0) {
            return null;
        }
        dims = Arrays.copyOf(dims, nd);
        boolean adjacent = dims[nd - 1] - dims[0] + 1 == nd;
        int bpos = adjacent ? dims[0] : 0;
        int resultRank = b.length + rank - nd;
        int[] result = new int[resultRank];
        int[] placeOf = new int[rank]; // result position of each dim not indexed
        int q = 0;
        for (int d = 0; d < rank; d++) {
            if (q == bpos) {
                System.arraycopy(b, 0, result, q, b.length);
                q += b.length;
            }
            if (expanded.get(d) == null) {
                placeOf[d] = q;
                result[q++] = shape[d];
            }
        }
        if (q == bpos) {
            System.arraycopy(b, 0, result, q, b.length);
        }
        long[] strides = new long[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        Tensor offsets;
        try (var g = Autograd.noGrad()) {
            Device device = x.device();
            offsets = Tensor.zeros(Shape.of(), DType.INT64, device);
            int[] placedB = new int[resultRank];
            Arrays.fill(placedB, 1);
            System.arraycopy(b, 0, placedB, bpos, b.length);
            for (int d : dims) {
                Tensor t = expanded.get(d);
                IndexKernels.checkRange(x, t, d, shape[d], true);
                Tensor wrapped = IndexKernels.wrapNegative(t, shape[d]);
                offsets = offsets.add(wrapped.expand(b).reshape(placedB).mul(strides[d]));
            }
            for (int d = 0; d < rank; d++) {
                if (expanded.get(d) == null) {
                    int[] placed = new int[resultRank];
                    Arrays.fill(placed, 1);
                    placed[placeOf[d]] = shape[d];
                    offsets = offsets.add(Tensor.arange(0, shape[d], 1, DType.INT64, device).mul(strides[d])
                            .reshape(placed));
                }
            }
            offsets = offsets.expand(result).contiguous().detach();
        }
        return new AdvancedIndex(shape.clone(), result, offsets);
    }

    /** The int64 indices of a mask's true elements, one tensor per mask dim ({@code nonzero().unbind(1)}). */
    private static List<Tensor> maskIndices(Tensor mask) {
        int[] pos = IndexKernels.nonzeroPositions(mask);
        int k = mask.dim();
        int[] shape = mask.shapeUnsafe();
        long[][] cols = new long[k][pos.length];
        for (int i = 0; i < pos.length; i++) {
            int p = pos[i];
            for (int j = k - 1; j >= 0; j--) {
                cols[j][i] = p % shape[j];
                p /= shape[j];
            }
        }
        List<Tensor> out = new ArrayList<>(k);
        for (long[] col : cols) {
            out.add(Tensor.of(col, col.length).to(mask.device()));
        }
        return out;
    }

    /** {@code x[indices]}: a new tensor; {@code IndexBackward0}, whose gradient is an accumulating index_put. */
    Tensor index(Tensor x) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = IndexKernels.gather(x.reshape(-1), 0, offsets.reshape(-1)).reshape(resultShape).detach();
        }
        return Tensor.record("IndexBackward0", out, (g, needs) -> new Tensor[] {
            put(Tensor.zeros(Shape.of(selfShape), g.dtype(), g.device()), g, true)}, x);
    }

    /**
     * {@code index_put(x, indices, values, accumulate)} out of place: a copy of x with values (broadcast to the
     * result's shape) written or added at the indexed positions; {@code IndexPutBackward0}.
     */
    Tensor put(Tensor x, Tensor values, boolean accumulate) {
        if (values.dtype() != x.dtype()) {
            throw new IllegalArgumentException("Index put requires the source and destination dtypes match, got "
                    + x.dtype().scalarTypeName() + " for the destination and " + values.dtype().scalarTypeName()
                    + " for the source.");
        }
        Kernels.checkSameDevice(x, values);
        Tensor v = values;
        while (v.dim() > resultShape.length && v.size(0) == 1) { // leading 1s go, as in PyTorch's setitem
            v = v.squeeze(0);
        }
        boolean fits;
        try {
            fits = Arrays.equals(Shape.broadcast(v.shapeUnsafe(), resultShape), resultShape);
        } catch (IllegalArgumentException e) {
            fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException("shape mismatch: value tensor of shape "
                    + Arrays.toString(values.shapeUnsafe()) + " cannot be broadcast to indexing result of shape "
                    + Arrays.toString(resultShape));
        }
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor flatValues = v.expand(resultShape).contiguous().reshape(-1);
            Tensor flat = offsets.reshape(-1);
            Tensor base = x.reshape(-1);
            out = (accumulate ? IndexKernels.scatterAdd(base, 0, flat, flatValues)
                    : IndexKernels.write(base, flat, flatValues)).reshape(selfShape).detach();
        }
        int[] valueShape = values.shapeUnsafe();
        int[] squeezedShape = v.shapeUnsafe();
        return Tensor.record("IndexPutBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? (accumulate ? g : put(g, Tensor.zeros(Shape.of(), g.dtype(), g.device()), false)) : null,
            needs[1] ? index(g).sumToShape(squeezedShape).reshape(valueShape) : null}, x, values);
    }
}
