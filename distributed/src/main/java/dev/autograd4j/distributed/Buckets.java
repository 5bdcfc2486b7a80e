package dev.autograd4j.distributed;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Flattens tensors into host buckets, one Java array per element kind ({@code float[]}, {@code double[]},
 * {@code long[]}, in the order the kinds first appear), the unit every collective moves, and writes the buckets
 * back. CPU tensors move by {@code System.arraycopy} straight from and to their storage's array
 * ({@link dev.autograd4j.spi.Storage#hostArray()}); a bucket of one contiguous CPU tensor can even be the tensor's
 * own array, reduced in place ({@link Bucket#inPlace}). CUDA, non-contiguous and bool tensors go through the
 * host ({@code toFloatArray}, then {@code copy_}). The arithmetic on buckets (sum, average) lives here too, as
 * plain loops over primitive arrays that the JIT vectorizes, so the in-process and TCP collectives reduce with
 * the same code, in the same element order.
 */
final class Buckets {
    /** Tensors without a host array larger than this many elements move to and from the host in slices. */
    static final int SLICE = 1 << 20;

    private Buckets() {
    }

    /** How the elements of one bucket are stored and added. Bool tensors travel as int64 (broadcast only). */
    enum Kind {
        FLOAT32(4), FLOAT64(8), INT64(8);

        final int bytes;

        Kind(int bytes) {
            this.bytes = bytes;
        }

        static Kind of(DType dtype) {
            switch (dtype) {
                case FLOAT32:
                    return FLOAT32;
                case FLOAT64:
                    return FLOAT64;
                default:
                    return INT64;
            }
        }

        /** The dtype whose host arrays this kind's buckets are. */
        DType dtype() {
            switch (this) {
                case FLOAT32:
                    return DType.FLOAT32;
                case FLOAT64:
                    return DType.FLOAT64;
                default:
                    return DType.INT64;
            }
        }

        /** A new zeroed array of this kind. */
        Object newArray(int n) {
            switch (this) {
                case FLOAT32:
                    return new float[n];
                case FLOAT64:
                    return new double[n];
                default:
                    return new long[n];
            }
        }
    }

    /**
     * Arrays kept between the calls of one collective, one per kind, grown on demand: packing many tensors then
     * allocates nothing. Not thread-safe; the owner must not reuse a bucket's array before the call it was packed
     * for has finished with it.
     */
    static final class Arrays {
        private final Object[] cached = new Object[Kind.values().length];

        Object get(Kind kind, int n) {
            Object a = cached[kind.ordinal()];
            if (a == null || java.lang.reflect.Array.getLength(a) < n) {
                a = kind.newArray(n);
                cached[kind.ordinal()] = a;
            }
            return a;
        }
    }

    /**
     * One bucket: its kind, the array and element range holding its values, and where each of its tensors lies
     * in that range.
     */
    static final class Bucket {
        final Kind kind;
        /** A {@code float[]}, {@code double[]} or {@code long[]} (per {@link #kind}). */
        final Object data;
        /** The bucket's first element in {@link #data}. */
        final int base;
        final int elements;
        final List<Tensor> tensors;
        final int[] offsets;
        /** Whether {@link #data} is the single tensor's own storage: reduced in place, nothing to unpack. */
        final boolean inPlace;

        Bucket(Kind kind, Object data, int base, int elements, List<Tensor> tensors, int[] offsets,
               boolean inPlace) {
            this.kind = kind;
            this.data = data;
            this.base = base;
            this.elements = elements;
            this.tensors = tensors;
            this.offsets = offsets;
            this.inPlace = inPlace;
        }

        int elements() {
            return elements;
        }
    }

    /**
     * Checks the tensors a collective is given: non-null, and (for a reduction) not bool.
     *
     * @param what the collective's name, for messages
     * @param tensors the tensors
     * @param reduce whether the values are added (bool cannot be)
     */
    static void check(String what, List<Tensor> tensors, boolean reduce) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t == null) {
                throw new IllegalArgumentException(what + ": tensor " + i + " is null");
            }
            if (reduce && t.dtype() == DType.BOOL) {
                throw new IllegalArgumentException(what + ": tensor " + i + " is bool, which cannot be summed; "
                        + "convert it to int64 first");
            }
        }
    }

    /**
     * Checks that each kind's bucket stays below 2 GiB, on the caller's thread (before a collective starts).
     *
     * @param tensors the tensors
     * @throws IllegalArgumentException when a bucket would be larger
     */
    static void checkSizes(List<Tensor> tensors) {
        long[] bytes = new long[Kind.values().length];
        for (Tensor t : tensors) {
            Kind kind = Kind.of(t.dtype());
            bytes[kind.ordinal()] += (long) t.numel() * kind.bytes;
        }
        for (long b : bytes) {
            if (b > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a collective moves at most 2 GiB of one dtype per call, got "
                        + b + " bytes");
            }
        }
    }

    /**
     * A description of the tensors (shapes and dtypes) that every rank must agree on, for error messages.
     *
     * @param tensors the tensors
     * @return one entry per tensor, e.g. {@code [3, 4] float32}
     */
    static List<String> signature(List<Tensor> tensors) {
        List<String> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            out.add(t.shape() + " " + t.dtype());
        }
        return out;
    }

    /**
     * The host array of a contiguous tensor whose elements are this kind's, or null (a device tensor, a view
     * with gaps, another dtype).
     */
    static Object hostArray(Tensor t, Kind kind) {
        if (t.dtype() != kind.dtype() || !t.isContiguous()) {
            return null;
        }
        return t.untypedStorage().hostArray();
    }

    /**
     * Copies the tensors' values into fresh buckets, grouped by kind.
     *
     * @param tensors the tensors
     * @return the buckets, in the order the kinds first appear
     */
    static List<Bucket> pack(List<Tensor> tensors) {
        return pack(tensors, null, false);
    }

    /**
     * Copies the tensors' values into buckets, grouped by kind.
     *
     * @param tensors the tensors
     * @param arrays where to take the buckets' arrays from, or null for new ones
     * @param inPlace whether a group of one contiguous CPU tensor may be its own bucket (its storage's array)
     * @return the buckets, in the order the kinds first appear
     */
    static List<Bucket> pack(List<Tensor> tensors, Arrays arrays, boolean inPlace) {
        Map<Kind, List<Tensor>> groups = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            groups.computeIfAbsent(Kind.of(t.dtype()), k -> new ArrayList<>()).add(t);
        }
        List<Bucket> out = new ArrayList<>(groups.size());
        for (Map.Entry<Kind, List<Tensor>> e : groups.entrySet()) {
            Kind kind = e.getKey();
            List<Tensor> group = e.getValue();
            int[] offsets = new int[group.size()];
            if (inPlace && group.size() == 1) {
                Tensor t = group.get(0);
                Object array = hostArray(t, kind);
                if (array != null) {
                    out.add(new Bucket(kind, array, t.storageOffset(), t.numel(), group, offsets, true));
                    continue;
                }
            }
            long total = 0;
            for (int i = 0; i < group.size(); i++) {
                offsets[i] = (int) total;
                total += group.get(i).numel();
            }
            if (total * kind.bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a collective moves at most 2 GiB of one dtype per call, got "
                        + total * kind.bytes + " bytes");
            }
            Object data = arrays == null ? kind.newArray((int) total) : arrays.get(kind, (int) total);
            for (int i = 0; i < group.size(); i++) {
                Tensor t = group.get(i);
                int n = t.numel();
                Object array = hostArray(t, kind);
                if (array != null) {
                    System.arraycopy(array, t.storageOffset(), data, offsets[i], n);
                    continue;
                }
                // large contiguous tensors move in slices, so the temporaries stay small
                Tensor flat = n > SLICE && t.isContiguous() ? t.detach().view(-1) : null;
                for (int from = 0; from < n; from += flat == null ? n : SLICE) {
                    Tensor part = flat == null ? t : flat.narrow(0, from, Math.min(SLICE, n - from));
                    Object values;
                    switch (kind) {
                        case FLOAT32:
                            values = part.toFloatArray();
                            break;
                        case FLOAT64:
                            values = part.toDoubleArray();
                            break;
                        default:
                            values = part.toLongArray();
                            break;
                    }
                    System.arraycopy(values, 0, data, offsets[i] + from, part.numel());
                }
            }
            out.add(new Bucket(kind, data, 0, (int) total, group, offsets, false));
        }
        return out;
    }

    /**
     * Writes bucket values back into the bucket's tensors, in place (no gradient is recorded).
     *
     * @param bucket the bucket whose tensors receive
     * @param data the values, laid out as {@code bucket}'s from element {@code base} of this array
     * @param base the bucket's first element in {@code data}
     */
    static void unpack(Bucket bucket, Object data, int base) {
        if (bucket.inPlace && data == bucket.data && base == bucket.base) {
            return;
        }
        try (var off = Autograd.noGrad()) {
            for (int i = 0; i < bucket.tensors.size(); i++) {
                Tensor t = bucket.tensors.get(i);
                int n = t.numel();
                Object array = hostArray(t, bucket.kind);
                if (array != null) {
                    System.arraycopy(data, base + bucket.offsets[i], array, t.storageOffset(), n);
                    continue;
                }
                Tensor flat = n > SLICE && t.isContiguous() ? t.detach().view(-1) : null;
                for (int from = 0; from < n; from += flat == null ? n : SLICE) {
                    Tensor part = flat == null ? t : flat.narrow(0, from, Math.min(SLICE, n - from));
                    int count = part.numel();
                    int[] shape = part.shape().toArray();
                    int at = base + bucket.offsets[i] + from;
                    Tensor values;
                    switch (bucket.kind) {
                        case FLOAT32:
                            values = Tensor.of(java.util.Arrays.copyOfRange((float[]) data, at, at + count), shape);
                            break;
                        case FLOAT64:
                            values = Tensor.of(java.util.Arrays.copyOfRange((double[]) data, at, at + count), shape);
                            break;
                        default:
                            values = Tensor.of(java.util.Arrays.copyOfRange((long[]) data, at, at + count), shape);
                            break;
                    }
                    part.copy_(values);
                }
            }
        }
    }

    /**
     * {@code dst[i] += src[i]} for {@code count} elements, the sum every collective uses.
     *
     * @param kind the element kind
     * @param dst the accumulating array
     * @param dstElem the first element of dst
     * @param src the added array (of the same kind)
     * @param srcElem the first element of src
     * @param count how many elements
     */
    static void add(Kind kind, Object dst, int dstElem, Object src, int srcElem, int count) {
        switch (kind) {
            case FLOAT32:
                addFloats((float[]) dst, dstElem, (float[]) src, srcElem, count);
                break;
            case FLOAT64:
                addDoubles((double[]) dst, dstElem, (double[]) src, srcElem, count);
                break;
            default:
                addLongs((long[]) dst, dstElem, (long[]) src, srcElem, count);
                break;
        }
    }

    private static void addFloats(float[] dst, int d, float[] src, int s, int count) {
        for (int i = 0; i < count; i++) {
            dst[d + i] += src[s + i];
        }
    }

    private static void addDoubles(double[] dst, int d, double[] src, int s, int count) {
        for (int i = 0; i < count; i++) {
            dst[d + i] += src[s + i];
        }
    }

    private static void addLongs(long[] dst, int d, long[] src, int s, int count) {
        for (int i = 0; i < count; i++) {
            dst[d + i] += src[s + i];
        }
    }

    /**
     * {@code data[i] /= divisor} for {@code count} elements ({@link ReduceOp#AVG}; int64 divides toward zero, as
     * PyTorch's integer average does not exist and floor division would differ for negatives only).
     *
     * @param kind the element kind
     * @param data the array
     * @param elem the first element
     * @param count how many elements
     * @param divisor the world size
     */
    static void divide(Kind kind, Object data, int elem, int count, int divisor) {
        if (divisor == 1) {
            return;
        }
        switch (kind) {
            case FLOAT32: {
                float[] a = (float[]) data;
                float f = divisor;
                for (int i = elem; i < elem + count; i++) {
                    a[i] = a[i] / f;
                }
                break;
            }
            case FLOAT64: {
                double[] a = (double[]) data;
                double f = divisor;
                for (int i = elem; i < elem + count; i++) {
                    a[i] = a[i] / f;
                }
                break;
            }
            default: {
                long[] a = (long[]) data;
                for (int i = elem; i < elem + count; i++) {
                    a[i] = a[i] / divisor;
                }
                break;
            }
        }
    }

    /**
     * Writes {@code count} elements of {@code src} from element {@code elem} into {@code dst} at {@code at} as
     * little-endian bytes (the wire format), in bulk.
     *
     * @param kind the element kind
     * @param src the array
     * @param elem the first element
     * @param count how many elements
     * @param dst the buffer (its position and limit are reset)
     * @param at the first byte written
     */
    static void toBytes(Kind kind, Object src, int elem, int count, ByteBuffer dst, int at) {
        ByteBuffer b = dst.clear().position(at).slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case FLOAT32:
                b.asFloatBuffer().put((float[]) src, elem, count);
                break;
            case FLOAT64:
                b.asDoubleBuffer().put((double[]) src, elem, count);
                break;
            default:
                b.asLongBuffer().put((long[]) src, elem, count);
                break;
        }
    }

    /**
     * Reads {@code count} little-endian elements from {@code src} (from byte 0) into {@code dst} at {@code elem},
     * in bulk.
     *
     * @param kind the element kind
     * @param src the buffer, read from byte 0 (its position and limit are left as they are)
     * @param count how many elements
     * @param dst the array
     * @param elem the first element written
     */
    static void fromBytes(Kind kind, ByteBuffer src, int count, Object dst, int elem) {
        ByteBuffer b = src.duplicate().position(0).limit(count * kind.bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case FLOAT32:
                b.asFloatBuffer().get((float[]) dst, elem, count);
                break;
            case FLOAT64:
                b.asDoubleBuffer().get((double[]) dst, elem, count);
                break;
            default:
                b.asLongBuffer().get((long[]) dst, elem, count);
                break;
        }
    }

    /**
     * Element {@code c}'s first index when {@code n} elements are cut into {@code parts} near-equal chunks.
     *
     * @param n the element count
     * @param parts the number of chunks
     * @param c the chunk, {@code 0..parts} (parts gives n)
     * @return the chunk's first element
     */
    static int chunkStart(int n, int parts, int c) {
        return (int) ((long) n * c / parts);
    }
}
