package dev.autograd4j;

import dev.autograd4j.spi.BinaryOp;

/**
 * Losses and activations, like {@code torch.nn.functional}. Fused losses compute their forward
 * without recording and carry their own derivative (stable for large logits); the rest are
 * compositions of differentiable ops.
 */
public final class Functional {
    private Functional() {
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** {@code x @ weight.T + bias}, as {@code torch.nn.functional.linear}; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
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

    /** log(1 + exp(-x)) without overflow: relu(-x) + log1p(exp(-|x|)). */
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

    private static Tensor softplusOfNegative(Tensor x) {
        return x.neg().relu().add(x.abs().neg().exp().log1p());
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /**
     * Sigmoid and binary cross-entropy in one stable step (finite for logits of any size). {@code weight}
     * rescales each element's loss, {@code posWeight} the positive term per class (both may be null,
     * and broadcast to the input).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
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

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        return binaryCrossEntropy(input, target, null, Reduction.MEAN);
    }

    /** Binary cross-entropy of probabilities in [0, 1]; logs are clamped at -100 as in PyTorch. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
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

    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /** Mean squared error. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
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

    public static Tensor l1Loss(Tensor input, Tensor target) {
        return l1Loss(input, target, Reduction.MEAN);
    }

    /** Mean absolute error (a composition, as in PyTorch 2: its gradFn is the reduction's). */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape(input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, Reduction.MEAN, -100);
    }

    /**
     * Cross-entropy of logits [N, C] (or [C]) against int64 class indices [N] (or []), or against class
     * probabilities of the input's shape: log-softmax over the class dim, then {@link #nllLoss}.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction,
                                      int ignoreIndex) {
        int classDim = input.dim() == 1 ? 0 : 1;
        Tensor logProbabilities = input.logSoftmax(classDim);
        if (target.dtype().isFloatingPoint()) {
            checkSameShape(input, target);
            Tensor perClass = logProbabilities.mul(target);
            if (weight != null) {
                perClass = perClass.mul(input.dim() == 1 ? weight : weight.reshape(1, -1));
            }
            Tensor loss = perClass.sum(classDim).neg();
            return switch (reduction) {
                case NONE -> loss;
                case SUM -> loss.sum();
                case MEAN -> loss.sum().div(input.dim() == 1 ? 1 : input.size(0));
            };
        }
        return nllLoss(logProbabilities, target, weight, reduction, ignoreIndex);
    }

    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, Reduction.MEAN, -100);
    }

    /**
     * Negative log-likelihood of log-probabilities [N, C] (or [C]) at int64 class indices [N] (or []);
     * {@code weight} [C] rescales classes, and targets equal to {@code ignoreIndex} count for nothing.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, Reduction reduction, int ignoreIndex) {
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("expected scalar type Long but found " + target.dtype().scalarTypeName()
                    + " (class-index targets must be int64)");
        }
        if (input.dim() == 1) {
            if (target.dim() != 0) {
                throw new IllegalArgumentException("1D input expects a 0D target, got target of shape "
                        + target.shape());
            }
            Tensor out = nllLoss(input.unsqueeze(0), target.reshape(1), weight, reduction, ignoreIndex);
            return reduction == Reduction.NONE ? out.reshape() : out;
        }
        if (input.dim() != 2) {
            throw new IllegalArgumentException("nll_loss expects an input of 1 or 2 dimensions ([C] or [N, C]), got "
                    + input.shape());
        }
        if (target.dim() != 1 || target.size(0) != input.size(0)) {
            throw new IllegalArgumentException("Expected input batch_size (" + input.size(0)
                    + ") to match target batch_size (" + (target.dim() == 1 ? target.size(0) : target.numel())
                    + "); input " + input.shape() + ", target " + target.shape() + ".");
        }
        int classes = input.size(1);
        if (weight != null && (weight.dim() != 1 || weight.size(0) != classes)) {
            throw new IllegalArgumentException("weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + weight.shape());
        }
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
                case NONE -> perSample;
                case SUM -> perSample.sum();
                case MEAN -> perSample.sum().div(selection.sum());
            };
        }
        final Tensor chosen = selection;
        return Tensor.record("NllLossBackward0", out, (g, needs) -> {
            Tensor rowScale = switch (reduction) {
                case NONE -> g.reshape(-1, 1);
                case SUM -> g;
                case MEAN -> g.div(chosen.sum());
            };
            return new Tensor[] {chosen.neg().mul(rowScale)};
        }, input);
    }
}
