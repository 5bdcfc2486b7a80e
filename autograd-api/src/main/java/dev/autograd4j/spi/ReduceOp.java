package dev.autograd4j.spi;

/** Reductions over the trailing dims of a layout. MAX and MIN can also write the arg index. */
public enum ReduceOp {
    SUM("sum"), MAX("max"), MIN("min");

    private final String kernelName;

    ReduceOp(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }
}
