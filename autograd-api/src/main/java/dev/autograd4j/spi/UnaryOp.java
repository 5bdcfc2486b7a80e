package dev.autograd4j.spi;

import dev.autograd4j.DType;
import java.util.List;

/**
 * The elementwise functions of one tensor: the op table every backend reads. Each constant is the one
 * declaration of its kernel: its name (the CUDA symbol is {@code "u" + name + "_" + dtype suffix}, see
 * {@link #cudaSymbol}), the dtypes a backend must serve, its cost class and its formula in float64, which is
 * the CPU backend's kernel and the reference the CUDA device function in {@code elementwise.cu} mirrors. Some
 * take the scalar parameters {@code p0} and {@code p1}, as noted per constant. The derivative lives with the
 * public op in the API ({@code Tensor}), which backends never see.
 */
public enum UnaryOp {
    /** {@code -x}. */
    NEG("neg", Kind.CHEAP_ANY, (x, p0, p1) -> -x, x -> -x),
    /** {@code e^x}. */
    EXP("exp", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.exp(x)),
    /** {@code e^x - 1}, accurate near 0. */
    EXPM1("expm1", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.expm1(x)),
    /** Natural logarithm. */
    LOG("log", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.log(x)),
    /** {@code log(1 + x)}, accurate near 0. */
    LOG1P("log1p", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.log1p(x)),
    /** Base-2 logarithm, exact at powers of two. */
    LOG2("log2", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.log2(x)),
    /** Base-10 logarithm. */
    LOG10("log10", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.log10(x)),
    /** Square root. */
    SQRT("sqrt", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.sqrt(x)),
    /** {@code 1 / sqrt(x)}. */
    RSQRT("rsqrt", Kind.TRANSCENDENTAL, (x, p0, p1) -> 1.0 / Math.sqrt(x)),
    /** Absolute value. */
    ABS("abs", Kind.CHEAP_ANY, (x, p0, p1) -> Math.abs(x), Math::abs),
    /** -1, 0 or 1 ({@code Math.signum}: NaN and signed zeros come back unchanged). */
    SIGN("sign", Kind.CHEAP_ANY, (x, p0, p1) -> x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0, Long::signum),
    /** Largest integer not above x. */
    FLOOR("floor", Kind.CHEAP_ANY, (x, p0, p1) -> Math.floor(x), x -> x),
    /** Smallest integer not below x. */
    CEIL("ceil", Kind.CHEAP_ANY, (x, p0, p1) -> Math.ceil(x), x -> x),
    /** Nearest integer, halves to even (as {@code torch.round}). */
    ROUND("round", Kind.CHEAP_ANY, (x, p0, p1) -> Math.rint(x), x -> x),
    /** Integer part, rounding toward zero. */
    TRUNC("trunc", Kind.CHEAP_ANY, (x, p0, p1) -> ScalarFunctions.trunc(x), x -> x),
    /** {@code max(x, 0)}, keeping NaN. */
    RELU("relu", Kind.CHEAP_FLOAT, (x, p0, p1) -> x > 0 ? x : (x != x ? x : 0.0)),
    /** {@code 1 / (1 + e^-x)}, computed without overflow. */
    SIGMOID("sigmoid", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.sigmoid(x)),
    /** Hyperbolic tangent. */
    TANH("tanh", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.tanh(x)),
    /** Sine. */
    SIN("sin", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.sin(x)),
    /** Cosine. */
    COS("cos", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.cos(x)),
    /** The error function. */
    ERF("erf", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.erf(x)),
    /** {@code 1 - erf(x)}, accurate where erf is near 1. */
    ERFC("erfc", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.erfc(x)),
    /** {@code x * Phi(x)}, the exact GELU ({@code approximate='none'}), as erfc so the left tail keeps its digits. */
    GELU("gelu", Kind.TRANSCENDENTAL, (x, p0, p1) -> 0.5 * x * ScalarFunctions.erfc(-x * 0.7071067811865476)),
    /** The tanh approximation of GELU ({@code approximate='tanh'}). */
    GELU_TANH("gelu_tanh", Kind.TRANSCENDENTAL,
            (x, p0, p1) -> 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))),
    /** {@code x * sigmoid(x)}. */
    SILU("silu", Kind.TRANSCENDENTAL, (x, p0, p1) -> x * ScalarFunctions.sigmoid(x)),
    /** {@code x * tanh(softplus(x))}. */
    MISH("mish", Kind.TRANSCENDENTAL, (x, p0, p1) -> x * Math.tanh(ScalarFunctions.softplus(x, 1, 20))),
    /** {@code min(max(x + 3, 0), 6) / 6}, keeping NaN. */
    HARDSIGMOID("hardsigmoid", Kind.CHEAP_FLOAT, (x, p0, p1) -> x != x ? x : Math.min(Math.max(x + 3, 0), 6) / 6),
    /** {@code x > 0 ? x : p0 * x} (p0 is the negative slope). */
    LEAKY_RELU("leaky_relu", Kind.CHEAP_FLOAT, (x, p0, p1) -> x > 0 ? x : x * p0),
    /** {@code p1 * (x > 0 ? x : p0 * (e^x - 1))}: ELU with alpha p0 and scale p1 (SELU is one such pair). */
    ELU("elu", Kind.TRANSCENDENTAL, (x, p0, p1) -> p1 * (x > 0 ? x : p0 * Math.expm1(x))),
    /** {@code log(1 + e^(p0 x)) / p0}, or x where {@code p0 x > p1} (beta p0, threshold p1). */
    SOFTPLUS("softplus", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.softplus(x, p0, p1)),
    /** {@code x ^ p0}. */
    POW_SCALAR("pow_scalar", Kind.TRANSCENDENTAL, (x, p0, p1) -> ScalarFunctions.pow(x, p0)),
    /** {@code p0 ^ x}. */
    RPOW_SCALAR("rpow_scalar", Kind.TRANSCENDENTAL, (x, p0, p1) -> Math.pow(p0, x)),
    /** {@code x + p0}. */
    ADD_SCALAR("add_scalar", Kind.CHEAP_ANY, (x, p0, p1) -> x + p0),
    /** {@code x * p0}. */
    MUL_SCALAR("mul_scalar", Kind.CHEAP_ANY, (x, p0, p1) -> x * p0),
    /** {@code p0 / x}. */
    RDIV_SCALAR("rdiv_scalar", Kind.TRANSCENDENTAL, (x, p0, p1) -> p0 / x),
    /** {@code min(max(x, p0), p1)}; a NaN bound means unbounded on that side, NaN inputs stay NaN. */
    CLAMP("clamp", Kind.CHEAP_ANY, (x, p0, p1) -> ScalarFunctions.clamp(x, p0, p1)),
    /** 0 where {@code x <= 0}, else 1 (NaN gives 1): the mask ReLU's gradient passes, as threshold_backward. */
    STEP("step", Kind.CHEAP_ANY, (x, p0, p1) -> x <= 0 ? 0.0 : 1.0),
    /** 1 where {@code p0 <= x <= p1} (NaN bound = unbounded), else 0: the mask clamp's gradient passes. */
    INSIDE("inside", Kind.CHEAP_ANY,
            (x, p0, p1) -> (p0 != p0 || x >= p0) && (p1 != p1 || x <= p1) ? 1.0 : 0.0);

    /** A unary formula in float64: {@code f(x; p0, p1)}. */
    @FunctionalInterface
    public interface Formula {
        /**
         * Evaluates the formula.
         *
         * @param x the element
         * @param p0 the first scalar parameter (unused by most ops)
         * @param p1 the second scalar parameter (unused by most ops)
         * @return f(x)
         */
        double apply(double x, double p0, double p1);
    }

    /** A unary formula in int64 (two's complement wrap-around, as Java and PyTorch), for the ops that have one. */
    @FunctionalInterface
    public interface LongFormula {
        /**
         * Evaluates the formula.
         *
         * @param x the element
         * @return f(x)
         */
        long apply(long x);
    }

    /** Cost class and dtype coverage together, since they go hand in hand for these ops. */
    private enum Kind {
        CHEAP_ANY(true, false), CHEAP_FLOAT(true, true), TRANSCENDENTAL(false, true);

        final boolean cheap;
        final boolean floatingOnly;

        Kind(boolean cheap, boolean floatingOnly) {
            this.cheap = cheap;
            this.floatingOnly = floatingOnly;
        }
    }

    private final String kernelName;
    private final Kind kind;
    private final Formula formula;
    private final LongFormula longFormula;

    UnaryOp(String kernelName, Kind kind, Formula formula) {
        this(kernelName, kind, formula, null);
    }

    UnaryOp(String kernelName, Kind kind, Formula formula, LongFormula longFormula) {
        this.kernelName = kernelName;
        this.kind = kind;
        this.formula = formula;
        this.longFormula = longFormula;
    }

    /**
     * The op's name in kernel symbols and messages.
     *
     * @return e.g. {@code "exp"}
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * The formula in float64: the CPU kernel and the reference of every other backend.
     *
     * @param x the element
     * @param p0 the first scalar parameter
     * @param p1 the second scalar parameter
     * @return the result, to be rounded to the output dtype
     */
    public double apply(double x, double p0, double p1) {
        return formula.apply(x, p0, p1);
    }

    /**
     * Whether the op has an int64 formula ({@link #applyLong}): INT64 inputs are then computed in integers,
     * exactly; the others compute INT64 through their float64 formula.
     *
     * @return true for neg, abs, sign, floor, ceil, round and trunc
     */
    public boolean hasLongFormula() {
        return longFormula != null;
    }

    /**
     * The formula in int64: the CPU kernel for INT64 inputs and the reference of every other backend.
     *
     * @param x the element
     * @return f(x)
     * @throws UnsupportedOperationException when the op has no int64 formula
     */
    public long applyLong(long x) {
        if (longFormula == null) {
            throw new UnsupportedOperationException(kernelName + " has no int64 formula");
        }
        return longFormula.apply(x);
    }

    /**
     * Whether one element costs about as much as a load and a store (no transcendental function), which
     * decides how much work a CPU thread takes.
     *
     * @return true for arithmetic-only ops
     */
    public boolean isCheap() {
        return kind.cheap;
    }

    /**
     * The dtypes every backend must serve: float32 and float64 for the transcendental ops, all dtypes for the
     * others (the API rejects other dtypes before a backend sees them).
     *
     * @return the dtypes with a kernel
     */
    public List<DType> dtypes() {
        return kind.floatingOnly ? KernelSymbols.FLOATING : KernelSymbols.ALL;
    }

    /**
     * The CUDA kernel symbol for one dtype, as defined in {@code elementwise.cu}.
     *
     * @param dtype the input dtype
     * @return e.g. {@code "uexp_f32"}
     */
    public String cudaSymbol(DType dtype) {
        return "u" + kernelName + "_" + KernelSymbols.suffix(dtype);
    }
}
