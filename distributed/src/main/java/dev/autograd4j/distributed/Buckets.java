package dev.autograd4j.distributed;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Flattens tensors into host buckets of little-endian bytes (one bucket per element kind, in the order the kinds
 * first appear), the unit every collective moves, and writes the buckets back. The arithmetic on bucket bytes
 * (sum, average) lives here too, so the in-process and TCP collectives reduce with the same code, in the same
 * element order. CUDA tensors go through the host ({@code toFloatArray}, then {@code copy_}).
 */
final class Buckets {
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
    }

    /** One bucket: its kind, its bytes, and where each of its tensors lies in it. */
    static final class Bucket {
        final Kind kind;
        final byte[] data;
        final List<Tensor> tensors;
        final int[] offsets;

        Bucket(Kind kind, byte[] data, List<Tensor> tensors, int[] offsets) {
            this.kind = kind;
            this.data = data;
            this.tensors = tensors;
            this.offsets = offsets;
        }

        int elements() {
            return data.length / kind.bytes;
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
     * Copies the tensors' values into buckets, grouped by kind.
     *
     * @param tensors the tensors
     * @return the buckets, in the order the kinds first appear
     */
    static List<Bucket> pack(List<Tensor> tensors) {
        Map<Kind, List<Tensor>> groups = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            groups.computeIfAbsent(Kind.of(t.dtype()), k -> new ArrayList<>()).add(t);
        }
        List<Bucket> out = new ArrayList<>(groups.size());
        for (Map.Entry<Kind, List<Tensor>> e : groups.entrySet()) {
            Kind kind = e.getKey();
            List<Tensor> group = e.getValue();
            int[] offsets = new int[group.size()];
            long total = 0;
            for (int i = 0; i < group.size(); i++) {
                offsets[i] = (int) total;
                total += group.get(i).numel();
            }
            if (total * kind.bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a collective moves at most 2 GiB of one dtype per call, got "
                        + total * kind.bytes + " bytes");
            }
            byte[] data = new byte[(int) (total * kind.bytes)];
            ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < group.size(); i++) {
                Tensor t = group.get(i);
                int at = offsets[i] * kind.bytes;
                switch (kind) {
                    case FLOAT32:
                        buffer.position(at);
                        buffer.asFloatBuffer().put(t.toFloatArray());
                        break;
                    case FLOAT64:
                        buffer.position(at);
                        buffer.asDoubleBuffer().put(t.toDoubleArray());
                        break;
                    default:
                        buffer.position(at);
                        buffer.asLongBuffer().put(t.toLongArray());
                        break;
                }
            }
            out.add(new Bucket(kind, data, group, offsets));
        }
        return out;
    }

    /**
     * Writes bucket values back into the bucket's tensors, in place (no gradient is recorded).
     *
     * @param bucket the bucket whose tensors receive
     * @param data the values, laid out as {@code bucket.data}
     */
    static void unpack(Bucket bucket, byte[] data) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        try (var off = Autograd.noGrad()) {
            for (int i = 0; i < bucket.tensors.size(); i++) {
                Tensor t = bucket.tensors.get(i);
                int n = t.numel();
                int[] shape = t.shape().toArray();
                buffer.position(bucket.offsets[i] * bucket.kind.bytes);
                Tensor values;
                switch (bucket.kind) {
                    case FLOAT32: {
                        float[] v = new float[n];
                        buffer.asFloatBuffer().get(v);
                        values = Tensor.of(v, shape);
                        break;
                    }
                    case FLOAT64: {
                        double[] v = new double[n];
                        buffer.asDoubleBuffer().get(v);
                        values = Tensor.of(v, shape);
                        break;
                    }
                    default: {
                        long[] v = new long[n];
                        buffer.asLongBuffer().get(v);
                        values = Tensor.of(v, shape);
                        break;
                    }
                }
                t.copy_(values);
            }
        }
    }

    /**
     * {@code dst[i] += src[i]} for {@code count} elements, the sum every collective uses.
     *
     * @param kind the element kind
     * @param dst the accumulating bytes
     * @param dstElem the first element of dst
     * @param src the added bytes
     * @param srcElem the first element of src
     * @param count how many elements
     */
    static void add(Kind kind, byte[] dst, int dstElem, byte[] src, int srcElem, int count) {
        switch (kind) {
            case FLOAT32:
                for (int i = 0; i < count; i++) {
                    int d = (dstElem + i) << 2;
                    F32.set(dst, d, (float) F32.get(dst, d) + (float) F32.get(src, (srcElem + i) << 2));
                }
                break;
            case FLOAT64:
                for (int i = 0; i < count; i++) {
                    int d = (dstElem + i) << 3;
                    F64.set(dst, d, (double) F64.get(dst, d) + (double) F64.get(src, (srcElem + i) << 3));
                }
                break;
            default:
                for (int i = 0; i < count; i++) {
                    int d = (dstElem + i) << 3;
                    I64.set(dst, d, (long) I64.get(dst, d) + (long) I64.get(src, (srcElem + i) << 3));
                }
                break;
        }
    }

    /**
     * {@code data[i] /= divisor} for {@code count} elements ({@link ReduceOp#AVG}; int64 divides toward zero, as
     * PyTorch's integer average does not exist and floor division would differ for negatives only).
     *
     * @param kind the element kind
     * @param data the bytes
     * @param elem the first element
     * @param count how many elements
     * @param divisor the world size
     */
    static void divide(Kind kind, byte[] data, int elem, int count, int divisor) {
        if (divisor == 1) {
            return;
        }
        switch (kind) {
            case FLOAT32:
                for (int i = 0; i < count; i++) {
                    int d = (elem + i) << 2;
                    F32.set(data, d, (float) F32.get(data, d) / divisor);
                }
                break;
            case FLOAT64:
                for (int i = 0; i < count; i++) {
                    int d = (elem + i) << 3;
                    F64.set(data, d, (double) F64.get(data, d) / divisor);
                }
                break;
            default:
                for (int i = 0; i < count; i++) {
                    int d = (elem + i) << 3;
                    I64.set(data, d, (long) I64.get(data, d) / divisor);
                }
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
