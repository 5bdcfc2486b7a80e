package dev.autograd4j.distributed.nccl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bucket packing: pure arithmetic, runs everywhere. */
class BucketsTest {
    private static final DType F = DType.FLOAT32, D = DType.FLOAT64, L = DType.INT64;

    @Test
    void fillsBucketsPerDtypeInListOrder() {
        // 16-byte cap: 4 floats or 2 doubles per bucket
        List<Buckets.Bucket> p = Buckets.plan(List.of(F, F, D, F, D, F), new int[] {2, 1, 1, 1, 1, 3}, 16);
        assertEquals(3, p.size());
        assertBucket(p.get(0), F, new int[] {0, 1, 3}, new int[] {0, 2, 3}, 4);
        assertBucket(p.get(1), D, new int[] {2, 4}, new int[] {0, 1}, 2);
        assertBucket(p.get(2), F, new int[] {5}, new int[] {0}, 3);
        assertTrue(p.get(2).inPlace());
        assertFalse(p.get(0).inPlace());
        assertEquals(16, p.get(0).bytes());
    }

    @Test
    void aTensorAtOrOverTheCapIsAloneAndInPlace() {
        List<Buckets.Bucket> p = Buckets.plan(List.of(F, F, F), new int[] {1, 100, 1}, 16);
        assertEquals(3, p.size());
        assertBucket(p.get(0), F, new int[] {0}, new int[] {0}, 1);
        assertBucket(p.get(1), F, new int[] {1}, new int[] {0}, 100);
        assertBucket(p.get(2), F, new int[] {2}, new int[] {0}, 1);
    }

    @Test
    void emptyTensorsTakeNoPartAndNothingGivesNoBuckets() {
        assertEquals(List.of(), Buckets.plan(List.of(), new int[0], 16));
        assertEquals(List.of(), Buckets.plan(List.of(F, L), new int[] {0, 0}, 16));
        List<Buckets.Bucket> p = Buckets.plan(List.of(F, F, F), new int[] {2, 0, 2}, 1 << 20);
        assertEquals(1, p.size());
        assertBucket(p.get(0), F, new int[] {0, 2}, new int[] {0, 2}, 4);
    }

    @Test
    void badArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Buckets.plan(List.of(F), new int[] {1}, 0));
        assertEquals("bucket size must be at least 1 byte, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Buckets.plan(List.of(F, F), new int[] {1}, 8));
    }

    /** Random lists: every non-empty tensor in exactly one bucket, offsets contiguous, caps kept, one dtype each. */
    @Test
    void randomPlansCoverEveryTensorOnce() {
        Random r = new Random(7);
        DType[] kinds = {F, D, L};
        for (int trial = 0; trial < 200; trial++) {
            int n = r.nextInt(30);
            List<DType> dtypes = new ArrayList<>();
            int[] numels = new int[n];
            for (int i = 0; i < n; i++) {
                dtypes.add(kinds[r.nextInt(3)]);
                numels[i] = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 10 : 1000);
            }
            long cap = 8 + r.nextInt(4000);
            List<Buckets.Bucket> plan = Buckets.plan(dtypes, numels, cap);
            int[] seen = new int[n];
            int lastFirst = -1;
            for (Buckets.Bucket b : plan) {
                assertTrue(b.members()[0] > lastFirst, "ordered by first member");
                lastFirst = b.members()[0];
                int off = 0, prev = -1;
                for (int k = 0; k < b.members().length; k++) {
                    int m = b.members()[k];
                    assertTrue(m > prev, "members in list order");
                    prev = m;
                    assertEquals(b.dtype(), dtypes.get(m));
                    assertEquals(off, b.offsets()[k]);
                    off += numels[m];
                    seen[m]++;
                }
                assertEquals(off, b.numel());
                assertTrue(b.inPlace() || b.bytes() <= cap, "a shared bucket keeps the cap: " + b.bytes() + " > " + cap);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(numels[i] == 0 ? 0 : 1, seen[i], "tensor " + i + " of " + Arrays.toString(numels));
            }
        }
    }

    private static void assertBucket(Buckets.Bucket b, DType dtype, int[] members, int[] offsets, int numel) {
        assertEquals(dtype, b.dtype());
        assertArrayEquals(members, b.members());
        assertArrayEquals(offsets, b.offsets());
        assertEquals(numel, b.numel());
    }
}
