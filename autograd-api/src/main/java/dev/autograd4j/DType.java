package dev.autograd4j;

/** Element types. Floating types carry gradients; INT64 and BOOL come out of indexing and comparisons. */
public enum DType {
    FLOAT32("float32", "Float", 4, true),
    FLOAT64("float64", "Double", 8, true),
    INT64("int64", "Long", 8, false),
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

    /** PyTorch's name, as in {@code torch.float32}. */
    public String pythonName() {
        return pythonName;
    }

    /** PyTorch's ScalarType name used in error messages ("Float", "Double"). */
    public String scalarTypeName() {
        return scalarTypeName;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    @Override
    public String toString() {
        return "torch." + pythonName;
    }
}
