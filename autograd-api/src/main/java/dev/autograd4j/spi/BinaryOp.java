package dev.autograd4j.spi;

/**
 * Elementwise functions of two broadcast tensors. Comparisons write BOOL. Two are fused pieces of
 * binary_cross_entropy_with_logits for logits a and targets b: its per-element loss
 * {@code (1 - b) a + softplus(-a)} (computed stably as {@code (1 - b) a + max(-a, 0) + log1p(exp(-|a|))}) and
 * its derivative by the logits, {@code sigmoid(a) - b}.
 */
public enum BinaryOp {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), MAXIMUM("maximum"), MINIMUM("minimum"),
    EQ("eq", true), NE("ne", true), LT("lt", true), LE("le", true), GT("gt", true), GE("ge", true),
    BCE_WITH_LOGITS("bce_with_logits"), SIGMOID_SUB("sigmoid_sub");

    private final String kernelName;
    private final boolean comparison;

    BinaryOp(String kernelName) {
        this(kernelName, false);
    }

    BinaryOp(String kernelName, boolean comparison) {
        this.kernelName = kernelName;
        this.comparison = comparison;
    }

    public String kernelName() {
        return kernelName;
    }

    public boolean isComparison() {
        return comparison;
    }
}
