package dev.autograd4j.cuda;

/**
 * The PTX modules of {@code dev.autograd4j:native}, one per {@code native/src/main/cuda/<name>.cu}. Every
 * launch names its module, so a kernel is found without guessing from its symbol; which symbols each module
 * must define follows from the op tables ({@code UnaryOp}, {@code BinaryOp}, {@code ReduceOp}) and is checked
 * against the PTX by {@code PtxEntriesTest}.
 */
enum CudaModule {
    /** Unary and binary ops, comparisons, where. */
    ELEMENTWISE("elementwise"),
    /** Strided copies and casts, fill, arange. */
    MEMORY("memory"),
    /** Counter-based uniform and normal draws. */
    RANDOM("random"),
    /** Reductions and (log-)softmax. */
    REDUCE("reduce"),
    /** The built-in matrix product (when cuBLAS is off). */
    GEMM("gemm"),
    /** Gather and scatter-add along a dim. */
    INDEX("index"),
    /** Scatter with amax/amin along a dim (scatter_reduce). */
    SCATTER("scatter"),
    /** Stable sort of rows: bitonic chunks in shared memory, merge passes for longer rows. */
    SORT("sort"),
    /** im2col and col2im (convolution, pooling, unfold, fold). */
    CONV("conv"),
    /** Fused batch, layer and group norm, forward and first-order backward. */
    NORM("norm"),
    /** The gradient of softmax and log-softmax. */
    SOFTMAX("softmax");

    final String fileName;

    CudaModule(String fileName) {
        this.fileName = fileName;
    }

    /** The class-path resource holding the module's PTX. */
    String resource() {
        return "/autograd4j/ptx/" + fileName + ".ptx";
    }
}
