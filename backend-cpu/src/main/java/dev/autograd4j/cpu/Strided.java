package dev.autograd4j.cpu;

import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.MergedDims;

/**
 * Walks several layouts of one shape together, row by row: dims that are contiguous for every
 * operand are merged first, so contiguous tensors become a single row walked with stride 1.
 * Rows (or, for a single row, pieces of it) are split across threads when the work is large.
 */
final class Strided {
    /** A run of {@code length} elements; operand k starts at offsets[k] and steps by strides[k]. */
    interface RowBody {
        void row(int length, int[] offsets, int[] strides);
    }

    private Strided() {
    }

    /**
     * The storage offset of row {@code r} of a layout (rows: all dims but the last, row-major), where the kernels
     * that walk a layout row by row in parallel (gather, sort) start each row.
     */
    static int rowOffset(Layout layout, int r) {
        int[] shape = layout.shape(), strides = layout.strides();
        int off = layout.offset();
        for (int d = shape.length - 2; d >= 0 && r > 0; d--) {
            int q = r / shape[d];
            off += (r - q * shape[d]) * strides[d];
            r = q;
        }
        return off;
    }

    static void forEach(Layout[] operands, long costPerElement, RowBody body) {
        int[] shape = operands[0].shape();
        int ops = operands.length;
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n == 0) {
            return;
        }
        MergedDims merged = MergedDims.of(operands);
        // a single element still walks one row of length 1
        int[] mShape = merged.rank() == 0 ? new int[] {1} : merged.shape();
        int[][] mStrides = merged.rank() == 0 ? new int[ops][1] : merged.strides();
        int r = mShape.length;
        final int rank = r;
        final int rowLength = mShape[rank - 1];
        final int[] inner = new int[ops];
        final int[] base = new int[ops];
        for (int k = 0; k < ops; k++) {
            inner[k] = mStrides[k][rank - 1];
            base[k] = operands[k].offset();
        }
        final int rows = n / rowLength;
        if (rows == 1) {
            Parallel.forRange(rowLength, costPerElement, (from, to) -> {
                int[] off = new int[ops];
                for (int k = 0; k < ops; k++) {
                    off[k] = base[k] + from * inner[k];
                }
                body.row(to - from, off, inner);
            });
            return;
        }
        Parallel.forRange(rows, costPerElement * rowLength, (from, to) -> {
            int[] off = new int[ops];
            for (int row = from; row < to; row++) {
                int rem = row;
                for (int k = 0; k < ops; k++) {
                    off[k] = base[k];
                }
                for (int d = rank - 2; d >= 0; d--) {
                    int i = rem % mShape[d];
                    rem /= mShape[d];
                    for (int k = 0; k < ops; k++) {
                        off[k] += i * mStrides[k][d];
                    }
                }
                body.row(rowLength, off, inner);
            }
        });
    }
}
