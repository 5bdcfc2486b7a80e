package dev.autograd4j;

import java.util.Objects;

/**
 * One entry of a Python-style subscript, for {@link TensorAdvancedIndexing#get(Index...)} and
 * {@link TensorAdvancedIndexing#set(Tensor, Index...)}: {@code x[1:5, :, idx]} reads
 * {@code x.get(Index.slice(1, 5), Index.all(), Index.of(idx))}. Integers select (the dim goes), slices keep the
 * dim (a view, any positive step), {@link #none()} inserts a dim of size 1, {@link #ellipsis()} stands for as
 * many full slices as needed, and an INT64 or BOOL tensor indexes as PyTorch's advanced indexing (a copy).
 * Negative integers and slice bounds count from the end, as in Python.
 */
public final class Index {
    enum Kind { INTEGER, SLICE, NONE, ELLIPSIS, TENSOR }

    private static final Index ALL = new Index(Kind.SLICE, 0, null, null, 1, null);
    private static final Index NONE = new Index(Kind.NONE, 0, null, null, 1, null);
    private static final Index ELLIPSIS = new Index(Kind.ELLIPSIS, 0, null, null, 1, null);

    final Kind kind;
    final long integer;
    final Integer start;
    final Integer end;
    final int step;
    final Tensor tensor;

    private Index(Kind kind, long integer, Integer start, Integer end, int step, Tensor tensor) {
        this.kind = kind;
        this.integer = integer;
        this.start = start;
        this.end = end;
        this.step = step;
        this.tensor = tensor;
    }

    /**
     * An integer index, Python's {@code x[i]}: selects one entry and removes the dim.
     *
     * @param i the index (negative counts from the end)
     * @return the entry
     */
    public static Index of(long i) {
        return new Index(Kind.INTEGER, i, null, null, 1, null);
    }

    /**
     * A tensor index, Python's {@code x[idx]}: INT64 for advanced indexing, BOOL for a mask (its
     * {@code nonzero()}); the result is a copy.
     *
     * @param index an INT64 or BOOL tensor
     * @return the entry
     * @throws NullPointerException when index is null
     */
    public static Index of(Tensor index) {
        return new Index(Kind.TENSOR, 0, null, null, 1, Objects.requireNonNull(index, "index must not be null"));
    }

    /**
     * A slice {@code start:end}, Python's {@code x[start:end]}; bounds are clamped to the dim as in Python.
     *
     * @param start the first index, or null for the start of the dim (negative counts from the end)
     * @param end the index after the last, or null for the end of the dim (negative counts from the end)
     * @return the entry
     */
    public static Index slice(Integer start, Integer end) {
        return new Index(Kind.SLICE, 0, start, end, 1, null);
    }

    /**
     * A stepped slice {@code start:end:step}, Python's {@code x[start:end:step]}.
     *
     * @param start the first index, or null for the start of the dim (negative counts from the end)
     * @param end the bound, or null for the end of the dim (negative counts from the end)
     * @param step the step, positive (as in PyTorch, which has no negative steps)
     * @return the entry
     * @throws IllegalArgumentException when step is not positive
     */
    public static Index slice(Integer start, Integer end, int step) {
        if (step <= 0) {
            throw new IllegalArgumentException("step must be greater than zero");
        }
        return new Index(Kind.SLICE, 0, start, end, step, null);
    }

    /**
     * The full slice, Python's {@code :}.
     *
     * @return the entry
     */
    public static Index all() {
        return ALL;
    }

    /**
     * A new dim of size 1, Python's {@code None} (numpy's {@code newaxis}).
     *
     * @return the entry
     */
    public static Index none() {
        return NONE;
    }

    /**
     * As many full slices as the other entries leave dims, Python's {@code ...}.
     *
     * @return the entry
     */
    public static Index ellipsis() {
        return ELLIPSIS;
    }

    /** How many dims of the indexed tensor this entry consumes (a mask: its rank). */
    int consumes() {
        return switch (kind) {
            case INTEGER, SLICE -> 1;
            case TENSOR -> tensor.dtype() == DType.BOOL ? tensor.dim() : 1;
            case NONE, ELLIPSIS -> 0;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case INTEGER -> Long.toString(integer);
            case SLICE -> (start == null ? "" : start) + ":" + (end == null ? "" : end) + (step == 1 ? "" : ":" + step);
            case NONE -> "None";
            case ELLIPSIS -> "...";
            case TENSOR -> "tensor" + tensor.shape();
        };
    }
}
