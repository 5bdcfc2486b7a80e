package dev.autograd4j.cuda;


import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.MergedDims;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs layouts into the by-value structs the kernels take (native/src/main/cuda/common.cuh):
 * {@code Shape = {rank, numel, dims[8]}} and {@code Strides = {offset, s[8]}}. Size-1 dims are
 * dropped and dims contiguous for every operand merged first (so contiguous operands arrive as rank 1,
 * stride 1, the kernels' fast path); what still has more than {@link #MAX_DIMS} dims is split over
 * its leading dim into several launches.
 */
final class CudaLayouts {
    static final int MAX_DIMS = 8;

    /** One launch: the shape struct and one strides struct per operand. */
    record Packed(int[] shape, int[][] strides, int numel) {
    }

    private CudaLayouts() {
    }

    /** All operands share {@code shape}; returns one or more launches covering every element. */
    static List<Packed> pack(int[] shape, Layout... operands) {
        int ops = operands.length;
        int[][] st = new int[ops][];
        int[] offsets = new int[ops];
        for (int k = 0; k < ops; k++) {
            st[k] = operands[k].strides();
            offsets[k] = operands[k].offset();
        }
        List<Packed> out = new ArrayList<>(1);
        packInto(shape, st, offsets, out);
        return out;
    }

    private static void packInto(int[] shape, int[][] strides, int[] offsets, List<Packed> out) {
        int ops = strides.length;
        int numel = 1;
        for (int s : shape) {
            numel *= s;
        }
        if (numel == 0) {
            return;
        }
        MergedDims merged = MergedDims.of(shape, strides);
        int[] mShape = merged.shape();
        int[][] mStrides = merged.strides();
        int r = merged.rank();
        if (r <= MAX_DIMS) {
            int[] sh = new int[2 + MAX_DIMS];
            sh[0] = r;
            sh[1] = numel;
            System.arraycopy(mShape, 0, sh, 2, r);
            int[][] sts = new int[ops][1 + MAX_DIMS];
            for (int k = 0; k < ops; k++) {
                sts[k][0] = offsets[k];
                System.arraycopy(mStrides[k], 0, sts[k], 1, r);
            }
            out.add(new Packed(sh, sts, numel));
            return;
        }
        // too many dims even after merging: one launch per index of the leading dim
        int[] subShape = Arrays.copyOfRange(mShape, 1, r);
        int[][] subStrides = new int[ops][];
        for (int k = 0; k < ops; k++) {
            subStrides[k] = Arrays.copyOfRange(mStrides[k], 1, r);
        }
        for (int i = 0; i < mShape[0]; i++) {
            int[] subOffsets = new int[ops];
            for (int k = 0; k < ops; k++) {
                subOffsets[k] = offsets[k] + i * mStrides[k][0];
            }
            packInto(subShape, subStrides, subOffsets, out);
        }
    }
}
