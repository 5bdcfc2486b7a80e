package dev.autograd4j.nn;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gradient clipping, like {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}: both scale or
 * clamp the {@code grad} of each parameter in place, under {@link Autograd#noGrad()}, and skip parameters whose
 * gradient is null. Call them between {@code loss.backward()} and {@code optimizer.step()}.
 */
public final class ClipGrad {
    private ClipGrad() {
    }

    /**
     * {@link #clipGradNorm_(Iterable, double, double, boolean)} with the 2-norm and no check for a non-finite
     * norm.
     *
     * @param parameters the parameters whose gradients to clip
     * @param maxNorm the largest total norm allowed
     * @return the total norm of the gradients before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is negative or NaN
     * @throws NullPointerException if {@code parameters} or one of them is null
     */
    public static double clipGradNorm_(Iterable<Tensor> parameters, double maxNorm) {
        return clipGradNorm_(parameters, maxNorm, 2.0, false);
    }

    /**
     * {@link #clipGradNorm_(Iterable, double, double, boolean)} with no check for a non-finite norm.
     *
     * @param parameters the parameters whose gradients to clip
     * @param maxNorm the largest total norm allowed
     * @param normType the order p of the norm, positive, or {@link Double#POSITIVE_INFINITY} for the largest
     *        absolute value
     * @return the total norm of the gradients before clipping
     * @throws IllegalArgumentException if {@code maxNorm} or {@code normType} is invalid
     * @throws NullPointerException if {@code parameters} or one of them is null
     */
    public static double clipGradNorm_(Iterable<Tensor> parameters, double maxNorm, double normType) {
        return clipGradNorm_(parameters, maxNorm, normType, false);
    }

    /**
     * Scales the gradients so that their total norm is at most {@code maxNorm}, like
     * {@code torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)}. The total norm
     * is the p-norm of the vector of the gradients' p-norms (as if all gradients were one vector; each gradient's
     * norm is computed in float64); when {@code maxNorm / (total + 1e-6)} is below 1, every gradient is multiplied
     * by it in place. With no gradients the total norm is 0 and nothing changes.
     *
     * @param parameters the parameters whose gradients to clip (e.g. {@code module.parameters()})
     * @param maxNorm the largest total norm allowed, non-negative
     * @param normType the order p of the norm, positive, or {@link Double#POSITIVE_INFINITY} for the largest
     *        absolute value
     * @param errorIfNonfinite whether a NaN or infinite total norm throws instead of being applied
     * @return the total norm of the gradients before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is negative or NaN, or {@code normType} is not positive
     * @throws ArithmeticException if {@code errorIfNonfinite} and the total norm is NaN or infinite
     *         ({@code The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be
     *         clipped. ...})
     * @throws NullPointerException if {@code parameters} or one of them is null
     */
    public static double clipGradNorm_(Iterable<Tensor> parameters, double maxNorm, double normType,
                                       boolean errorIfNonfinite) {
        Objects.requireNonNull(parameters, "parameters must not be null");
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("max_norm must be non-negative, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("norm_type must be positive or infinity, got " + normType);
        }
        List<Tensor> grads = grads(parameters);
        if (grads.isEmpty()) {
            return 0.0;
        }
        boolean inf = normType == Double.POSITIVE_INFINITY;
        double total;
        try (var g = Autograd.noGrad()) {
            double acc = 0;
            boolean nan = false;
            for (Tensor grad : grads) {
                double n = norm(grad.to(DType.FLOAT64), normType);
                nan |= Double.isNaN(n);
                acc = inf ? Math.max(acc, n) : acc + Math.pow(n, normType);
            }
            total = nan ? Double.NaN : inf ? acc : Math.pow(acc, 1.0 / normType);
            if (errorIfNonfinite && !Double.isFinite(total)) {
                throw new ArithmeticException("The total norm of order " + normType + " for gradients from "
                        + "`parameters` is non-finite, so it cannot be clipped. To disable this error and scale the "
                        + "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
            }
            double coef = maxNorm / (total + 1e-6);
            if (!(coef >= 1.0)) { // NaN scales by NaN, as PyTorch's clamp(max=1) keeps it
                for (Tensor grad : grads) {
                    grad.mul_(coef);
                }
            }
        }
        return total;
    }

    private static double norm(Tensor g, double p) {
        if (g.numel() == 0) {
            return 0.0;
        }
        if (p == Double.POSITIVE_INFINITY) {
            return g.abs().max().item();
        }
        if (p == 1) {
            return g.abs().sum().item();
        }
        if (p == 2) {
            return Math.sqrt(g.mul(g).sum().item());
        }
        return Math.pow(g.abs().pow(p).sum().item(), 1.0 / p);
    }

    /**
     * Clamps every gradient to {@code [-clipValue, clipValue]} in place, like
     * {@code torch.nn.utils.clip_grad_value_}.
     *
     * @param parameters the parameters whose gradients to clip
     * @param clipValue the largest absolute value allowed, non-negative
     * @throws IllegalArgumentException if {@code clipValue} is negative or NaN
     * @throws NullPointerException if {@code parameters} or one of them is null
     */
    public static void clipGradValue_(Iterable<Tensor> parameters, double clipValue) {
        Objects.requireNonNull(parameters, "parameters must not be null");
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clip_value must be non-negative, got " + clipValue);
        }
        try (var g = Autograd.noGrad()) {
            for (Tensor grad : grads(parameters)) {
                grad.clamp_(-clipValue, clipValue);
            }
        }
    }

    private static List<Tensor> grads(Iterable<Tensor> parameters) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            Objects.requireNonNull(p, "parameter must not be null");
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        return grads;
    }
}
