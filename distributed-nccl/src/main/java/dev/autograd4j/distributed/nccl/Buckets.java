package dev.autograd4j.distributed.nccl;

import dev.autograd4j.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a list of tensors is packed into flat buckets, one NCCL call each (PyTorch DDP's {@code bucket_cap_mb}):
 * tensors of one dtype, in list order, fill a bucket up to the cap; a tensor that alone reaches the cap, or a
 * bucket that holds a single tensor, is reduced in place without copies. Empty tensors take no part. Pure
 * arithmetic, no device.
 */
final class Buckets {
    private Buckets() {
    }

    /**
     * One bucket: the members' indices into the tensor list, where each starts in the flat buffer (elements),
     * and the buffer's length.
     */
    record Bucket(DType dtype, int[] members, int[] offsets, int numel) {
        /** Whether the bucket is one tensor, reduced in place. */
        boolean inPlace() {
            return members.length == 1;
        }

        /** Bytes the bucket moves. */
        long bytes() {
            return (long) numel * dtype.byteSize();
        }
    }

    /**
     * Packs tensors into buckets.
     *
     * @param dtypes each tensor's dtype
     * @param numels each tensor's element count
     * @param capBytes the most bytes a bucket of several tensors holds (at least 1)
     * @return the buckets, ordered by their first member
     */
    static List<Bucket> plan(List<DType> dtypes, int[] numels, long capBytes) {
        if (dtypes.size() != numels.length) {
            throw new IllegalArgumentException(dtypes.size() + " dtypes for " + numels.length + " tensors");
        }
        if (capBytes < 1) {
            throw new IllegalArgumentException("bucket size must be at least 1 byte, got " + capBytes);
        }
        List<Bucket> done = new ArrayList<>();
        Map<DType, Open> open = new LinkedHashMap<>();
        for (int i = 0; i < numels.length; i++) {
            DType dtype = dtypes.get(i);
            int n = numels[i];
            if (n == 0) {
                continue;
            }
            // a flat buffer is one tensor: at most Integer.MAX_VALUE elements
            long cap = Math.min(capBytes / dtype.byteSize(), Integer.MAX_VALUE);
            Open b = open.get(dtype);
            if (b != null && (long) b.numel + n > cap) {
                done.add(b.close());
                open.remove(dtype);
                b = null;
            }
            if (b == null) {
                b = new Open(dtype);
                open.put(dtype, b);
            }
            b.add(i, n);
            if (b.numel >= cap) {
                done.add(b.close());
                open.remove(dtype);
            }
        }
        for (Open b : open.values()) {
            done.add(b.close());
        }
        done.sort((x, y) -> Integer.compare(x.members()[0], y.members()[0]));
        return done;
    }

    private static final class Open {
        final DType dtype;
        final List<int[]> members = new ArrayList<>();
        int numel;

        Open(DType dtype) {
            this.dtype = dtype;
        }

        void add(int index, int n) {
            members.add(new int[] {index, numel});
            numel += n;
        }

        Bucket close() {
            int[] m = new int[members.size()], o = new int[members.size()];
            for (int k = 0; k < m.length; k++) {
                m[k] = members.get(k)[0];
                o[k] = members.get(k)[1];
            }
            return new Bucket(dtype, m, o, numel);
        }
    }
}
