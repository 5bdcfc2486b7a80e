package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Matrix products of {@link Tensor}, all lowered to the backend's batched product {@code [B, m, k] x [B, k, n]}
 * over strided layouts (transposes never copy). Operands need one floating dtype and one device.
 */
public sealed interface TensorLinalg permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands, like
     * {@code torch.matmul}.
     *
     * @param other the right operand
     * @return the product (nodes of the 1-D, 2-D or batched product it lowers to)
     * @throws IllegalArgumentException when either is 0-D or the inner sizes differ
     */
    default Tensor matmul(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor x = self();
        int ra = x.dim(), rb = other.dim();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are " + ra
                    + "D and " + rb + "D");
        }
        if (ra == 1 && rb == 1) {
            return dot(other);
        }
        if (ra == 2 && rb == 1) {
            return mv(other);
        }
        if (ra == 1 && rb == 2) {
            return x.unsqueeze(0).mm(other).squeeze(0);
        }
        if (ra == 2 && rb == 2) {
            return mm(other);
        }
        Tensor a = ra == 1 ? x.unsqueeze(0) : x;
        Tensor b = rb == 1 ? other.unsqueeze(-1) : other;
        int[] as = a.shapeUnsafe(), bs = b.shapeUnsafe();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: "
                    + "[batch, " + k + "] but got: [batch, " + k2 + "] (matmul of " + x.shape() + " and "
                    + other.shape() + ")");
        }
        if (ra >= 3 && rb == 2) {
            // [*, m, k] x [k, n]: one [* m, k] x [k, n] product, as PyTorch folds it (a single large GEMM, and
            // the weight's gradient one product over all rows instead of a product per batch and a sum)
            int[] outShape = concat(Arrays.copyOf(as, as.length - 1), n);
            return a.reshape(Shape.numel(Arrays.copyOf(as, as.length - 1)), k).mm(b).reshape(outShape);
        }
        int[] batch = Shape.broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int batchSize = Shape.numel(batch);
        Tensor a3 = a.expand(concat(batch, m, k)).reshape(batchSize, m, k);
        Tensor b3 = b.expand(concat(batch, k, n)).reshape(batchSize, k, n);
        Tensor out = a3.bmm(b3).reshape(concat(batch, m, n));
        if (ra == 1) {
            out = out.squeeze(-2);
        }
        if (rb == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    /**
     * 2-D matrix product, like {@code torch.mm}.
     *
     * @param other a k x n matrix, for this m x k one
     * @return the m x n product; {@code MmBackward0}
     * @throws IllegalArgumentException when either is not a matrix or the inner sizes differ
     */
    default Tensor mm(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor x = self();
        if (x.dim() != 2 || other.dim() != 2) {
            throw new IllegalArgumentException(x.dim() != 2 ? "self must be a matrix" : "mat2 must be a matrix");
        }
        int m = x.size(0), k = x.size(1), k2 = other.size(0), n = other.size(1);
        if (k != k2) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and "
                    + k2 + "x" + n + ")");
        }
        Tensor out = Kernels.matmul(x, x.layout().asBatchOfOne(), other, other.layout().asBatchOfOne(),
                new int[] {m, n});
        // A gradient for an operand that is a transposed matrix (a Linear's weight.t()) is computed transposed,
        // (B^T A)^T rather than A^T B: the same sums in the same order (the same bits), written in the operand's own
        // memory order, so accumulating it into the leaf needs no transposing copy.
        return Tensor.record("MmBackward0", out, Tensor.saved(x, other), (g, needs) -> new Tensor[] {
            needs[0] ? (isTransposed(x) ? other.mm(g.t()).t() : g.mm(other.t())) : null,
            needs[1] ? (isTransposed(other) ? g.t().mm(x).t() : x.t().mm(g)) : null}, x, other);
    }

    /** Whether a matrix is the transpose of a contiguous one (and not itself contiguous). */
    private static boolean isTransposed(Tensor t) {
        int[] st = t.layout().strides();
        return !t.isContiguous() && st[0] == 1 && st[1] == t.size(0);
    }

    /**
     * Batched product of {@code [B, m, k]} and {@code [B, k, n]}, like {@code torch.bmm}.
     *
     * @param other the right batch
     * @return the {@code [B, m, n]} products; {@code BmmBackward0}
     * @throws IllegalArgumentException when either is not 3-D or the sizes do not fit
     */
    default Tensor bmm(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor x = self();
        if (x.dim() != 3 || other.dim() != 3) {
            throw new IllegalArgumentException("batch1 must be a 3D tensor, got " + x.shape() + " and "
                    + other.shape());
        }
        int[] s = x.shapeUnsafe(), o = other.shapeUnsafe();
        if (o[0] != s[0] || o[1] != s[2]) {
            throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: ["
                    + s[0] + ", " + s[2] + "] but got: [" + o[0] + ", " + o[1] + "].");
        }
        Tensor out = Kernels.matmul(x, x.layout(), other, other.layout(), new int[] {s[0], s[1], o[2]});
        return Tensor.record("BmmBackward0", out, Tensor.saved(x, other), (g, needs) -> new Tensor[] {
            needs[0] ? g.bmm(other.transpose(1, 2)) : null,
            needs[1] ? x.transpose(1, 2).bmm(g) : null}, x, other);
    }

    /**
     * Inner product of two 1-D tensors, like {@code torch.dot}.
     *
     * @param other a 1-D tensor of the same length
     * @return a 0-d tensor; {@code DotBackward0}
     * @throws IllegalArgumentException when either is not 1-D or the lengths differ
     */
    default Tensor dot(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor x = self();
        if (x.dim() != 1 || other.dim() != 1) {
            throw new IllegalArgumentException("1D tensors expected, but got " + x.dim() + "D and " + other.dim()
                    + "D tensors");
        }
        if (x.numel() != other.numel()) {
            throw new IllegalArgumentException("inconsistent tensor size, expected tensor [" + x.numel()
                    + "] and src [" + other.numel() + "] to have the same number of elements, but got " + x.numel()
                    + " and " + other.numel() + " elements respectively");
        }
        int k = x.numel();
        Layout a3 = new Layout(new int[] {1, 1, k}, new int[] {0, 0, x.layout().strides()[0]}, x.layout().offset());
        Layout b3 = new Layout(new int[] {1, k, 1}, new int[] {0, other.layout().strides()[0], 0},
                other.layout().offset());
        Tensor out = Kernels.matmul(x, a3, other, b3, new int[0]);
        return Tensor.record("DotBackward0", out, Tensor.saved(x, other), (g, needs) -> new Tensor[] {
            needs[0] ? other.mul(g) : null,
            needs[1] ? x.mul(g) : null}, x, other);
    }

    /**
     * Matrix-vector product, like {@code torch.mv}.
     *
     * @param vec a 1-D tensor of this matrix's column count
     * @return a 1-D tensor; {@code MvBackward0}
     * @throws IllegalArgumentException when the shapes do not fit
     */
    default Tensor mv(Tensor vec) {
        Objects.requireNonNull(vec, "vec must not be null");
        Tensor x = self();
        if (x.dim() != 2 || vec.dim() != 1) {
            throw new IllegalArgumentException("vector + matrix @ vector expected, got " + x.dim() + ", " + vec.dim());
        }
        if (x.size(1) != vec.size(0)) {
            throw new IllegalArgumentException("size mismatch, got input (" + x.size(0) + "), mat (" + x.size(0) + "x"
                    + x.size(1) + "), vec (" + vec.size(0) + ")");
        }
        int m = x.size(0), k = x.size(1);
        Layout b3 = new Layout(new int[] {1, k, 1}, new int[] {0, vec.layout().strides()[0], 0},
                vec.layout().offset());
        Tensor out = Kernels.matmul(x, x.layout().asBatchOfOne(), vec, b3, new int[] {m});
        return Tensor.record("MvBackward0", out, Tensor.saved(x, vec), (g, needs) -> new Tensor[] {
            needs[0] ? g.unsqueeze(1).mm(vec.unsqueeze(0)) : null,
            needs[1] ? x.t().mv(g) : null}, x, vec);
    }

    /**
     * The outer product of two 1-D tensors, like {@code torch.outer}: {@code out[i][j] = this[i] * vec2[j]}. A
     * composite (a broadcast {@code mul}, recorded as {@code MulBackward0}, as PyTorch's).
     *
     * @param vec2 the second vector
     * @return the {@code [n, m]} product
     * @throws IllegalArgumentException when either is not 1-D
     */
    default Tensor outer(Tensor vec2) {
        Objects.requireNonNull(vec2, "vec2 must not be null");
        Tensor x = self();
        if (x.dim() != 1 || vec2.dim() != 1) {
            throw new IllegalArgumentException("outer: Expected 1-D argument " + (x.dim() != 1 ? "self" : "vec2")
                    + ", but got " + (x.dim() != 1 ? x.dim() : vec2.dim()) + "-D");
        }
        return x.unsqueeze(1).mul(vec2.unsqueeze(0));
    }

    /**
     * {@code beta * this + alpha * (mat1 @ mat2)}, this broadcast to the product's shape, like
     * {@code torch.addmm(self, mat1, mat2, beta=beta, alpha=alpha)}; with {@code beta == 0} this tensor is ignored
     * (its NaNs do not propagate, its gradient is 0), as in PyTorch.
     *
     * @param mat1 an m x k matrix
     * @param mat2 a k x n matrix
     * @param beta the factor of this tensor
     * @param alpha the factor of the product
     * @return the m x n result; {@code AddmmBackward0}
     * @throws IllegalArgumentException when the shapes do not fit
     */
    default Tensor addmm(Tensor mat1, Tensor mat2, double beta, double alpha) {
        Objects.requireNonNull(mat1, "mat1 must not be null");
        Objects.requireNonNull(mat2, "mat2 must not be null");
        if (mat1.dim() != 2 || mat2.dim() != 2) {
            throw new IllegalArgumentException((mat1.dim() != 2 ? "mat1" : "mat2") + " must be a matrix, got "
                    + (mat1.dim() != 2 ? mat1.dim() : mat2.dim()) + "-D tensor");
        }
        return SingleNodeOps.addProduct(self(), mat1, mat2, beta, alpha, false, p -> scaledSum(p, beta, alpha));
    }

    /**
     * {@code this + mat1 @ mat2}, like {@code torch.addmm(self, mat1, mat2)}.
     *
     * @param mat1 an m x k matrix
     * @param mat2 a k x n matrix
     * @return the m x n result; {@code AddmmBackward0}
     * @throws IllegalArgumentException when the shapes do not fit
     */
    default Tensor addmm(Tensor mat1, Tensor mat2) {
        return addmm(mat1, mat2, 1, 1);
    }

    /**
     * {@code beta * this + alpha * (batch1 @ batch2)} per batch, like
     * {@code torch.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)}; with {@code beta == 0} this tensor is
     * ignored (its gradient is 0).
     *
     * @param batch1 {@code [B, m, k]}
     * @param batch2 {@code [B, k, n]}
     * @param beta the factor of this tensor
     * @param alpha the factor of the products
     * @return the {@code [B, m, n]} result; {@code BaddbmmBackward0}
     * @throws IllegalArgumentException when the shapes do not fit
     */
    default Tensor baddbmm(Tensor batch1, Tensor batch2, double beta, double alpha) {
        Objects.requireNonNull(batch1, "batch1 must not be null");
        Objects.requireNonNull(batch2, "batch2 must not be null");
        return SingleNodeOps.addProduct(self(), batch1, batch2, beta, alpha, true, p -> scaledSum(p, beta, alpha));
    }

    private Tensor scaledSum(Tensor product, double beta, double alpha) {
        Tensor x = self();
        int[] target = product.shapeUnsafe();
        boolean fits;
        try {
            fits = Arrays.equals(Shape.broadcast(x.shapeUnsafe(), target), target);
        } catch (IllegalArgumentException e) {
            fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException("The expanded size of the input " + x.shape() + " must match the "
                    + "size of the product " + product.shape());
        }
        Tensor p = alpha == 1 ? product : product.mul(alpha);
        if (beta == 0) {
            return p; // PyTorch: self is ignored, its NaNs and infs included
        }
        return (beta == 1 ? x : x.mul(beta)).add(p);
    }
}
