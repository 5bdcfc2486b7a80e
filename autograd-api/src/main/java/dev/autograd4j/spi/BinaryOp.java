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
    ADD("add", false, (a, b) -> a + b),
    /** {@code a - b}. */
    SUB("sub", false, (a, b) -> a - b),
    /** {@code a * b}. */
    MUL("mul", false, (a, b) -> a * b),
    /** {@code a / b}. */
    DIV("div", false, (a, b) -> a / b),
    /** The larger; NaN wins. */
    MAXIMUM("maximum", false, (a, b) -> a != a || b != b ? Double.NaN : Math.max(a, b)),
    /** The smaller; NaN wins. */
    MINIMUM("minimum", false, (a, b) -> a != a || b != b ? Double.NaN : Math.min(a, b)),
    /** {@code a == b}. */
    EQ("eq", true, (a, b) -> a == b ? 1 : 0),
    /** {@code a != b}. */
    NE("ne", true, (a, b) -> a != b ? 1 : 0),
    /** {@code a < b}. */
    LT("lt", true, (a, b) -> a < b ? 1 : 0),
    /** {@code a <= b}. */
    LE("le", true, (a, b) -> a <= b ? 1 : 0),
    /** {@code a > b}. */
    GT("gt", true, (a, b) -> a > b ? 1 : 0),
    /** {@code a >= b}. */
    GE("ge", true, (a, b) -> a >= b ? 1 : 0),
    /** The per-element loss of binary_cross_entropy_with_logits (logits a, targets b). */
    BCE_WITH_LOGITS("bce_with_logits", false,
            (a, b) -> (1 - b) * a + Math.max(-a, 0) + Math.log1p(Math.exp(-Math.abs(a)))),
    /** {@code sigmoid(a) - b}: that loss's derivative by the logits. */
    SIGMOID_SUB("sigmoid_sub", false, (a, b) -> ScalarFunctions.sigmoid(a) - b);

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

    private final String kernelName;
    private final boolean comparison;
    private final Formula formula;

    BinaryOp(String kernelName, boolean comparison, Formula formula) {
        this.kernelName = kernelName;
        this.comparison = comparison;
        this.formula = formula;
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
