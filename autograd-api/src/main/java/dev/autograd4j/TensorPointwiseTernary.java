package dev.autograd4j;

import java.util.Objects;

/**
 * Elementwise ops of three operands of {@link Tensor}, with broadcasting (continuing {@link TensorPointwise}):
 * linear interpolation and clamping between tensor bounds. Both compute from {@code where}, arithmetic and
 * comparisons (so every backend supports them) and record one node with PyTorch's derivative.
 */
public sealed interface TensorPointwiseTernary permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * Linear interpolation {@code this + weight * (end - this)}, like {@code torch.lerp(self, end, weight)}, with
     * PyTorch's formula ({@code end - (end - this) * (1 - weight)} when {@code |weight| >= 0.5}, so that weight 1
     * gives {@code end} exactly).
     *
     * @param end the other end, of this tensor's dtype
     * @param weight the weight of {@code end}
     * @return a new tensor of the broadcast shape; {@code LerpBackward0}
     * @throws IllegalArgumentException when the dtypes differ or are not floating point, or the shapes do not
     *     broadcast
     */
    default Tensor lerp(Tensor end, double weight) {
        Objects.requireNonNull(end, "end must not be null");
        Tensor x = self();
        checkLerpDtypes(x, end, null);
        return SingleNodeOps.lerp(x, end, weight, () -> {
            Tensor diff = end.sub(x);
            return Math.abs(weight) < 0.5 ? x.add(diff.mul(weight)) : end.sub(diff.mul(1 - weight));
        });
    }

    /**
     * Linear interpolation with a tensor of weights, like {@code torch.lerp(self, end, weight)}: differentiable in
     * all three, with PyTorch's formula chosen per element by {@code |weight| < 0.5}.
     *
     * @param end the other end, of this tensor's dtype
     * @param weight the weights of {@code end}, of this tensor's dtype
     * @return a new tensor of the broadcast shape; {@code LerpBackward1}
     * @throws IllegalArgumentException when the dtypes differ or are not floating point, or the shapes do not
     *     broadcast
     */
    default Tensor lerp(Tensor end, Tensor weight) {
        Objects.requireNonNull(end, "end must not be null");
        Objects.requireNonNull(weight, "weight must not be null");
        Tensor x = self();
        checkLerpDtypes(x, end, weight);
        return SingleNodeOps.lerp(x, end, weight, () -> {
            Tensor diff = end.sub(x);
            Tensor low = x.add(weight.mul(diff));
            Tensor high = end.sub(diff.mul(weight.rsub(1.0)));
            return Tensor.where(weight.abs().lt(0.5), low, high);
        });
    }

    private static void checkLerpDtypes(Tensor x, Tensor end, Tensor weight) {
        Kernels.requireFloating(x.dtype(), "lerp_kernel_scalar");
        if (end.dtype() != x.dtype()) {
            throw new IllegalArgumentException("expected dtype " + x.dtype().scalarTypeName().toLowerCase()
                    + " for `end` but got dtype " + end.dtype().scalarTypeName().toLowerCase());
        }
        if (weight != null && weight.dtype() != x.dtype()) {
            throw new IllegalArgumentException("expected dtype " + x.dtype().scalarTypeName().toLowerCase()
                    + " for `weight` but got dtype " + weight.dtype().scalarTypeName().toLowerCase());
        }
    }

    /**
     * Elementwise clamp between tensor bounds, {@code min(max(this, min), max)} with broadcasting, like
     * {@code torch.clamp(self, min, max)}; either bound may be null (not applied), and where {@code min > max}
     * the result is {@code max}, as PyTorch's. NaN in this tensor stays NaN. The gradient flows as PyTorch's
     * {@code clamp} with tensors: to this tensor where {@code min <= this <= max} (ties included), to {@code min}
     * where this is below it (and {@code min < max}), to {@code max} where this is above it or {@code max < min}.
     *
     * @param min the lower bounds, or null
     * @param max the upper bounds, or null
     * @return a new tensor of the broadcast shape and promoted dtype; {@code ClampBackward0}
     * @throws IllegalArgumentException when both bounds are null, or the shapes do not broadcast
     */
    default Tensor clamp(Tensor min, Tensor max) {
        Tensor x = self();
        if (min == null && max == null) {
            throw new IllegalArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        DType dtype = x.dtype();
        if (min != null) {
            dtype = Kernels.promoteTypes(dtype, Tensor.resultType(x, min));
        }
        if (max != null) {
            dtype = Kernels.promoteTypes(dtype, Tensor.resultType(x, max));
        }
        Tensor r;
        try (var g = Autograd.noGrad()) {
            r = x.to(dtype);
            if (min != null) {
                Tensor lo = min.to(dtype);
                r = Tensor.where(r.lt(lo), lo, r);
            }
            if (max != null) {
                Tensor hi = max.to(dtype);
                r = Tensor.where(r.gt(hi), hi, r);
            }
        }
        return SingleNodeOps.clamp(x, min, max, r);
    }
}
