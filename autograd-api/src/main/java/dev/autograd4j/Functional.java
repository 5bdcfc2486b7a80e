package dev.autograd4j;

import dev.autograd4j.spi.BinaryOp;
import java.util.Arrays;
import java.util.Objects;

/**
 * Losses and activations as static functions, like {@code torch.nn.functional}; the modules in
 * {@link dev.autograd4j.nn} wrap them. Fused losses ({@code binaryCrossEntropyWithLogits},
 * {@code binaryCrossEntropy}, {@code mseLoss}, {@code nllLoss}) compute their forward without
 * recording and carry their own derivative (stable for large logits), recorded as one node named as
 * PyTorch names it ({@code BinaryCrossEntropyWithLogitsBackward0}, ...); the rest are compositions of
 * differentiable ops.
 *
 * <p>Operands must share a dtype and a device: there is no type promotion, and a mismatch throws
 * IllegalArgumentException (class-index targets are int64). Activations need floating-point inputs.
 * Losses default to {@link Reduction#MEAN}.
 */
public final class Functional {
    private Functional() {
    }

    /**
     * Rectified linear unit, {@code max(x, 0)} elementwise, like {@code torch.nn.functional.relu}.
     *
     * @param x a floating-point tensor of any shape
     * @return a new tensor of {@code x}'s shape, dtype and device ({@code gradFn} {@code ReluBackward0})
     * @throws IllegalArgumentException if {@code x} is not floating point
     *         ({@code "relu" not implemented for 'Long'})
     */
    public static Tensor relu(Tensor x) {
        Objects.requireNonNull(x, "x must not be null");
        return x.relu();
    }

    /**
     * Logistic sigmoid, {@code 1 / (1 + exp(-x))} elementwise, like {@code torch.sigmoid}.
     *
     * @param x a floating-point tensor of any shape
     * @return a new tensor of {@code x}'s shape, dtype and device ({@code gradFn} {@code SigmoidBackward0})
     * @throws IllegalArgumentException if {@code x} is not floating point
     */
    public static Tensor sigmoid(Tensor x) {
        Objects.requireNonNull(x, "x must not be null");
        return x.sigmoid();
    }

    /**
     * Hyperbolic tangent elementwise, like {@code torch.tanh}.
     *
     * @param x a floating-point tensor of any shape
     * @return a new tensor of {@code x}'s shape, dtype and device ({@code gradFn} {@code TanhBackward0})
     * @throws IllegalArgumentException if {@code x} is not floating point
     */
    public static Tensor tanh(Tensor x) {
        Objects.requireNonNull(x, "x must not be null");
        return x.tanh();
    }

    /**
     * Softmax over {@code dim}, {@code exp(x) / sum(exp(x), dim)}, computed stably (the maximum is
     * subtracted first), like {@code torch.nn.functional.softmax}.
     *
     * @param x a floating-point tensor
     * @param dim the dim to normalize over; negative counts from the end
     * @return a new tensor of {@code x}'s shape whose slices along {@code dim} sum to 1
     *         ({@code gradFn} {@code SoftmaxBackward0})
     * @throws IllegalArgumentException if {@code x} is not floating point
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     *         ({@code Dimension out of range (expected to be in range of [-2, 1], but got 2)})
     */
    public static Tensor softmax(Tensor x, int dim) {
        Objects.requireNonNull(x, "x must not be null");
        return x.softmax(dim);
    }

    /**
     * {@code log(softmax(x, dim))}, computed stably without forming the softmax, like
     * {@code torch.nn.functional.log_softmax}.
     *
     * @param x a floating-point tensor
     * @param dim the dim to normalize over; negative counts from the end
     * @return a new tensor of {@code x}'s shape ({@code gradFn} {@code LogSoftmaxBackward0})
     * @throws IllegalArgumentException if {@code x} is not floating point
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        Objects.requireNonNull(x, "x must not be null");
        return x.logSoftmax(dim);
    }

    /**
     * Affine map {@code x @ weight.T + bias}, like {@code torch.nn.functional.linear}: a composition of
     * {@link Tensor#matmul} and {@link Tensor#add}, with their broadcasting rules.
     *
     * @param x the input, {@code [*, in]} (at least 1-D)
     * @param weight the weight, {@code [out, in]}
     * @param bias the bias, {@code [out]} (or anything that broadcasts to {@code [*, out]}); null for none
     * @return {@code [*, out]}
     * @throws IllegalArgumentException if the shapes do not fit the matrix product, or the operands differ
     *         in dtype or device
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Objects.requireNonNull(x, "x must not be null");
        Tensor out = x.matmul(weight.t());
        return bias == null ? out : out.add(bias);
    }

    private static void checkSameShape(Tensor input, Tensor target) {
        if (!input.shape().equals(target.shape())) {
            throw new IllegalArgumentException("Target size (torch.Size(" + target.shape()
                    + ")) must be the same as input size (torch.Size(" + input.shape() + "))");
        }
    }

    private static Tensor reduce(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case SUM -> perElement.sum();
            case MEAN -> perElement.mean();
        };
    }

    /** The upstream gradient of a reduced loss, spread back over the per-element losses of {@code shape}. */
    private static Tensor spread(Tensor g, Shape shape, Reduction reduction) {
        int[] dims = shape.toArray();
        return switch (reduction) {
            case NONE -> g;
            case SUM -> g.expand(dims);
            case MEAN -> g.expand(dims).div(Math.max(1, shape.numel()));
        };
    }

    /** PyTorch's message for a class index out of range, naming the first one (read back from the device). */
    private static IndexOutOfBoundsException targetOutOfBounds(Tensor target, int classes, long ignoreIndex) {
        String range = "(expected class indices in [0, " + (classes - 1) + "]).";
        try {
            for (long t : target.toLongArray()) {
                if (t != ignoreIndex && (t < 0 || t >= classes)) {
                    return new IndexOutOfBoundsException("Target " + t + " is out of bounds " + range);
                }
            }
        } catch (RuntimeException e) {
            // the target may be gone by then (a closed MemoryScope, say): say what is known
        }
        return new IndexOutOfBoundsException("A target is out of bounds " + range);
    }

    /** log(1 + exp(-x)) without overflow: relu(-x) + log1p(exp(-|x|)). */
    private static Tensor softplusOfNegative(Tensor x) {
        return x.neg().relu().add(x.abs().neg().exp().log1p());
    }

    /**
     * {@link #binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)} with no weights
     * and {@link Reduction#MEAN}.
     *
     * @param input logits, any shape
     * @param target targets in [0, 1], the shape of {@code input}
     * @return the mean loss, a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /**
     * Sigmoid and binary cross-entropy in one stable step, like
     * {@code torch.nn.functional.binary_cross_entropy_with_logits}: per element
     * {@code -w * (posWeight * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))}, computed as
     * {@code (1 - y) * x + (1 + (posWeight - 1) * y) * softplus(-x)} so it stays finite for logits of any
     * size. Without {@code posWeight} the forward (and the backward, unless it is itself recorded) is one
     * fused kernel. Gradients flow to all four tensors ({@code BinaryCrossEntropyWithLogitsBackward0}).
     *
     * @param input logits, any shape
     * @param target targets in [0, 1] (soft labels allowed), the shape of {@code input}
     * @param weight rescales each element's loss; broadcasts to {@code input}; null for none
     * @param posWeight weight of the positive term, e.g. {@code [C]} for the last dim's classes; broadcasts
     *        to {@code input}; null for none
     * @param reduction how per-element losses are combined
     * @return per-element losses of {@code input}'s shape ({@link Reduction#NONE}), or a 0-d tensor
     * @throws IllegalArgumentException if {@code target}'s shape differs from {@code input}'s
     *         ({@code Target size (torch.Size([2])) must be the same as input size (torch.Size([2, 1]))}),
     *         or the operands differ in dtype or device
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        checkSameShape(input, target);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor loss;
            if (posWeight == null) {
                loss = input.fusedBinary(BinaryOp.BCE_WITH_LOGITS, target); // one kernel
            } else {
                Tensor sp = softplusOfNegative(input);
                Tensor positive = posWeight.sub(1.0).mul(target).add(1.0).mul(sp);
                loss = target.rsub(1.0).mul(input).add(positive);
            }
            out = reduce(weight == null ? loss : loss.mul(weight), reduction);
        }
        Shape shape = input.shape();
        return Tensor.record("BinaryCrossEntropyWithLogitsBackward0", out,
                Tensor.saved(input, target, weight, posWeight), (g, needs) -> {
            Tensor unweighted = spread(g, shape, reduction);
            Tensor scale = weight == null ? unweighted : unweighted.mul(weight);
            Tensor dInput = null, dTarget = null, dWeight = null, dPosWeight = null;
            if (needs[2]) { // the unweighted per-element loss
                Tensor sp = softplusOfNegative(input);
                Tensor positive = posWeight == null ? sp : posWeight.sub(1.0).mul(target).add(1.0).mul(sp);
                dWeight = target.rsub(1.0).mul(input).add(positive).mul(unweighted).sumToShape(weight.shape().toArray());
            }
            if (needs[3]) {
                dPosWeight = target.mul(softplusOfNegative(input)).mul(scale).sumToShape(posWeight.shape().toArray());
            }
            if (needs[0]) {
                if (posWeight == null) {
                    // one kernel unless this backward is itself recorded (createGraph), which needs the composite
                    dInput = Autograd.isGradEnabled() ? input.sigmoid().sub(target)
                            : input.fusedBinary(BinaryOp.SIGMOID_SUB, target);
                } else {
                    Tensor s = input.sigmoid();
                    dInput = posWeight.mul(target).add(target.rsub(1.0)).mul(s).sub(posWeight.mul(target));
                }
                dInput = dInput.mul(scale).sumToShape(shape.toArray());
            }
            if (needs[1]) {
                Tensor sp = softplusOfNegative(input);
                dTarget = (posWeight == null ? input.neg() : posWeight.sub(1.0).mul(sp).sub(input))
                        .mul(scale).sumToShape(shape.toArray());
            }
            return new Tensor[] {dInput, dTarget, dWeight, dPosWeight};
        }, input, target, weight, posWeight);
    }

    /**
     * {@link #binaryCrossEntropy(Tensor, Tensor, Tensor, Reduction)} with no weight and
     * {@link Reduction#MEAN}.
     *
     * @param input probabilities in [0, 1], any shape
     * @param target targets in [0, 1], the shape of {@code input}
     * @return the mean loss, a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ or an input is outside [0, 1]
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return binaryCrossEntropy(input, target, null, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of probabilities, like {@code torch.nn.functional.binary_cross_entropy}: per
     * element {@code -w * (y * log(x) + (1 - y) * log(1 - x))}, with each log clamped at -100 as in PyTorch
     * (so the loss is finite at 0 and 1). The range check reads the input's minimum and maximum back to the
     * host (a synchronization on a GPU). Prefer {@link #binaryCrossEntropyWithLogits} on logits.
     *
     * @param input probabilities in [0, 1], any shape
     * @param target targets in [0, 1], the shape of {@code input}
     * @param weight rescales each element's loss; broadcasts to {@code input}; null for none
     * @param reduction how per-element losses are combined
     * @return per-element losses of {@code input}'s shape ({@link Reduction#NONE}), or a 0-d tensor
     *         ({@code gradFn} {@code BinaryCrossEntropyBackward0})
     * @throws IllegalArgumentException if the shapes differ, or an input element is outside [0, 1] (or NaN)
     *         ({@code all elements of input should be between 0 and 1, got values in [-0.5, 0.7]})
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        checkSameShape(input, target);
        if (input.numel() > 0) {
            try (var g = Autograd.noGrad()) {
                double lo = input.min().item(), hi = input.max().item();
                if (!(lo >= 0 && hi <= 1)) {
                    throw new IllegalArgumentException("all elements of input should be between 0 and 1, got values in ["
                            + lo + ", " + hi + "]");
                }
            }
        }
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor loss = target.mul(input.log().clampMin(-100))
                    .add(target.rsub(1.0).mul(input.rsub(1.0).log().clampMin(-100))).neg();
            out = reduce(weight == null ? loss : loss.mul(weight), reduction);
        }
        Shape shape = input.shape();
        return Tensor.record("BinaryCrossEntropyBackward0", out, Tensor.saved(input, target, weight), (g, needs) -> {
            Tensor unweighted = spread(g, shape, reduction);
            Tensor scale = weight == null ? unweighted : unweighted.mul(weight);
            Tensor dWeight = needs[2] ? target.mul(input.log().clampMin(-100))
                    .add(target.rsub(1.0).mul(input.rsub(1.0).log().clampMin(-100))).neg().mul(unweighted)
                    .sumToShape(weight.shape().toArray()) : null;
            Tensor dInput = needs[0] ? input.sub(target).div(input.rsub(1.0).mul(input).clampMin(1e-12)).mul(scale)
                    : null;
            Tensor dTarget = needs[1] ? input.rsub(1.0).log().clampMin(-100).sub(input.log().clampMin(-100)).mul(scale)
                    : null;
            return new Tensor[] {dInput, dTarget, dWeight};
        }, input, target, weight);
    }

    /**
     * {@link #mseLoss(Tensor, Tensor, Reduction)} with {@link Reduction#MEAN}.
     *
     * @param input any shape
     * @param target the shape of {@code input}
     * @return the mean squared error, a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return mseLoss(input, target, Reduction.MEAN);
    }

    /**
     * Squared error {@code (x - y)^2} per element, like {@code torch.nn.functional.mse_loss}
     * ({@code gradFn} {@code MseLossBackward0}; gradients flow to both operands).
     *
     * @param input any shape
     * @param target the shape of {@code input} (no broadcasting)
     * @param reduction how per-element losses are combined
     * @return per-element losses of {@code input}'s shape ({@link Reduction#NONE}), or a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ, or the operands differ in dtype or device
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        checkSameShape(input, target);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor d = input.sub(target);
            out = reduce(d.mul(d), reduction);
        }
        Shape shape = input.shape();
        return Tensor.record("MseLossBackward0", out, Tensor.saved(input, target), (g, needs) -> {
            Tensor d = input.sub(target).mul(2.0).mul(spread(g, shape, reduction));
            return new Tensor[] {needs[0] ? d : null, needs[1] ? d.neg() : null};
        }, input, target);
    }

    /**
     * {@link #l1Loss(Tensor, Tensor, Reduction)} with {@link Reduction#MEAN}.
     *
     * @param input any shape
     * @param target the shape of {@code input}
     * @return the mean absolute error, a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return l1Loss(input, target, Reduction.MEAN);
    }

    /**
     * Absolute error {@code |x - y|} per element, like {@code torch.nn.functional.l1_loss}. A composition,
     * as in PyTorch 2: its {@code gradFn} is the reduction's ({@code MeanBackward0}, {@code SumBackward0})
     * or {@code AbsBackward0}.
     *
     * @param input any shape
     * @param target the shape of {@code input} (no broadcasting)
     * @param reduction how per-element losses are combined
     * @return per-element losses of {@code input}'s shape ({@link Reduction#NONE}), or a 0-d tensor
     * @throws IllegalArgumentException if the shapes differ, or the operands differ in dtype or device
     */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        checkSameShape(input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /**
     * {@link #crossEntropy(Tensor, Tensor, Tensor, Reduction, int)} with no weight, {@link Reduction#MEAN}
     * and {@code ignoreIndex = -100}.
     *
     * @param input logits {@code [N, C, d1, ...]}, {@code [N, C]} or {@code [C]}
     * @param target int64 class indices {@code [N, d1, ...]} (or {@code []}), or class probabilities of
     *        {@code input}'s shape
     * @return the mean loss, a 0-d tensor
     * @throws IllegalArgumentException if the shapes or dtypes do not fit
     * @throws NullPointerException if {@code input} or {@code target} is null
     */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return crossEntropy(input, target, null, Reduction.MEAN, -100);
    }

    /**
     * Cross-entropy of logits, like {@code torch.nn.functional.cross_entropy}: log-softmax over the class
     * dim (dim 1, or dim 0 for a 1-D input), then {@link #nllLoss} for class indices. For a floating-point
     * {@code target} of {@code input}'s shape (class probabilities) the loss per element is
     * {@code -sum_c w[c] * target[n, c, ...] * logSoftmax(input)[n, c, ...]} (the weight applies along the
     * class dim); {@code ignoreIndex} then plays no part and {@link Reduction#MEAN} divides by
     * {@code N * d1 * ...} (the number of per-element losses), as PyTorch does.
     *
     * @param input logits {@code [N, C, d1, ...]} (e.g. {@code [N, C, H, W]} for segmentation),
     *        {@code [N, C]} or {@code [C]}
     * @param target int64 class indices {@code [N, d1, ...]} (or {@code []} for a 1-D input), or
     *        floating-point class probabilities of {@code input}'s shape
     * @param weight per-class weight {@code [C]}; null for none
     * @param reduction how per-element losses are combined; {@link Reduction#MEAN} over class indices is the
     *        weighted mean over the kept targets
     * @param ignoreIndex a class index whose targets contribute neither loss nor gradient (PyTorch's
     *        default is -100)
     * @return per-element losses {@code [N, d1, ...]} ({@link Reduction#NONE}), or a 0-d tensor
     * @throws IllegalArgumentException if the shapes or the target's dtype do not fit (see {@link #nllLoss})
     * @throws IndexOutOfBoundsException if a class index is outside {@code [0, C)} (see {@link #nllLoss})
     * @throws NullPointerException if {@code input}, {@code target} or {@code reduction} is null
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction,
                                      int ignoreIndex) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        if (input.dim() == 0) {
            throw new IllegalArgumentException("Expected 1 or more dimensions (got 0)");
        }
        int classDim = input.dim() == 1 ? 0 : 1;
        if (target.dtype().isFloatingPoint()) {
            checkSameShape(input, target);
            int classes = input.size(classDim);
            checkClassWeight(weight, classes);
            Tensor logProbabilities = input.logSoftmax(classDim);
            Tensor perClass = logProbabilities.mul(target);
            if (weight != null) {
                // along the class dim: [C] for a 1-D input, else [1, C, 1, ...]
                int[] along = new int[input.dim()];
                Arrays.fill(along, 1);
                along[classDim] = classes;
                perClass = perClass.mul(weight.reshape(along));
            }
            // one loss per element of [N, d1, ...]: the mean divides by their count
            int count = 1;
            for (int i = 0; i < input.dim(); i++) {
                count *= i == classDim ? 1 : input.size(i);
            }
            final int elements = count;
            return switch (reduction) {
                case NONE -> perClass.sum(classDim).neg();
                case SUM -> perClass.sum().neg();
                case MEAN -> perClass.sum().neg().div(elements);
            };
        }
        return nllLoss(input.logSoftmax(classDim), target, weight, reduction, ignoreIndex);
    }

    private static void checkClassWeight(Tensor weight, int classes) {
        if (weight != null && (weight.dim() != 1 || weight.size(0) != classes)) {
            throw new IllegalArgumentException("weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + weight.shape());
        }
    }

    /**
     * {@link #nllLoss(Tensor, Tensor, Tensor, Reduction, int)} with no weight, {@link Reduction#MEAN} and
     * {@code ignoreIndex = -100}.
     *
     * @param input log-probabilities {@code [N, C, d1, ...]}, {@code [N, C]} or {@code [C]}
     * @param target int64 class indices {@code [N, d1, ...]} (or {@code []})
     * @return the mean loss, a 0-d tensor
     * @throws IllegalArgumentException if the shapes or the target's dtype do not fit
     * @throws NullPointerException if {@code input} or {@code target} is null
     */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return nllLoss(input, target, null, Reduction.MEAN, -100);
    }

    /**
     * Negative log-likelihood, like {@code torch.nn.functional.nll_loss}: per element
     * {@code -w[t] * input[n, t, d1, ...]} with {@code t = target[n, d1, ...]}. Only the target entries are
     * read, so {@code -inf} elsewhere does no harm. Gradients flow to {@code input} only
     * ({@code NllLossBackward0}; {@code NllLoss2DBackward0} for inputs of 3 or more dims, whose class dim is
     * dim 1, as for segmentation maps). A class index out of range is checked on the device: on a GPU the
     * exception comes at the next synchronization, as PyTorch's device-side assert does.
     *
     * @param input log-probabilities {@code [N, C, d1, ...]}, {@code [N, C]}, or {@code [C]} for one sample
     * @param target int64 class indices {@code [N, d1, ...]}, or {@code []} for a 1-D input
     * @param weight per-class weight {@code [C]}; null for none
     * @param reduction {@link Reduction#MEAN} is the weighted mean {@code sum(loss) / sum(w[t])} over
     *        the kept targets (NaN when none is kept, as in PyTorch)
     * @param ignoreIndex a class index whose targets contribute neither loss nor gradient (PyTorch's
     *        default is -100)
     * @return per-element losses {@code [N, d1, ...]} (or {@code []} for a 1-D input) with
     *         {@link Reduction#NONE}, or a 0-d tensor
     * @throws IllegalArgumentException if {@code target} is not int64
     *         ({@code expected scalar type Long but found Float (class-index targets must be int64)}), if
     *         {@code input} is 0-d, if the batch sizes differ
     *         ({@code Expected input batch_size (3) to match target batch_size (2); ...}), if the target's
     *         other sizes differ from the input's {@code d1, ...} ({@code Expected target size [2, 4], got [2, 3]}),
     *         or if {@code weight} is not {@code [C]}
     * @throws IndexOutOfBoundsException if a kept target is outside {@code [0, C)}
     *         ({@code Target 5 is out of bounds (expected class indices in [0, 2]).})
     * @throws NullPointerException if {@code input}, {@code target} or {@code reduction} is null
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, Reduction reduction, int ignoreIndex) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(reduction, "reduction must not be null");
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("expected scalar type Long but found " + target.dtype().scalarTypeName()
                    + " (class-index targets must be int64)");
        }
        if (input.dim() == 0) {
            throw new IllegalArgumentException("Expected 1 or more dimensions (got 0)");
        }
        if (input.dim() == 1) {
            if (target.dim() != 0) {
                throw new IllegalArgumentException("1D input expects a 0D target, got target of shape "
                        + target.shape());
            }
            Tensor out = nllLoss(input.unsqueeze(0), target.reshape(1), weight, reduction, ignoreIndex);
            return reduction == Reduction.NONE ? out.reshape() : out;
        }
        if (target.dim() == 0 || target.size(0) != input.size(0)) {
            throw new IllegalArgumentException("Expected input batch_size (" + input.size(0)
                    + ") to match target batch_size (" + (target.dim() >= 1 ? target.size(0) : target.numel())
                    + "); input " + input.shape() + ", target " + target.shape() + ".");
        }
        if (input.dim() == 2) {
            if (target.dim() != 1) {
                throw new IllegalArgumentException("Expected a 1D target of shape [" + input.size(0) + "] for a 2D "
                        + "input, got target of shape " + target.shape());
            }
            return nllLoss2d(input, target, weight, reduction, ignoreIndex, "NllLossBackward0", null);
        }
        // [N, C, d1, ...]: the class dim moves last, then each of the N * d1 * ... elements is a row
        int[] outShape = new int[input.dim() - 1];
        outShape[0] = input.size(0);
        for (int i = 2; i < input.dim(); i++) {
            outShape[i - 1] = input.size(i);
        }
        if (!Arrays.equals(outShape, target.shape().toArray())) {
            throw new IllegalArgumentException("Expected target size " + Arrays.toString(outShape) + ", got "
                    + target.shape());
        }
        int[] classLast = new int[input.dim()];
        for (int i = 0; i < input.dim(); i++) {
            classLast[i] = i == 0 ? 0 : i == input.dim() - 1 ? 1 : i + 1;
        }
        Tensor rows = input.permute(classLast).reshape(-1, input.size(1));
        return nllLoss2d(rows, target.reshape(-1), weight, reduction, ignoreIndex, "NllLoss2DBackward0", outShape);
    }

    /** nll_loss of rows {@code [M, C]} and targets {@code [M]}; with {@code NONE} the losses take outShape. */
    private static Tensor nllLoss2d(Tensor input, Tensor target, Tensor weight, Reduction reduction, int ignoreIndex,
                                    String node, int[] outShape) {
        int classes = input.size(1);
        checkClassWeight(weight, classes);
        Tensor selection;
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor classIds = Tensor.arange(0, classes, 1, DType.INT64, input.device()).reshape(1, classes);
            Tensor kept = target.ne(ignoreIndex).to(input.dtype()).reshape(-1, 1);
            Tensor hit = classIds.eq(target.reshape(-1, 1)).to(input.dtype()).mul(kept).gt(0);
            selection = hit.to(input.dtype());
            // a kept row that hits no class has a target out of range: checked on the device, so on a GPU the
            // error comes at the next synchronization (as PyTorch's device-side assert), not with a wait here
            Tensor badRows = kept.reshape(-1).gt(selection.sum(1));
            input.assertNoneSet(badRows, () -> targetOutOfBounds(target, classes, ignoreIndex));
            if (weight != null) {
                selection = selection.mul(weight.reshape(1, classes));
            }
            // read only the target entries: -inf log-probabilities elsewhere must not make 0 * -inf = NaN
            Tensor picked = Tensor.where(hit, input, Tensor.zerosLike(input));
            Tensor perSample = picked.mul(selection).sum(1).neg();
            out = switch (reduction) {
                case NONE -> outShape == null ? perSample : Kernels.reshapeNoGrad(perSample, outShape);
                case SUM -> perSample.sum();
                case MEAN -> perSample.sum().div(selection.sum());
            };
        }
        final Tensor chosen = selection;
        return Tensor.record(node, out, Tensor.saved(chosen), (g, needs) -> {
            Tensor rowScale = switch (reduction) {
                case NONE -> g.reshape(-1, 1);
                case SUM -> g;
                case MEAN -> g.div(chosen.sum());
            };
            return new Tensor[] {chosen.neg().mul(rowScale)};
        }, input);
    }

    // ------------------------------------------------------------------ embedding and dropout2d

    /**
     * {@link #embedding(Tensor, Tensor, Integer)} without a padding index.
     *
     * @param input INT64 indices of any shape
     * @param weight the table, {@code [numEmbeddings, embeddingDim]}
     * @return {@code [*input.shape, embeddingDim]} ({@code EmbeddingBackward0})
     * @throws IllegalArgumentException if the indices are not INT64 or the weight is not 2-D
     * @throws IndexOutOfBoundsException if an index is out of range ({@code index out of range in self})
     */
    public static Tensor embedding(Tensor input, Tensor weight) {
        return embedding(input, weight, null);
    }

    /**
     * Rows of {@code weight} picked by {@code input}, like {@code torch.nn.functional.embedding(input, weight,
     * padding_idx)}. The gradient of the weight sums the output's gradient into the picked rows; the row
     * {@code paddingIdx} gets none (its forward value is still returned as is).
     *
     * @param input INT64 indices of any shape, in {@code [0, numEmbeddings)}
     * @param weight the table, {@code [numEmbeddings, embeddingDim]}
     * @param paddingIdx the row that receives no gradient (negative counts from the end), or null for none
     * @return {@code [*input.shape, embeddingDim]} ({@code EmbeddingBackward0})
     * @throws IllegalArgumentException if the indices are not INT64 ({@code Expected tensor for argument #1
     *         'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead
     *         (while checking arguments for embedding)}), the weight is not 2-D ({@code 'weight' must be 2-D}),
     *         or {@code paddingIdx} is out of range ({@code Padding_idx must be within num_embeddings})
     * @throws IndexOutOfBoundsException if an index is out of range ({@code index out of range in self}; on a
     *         GPU at the next synchronization)
     */
    public static Tensor embedding(Tensor input, Tensor weight, Integer paddingIdx) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(weight, "weight must not be null");
        if (input.dtype() != DType.INT64) {
            throw new IllegalArgumentException("Expected tensor for argument #1 'indices' to have one of the following "
                    + "scalar types: Long, Int; but got " + input.dtype() + " instead (while checking arguments for "
                    + "embedding)");
        }
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("'weight' must be 2-D");
        }
        int rows = weight.size(0);
        int dim = weight.size(1);
        Integer pad = paddingIdx;
        if (pad != null) {
            if (pad >= rows || pad < -rows) {
                throw new IllegalArgumentException("Padding_idx must be within num_embeddings");
            }
            pad = pad < 0 ? pad + rows : pad;
        }
        int[] outShape = Arrays.copyOf(input.shape().toArray(), input.dim() + 1);
        outShape[input.dim()] = dim;
        Tensor flat = input.reshape(-1);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = weight.indexSelect(0, flat).reshape(outShape);
        }
        int[] wShape = {rows, dim};
        long padRow = pad == null ? -1 : pad;
        return Tensor.record("EmbeddingBackward0", out, Tensor.saved(input), (g, needs) -> {
            Tensor g2 = g.reshape(-1, dim);
            if (padRow >= 0) {
                g2 = g2.maskedFill(flat.eq(padRow).unsqueeze(1), 0.0);
            }
            return new Tensor[] {Tensor.zeros(Shape.of(wShape), g.dtype(), g.device()).indexAdd(0, flat, g2)};
        }, weight);
    }

    /**
     * Zeroes each element with probability {@code p} in training mode and scales the rest by
     * {@code 1 / (1 - p)}, like {@code torch.nn.functional.dropout(input, p, training)}; otherwise returns the
     * input itself.
     *
     * @param input a floating-point tensor
     * @param p the probability of zeroing an element, in [0, 1]
     * @param training whether to drop
     * @param generator the source of the masks
     * @return a tensor of {@code input}'s shape
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     *         ({@code dropout probability has to be between 0 and 1, but got 1.5})
     */
    public static Tensor dropout(Tensor input, double p, boolean training, Generator generator) {
        Objects.requireNonNull(input, "input must not be null");
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        return training ? dropMask(input, p, input.shapeUnsafe(), generator) : input;
    }

    /**
     * {@code input} times a mask of {@code maskShape} (broadcast over the input) that is 0 with probability
     * {@code p} and {@code 1 / (1 - p)} otherwise: the one body of element and channel dropout.
     */
    private static Tensor dropMask(Tensor input, double p, int[] maskShape, Generator generator) {
        if (p == 0) {
            return input;
        }
        if (p == 1) {
            return input.mul(0.0);
        }
        Tensor keep;
        try (var g = Autograd.noGrad()) {
            // one pass from the draws' comparison to the scaled mask (a cast and a scaling were two)
            Tensor kept = Tensor.rand(Shape.of(maskShape), input.dtype(), input.device(), generator).ge(p);
            keep = Tensor.where(kept, Kernels.scalarLike(input, 1.0 / (1.0 - p)), Kernels.scalarLike(input, 0.0));
        }
        return input.mul(keep);
    }

    /**
     * Zeroes whole channels, like {@code torch.nn.functional.dropout2d(input, p, training)}: in training mode
     * each channel {@code [n, c, :, :]} is zeroed with probability {@code p} and the rest are scaled by
     * {@code 1 / (1 - p)}; otherwise the input itself is returned. A 3-D input is one unbatched sample
     * {@code [C, H, W]}; a 4-D one is {@code [N, C, H, W]} (other ranks {@code >= 2} keep channels on dim 1).
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param p the probability of zeroing a channel, in [0, 1]
     * @param training whether to drop
     * @param generator the source of the channel masks
     * @return a tensor of {@code input}'s shape
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] ({@code dropout probability has to be
     *         between 0 and 1, but got 1.5}) or {@code input} has fewer than 2 dims
     */
    public static Tensor dropout2d(Tensor input, double p, boolean training, Generator generator) {
        Objects.requireNonNull(input, "input must not be null");
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        if (input.dim() < 2) {
            throw new IllegalArgumentException("dropout2d: expected an input with at least 2 dims, but got "
                    + input.dim() + "-D input");
        }
        if (!training) {
            return input;
        }
        int[] maskShape = new int[input.dim()];
        Arrays.fill(maskShape, 1);
        if (input.dim() == 3) { // unbatched [C, H, W]
            maskShape[0] = input.size(0);
        } else {
            maskShape[0] = input.size(0);
            maskShape[1] = input.size(1);
        }
        return dropMask(input, p, maskShape, generator);
    }
}
