package dev.autograd4j;

import dev.autograd4j.Kernels.Saved;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.UnaryOp;
import java.util.Objects;

/**
 * Elementwise ops of {@link Tensor}: arithmetic with broadcasting, elementwise math and activations,
 * comparisons and selection. Each op declares its kernel (an {@link UnaryOp} or {@link BinaryOp} constant,
 * the op table the backends serve) together with its derivative and the name of its node, as PyTorch names it.
 *
 * <p>Binary ops broadcast as PyTorch does and promote their operands' dtypes as {@code torch.result_type}
 * ({@link Tensor#resultType}); the operands must share a device, and the gradient of a broadcast or promoted
 * operand is summed back to its shape and cast back to its dtype. The floating-point math functions
 * ({@code exp}, {@code log}, {@code sqrt}, {@code pow}, ...) compute integer and bool tensors in float32, as
 * PyTorch; activations require a floating dtype ({@code "gelu" not implemented for 'Long'} otherwise).
 */
public sealed interface TensorPointwise permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /** Check, dispatch, record: one unary kernel with scalar parameters, its node and its derivative. */
    private Tensor unary(UnaryOp op, double p0, double p1, String node, Kernels.Saved saved,
                         Kernels.UnaryDerivative derivative) {
        Tensor x = Kernels.promotesIntegers(op) ? self().to(Kernels.floatingOr32(self().dtype())) : self();
        Tensor y = Kernels.unary(x, op, p0, p1);
        Tensor[] keep = switch (saved) {
            case INPUT -> Tensor.saved(x);
            case RESULT -> Tensor.saved(y);
            case NOTHING -> Tensor.saved();
        };
        // the formula holds only what it declared it reads: the graph keeps no other tensor alive
        Tensor input = saved == Kernels.Saved.INPUT ? x : null, result = saved == Kernels.Saved.RESULT ? y : null;
        return Tensor.record(node, y, keep, (g, needs) -> new Tensor[] {derivative.apply(input, result, g)}, x);
    }

    private Tensor unary(UnaryOp op, String node, Kernels.Saved saved, Kernels.UnaryDerivative derivative) {
        return unary(op, 0, 0, node, saved, derivative);
    }

    // ------------------------------------------------------------------ arithmetic
    // Type promotion: the operands are cast with the differentiable to(DType) to their result type
    // (Kernels.resultType, torch.result_type) before the kernel, so each input's gradient flows back in its own
    // dtype. A Java double takes part as a Python float, a long as a Python int; an op with a scalar records
    // the scalar's edge as null, as PyTorch's wrapped numbers (AddBackward0 for both x + y and x + 2.0).

    /** Both operands cast (differentiably) to {@code dtype}. */
    private static Tensor[] both(Tensor a, Tensor b, DType dtype) {
        return new Tensor[] {a.to(dtype), b.to(dtype)};
    }

    /** This tensor cast to its result type with a double scalar (a Python float). */
    private Tensor withDouble() {
        return self().to(Kernels.resultType(self(), DType.FLOAT64));
    }

    /** {@code op(this, value)} for a long scalar on an integer or bool tensor: exact, in int64; no graph. */
    private Tensor integerScalar(BinaryOp op, long value) {
        Tensor x = self().to(DType.INT64);
        return Kernels.binary(x, op, Kernels.scalarLike(x, value, DType.INT64));
    }

    /** Whether a long scalar keeps this tensor's category integral (bool or int64 tensors): PyTorch's int rule. */
    private boolean integral() {
        return !self().dtype().isFloatingPoint();
    }

    /**
     * {@code this + other} with broadcasting and type promotion, like {@code torch.add}.
     *
     * @param other same device, a shape that broadcasts with this one; any dtype ({@link Tensor#resultType})
     * @return a new tensor of the broadcast shape and the result type; {@code AddBackward0}
     * @throws IllegalArgumentException when devices or shapes do not match
     */
    default Tensor add(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor[] p = both(self(), other, Kernels.resultType(self(), other));
        Tensor x = p[0], y = p[1];
        Tensor out = Kernels.binary(x, BinaryOp.ADD, y);
        return Tensor.record("AddBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? g.sumToShape(x.shapeUnsafe()) : null,
            needs[1] ? g.sumToShape(y.shapeUnsafe()) : null}, x, y);
    }

    /**
     * {@code this + value}, the scalar as a Python float: integer and bool tensors give float32.
     *
     * @param value the scalar
     * @return a new tensor; {@code AddBackward0}, whose scalar edge is null
     */
    default Tensor add(double value) {
        Tensor x = withDouble();
        Tensor out = Kernels.unary(x, UnaryOp.ADD_SCALAR, value, 0);
        return Tensor.record("AddBackward0", out, (g, needs) -> new Tensor[] {g, null}, x, null);
    }

    /**
     * {@code this + value}, the scalar as a Python int: exact in int64 for integer tensors (wrapping on
     * overflow), int64 for bool tensors, the tensor's dtype for floating ones.
     *
     * @param value the scalar
     * @return a new tensor; {@code AddBackward0} for floating tensors
     */
    default Tensor add(long value) {
        return integral() ? integerScalar(BinaryOp.ADD, value) : add((double) value);
    }

    /**
     * {@code this - other} with broadcasting and type promotion, like {@code torch.sub}.
     *
     * @param other same device, a shape that broadcasts with this one; any dtype ({@link Tensor#resultType})
     * @return a new tensor of the broadcast shape and the result type; {@code SubBackward0}
     * @throws IllegalArgumentException when devices or shapes do not match, or an operand is bool (as PyTorch)
     */
    default Tensor sub(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Kernels.checkSubtractable(self(), other.dtype());
        Tensor[] p = both(self(), other, Kernels.resultType(self(), other));
        Tensor x = p[0], y = p[1];
        Tensor out = Kernels.binary(x, BinaryOp.SUB, y);
        return Tensor.record("SubBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? g.sumToShape(x.shapeUnsafe()) : null,
            needs[1] ? g.neg().sumToShape(y.shapeUnsafe()) : null}, x, y);
    }

    /**
     * {@code this - value}, the scalar as a Python float.
     *
     * @param value the scalar
     * @return a new tensor; {@code SubBackward0}, whose scalar edge is null
     */
    default Tensor sub(double value) {
        Kernels.checkSubtractable(self(), DType.FLOAT64);
        Tensor x = withDouble();
        Tensor out = Kernels.unary(x, UnaryOp.ADD_SCALAR, -value, 0);
        return Tensor.record("SubBackward0", out, (g, needs) -> new Tensor[] {g, null}, x, null);
    }

    /**
     * {@code this - value}, the scalar as a Python int (exact in int64 for integer and bool tensors).
     *
     * @param value the scalar
     * @return a new tensor; {@code SubBackward0} for floating tensors
     */
    default Tensor sub(long value) {
        Kernels.checkSubtractable(self(), DType.INT64);
        return integral() ? integerScalar(BinaryOp.SUB, value) : sub((double) value);
    }

    /**
     * {@code value - this}, like {@code torch.rsub}.
     *
     * @param value the scalar
     * @return a new tensor
     */
    default Tensor rsub(double value) {
        Kernels.checkSubtractable(self(), DType.FLOAT64);
        return neg().add(value);
    }

    /**
     * {@code this * other} with broadcasting and type promotion, like {@code torch.mul}.
     *
     * @param other same device, a shape that broadcasts with this one; any dtype ({@link Tensor#resultType})
     * @return a new tensor of the broadcast shape and the result type; {@code MulBackward0}
     * @throws IllegalArgumentException when devices or shapes do not match
     */
    default Tensor mul(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor[] p = both(self(), other, Kernels.resultType(self(), other));
        Tensor x = p[0], y = p[1];
        Tensor out = Kernels.binary(x, BinaryOp.MUL, y);
        return Tensor.record("MulBackward0", out, Tensor.saved(self(), other), (g, needs) -> new Tensor[] {
            needs[0] ? g.mul(y).sumToShape(x.shapeUnsafe()) : null,
            needs[1] ? g.mul(x).sumToShape(y.shapeUnsafe()) : null}, x, y);
    }

    /**
     * {@code this * value}, the scalar as a Python float: integer and bool tensors give float32.
     *
     * @param value the scalar
     * @return a new tensor; {@code MulBackward0}, whose scalar edge is null
     */
    default Tensor mul(double value) {
        Tensor x = withDouble();
        Tensor out = Kernels.unary(x, UnaryOp.MUL_SCALAR, value, 0);
        return Tensor.record("MulBackward0", out, (g, needs) -> new Tensor[] {g.mul(value), null}, x, null);
    }

    /**
     * {@code this * value}, the scalar as a Python int: exact in int64 for integer tensors (wrapping on
     * overflow), int64 for bool tensors ({@code bool * 2} is int64), the tensor's dtype for floating ones.
     *
     * @param value the scalar
     * @return a new tensor; {@code MulBackward0} for floating tensors
     */
    default Tensor mul(long value) {
        return integral() ? integerScalar(BinaryOp.MUL, value) : mul((double) value);
    }

    /**
     * {@code this / other} with broadcasting, true division like {@code torch.div}: integer and bool operands
     * give float32 (the default dtype).
     *
     * @param other same device, a shape that broadcasts with this one; any dtype ({@link Tensor#resultType})
     * @return a new floating tensor of the broadcast shape; {@code DivBackward0}
     * @throws IllegalArgumentException when devices or shapes do not match
     */
    default Tensor div(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        Tensor[] p = both(self(), other, Kernels.floatingOr32(Kernels.resultType(self(), other)));
        Tensor x = p[0], y = p[1];
        Tensor out = Kernels.binary(x, BinaryOp.DIV, y);
        return Tensor.record("DivBackward0", out, Tensor.saved(self(), other), (g, needs) -> new Tensor[] {
            needs[0] ? g.div(y).sumToShape(x.shapeUnsafe()) : null,
            needs[1] ? g.neg().mul(x.div(y).div(y)).sumToShape(y.shapeUnsafe()) : null}, x, y); // PyTorch's order
    }

    /**
     * {@code this / value}, true division: integer and bool tensors give float32.
     *
     * @param value the scalar
     * @return a new floating tensor; {@code DivBackward0}, whose scalar edge is null
     */
    default Tensor div(double value) {
        Tensor x = self().to(Kernels.floatingOr32(self().dtype()));
        Tensor out = Kernels.unary(x, UnaryOp.MUL_SCALAR, 1.0 / value, 0);
        return Tensor.record("DivBackward0", out, (g, needs) -> new Tensor[] {g.div(value), null}, x, null);
    }

    /**
     * {@code this / other} rounded, like {@code torch.div(this, other, rounding_mode=mode)}: {@code "floor"}
     * rounds toward negative infinity, {@code "trunc"} toward zero, null is true division. Integer operands give
     * an exact integer result; an integer division by zero throws {@code ZeroDivisionError} (on a GPU at the next
     * synchronization). The rounded quotient has a zero gradient.
     *
     * @param other same device, broadcastable; any dtype ({@link Tensor#resultType})
     * @param roundingMode {@code "floor"}, {@code "trunc"} or null
     * @return a new tensor of the result type; {@code DivBackward2} when rounded
     * @throws IllegalArgumentException for another rounding mode or bool operands
     * @throws ArithmeticException {@code ZeroDivisionError} for integer division by zero
     */
    default Tensor div(Tensor other, String roundingMode) {
        Objects.requireNonNull(other, "other must not be null");
        if (roundingMode == null) {
            return div(other);
        }
        BinaryOp op = switch (roundingMode) {
            case "floor" -> BinaryOp.FLOOR_DIV;
            case "trunc" -> BinaryOp.TRUNC_DIV;
            default -> throw new IllegalArgumentException("div expected rounding_mode to be one of None, 'trunc', or "
                    + "'floor' but found '" + roundingMode + "'");
        };
        DType dtype = Kernels.resultType(self(), other);
        if (dtype == DType.BOOL) {
            throw new IllegalArgumentException("\"div_" + roundingMode + "\" not implemented for 'Bool'");
        }
        Tensor[] p = both(self(), other, dtype);
        Tensor x = p[0], y = p[1];
        Kernels.checkNoIntegerZero(y);
        Tensor out = Kernels.binary(x, op, y);
        return Tensor.record("DivBackward2", out, (g, needs) -> new Tensor[] {
            needs[0] ? Tensor.zerosLike(x) : null, needs[1] ? Tensor.zerosLike(y) : null}, x, y);
    }

    /**
     * {@code floor(this / other)}, like {@code torch.floor_divide}: {@code div(other, "floor")}.
     *
     * @param other same device, broadcastable; any dtype
     * @return a new tensor of the result type
     * @throws ArithmeticException {@code ZeroDivisionError} for integer division by zero
     */
    default Tensor floorDivide(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return div(other, "floor");
    }

    /**
     * Elementwise power with a scalar exponent, like {@code torch.pow(tensor, exponent)}.
     *
     * @param exponent the exponent
     * @return a new tensor; {@code PowBackward0}
     */
    default Tensor pow(double exponent) {
        return unary(UnaryOp.POW_SCALAR, exponent, 0, "PowBackward0", Saved.INPUT, (x, y, g) ->
                exponent == 0 ? Tensor.zerosLike(x) : g.mul(x.pow(exponent - 1).mul(exponent)));
    }

    /**
     * {@code x * x}, like {@code torch.square} (which PyTorch computes as {@code pow(x, 2)}).
     *
     * @return a new tensor; {@code PowBackward0}
     */
    default Tensor square() {
        Tensor x = self();
        if (!x.dtype().isFloatingPoint()) { // pow(x, 2) with a Python int: exact int64, bools included
            Tensor i = x.to(DType.INT64);
            return i.mul(i);
        }
        return pow(2);
    }

    // ------------------------------------------------------------------ elementwise math

    /**
     * {@code -x}, like {@code torch.neg}.
     *
     * @return a new tensor; {@code NegBackward0}
     */
    default Tensor neg() {
        Kernels.checkNegatable(self());
        return unary(UnaryOp.NEG, "NegBackward0", Saved.NOTHING, (x, y, g) -> g.neg());
    }

    /**
     * {@code |x|}, like {@code torch.abs}; the gradient at 0 is 0.
     *
     * @return a new tensor; {@code AbsBackward0}
     */
    default Tensor abs() {
        return unary(UnaryOp.ABS, "AbsBackward0", Saved.INPUT, (x, y, g) -> g.mul(x.sign()));
    }

    /**
     * -1, 0 or 1 by sign, like {@code torch.sign} (NaN stays NaN); the gradient is zero.
     *
     * @return a new tensor; {@code SignBackward0}
     */
    default Tensor sign() {
        return unary(UnaryOp.SIGN, "SignBackward0", Saved.NOTHING, (x, y, g) -> Tensor.zerosLike(g));
    }

    /**
     * {@code e^x}, like {@code torch.exp}.
     *
     * @return a new tensor; {@code ExpBackward0}
     */
    default Tensor exp() {
        return unary(UnaryOp.EXP, "ExpBackward0", Saved.RESULT, (x, y, g) -> g.mul(y));
    }

    /**
     * {@code e^x - 1}, accurate for small x, like {@code torch.expm1}.
     *
     * @return a new tensor; {@code Expm1Backward0}
     */
    default Tensor expm1() {
        return unary(UnaryOp.EXPM1, "Expm1Backward0", Saved.RESULT, (x, y, g) -> g.mul(y.add(1.0)));
    }

    /**
     * Natural logarithm, like {@code torch.log}.
     *
     * @return a new tensor; {@code LogBackward0}
     */
    default Tensor log() {
        return unary(UnaryOp.LOG, "LogBackward0", Saved.INPUT, (x, y, g) -> g.div(x));
    }

    /**
     * {@code log(1 + x)}, accurate for small x, like {@code torch.log1p}.
     *
     * @return a new tensor; {@code Log1PBackward0}
     */
    default Tensor log1p() {
        return unary(UnaryOp.LOG1P, "Log1PBackward0", Saved.INPUT, (x, y, g) -> g.div(x.add(1.0)));
    }

    /**
     * Base-2 logarithm, like {@code torch.log2}.
     *
     * @return a new tensor; {@code Log2Backward0}
     */
    default Tensor log2() {
        return unary(UnaryOp.LOG2, "Log2Backward0", Saved.INPUT, (x, y, g) -> g.div(x.mul(Math.log(2))));
    }

    /**
     * Base-10 logarithm, like {@code torch.log10}.
     *
     * @return a new tensor; {@code Log10Backward0}
     */
    default Tensor log10() {
        return unary(UnaryOp.LOG10, "Log10Backward0", Saved.INPUT, (x, y, g) -> g.div(x.mul(Math.log(10))));
    }

    /**
     * Square root, like {@code torch.sqrt}.
     *
     * @return a new tensor; {@code SqrtBackward0}
     */
    default Tensor sqrt() {
        return unary(UnaryOp.SQRT, "SqrtBackward0", Saved.RESULT, (x, y, g) -> g.div(y.mul(2.0)));
    }

    /**
     * {@code 1 / sqrt(x)}, like {@code torch.rsqrt}.
     *
     * @return a new tensor; {@code RsqrtBackward0}
     */
    default Tensor rsqrt() {
        return unary(UnaryOp.RSQRT, "RsqrtBackward0", Saved.RESULT, (x, y, g) -> g.mul(y.pow(3)).mul(-0.5));
    }

    /**
     * {@code 1 / x}, like {@code torch.reciprocal}.
     *
     * @return a new tensor; {@code ReciprocalBackward0}
     */
    default Tensor reciprocal() {
        return unary(UnaryOp.RDIV_SCALAR, 1.0, 0, "ReciprocalBackward0", Saved.RESULT,
                (x, y, g) -> g.mul(y.mul(y)).neg());
    }

    /**
     * Sine, like {@code torch.sin}.
     *
     * @return a new tensor; {@code SinBackward0}
     */
    default Tensor sin() {
        return unary(UnaryOp.SIN, "SinBackward0", Saved.INPUT, (x, y, g) -> g.mul(x.cos()));
    }

    /**
     * Cosine, like {@code torch.cos}.
     *
     * @return a new tensor; {@code CosBackward0}
     */
    default Tensor cos() {
        return unary(UnaryOp.COS, "CosBackward0", Saved.INPUT, (x, y, g) -> g.mul(x.sin().neg()));
    }

    /**
     * Hyperbolic tangent, like {@code torch.tanh}.
     *
     * @return a new tensor; {@code TanhBackward0}
     */
    default Tensor tanh() {
        return unary(UnaryOp.TANH, "TanhBackward0", Saved.RESULT, (x, y, g) -> g.mul(y.mul(y).rsub(1.0)));
    }

    /**
     * The logistic function {@code 1 / (1 + e^-x)}, like {@code torch.sigmoid}.
     *
     * @return a new tensor; {@code SigmoidBackward0}
     */
    default Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID, "SigmoidBackward0", Saved.RESULT, (x, y, g) -> Kernels.sigmoidBackward(g, y));
    }

    /**
     * The error function, like {@code torch.erf}.
     *
     * @return a new tensor; {@code ErfBackward0}
     */
    default Tensor erf() {
        return unary(UnaryOp.ERF, "ErfBackward0", Saved.INPUT,
                (x, y, g) -> g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))));
    }

    /**
     * {@code 1 - erf(x)}, accurate in the tail, like {@code torch.erfc}.
     *
     * @return a new tensor; {@code ErfcBackward0}
     */
    default Tensor erfc() {
        return unary(UnaryOp.ERFC, "ErfcBackward0", Saved.INPUT,
                (x, y, g) -> g.mul(x.square().neg().exp().mul(-2 / Math.sqrt(Math.PI))));
    }

    /**
     * Largest integer not above x, like {@code torch.floor}; the gradient is zero.
     *
     * @return a new tensor; {@code FloorBackward0}
     */
    default Tensor floor() {
        return unary(UnaryOp.FLOOR, "FloorBackward0", Saved.NOTHING, (x, y, g) -> Tensor.zerosLike(g));
    }

    /**
     * Smallest integer not below x, like {@code torch.ceil}; the gradient is zero.
     *
     * @return a new tensor; {@code CeilBackward0}
     */
    default Tensor ceil() {
        return unary(UnaryOp.CEIL, "CeilBackward0", Saved.NOTHING, (x, y, g) -> Tensor.zerosLike(g));
    }

    /**
     * Nearest integer with halves to even, like {@code torch.round}; the gradient is zero.
     *
     * @return a new tensor; {@code RoundBackward0}
     */
    default Tensor round() {
        return unary(UnaryOp.ROUND, "RoundBackward0", Saved.NOTHING, (x, y, g) -> Tensor.zerosLike(g));
    }

    /**
     * Integer part (rounding toward zero), like {@code torch.trunc}; the gradient is zero.
     *
     * @return a new tensor; {@code TruncBackward0}
     */
    default Tensor trunc() {
        return unary(UnaryOp.TRUNC, "TruncBackward0", Saved.NOTHING, (x, y, g) -> Tensor.zerosLike(g));
    }

    // ------------------------------------------------------------------ activations

    /**
     * {@code max(x, 0)}, like {@code torch.relu} (NaN stays NaN; the gradient at 0 is 0).
     *
     * @return a new tensor; {@code ReluBackward0}
     */
    default Tensor relu() {
        return unary(UnaryOp.RELU, "ReluBackward0", Saved.RESULT,
                (x, y, g) -> Autograd.isGradEnabled() // recording a second derivative: composed of ops that record
                        ? Tensor.zerosLike(g).where(y.le(0.0), g) // threshold_backward: selects, 0 * inf is no NaN
                        : Kernels.binary(g, BinaryOp.RELU_BACKWARD, y));
    }

    /**
     * {@code x > 0 ? x : negativeSlope * x}, like {@code F.leaky_relu}.
     *
     * @param negativeSlope the slope for negative inputs (PyTorch's default is 0.01)
     * @return a new tensor; {@code LeakyReluBackward0}
     */
    default Tensor leakyRelu(double negativeSlope) {
        return unary(UnaryOp.LEAKY_RELU, negativeSlope, 0, "LeakyReluBackward0", Saved.INPUT,
                (x, y, g) -> Tensor.where(x.gt(0.0), g, g.mul(negativeSlope)));
    }

    /**
     * {@code x > 0 ? x : alpha (e^x - 1)}, like {@code F.elu}.
     *
     * @param alpha the value the negative side tends to (PyTorch's default is 1)
     * @return a new tensor; {@code EluBackward0}
     */
    default Tensor elu(double alpha) {
        return elu(alpha, 1.0);
    }

    /**
     * {@code scale * (x > 0 ? x : alpha (e^x - 1))} with alpha = 1.6732632423543772 and
     * scale = 1.0507009873554805, like {@code torch.selu} (which PyTorch records as an ELU).
     *
     * @return a new tensor; {@code EluBackward0}
     */
    default Tensor selu() {
        return elu(1.6732632423543772848170429916717, 1.0507009873554804934193349852946);
    }

    private Tensor elu(double alpha, double scale) {
        return unary(UnaryOp.ELU, alpha, scale, "EluBackward0", Saved.INPUT, (x, y, g) ->
                // e^min(x, 0): the branch where() drops must stay finite for second derivatives; elu_backward tests
                // x <= 0, so a NaN input takes the linear branch
                Tensor.where(x.le(0.0), g.mul(x.clampMax(0.0).exp().mul(alpha * scale)), g.mul(scale)));
    }

    /**
     * {@code log(1 + e^(beta x)) / beta}, and x itself where {@code beta x > threshold}, like
     * {@code F.softplus}.
     *
     * @param beta the sharpness (PyTorch's default is 1)
     * @param threshold above which the function is linear (PyTorch's default is 20)
     * @return a new tensor; {@code SoftplusBackward0}
     */
    default Tensor softplus(double beta, double threshold) {
        return unary(UnaryOp.SOFTPLUS, beta, threshold, "SoftplusBackward0", Saved.INPUT, (x, y, g) ->
                Tensor.where(x.mul(beta).gt(threshold), g, g.mul(x.mul(beta).sigmoid())));
    }

    /**
     * The exact GELU {@code x * Phi(x)}, like {@code F.gelu(x)} ({@code approximate='none'}).
     *
     * @return a new tensor; {@code GeluBackward0}
     */
    default Tensor gelu() {
        return unary(UnaryOp.GELU, "GeluBackward0", Saved.INPUT, (x, y, g) -> {
            Tensor cdf = x.mul(-Math.sqrt(0.5)).erfc().mul(0.5);
            Tensor pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
            return g.mul(cdf.add(x.mul(pdf)));
        });
    }

    /**
     * GELU's tanh approximation {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, like
     * {@code F.gelu(x, approximate='tanh')}.
     *
     * @return a new tensor; {@code GeluBackward0}
     */
    default Tensor geluTanh() {
        double k = Math.sqrt(2 / Math.PI), c = 0.044715;
        return unary(UnaryOp.GELU_TANH, "GeluBackward0", Saved.INPUT, (x, y, g) -> {
            Tensor x2 = x.square();
            Tensor t = x.mul(x2.mul(c).add(1.0)).mul(k).tanh();
            Tensor dInner = x2.mul(3 * c).add(1.0).mul(k);
            return g.mul(t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.square().rsub(1.0)).mul(dInner)));
        });
    }

    /**
     * {@code x * sigmoid(x)}, like {@code F.silu}.
     *
     * @return a new tensor; {@code SiluBackward0}
     */
    default Tensor silu() {
        return unary(UnaryOp.SILU, "SiluBackward0", Saved.INPUT, (x, y, g) -> {
            Tensor s = x.sigmoid();
            return g.mul(s.mul(x.mul(s.rsub(1.0)).add(1.0)));
        });
    }

    /**
     * {@code x * tanh(softplus(x))}, like {@code F.mish}.
     *
     * @return a new tensor; {@code MishBackward0}
     */
    default Tensor mish() {
        return unary(UnaryOp.MISH, "MishBackward0", Saved.INPUT, (x, y, g) -> {
            Tensor t = x.softplus(1, 20).tanh();
            return g.mul(t.add(x.mul(x.sigmoid()).mul(t.square().rsub(1.0))));
        });
    }

    /**
     * {@code min(max(x + 3, 0), 6) / 6}, like {@code F.hardsigmoid}; the gradient passes strictly inside (-3, 3).
     *
     * @return a new tensor; {@code HardsigmoidBackward0}
     */
    default Tensor hardsigmoid() {
        return unary(UnaryOp.HARDSIGMOID, "HardsigmoidBackward0", Saved.INPUT,
                (x, y, g) -> g.div(6.0).where(x.gt(-3.0), Tensor.zerosLike(g)).where(x.lt(3.0), Tensor.zerosLike(g)));
    }

    /**
     * x clamped to {@code [min, max]}, like {@code F.hardtanh}; the gradient passes strictly inside.
     *
     * @param min the lower bound (PyTorch's default is -1)
     * @param max the upper bound (PyTorch's default is 1)
     * @return a new tensor; {@code HardtanhBackward0}
     */
    default Tensor hardtanh(double min, double max) {
        Kernels.requireFloating(self().dtype(), "hardtanh");
        return unary(UnaryOp.CLAMP, min, max, "HardtanhBackward0", Saved.INPUT, (x, y, g) -> {
            // hardtanh_backward: 0 where x <= min or x >= max, else the gradient (NaN inputs pass it)
            Tensor zero = Tensor.zerosLike(g);
            return zero.where(x.le(min), zero.where(x.ge(max), g));
        });
    }

    /**
     * Limits values to {@code [min, max]}, like {@code torch.clamp}; pass NaN for a side without a bound. The
     * gradient passes inside the range, bounds included.
     *
     * @param min the lower bound or NaN
     * @param max the upper bound or NaN
     * @return a new tensor; {@code ClampBackward1}
     * @throws IllegalArgumentException when both bounds are NaN
     */
    default Tensor clamp(double min, double max) {
        return clamp(min, max, "ClampBackward1");
    }

    /**
     * {@code max(x, min)}, like {@code torch.clamp_min}.
     *
     * @param min the lower bound
     * @return a new tensor; {@code ClampMinBackward0}
     */
    default Tensor clampMin(double min) {
        return clamp(min, Double.NaN, "ClampMinBackward0");
    }

    /**
     * {@code min(x, max)}, like {@code torch.clamp_max}.
     *
     * @param max the upper bound
     * @return a new tensor; {@code ClampMaxBackward0}
     */
    default Tensor clampMax(double max) {
        return clamp(Double.NaN, max, "ClampMaxBackward0");
    }

    private Tensor clamp(double min, double max, String node) {
        if (Double.isNaN(min) && Double.isNaN(max)) {
            throw new IllegalArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        Kernels.requireFloating(self().dtype(), "clamp");
        return unary(UnaryOp.CLAMP, min, max, node, Saved.INPUT,
                (x, y, g) -> g.where(Kernels.unary(x, UnaryOp.INSIDE, min, max).ne(0.0), Tensor.zerosLike(g)));
    }

    /**
     * Elementwise maximum of two tensors, like {@code torch.maximum}; on ties the gradient is split evenly.
     *
     * @param other same dtype and device, broadcastable
     * @return a new tensor; {@code MaximumBackward0}
     */
    default Tensor maximum(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return extremum(BinaryOp.MAXIMUM, "MaximumBackward0", other);
    }

    /**
     * Elementwise minimum of two tensors, like {@code torch.minimum}; on ties the gradient is split evenly.
     *
     * @param other same dtype and device, broadcastable
     * @return a new tensor; {@code MinimumBackward0}
     */
    default Tensor minimum(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return extremum(BinaryOp.MINIMUM, "MinimumBackward0", other);
    }

    private Tensor extremum(BinaryOp op, String node, Tensor other) {
        Tensor[] p = both(self(), other, Kernels.resultType(self(), other));
        Tensor x = p[0], y = p[1];
        Tensor out = Kernels.binary(x, op, y);
        boolean max = op == BinaryOp.MAXIMUM;
        return Tensor.record(node, out, Tensor.saved(self(), other), (g, needs) -> {
            // PyTorch's: halves on ties, selected (no 0 * inf NaN); a NaN operand gives both sides the gradient
            Tensor zero = Tensor.zerosLike(g), split = g.div(2.0).where(x.eq(y), g);
            return new Tensor[] {
                needs[0] ? zero.where(max ? x.lt(y) : x.gt(y), split).sumToShape(x.shapeUnsafe()) : null,
                needs[1] ? zero.where(max ? x.gt(y) : x.lt(y), split).sumToShape(y.shapeUnsafe()) : null};
        }, x, y);
    }

    // ------------------------------------------------------------------ tests of values (BOOL, no gradient)

    /**
     * True where x is NaN, like {@code torch.isnan}.
     *
     * @return a new BOOL tensor
     */
    default Tensor isnan() {
        Tensor x = self();
        return x.dtype().isFloatingPoint() ? x.ne(x) : Tensor.zeros(x.shape(), DType.BOOL, x.device());
    }

    /**
     * True where x is positive or negative infinity, like {@code torch.isinf}.
     *
     * @return a new BOOL tensor
     */
    default Tensor isinf() {
        Tensor x = self();
        return x.dtype().isFloatingPoint() ? x.abs().eq(Double.POSITIVE_INFINITY)
                : Tensor.zeros(x.shape(), DType.BOOL, x.device());
    }

    /**
     * True where x is neither NaN nor infinite, like {@code torch.isfinite}.
     *
     * @return a new BOOL tensor
     */
    default Tensor isfinite() {
        Tensor x = self();
        return x.dtype().isFloatingPoint() ? x.sub(x).eq(0.0) : Tensor.ones(x.shape(), DType.BOOL, x.device());
    }

    // ------------------------------------------------------------------ comparisons (BOOL, no gradient)
    // Operands are promoted to their result type (outside the graph) before they are compared.

    /** A double as a 0-d operand of this tensor's result type with a Python float. */
    private Tensor scalar(double value) {
        return Tensor.full(Shape.of(), value, Kernels.resultType(self(), DType.FLOAT64), self().device());
    }

    /** A long as a 0-d operand of this tensor's result type with a Python int (exact in int64). */
    private Tensor scalar(long value) {
        return Kernels.scalarLike(self(), value, Kernels.resultType(self(), DType.INT64));
    }

    /**
     * {@code this == other} elementwise with broadcasting, like {@code torch.eq}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor eq(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.EQ, other);
    }

    /**
     * {@code this != other} elementwise with broadcasting, like {@code torch.ne}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor ne(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.NE, other);
    }

    /**
     * {@code this < other} elementwise with broadcasting, like {@code torch.lt}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor lt(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.LT, other);
    }

    /**
     * {@code this <= other} elementwise with broadcasting, like {@code torch.le}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor le(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.LE, other);
    }

    /**
     * {@code this > other} elementwise with broadcasting, like {@code torch.gt}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor gt(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.GT, other);
    }

    /**
     * {@code this >= other} elementwise with broadcasting, like {@code torch.ge}.
     *
     * @param other same dtype and device
     * @return a new BOOL tensor
     */
    default Tensor ge(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        return Kernels.binary(self(), BinaryOp.GE, other);
    }

    /**
     * {@code this == value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor eq(double value) {
        return Kernels.binary(self(), BinaryOp.EQ, scalar(value));
    }

    /**
     * {@code this == value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor eq(long value) {
        return Kernels.binary(self(), BinaryOp.EQ, scalar(value));
    }

    /**
     * {@code this != value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor ne(double value) {
        return Kernels.binary(self(), BinaryOp.NE, scalar(value));
    }

    /**
     * {@code this != value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor ne(long value) {
        return Kernels.binary(self(), BinaryOp.NE, scalar(value));
    }

    /**
     * {@code this < value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor lt(double value) {
        return Kernels.binary(self(), BinaryOp.LT, scalar(value));
    }

    /**
     * {@code this < value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor lt(long value) {
        return Kernels.binary(self(), BinaryOp.LT, scalar(value));
    }

    /**
     * {@code this <= value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor le(double value) {
        return Kernels.binary(self(), BinaryOp.LE, scalar(value));
    }

    /**
     * {@code this <= value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor le(long value) {
        return Kernels.binary(self(), BinaryOp.LE, scalar(value));
    }

    /**
     * {@code this > value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor gt(double value) {
        return Kernels.binary(self(), BinaryOp.GT, scalar(value));
    }

    /**
     * {@code this > value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor gt(long value) {
        return Kernels.binary(self(), BinaryOp.GT, scalar(value));
    }

    /**
     * {@code this >= value} elementwise, the scalar as a Python float (integer tensors compare in float32).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor ge(double value) {
        return Kernels.binary(self(), BinaryOp.GE, scalar(value));
    }

    /**
     * {@code this >= value} elementwise, the scalar as a Python int (integer tensors compare exactly).
     *
     * @param value the scalar
     * @return a new BOOL tensor
     */
    default Tensor ge(long value) {
        return Kernels.binary(self(), BinaryOp.GE, scalar(value));
    }

    /**
     * {@code condition ? this : other} with broadcasting, like {@code torch.where(condition, this, other)};
     * gradients flow to the chosen side.
     *
     * @param condition a BOOL tensor
     * @param other values where the condition is false, of this dtype and device
     * @return a new tensor of the broadcast shape; {@code WhereBackward0}
     * @throws IllegalArgumentException when condition is not BOOL, or dtypes, devices or shapes do not match
     */
    default Tensor where(Tensor condition, Tensor other) {
        Objects.requireNonNull(condition, "condition must not be null");
        Objects.requireNonNull(other, "other must not be null");
        Tensor a = self();
        if (condition.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where expected condition to be a boolean tensor, but got a tensor with "
                    + "dtype " + condition.dtype().scalarTypeName());
        }
        Kernels.checkSameDevice(condition, a);
        Kernels.checkSameDevice(a, other);
        if (a.dtype() != other.dtype()) {
            DType common = Kernels.resultType(a, other);
            return a.to(common).where(condition, other.to(common));
        }
        int[] shape = Shape.broadcast(Shape.broadcast(condition.shapeUnsafe(), a.shapeUnsafe()), other.shapeUnsafe());
        Tensor out = a.emptyLike(shape, a.dtype());
        a.kernels().where(condition.storageUnsafe(), condition.layout().broadcastTo(shape), a.storageUnsafe(),
                a.layout().broadcastTo(shape), other.storageUnsafe(), other.layout().broadcastTo(shape),
                out.storageUnsafe(), out.layout());
        return Tensor.record("WhereBackward0", out, Tensor.saved(condition), (g, needs) -> {
            Tensor zero = Tensor.zerosLike(g);
            return new Tensor[] {
                needs[0] ? g.where(condition, zero).sumToShape(a.shapeUnsafe()) : null,
                needs[1] ? zero.where(condition, g).sumToShape(other.shapeUnsafe()) : null};
        }, a, other);
    }
}
