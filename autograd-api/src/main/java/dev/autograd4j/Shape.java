package dev.autograd4j;

import java.util.Arrays;

/** An immutable list of dimension sizes, like {@code torch.Size}. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /**
     * A shape, like {@code torch.Size([...])}.
     *
     * @param dims the sizes; each non-negative (0 makes an empty tensor)
     * @return the shape
     * @throws IllegalArgumentException for a negative size or more than 2^31-1 elements
     */
    public static Shape of(int... dims) {
        int[] copy = dims.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("Trying to create tensor with negative dimension " + copy[i]
                        + ": " + Arrays.toString(copy));
            }
        }
        numel(copy); // checks overflow
        return new Shape(copy);
    }

    static Shape wrap(int[] dims) {
        return new Shape(dims);
    }

    /**
     * The number of dims.
     *
     * @return the rank
     */
    public int rank() {
        return dims.length;
    }

    /**
     * One size.
     *
     * @param i the dim, in {@code [0, rank)}
     * @return its size
     */
    public int get(int i) {
        return dims[i];
    }

    /**
     * The sizes.
     *
     * @return a copy of them
     */
    public int[] toArray() {
        return dims.clone();
    }

    /**
     * The number of elements a tensor of this shape holds.
     *
     * @return the product of the sizes (1 for the 0-d shape)
     */
    public int numel() {
        return numel(dims);
    }

    static int numel(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Tensor of shape " + Arrays.toString(dims)
                        + " has more than 2^31-1 elements, which autograd4j does not support");
            }
        }
        return (int) n;
    }

    /** PyTorch's broadcasting of two shapes; names the sizes and dimension that clash. */
    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int ai = i - (rank - a.length), bi = i - (rank - b.length);
            int da = ai >= 0 ? a[ai] : 1, db = bi >= 0 ? b[bi] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("The size of tensor a (" + da + ") must match the size of tensor b ("
                        + db + ") at non-singleton dimension " + i);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Wraps a possibly negative dim into [0, rank), with PyTorch's message when out of range. */
    static int normalizeDim(int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException("Dimension out of range (expected to be in range of [" + (-r) + ", "
                    + (r - 1) + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
