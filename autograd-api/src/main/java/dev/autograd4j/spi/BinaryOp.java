package dev.autograd4j.spi;

/** Elementwise functions of two broadcast tensors. Comparisons write BOOL. */
public enum BinaryOp {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), MAXIMUM("maximum"), MINIMUM("minimum"),
    EQ("eq", true), NE("ne", true), LT("lt", true), LE("le", true), GT("gt", true), GE("ge", true);

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
