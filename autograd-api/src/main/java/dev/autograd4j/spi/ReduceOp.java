package dev.autograd4j.spi;

import dev.autograd4j.DType;
import java.util.List;

/**
 * Reductions over the trailing dims of a layout: the op table of {@link Backend#reduce}. MAX and MIN can also
 * write the arg index. The CUDA symbol is {@code "r" + name + "_" + dtype suffix}, defined in {@code reduce.cu}.
 */
public enum ReduceOp {
    /** The sum (0 for an empty reduction). */
    SUM("sum"),
    /** The largest element; NaN wins. */
    MAX("max"),
    /** The smallest element; NaN wins. */
    MIN("min");

    private final String kernelName;

    ReduceOp(String kernelName) {
        this.kernelName = kernelName;
    }

    /**
     * The op's name in kernel symbols and messages.
     *
     * @return e.g. {@code "sum"}
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * The dtypes every backend must serve: all of them.
     *
     * @return the dtypes with a kernel
     */
    public List<DType> dtypes() {
        return KernelSymbols.ALL;
    }

    /**
     * The CUDA kernel symbol for one dtype.
     *
     * @param dtype the input dtype
     * @return e.g. {@code "rsum_f32"}
     */
    public String cudaSymbol(DType dtype) {
        return "r" + kernelName + "_" + KernelSymbols.suffix(dtype);
    }
}
