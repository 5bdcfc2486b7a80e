package dev.autograd4j.spi;

/**
 * How a tensor reads its storage: element (i0, i1, ...) sits at {@code offset + sum(ik * strides[k])}.
 * A stride of 0 repeats an element (broadcast); views share storage with other strides and offsets.
 * Arrays are never modified after construction.
 */
public record Layout(int[] shape, int[] strides, int offset) {

    public static Layout contiguous(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return new Layout(shape, strides, 0);
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Row-major with no gaps (offset may be non-zero). */
    public boolean isContiguous() {
        if (numel() == 0) {
            return true; // nothing to read: any strides will do, as in PyTorch
        }
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) {
                return false;
            }
            s *= shape[i];
        }
        return true;
    }
}
