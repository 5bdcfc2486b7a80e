package dev.autograd4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What every {@link Collective} must do; each implementation's test extends it. */
abstract class CollectiveContract {

    abstract List<? extends Collective> group(int n, Duration timeout);

    static float[] randomFloats(int n, long seed) {
        Random random = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    /** Sums in float64 and checks every rank got the float32 sum within the bound, and the same bits. */
    private void checkAllReduce(int n, int size, ReduceOp op) {
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        List<float[]> results = Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                Tensor x = Tensor.of(randomFloats(size, r), size);
                Tensor y = Tensor.of(new double[] {r, 2.0 * r}, 2);
                Tensor z = Tensor.of(new long[] {r, 10L * r, 7}, 3);
                c.allReduce(List.of(x, y, z), op);
                double scale = op == ReduceOp.AVG ? 1.0 / n : 1;
                double tri = n * (n - 1) / 2.0;
                assertArrayEquals(new double[] {tri * scale, 2 * tri * scale}, y.toDoubleArray(), 1e-12);
                long[] longs = z.toLongArray();
                assertEquals((long) tri / (op == ReduceOp.AVG ? n : 1), longs[0]);
                assertEquals(7L * n / (op == ReduceOp.AVG ? n : 1), longs[2]);
                return x.toFloatArray();
            }
        }));
        double[] expected = new double[size];
        for (int r = 0; r < n; r++) {
            float[] v = randomFloats(size, r);
            for (int i = 0; i < size; i++) {
                expected[i] += v[i];
            }
        }
        for (int i = 0; i < size; i++) {
            double e = op == ReduceOp.AVG ? expected[i] / n : expected[i];
            // n - 1 float32 additions of values of size about |e| + n: error below n * 2^-24 * (sum of |x|)
            assertEquals(e, results.get(0)[i], 1e-5 * n * 4, "element " + i);
        }
        for (int r = 1; r < n; r++) {
            assertArrayEquals(results.get(0), results.get(r), "rank " + r + " differs from rank 0 (bits)");
        }
    }

    @Test
    void allReduceSumsEveryDtypeAndEndsWithTheSameBits() {
        checkAllReduce(4, 1000, ReduceOp.SUM);
    }

    @Test
    void allReduceAveragesSeveralSegmentsOfUnevenChunks() {
        checkAllReduce(3, 3 * TcpRingCollective.SEGMENT_BYTES / 4 + 1001, ReduceOp.AVG);
    }

    @Test
    void allReduceOfFewerElementsThanRanks() {
        checkAllReduce(4, 2, ReduceOp.SUM);
    }

    @Test
    void tensorsLargerThanASliceMoveInSlices() {
        checkAllReduce(2, 2 * Buckets.SLICE + 17, ReduceOp.SUM);
        // a large leaf that requires grad, and a non-contiguous view, are written in place
        List<? extends Collective> ranks = group(2, Duration.ofSeconds(20));
        Ranks.values(Ranks.each(2, r -> {
            try (Collective c = ranks.get(r)) {
                Tensor leaf = Tensor.full(dev.autograd4j.Shape.of(Buckets.SLICE + 5), r + 1, DType.FLOAT32, Device.CPU)
                        .requiresGrad(true);
                Tensor base = Tensor.zeros(4, 3);
                Tensor strided = base.t();
                strided.add_(r + 1.0);
                c.allReduce(List.of(leaf, strided), ReduceOp.SUM);
                assertEquals(3.0, leaf.toFloatArray()[Buckets.SLICE + 4]);
                assertArrayEquals(new float[] {3, 3, 3}, base.narrow(0, 3, 1).reshape(3).toFloatArray());
                return null;
            }
        }));
    }

    /** Whole numbers small enough that every sum is exact in float32, whatever the order. */
    static float[] wholeFloats(int n, int rank, int salt) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (i * 7 + salt) % 13 - 6 + rank;
        }
        return out;
    }

    static float[] expectedSum(int n, int ranks, int salt) {
        float[] out = new float[n];
        for (int r = 0; r < ranks; r++) {
            float[] v = wholeFloats(n, r, salt);
            for (int i = 0; i < n; i++) {
                out[i] += v[i];
            }
        }
        return out;
    }

    @Test
    void aViewIsReducedInItsOwnRangeOfTheStorageOnly() {
        int n = 3;
        int size = 3 * TcpRingCollective.SEGMENT_BYTES / 4 + 1001; // several segments per chunk
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                float[] all = new float[size + 10];
                java.util.Arrays.fill(all, -1000 - r);
                System.arraycopy(wholeFloats(size, r, 0), 0, all, 4, size);
                Tensor base = Tensor.of(all, size + 10);
                Tensor view = base.narrow(0, 4, size); // contiguous, storage offset 4
                c.allReduce(List.of(view), ReduceOp.SUM);
                float[] got = base.toFloatArray();
                assertArrayEquals(expectedSum(size, n, 0), java.util.Arrays.copyOfRange(got, 4, 4 + size));
                for (int i : new int[] {0, 3, size + 4, size + 9}) {
                    assertEquals(-1000f - r, got[i], "element " + i + " outside the view was written");
                }
                return null;
            }
        }));
    }

    @Test
    void repeatedCallsOfOtherSizesAndDtypesKeepNoStaleValues() {
        int n = 2;
        int[][] sizes = {{5000, 3}, {2, 1}, {70_000, 11}, {5, 5000}};
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                for (int call = 0; call < sizes.length; call++) {
                    int a = sizes[call][0];
                    int b = sizes[call][1];
                    Tensor x = Tensor.of(wholeFloats(a, r, call), a);
                    Tensor y = Tensor.of(wholeFloats(b, r, call + 1), b);
                    Tensor d = Tensor.of(new double[] {r + call, 0.5}, 2);
                    Tensor z = Tensor.of(new long[] {r * 3L + call}, 1);
                    c.allReduce(List.of(x, d, y, z), ReduceOp.SUM);
                    assertArrayEquals(expectedSum(a, n, call), x.toFloatArray(), "call " + call);
                    assertArrayEquals(expectedSum(b, n, call + 1), y.toFloatArray(), "call " + call);
                    assertArrayEquals(new double[] {1 + 2 * call, 1.0}, d.toDoubleArray(), "call " + call);
                    assertArrayEquals(new long[] {3 + 2L * call}, z.toLongArray(), "call " + call);
                }
                return null;
            }
        }));
    }

    @Test
    void allReduceAsyncReturnsBeforeTheOtherRanksArriveAndKeepsTheOrder() {
        int n = 2;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                Tensor x = Tensor.of(wholeFloats(1000, r, 0), 1000);
                Tensor w = Tensor.of(new float[] {r + 1f}, 1);
                if (r == 0) {
                    CompletableFuture<Void> f = c.allReduceAsync(List.of(x), ReduceOp.SUM);
                    assertTrue(!f.isDone(), "the all-reduce finished before rank 1 took part");
                    started.countDown();
                    c.broadcast(List.of(w), 1); // waits for the all-reduce, which comes first on every rank
                    assertTrue(f.isDone());
                    f.join();
                } else {
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    c.allReduce(List.of(x), ReduceOp.SUM);
                    c.broadcast(List.of(w), 1);
                }
                assertArrayEquals(expectedSum(1000, n, 0), x.toFloatArray());
                assertArrayEquals(new float[] {2f}, w.toFloatArray());
                return null;
            }
        }));
    }

    @Test
    void twoRanks() {
        checkAllReduce(2, 5000, ReduceOp.AVG);
    }

    @Test
    void broadcastCopiesTheRootsValuesEverywhere() {
        int n = 4;
        int size = TcpRingCollective.SEGMENT_BYTES / 4 * 2 + 3;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        List<float[]> results = Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                Tensor x = Tensor.of(randomFloats(size, r), size);
                Tensor b = Tensor.of(new boolean[] {r == 2, r != 2}, 2);
                c.broadcast(List.of(x, b), 2);
                assertArrayEquals(new boolean[] {true, false}, toBooleans(b));
                c.barrier();
                return x.toFloatArray();
            }
        }));
        for (int r = 0; r < n; r++) {
            assertArrayEquals(randomFloats(size, 2), results.get(r), "rank " + r);
        }
    }

    private static boolean[] toBooleans(Tensor b) {
        long[] v = b.toLongArray();
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] != 0;
        }
        return out;
    }

    @Test
    void asyncCollectivesRunInOrder() {
        int n = 3;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        Ranks.values(Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                List<Tensor> ts = new ArrayList<>();
                List<CompletableFuture<Void>> fs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Tensor t = Tensor.full(Shape(100 + i), r + i, DType.FLOAT64, Device.CPU);
                    ts.add(t);
                    fs.add(c.allReduceAsync(List.of(t), ReduceOp.SUM));
                }
                for (int i = 0; i < 5; i++) {
                    fs.get(i).join();
                    assertEquals(3.0 + 3 * i, ts.get(i).toDoubleArray()[99], "call " + i);
                }
                return null;
            }
        }));
    }

    static dev.autograd4j.Shape Shape(int n) {
        return dev.autograd4j.Shape.of(n);
    }

    @Test
    void worldSizeOneReturnsAtOnce() {
        List<? extends Collective> ranks = group(1, Duration.ofSeconds(5));
        try (Collective c = ranks.get(0)) {
            assertEquals(0, c.rank());
            assertEquals(1, c.worldSize());
            Tensor x = Tensor.of(new float[] {1.5f, -2}, 2);
            c.allReduce(List.of(x), ReduceOp.AVG);
            c.broadcast(List.of(x), 0);
            c.barrier();
            assertArrayEquals(new float[] {1.5f, -2}, x.toFloatArray());
        }
    }

    @Test
    void ranksThatDisagreeOnShapesFailOnEveryRank() {
        int n = 3;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(10));
        List<Ranks.Outcome<Object>> out = Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                c.allReduce(List.of(Tensor.zeros(r == 1 ? 7 : 6)), ReduceOp.SUM);
                return null;
            }
        });
        for (int r = 0; r < n; r++) {
            Throwable e = out.get(r).error;
            assertNotNull(e, "rank " + r + " did not fail");
            assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
            assertTrue(e.getMessage().contains("rank"), e.getMessage());
        }
    }

    @Test
    void ranksThatCallDifferentCollectivesFailOnEveryRank() {
        int n = 3;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(10));
        List<Ranks.Outcome<Object>> out = Ranks.each(n, r -> {
            try (Collective c = ranks.get(r)) {
                if (r == 1) {
                    c.broadcast(List.of(Tensor.zeros(6)), 0);
                } else {
                    c.allReduce(List.of(Tensor.zeros(6)), ReduceOp.SUM);
                }
                return null;
            }
        });
        for (int r = 0; r < n; r++) {
            Throwable e = out.get(r).error;
            assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
        }
    }

    @Test
    void aRankThatThrowsFailsEveryOtherRankWithItsCause() {
        int n = 4;
        List<? extends Collective> ranks = group(n, Duration.ofSeconds(20));
        List<Ranks.Outcome<Object>> out = Ranks.each(n, r -> {
            Collective c = ranks.get(r);
            try {
                for (int step = 0; step < 5; step++) {
                    if (r == 2 && step == 3) {
                        throw new IllegalStateException("boom in rank 2's forward");
                    }
                    c.allReduce(List.of(Tensor.ones(50_000)), ReduceOp.AVG);
                }
                return null;
            } catch (RuntimeException e) {
                c.abort(e);
                throw e;
            } finally {
                c.close();
            }
        });
        for (int r = 0; r < n; r++) {
            Throwable e = out.get(r).error;
            assertNotNull(e, "rank " + r + " did not fail");
            if (r != 2) {
                assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
                assertTrue(e.getMessage().contains("rank 2 failed")
                        && e.getMessage().contains("boom in rank 2's forward"), "rank " + r + ": " + e.getMessage());
            }
        }
    }
}
