package dev.autograd4j;

/**
 * Element types, like {@code torch.dtype}. Only floating types can require gradients; INT64 (computed exactly,
 * in integers) and BOOL come out of indexing, class targets and comparisons. Binary ops promote their operands
 * as PyTorch does ({@code Tensor.resultType}); {@code Tensor.to(DType)} converts explicitly.
 */
public enum DType {
    /** 32-bit IEEE 754 float, {@code torch.float32}: the default for new tensors. */
    FLOAT32("float32", "Float", 4, true),
    /** 64-bit IEEE 754 float, {@code torch.float64}: what gradient checks use. */
    FLOAT64("float64", "Double", 8, true),
    /** 64-bit signed integer, {@code torch.int64}: class indices and {@code argmax} results. */
    INT64("int64", "Long", 8, false),
    /** Boolean, {@code torch.bool}, one byte per element: comparison results and masks. */
    BOOL("bool", "Bool", 1, false);

    private final String pythonName;
    private final String scalarTypeName;
    private final int byteSize;
    private final boolean floatingPoint;

    DType(String pythonName, String scalarTypeName, int byteSize, boolean floatingPoint) {
        this.pythonName = pythonName;
        this.scalarTypeName = scalarTypeName;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /**
     * PyTorch's name, as in {@code torch.float32}.
     *
     * @return e.g. {@code "float32"}
     */
    public String pythonName() {
        return pythonName;
    }

    /**
     * PyTorch's ScalarType name, used in error messages.
     *
     * @return {@code "Float"}, {@code "Double"}, {@code "Long"} or {@code "Bool"}
     */
    public String scalarTypeName() {
        return scalarTypeName;
    }

    /**
     * Bytes per element, like {@code torch.dtype.itemsize}.
     *
     * @return 4, 8, 8 or 1
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Whether this is a floating type (and so can require gradients), like
     * {@code torch.dtype.is_floating_point}.
     *
     * @return true for FLOAT32 and FLOAT64
     */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The name as PyTorch prints it.
     *
     * @return e.g. {@code "torch.float32"}
     */
    @Override
    public String toString() {
        return "torch." + pythonName;
    }
}
