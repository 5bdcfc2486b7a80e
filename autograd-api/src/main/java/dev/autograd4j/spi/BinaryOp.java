package dev.autograd4j.spi;

import dev.autograd4j.DType;
import java.util.List;

/**
 * The elementwise functions of two broadcast tensors: the op table every backend reads. Each constant is the
 * one declaration of its kernel: its name (the CUDA symbol is {@code "b" + name + "_" + dtype suffix}), whether
 * it is a comparison (which writes BOOL) and its formula in float64, the CPU kernel and the reference the CUDA
 * device function in {@code elementwise.cu} mirrors. Two are fused pieces of
 * binary_cross_entropy_with_logits for logits a and targets b: its per-element loss
 * {@code (1 - b) a + softplus(-a)} (computed stably as {@code (1 - b) a + max(-a, 0) + log1p(exp(-|a|))}) and
 * its derivative by the logits, {@code sigmoid(a) - b}.
 */
public enum BinaryOp {
    /** {@code a + b}. */
    ADD("add", false, (a, b) -> a + b, (a, b) -> a + b),
    /** {@code a - b}. */
    SUB("sub", false, (a, b) -> a - b, (a, b) -> a - b),
    /** {@code a * b}. */
    MUL("mul", false, (a, b) -> a * b, (a, b) -> a * b),
    /** {@code a / b} (true division: the API promotes integer operands to a floating dtype first). */
    DIV("div", false, (a, b) -> a / b, null),
    /**
     * {@code floor(a / b)}, as {@code torch.div(a, b, rounding_mode='floor')}: for integers exact, rounding toward
     * negative infinity (0 where b is 0: the API raises ZeroDivisionError before); for floats PyTorch's
     * {@code div_floor_floating}.
     */
    FLOOR_DIV("floor_div", false, ScalarFunctions::floorDivide, (a, b) -> b == 0 ? 0 : Math.floorDiv(a, b)),
    /** {@code trunc(a / b)}, as {@code rounding_mode='trunc'}: for integers Java's {@code /} (0 where b is 0). */
    TRUNC_DIV("trunc_div", false, (a, b) -> ScalarFunctions.trunc(a / b), (a, b) -> b == 0 ? 0 : a / b),
    /**
     * {@code atan2(a, b)}, the angle of the point (b, a), as {@code torch.atan2} (the API promotes integer
     * operands to a floating dtype first).
     */
    ATAN2("atan2", false, Math::atan2, null),
    /**
     * {@code fmod(a, b)}, the remainder of the truncated division (the dividend's sign), as {@code torch.fmod}:
     * for floats C's {@code fmod} (Java's {@code %}; NaN where b is 0), for integers exact (0 where b is 0: the
     * API raises ZeroDivisionError before).
     */
    FMOD("fmod", false, (a, b) -> a % b, (a, b) -> b == 0 ? 0 : a % b),
    /**
     * {@code a - floor(a / b) * b}, the remainder of the floor division (the divisor's sign, Python's {@code %}),
     * as {@code torch.remainder}: for floats PyTorch's {@code fmod} corrected by b where the signs differ (NaN
     * where b is 0), for integers {@link Math#floorMod(long, long)} (0 where b is 0: the API raises
     * ZeroDivisionError before).
     */
    REMAINDER("remainder", false, BinaryOp::remainder, (a, b) -> b == 0 ? 0 : Math.floorMod(a, b)),
    /** The larger; NaN wins. */
    MAXIMUM("maximum", false, (a, b) -> a != a || b != b ? Double.NaN : Math.max(a, b), Math::max),
    /** The smaller; NaN wins. */
    MINIMUM("minimum", false, (a, b) -> a != a || b != b ? Double.NaN : Math.min(a, b), Math::min),
    /** {@code a == b}. */
    EQ("eq", true, (a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0),
    /** {@code a != b}. */
    NE("ne", true, (a, b) -> a != b ? 1 : 0, (a, b) -> a != b ? 1 : 0),
    /** {@code a < b}. */
    LT("lt", true, (a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0),
    /** {@code a <= b}. */
    LE("le", true, (a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0),
    /** {@code a > b}. */
    GT("gt", true, (a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0),
    /** {@code a >= b}. */
    GE("ge", true, (a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0),
    /** The per-element loss of binary_cross_entropy_with_logits (logits a, targets b). */
    BCE_WITH_LOGITS("bce_with_logits", false,
            (a, b) -> (1 - b) * a + Math.max(-a, 0) + Math.log1p(Math.exp(-Math.abs(a))), null),
    /** {@code sigmoid(a) - b}: that loss's derivative by the logits. */
    SIGMOID_SUB("sigmoid_sub", false, (a, b) -> ScalarFunctions.sigmoid(a) - b, null),
    /**
     * ReLU's gradient: {@code b <= 0 ? 0 : a} for the incoming gradient a and ReLU's result b (PyTorch's
     * threshold_backward: it selects, so an infinite gradient stays out of the zeroed positions).
     */
    RELU_BACKWARD("relu_backward", false, (a, b) -> b <= 0 ? 0.0 : a, null),
    /** The sigmoid's gradient {@code a * (b * (1 - b))} for the incoming gradient a and the sigmoid's result b. */
    SIGMOID_BACKWARD("sigmoid_backward", false, (a, b) -> a * (b * (1 - b)), null);

    /** A binary formula in float64. */
    @FunctionalInterface
    public interface Formula {
        /**
         * Evaluates the formula.
         *
         * @param a the first operand's element
         * @param b the second operand's element
         * @return f(a, b); comparisons give 1 or 0
         */
        double apply(double a, double b);
    }

    /**
     * A binary formula in int64, for the ops that serve integers exactly: two's complement wrap-around on
     * overflow, as Java's and PyTorch's integer arithmetic.
     */
    @FunctionalInterface
    public interface LongFormula {
        /**
         * Evaluates the formula.
         *
         * @param a the first operand's element
         * @param b the second operand's element
         * @return f(a, b); comparisons give 1 or 0
         */
        long apply(long a, long b);
    }

    private final String kernelName;
    private final boolean comparison;
    private final Formula formula;
    private final LongFormula longFormula;

    BinaryOp(String kernelName, boolean comparison, Formula formula, LongFormula longFormula) {
        this.kernelName = kernelName;
        this.comparison = comparison;
        this.formula = formula;
        this.longFormula = longFormula;
    }

    /**
     * The op's name in kernel symbols and messages.
     *
     * @return e.g. {@code "add"}
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * Whether the op compares, writing BOOL rather than the operands' dtype.
     *
     * @return true for eq, ne, lt, le, gt, ge
     */
    public boolean isComparison() {
        return comparison;
    }

    /**
     * The formula in float64: the CPU kernel and the reference of every other backend.
     *
     * @param a the first operand's element
     * @param b the second operand's element
     * @return the result (1 or 0 for comparisons), to be rounded to the output dtype
     */
    public double apply(double a, double b) {
        return formula.apply(a, b);
    }

    /**
     * Whether the op has an int64 formula ({@link #applyLong}): INT64 operands are then computed in integers,
     * exactly. The others compute INT64 through their float64 formula.
     *
     * @return true for add, sub, mul, floor_div, trunc_div, fmod, remainder, maximum, minimum and the comparisons
     */
    public boolean hasLongFormula() {
        return longFormula != null;
    }

    /**
     * The formula in int64: the CPU kernel for INT64 operands and the reference of every other backend.
     *
     * @param a the first operand's element
     * @param b the second operand's element
     * @return the result (1 or 0 for comparisons)
     * @throws UnsupportedOperationException when the op has no int64 formula
     */
    public long applyLong(long a, long b) {
        if (longFormula == null) {
            throw new UnsupportedOperationException(kernelName + " has no int64 formula");
        }
        return longFormula.apply(a, b);
    }

    /** PyTorch's floating remainder: {@code fmod} plus b where the remainder's sign differs from b's. */
    private static double remainder(double a, double b) {
        double mod = a % b;
        return mod != 0 && (b < 0) != (mod < 0) ? mod + b : mod;
    }

    /**
     * The dtypes every backend must serve for the operands: all of them.
     *
     * @return the operand dtypes with a kernel
     */
    public List<DType> dtypes() {
        return KernelSymbols.ALL;
    }

    /**
     * The CUDA kernel symbol for one operand dtype, as defined in {@code elementwise.cu}.
     *
     * @param dtype the operands' dtype
     * @return e.g. {@code "badd_f32"}
     */
    public String cudaSymbol(DType dtype) {
        return "b" + kernelName + "_" + KernelSymbols.suffix(dtype);
    }
}
