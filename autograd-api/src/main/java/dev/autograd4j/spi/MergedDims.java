package dev.autograd4j.spi;

/**
 * The dims several operands of one shape are walked over, simplified for kernels: size-1 dims
 * dropped, and neighbouring dims merged where every operand is contiguous across them, so
 * contiguous operands become a single dim of stride 1. {@code strides[k]} belongs to operand k;
 * rank may be 0 (a single element). Kernels use it to run long inner loops over few dims.
 *
 * @param shape the merged sizes, none of them 1
 * @param strides per operand, its element stride for each merged dim
 */
public record MergedDims(int[] shape, int[][] strides) {

    /**
     * Merges the dims of operands that share one shape.
     *
     * @param shape the common shape
     * @param operandStrides per operand, its strides over {@code shape} (stride 0 where broadcast)
     * @return the simplified dims; an empty shape (rank 0) when every dim has size 1
     */
    public static MergedDims of(int[] shape, int[][] operandStrides) {
        int ops = operandStrides.length;
        int[] mShape = new int[shape.length];
        int[][] mStrides = new int[ops][shape.length];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int k = 0; k < ops && merge; k++) {
                merge = mStrides[k][r - 1] == operandStrides[k][i] * shape[i];
            }
            if (merge) {
                mShape[r - 1] *= shape[i];
                for (int k = 0; k < ops; k++) {
                    mStrides[k][r - 1] = operandStrides[k][i];
                }
            } else {
                mShape[r] = shape[i];
                for (int k = 0; k < ops; k++) {
                    mStrides[k][r] = operandStrides[k][i];
                }
                r++;
            }
        }
        int[][] strides = new int[ops][];
        for (int k = 0; k < ops; k++) {
            strides[k] = java.util.Arrays.copyOf(mStrides[k], r);
        }
        return new MergedDims(java.util.Arrays.copyOf(mShape, r), strides);
    }

    /**
     * Merges the dims of operands given as layouts of one shape; offsets are ignored (the caller adds them).
     *
     * @param operands the layouts, at least one, all of the first one's shape
     * @return the simplified dims, operand k's strides at index k
     */
    public static MergedDims of(Layout... operands) {
        int[][] strides = new int[operands.length][];
        for (int k = 0; k < operands.length; k++) {
            strides[k] = operands[k].strides();
        }
        return of(operands[0].shape(), strides);
    }

    /**
     * The number of merged dims.
     *
     * @return the rank, possibly 0
     */
    public int rank() {
        return shape.length;
    }
}
