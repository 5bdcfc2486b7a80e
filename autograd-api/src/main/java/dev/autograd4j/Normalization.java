package dev.autograd4j;

import dev.autograd4j.spi.NormShape;
import java.util.Arrays;
import java.util.Objects;

/**
 * Batch, layer and group normalization, like {@code torch.nn.functional.batch_norm}, {@code layer_norm} and
 * {@code group_norm}. Each is one differentiable node named as PyTorch's CPU one
 * ({@code NativeBatchNormBackward0}, {@code NativeLayerNormBackward0}, {@code NativeGroupNormBackward0}) with
 * gradients for the input, the weight and the bias. The forward runs without recording; the backward is
 * written in tensor ops, the classic formula
 * {@code dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))}, so it can be differentiated again
 * (under {@code createGraph} it recomputes the statistics from the input, so second derivatives flow through
 * them too).
 *
 * <p>The variance that normalizes is the biased one ({@code correction = 0}), as in PyTorch; the running
 * variance of batch norm is updated with the unbiased one.
 */
public final class Normalization {
    private Normalization() {
    }

    // ------------------------------------------------------------------ batch norm

    /**
     * Batch normalization over every dim but the channel dim 1, like
     * {@code torch.nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
     * eps)}. In training mode the batch's statistics normalize, and the running statistics (when given) are
     * updated in place without recording: {@code running = (1 - momentum) * running + momentum * batchStat},
     * with the unbiased variance for {@code runningVar}. In evaluation mode the running statistics normalize.
     *
     * @param input {@code [N, C, *]}, floating point
     * @param runningMean {@code [C]} or null
     * @param runningVar {@code [C]} or null (both or neither)
     * @param weight {@code [C]} or null for none
     * @param bias {@code [C]} or null for none
     * @param training whether to use (and update) the batch's statistics
     * @param momentum the weight of the batch's statistics in the running ones
     * @param eps added to the variance before its square root
     * @return a tensor of {@code input}'s shape ({@code NativeBatchNormBackward0})
     * @throws IllegalArgumentException if {@code input} has fewer than 2 dims, a per-channel tensor has the wrong
     *         number of elements ({@code running_mean should contain 3 elements not 4}), training on one value
     *         per channel ({@code Expected more than 1 value per channel when training, got input size [1, 3]}),
     *         or evaluating without running statistics
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        Objects.requireNonNull(input, "input must not be null");
        Kernels.requireFloating(input.dtype(), "batch_norm");
        if (input.dim() < 2) {
            throw new IllegalArgumentException("batch_norm(): expected input with at least 2 dims (got "
                    + input.dim() + "D input)");
        }
        int c = input.size(1);
        checkNumel("running_mean", runningMean, c, input);
        checkNumel("running_var", runningVar, c, input);
        checkNumel("weight", weight, c, input);
        checkNumel("bias", bias, c, input);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("running_mean and running_var must be both defined or both null");
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException("running_mean must be defined in evaluation mode");
        }
        long perChannel = input.shape().numel() / Math.max(1, c);
        if (training && perChannel <= 1) {
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size "
                    + input.shape());
        }
        int[] dims = allBut1(input.dim());
        int[] statShape = statShape(input.dim(), c);
        Tensor w = weight == null ? null : weight.reshape(statShape);
        Tensor b = bias == null ? null : bias.reshape(statShape);
        Tensor out;
        Tensor xhat = null;
        Tensor rstd = null;
        int n0 = input.size(0);
        NormKernels.Forward fused = training && n0 > 0 && perChannel > 0
                ? NormKernels.forward(input, new NormShape(n0, c, (int) (perChannel / n0), 0), weight, bias, eps,
                        runningMean != null)
                : null;
        if (fused != null) {
            out = fused.out();
            if (runningMean != null) {
                try (var g = Autograd.noGrad()) {
                    double n = perChannel;
                    Tensor m1 = fused.mean().to(runningMean.dtype());
                    Tensor v1 = fused.var().mul(n / Math.max(1.0, n - 1)).to(runningVar.dtype());
                    runningMean.mul_(1 - momentum).add_(m1.reshape(runningMean.shapeUnsafe()).mul(momentum));
                    runningVar.mul_(1 - momentum).add_(v1.reshape(runningVar.shapeUnsafe()).mul(momentum));
                }
            }
        } else {
            try (var g = Autograd.noGrad()) {
                Tensor mean;
                if (training) {
                    mean = input.mean(dims, true);
                    Tensor var = input.var(dims, 0, true);
                    rstd = var.add(eps).rsqrt();
                    if (runningMean != null) {
                        double n = perChannel;
                        Tensor m1 = mean.reshape(c).to(runningMean.dtype());
                        Tensor v1 = var.reshape(c).mul(n / Math.max(1.0, n - 1)).to(runningVar.dtype());
                        runningMean.mul_(1 - momentum).add_(m1.mul(momentum));
                        runningVar.mul_(1 - momentum).add_(v1.mul(momentum));
                    }
                } else {
                    mean = runningMean.to(input.dtype()).reshape(statShape);
                    rstd = runningVar.to(input.dtype()).reshape(statShape).add(eps).rsqrt();
                }
                xhat = input.sub(mean).mul(rstd);
                out = affine(xhat, w, b);
            }
        }
        Tensor rm = runningMean;
        Tensor rv = runningVar;
        Tensor xhat0 = xhat;
        Tensor rstd0 = rstd;
        return Tensor.record("NativeBatchNormBackward0", out, Tensor.saved(input, weight), (g, needs) -> {
            Tensor[] grads = NormKernels.backward(fused, g, input, weight, bias, needs); // first order, if fused
            if (grads != null) {
                return grads;
            }
            Tensor xh = xhat0;
            Tensor rs = rstd0;
            if (Autograd.isGradEnabled() || xh == null) { // createGraph: statistics as functions of the input
                if (training) {
                    rs = input.var(dims, 0, true).add(eps).rsqrt();
                    xh = input.sub(input.mean(dims, true)).mul(rs);
                } else {
                    rs = rv.to(input.dtype()).reshape(statShape).add(eps).rsqrt();
                    xh = input.sub(rm.to(input.dtype()).reshape(statShape)).mul(rs);
                }
            }
            Tensor dx = null;
            if (needs[0]) {
                Tensor gx = w == null ? g : g.mul(w);
                dx = training ? inputGrad(gx, xh, rs, dims) : gx.mul(rs);
            }
            Tensor dw = needs[1] ? g.mul(xh).sum(dims, false) : null;
            Tensor db = needs[2] ? g.sum(dims, false) : null;
            return new Tensor[] {dx, dw, db};
        }, input, weight, bias);
    }

    // ------------------------------------------------------------------ layer norm

    /**
     * Layer normalization over the last {@code normalizedShape.length} dims, like
     * {@code torch.nn.functional.layer_norm(input, normalized_shape, weight, bias, eps)}.
     *
     * @param input {@code [*, normalizedShape]}, floating point
     * @param normalizedShape the trailing sizes to normalize over
     * @param weight {@code normalizedShape}, or null for none
     * @param bias {@code normalizedShape}, or null for none
     * @param eps added to the variance before its square root
     * @return a tensor of {@code input}'s shape ({@code NativeLayerNormBackward0})
     * @throws IllegalArgumentException if the trailing sizes differ ({@code Given normalized_shape=[4], expected
     *         input with shape [*, 4], but got input of size[2, 3]}) or the weight's or bias's shape does
     */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(normalizedShape, "normalizedShape must not be null");
        Kernels.requireFloating(input.dtype(), "layer_norm");
        int k = normalizedShape.length;
        if (k < 1) {
            throw new IllegalArgumentException("Expected normalized_shape to be at least 1-dimensional, i.e., "
                    + "containing at least one element, but got normalized_shape = []");
        }
        int[] in = input.shape().toArray();
        boolean fits = in.length >= k
                && Arrays.equals(Arrays.copyOfRange(in, in.length - k, in.length), normalizedShape);
        if (!fits) {
            StringBuilder want = new StringBuilder("[*");
            for (int s : normalizedShape) {
                want.append(", ").append(s);
            }
            throw new IllegalArgumentException("Given normalized_shape=" + Arrays.toString(normalizedShape)
                    + ", expected input with shape " + want + "], but got input of size" + input.shape());
        }
        checkShape("weight", weight, normalizedShape);
        checkShape("bias", bias, normalizedShape);
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = in.length - k + i;
        }
        Tensor out;
        Tensor xhat = null;
        Tensor rstd = null;
        long d = Shape.numel(normalizedShape);
        long numel = input.shape().numel();
        NormKernels.Forward fused = d > 0 && numel > 0
                ? NormKernels.forward(input, new NormShape((int) (numel / d), (int) d, 1, 1), flat(weight),
                        flat(bias), eps, false)
                : null;
        if (fused != null) {
            out = fused.out();
        } else {
            try (var g = Autograd.noGrad()) {
                Tensor mean = input.mean(dims, true);
                rstd = input.var(dims, 0, true).add(eps).rsqrt();
                xhat = input.sub(mean).mul(rstd);
                out = affine(xhat, weight, bias);
            }
        }
        int[] paramShape = normalizedShape.clone();
        Tensor xhat0 = xhat;
        Tensor rstd0 = rstd;
        return Tensor.record("NativeLayerNormBackward0", out, Tensor.saved(input, weight), (g, needs) -> {
            Tensor[] grads = NormKernels.backward(fused, g, input, weight, bias, needs); // first order, if fused
            if (grads != null) {
                return grads;
            }
            Tensor xh = xhat0;
            Tensor rs = rstd0;
            if (Autograd.isGradEnabled() || xh == null) {
                rs = input.var(dims, 0, true).add(eps).rsqrt();
                xh = input.sub(input.mean(dims, true)).mul(rs);
            }
            Tensor dx = null;
            if (needs[0]) {
                dx = inputGrad(weight == null ? g : g.mul(weight), xh, rs, dims);
            }
            Tensor dw = needs[1] ? g.mul(xh).sumToShape(paramShape) : null;
            Tensor db = needs[2] ? g.sumToShape(paramShape) : null;
            return new Tensor[] {dx, dw, db};
        }, input, weight, bias);
    }

    // ------------------------------------------------------------------ group norm

    /**
     * Group normalization, like {@code torch.nn.functional.group_norm(input, num_groups, weight, bias, eps)}:
     * the channels are split into {@code numGroups} groups and each sample's group is normalized over its
     * channels and spatial positions; then a per-channel affine map.
     *
     * @param input {@code [N, C, *]}, floating point, {@code C} divisible by {@code numGroups}
     * @param numGroups the number of groups
     * @param weight {@code [C]} or null for none
     * @param bias {@code [C]} or null for none
     * @param eps added to the variance before its square root
     * @return a tensor of {@code input}'s shape ({@code NativeGroupNormBackward0})
     * @throws IllegalArgumentException if {@code input} has fewer than 2 dims, {@code C} is not divisible
     *         ({@code Expected number of channels in input to be divisible by num_groups, but got input of shape
     *         [2, 6, 4] and num_groups=4}) or a per-channel tensor has the wrong size
     */
    public static Tensor groupNorm(Tensor input, int numGroups, Tensor weight, Tensor bias, double eps) {
        Objects.requireNonNull(input, "input must not be null");
        Kernels.requireFloating(input.dtype(), "group_norm");
        if (input.dim() < 2) {
            throw new IllegalArgumentException("Expected at least 2 dimensions for input tensor but received "
                    + input.dim());
        }
        int n = input.size(0);
        int c = input.size(1);
        if (numGroups <= 0 || c % numGroups != 0) {
            throw new IllegalArgumentException("Expected number of channels in input to be divisible by num_groups, "
                    + "but got input of shape " + input.shape() + " and num_groups=" + numGroups);
        }
        checkChannelVector("weight", weight, c, input);
        checkChannelVector("bias", bias, c, input);
        int[] shape = input.shape().toArray();
        int[] grouped = {n, numGroups, n == 0 ? 0 : (int) (input.shape().numel() / ((long) n * numGroups))};
        int[] red = {2};
        int[] statShape = statShape(input.dim(), c);
        Tensor w = weight == null ? null : weight.reshape(statShape);
        Tensor b = bias == null ? null : bias.reshape(statShape);
        Tensor out;
        Tensor xhat = null;
        Tensor rstd = null;
        long numel = input.shape().numel();
        NormKernels.Forward fused = numel > 0
                ? NormKernels.forward(input, new NormShape(n, c, (int) (numel / ((long) n * c)), numGroups), weight,
                        bias, eps, false)
                : null;
        if (fused != null) {
            out = fused.out();
        } else {
            try (var g = Autograd.noGrad()) {
                Tensor x3 = input.reshape(grouped);
                rstd = x3.var(red, 0, true).add(eps).rsqrt();
                xhat = x3.sub(x3.mean(red, true)).mul(rstd);
                out = affine(xhat.reshape(shape), w, b);
            }
        }
        int[] dims = allBut1(input.dim());
        Tensor xhat0 = xhat;
        Tensor rstd0 = rstd;
        return Tensor.record("NativeGroupNormBackward0", out, Tensor.saved(input, weight), (g, needs) -> {
            Tensor[] grads = NormKernels.backward(fused, g, input, weight, bias, needs); // first order, if fused
            if (grads != null) {
                return grads;
            }
            Tensor xh = xhat0;
            Tensor rs = rstd0;
            if (Autograd.isGradEnabled() || xh == null) {
                Tensor x3 = input.reshape(grouped);
                rs = x3.var(red, 0, true).add(eps).rsqrt();
                xh = x3.sub(x3.mean(red, true)).mul(rs);
            }
            Tensor dx = null;
            if (needs[0]) {
                Tensor gx = (w == null ? g : g.mul(w)).reshape(grouped);
                dx = inputGrad(gx, xh, rs, red).reshape(shape);
            }
            Tensor dw = needs[1] ? g.mul(xh.reshape(shape)).sum(dims, false) : null;
            Tensor db = needs[2] ? g.sum(dims, false) : null;
            return new Tensor[] {dx, dw, db};
        }, input, weight, bias);
    }

    // ------------------------------------------------------------------ helpers

    /** The gradient of {@code xhat = (x - mean) * rstd} for the input, given the gradient of {@code xhat}. */
    private static Tensor inputGrad(Tensor gxhat, Tensor xhat, Tensor rstd, int[] dims) {
        Tensor m1 = gxhat.mean(dims, true);
        Tensor m2 = gxhat.mul(xhat).mean(dims, true);
        return gxhat.sub(m1).sub(xhat.mul(m2)).mul(rstd);
    }

    /** A per-element parameter as a flat vector for the fused kernels (a view), or null. */
    private static Tensor flat(Tensor t) {
        if (t == null) {
            return null;
        }
        try (var g = Autograd.noGrad()) {
            return t.reshape(-1);
        }
    }

    private static Tensor affine(Tensor xhat, Tensor w, Tensor b) {
        Tensor y = w == null ? xhat : xhat.mul(w);
        return b == null ? y : y.add(b);
    }

    private static int[] allBut1(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int i = 2; i < rank; i++) {
            dims[i - 1] = i;
        }
        return dims;
    }

    private static int[] statShape(int rank, int c) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }

    private static void checkNumel(String name, Tensor t, int c, Tensor input) {
        if (t == null) {
            return;
        }
        if (t.shape().numel() != c) {
            throw new IllegalArgumentException(name + " should contain " + c + " elements not " + t.shape().numel());
        }
        Kernels.checkSameDevice(input, t);
    }

    private static void checkChannelVector(String name, Tensor t, int c, Tensor input) {
        if (t != null && (t.dim() != 1 || t.size(0) != c)) {
            throw new IllegalArgumentException("Expected " + name + " to be a vector of size equal to the number of "
                    + "channels in input, but got " + name + " of shape " + t.shape() + " and input of shape "
                    + input.shape());
        }
    }

    private static void checkShape(String name, Tensor t, int[] expected) {
        if (t == null) {
            return;
        }
        if (!Arrays.equals(t.shape().toArray(), expected)) {
            throw new IllegalArgumentException("Expected " + name + " to be of same shape as normalized_shape, but got "
                    + name + " of shape " + t.shape() + " and normalized_shape = " + Arrays.toString(expected));
        }
    }
}
