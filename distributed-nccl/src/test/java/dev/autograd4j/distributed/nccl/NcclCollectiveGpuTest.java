package dev.autograd4j.distributed.nccl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.cuda.CudaBackend;
import dev.autograd4j.distributed.Collective;
import dev.autograd4j.distributed.InProcessCollective;
import dev.autograd4j.distributed.ReduceOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NCCL on real GPUs: a single-rank communicator round trip (every path: in-place and packed buckets, the three
 * dtypes, views that start inside their storage, async, broadcast, barrier, the bootstrap), and every local GPU
 * as one rank each when there are several. Skips without NCCL; fails instead when AUTOGRAD_REQUIRE_CUDA=1 or
 * -Dautograd.requireCuda=true (the GPU check kit sets it).
 */
class NcclCollectiveGpuTest {
    private static final Device GPU = Device.cuda(0);
    /** Far above what these small collectives take, far below the kit's budget: a hang fails, naming the rank. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @BeforeAll
    static void needsNccl() {
        boolean available = NcclCollective.isAvailable();
        if (!available && dev.autograd4j.spi.Backends.cudaRequired()) {
            fail("AUTOGRAD_REQUIRE_CUDA=1 but NCCL is not available: " + NcclCollective.unavailableReason());
        }
        Assumptions.assumeTrue(available, "NCCL not available: " + NcclCollective.unavailableReason());
        System.out.println("NCCL " + NcclCollective.version() + "; " + new CudaBackend().describe());
    }

    /** Float32, float64, int64 tensors of several shapes, one a view that starts 8 rows into its storage. */
    private static List<Tensor> sample(Device device, long seed) {
        Generator g = new Generator(seed);
        Tensor big = Tensor.randn(Shape.of(20, 3), DType.FLOAT32, Device.CPU, g);
        return List.of(
                Tensor.randn(Shape.of(3, 4), DType.FLOAT32, Device.CPU, g).to(device),
                Tensor.randn(Shape.of(5), DType.FLOAT64, Device.CPU, g).to(device),
                Tensor.arange(0, 7, 1, DType.INT64, Device.CPU).mul_(1000L + seed).to(device),
                big.to(device).narrow(0, 8, 4),                      // contiguous, storage offset 24
                Tensor.randn(Shape.of(), DType.FLOAT32, Device.CPU, g).to(device), // 0-dim
                Tensor.zeros(Shape.of(0, 3), DType.FLOAT32, device),  // empty: takes no part
                Tensor.randn(Shape.of(64), DType.FLOAT32, Device.CPU, g).to(device));
    }

    private static List<double[]> values(List<Tensor> ts) {
        List<double[]> out = new ArrayList<>();
        for (Tensor t : ts) {
            out.add(t.to(Device.CPU).to(DType.FLOAT64).toDoubleArray());
        }
        return out;
    }

    @Test
    void singleRankRoundTrip() {
        try (NcclCollective c = NcclCollective.initRank(GPU, 0, 1, NcclCollective.uniqueId())) {
            c.timeout(LIMIT);
            assertEquals(0, c.rank());
            assertEquals(1, c.worldSize());
            assertEquals(GPU, c.device());
            for (long cap : new long[] {NcclCollective.DEFAULT_BUCKET_BYTES, 40, 1}) {
                c.bucketBytes(cap); // one bucket per dtype; several packed buckets; all in place
                List<Tensor> ts = sample(GPU, cap);
                List<double[]> before = values(ts);
                c.allReduce(ts, ReduceOp.SUM);
                assertValues(before, ts, "SUM, bucket cap " + cap);
                c.allReduce(ts, ReduceOp.AVG);
                assertValues(before, ts, "AVG, bucket cap " + cap);
                c.allReduceAsync(ts, ReduceOp.SUM).get(60, TimeUnit.SECONDS);
                assertValues(before, ts, "async SUM, bucket cap " + cap);
                c.broadcast(ts, 0);
                assertValues(before, ts, "broadcast, bucket cap " + cap);
            }
            // ordered with the backend's stream: a kernel queued before and one after see the right values
            Tensor t = Tensor.ones(Shape.of(1000), DType.FLOAT32, GPU);
            t.mul_(3.0);
            c.allReduce(List.of(t), ReduceOp.SUM);
            t.add_(1.0);
            assertEquals(4000.0, t.sum().item(), 0.0);
            c.barrier();
            Tensor b = Tensor.zeros(Shape.of(3), DType.BOOL, GPU);
            c.broadcast(List.of(b), 0);
            // CPU tensors (DDP's parameter check sends some) are staged through the GPU and copied back
            Tensor onCpu = Tensor.of(new long[] {5, 6, 7}, 3);
            Tensor viewOnCpu = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
            c.allReduce(List.of(onCpu, t, viewOnCpu), ReduceOp.SUM);
            assertArrayEquals(new long[] {5, 6, 7}, onCpu.toLongArray());
            assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, viewOnCpu.contiguous().toDoubleArray(), 0.0);
            c.allReduceAsync(List.of(onCpu), ReduceOp.AVG).get(60, TimeUnit.SECONDS);
            c.broadcast(List.of(onCpu), 0);
            assertArrayEquals(new long[] {5, 6, 7}, onCpu.toLongArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.broadcast(List.of(t), 1));
            assertEquals("broadcast: root 1 is not a rank of a group of 1", e.getMessage());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closedIsClosedAndCloseIsIdempotent() {
        NcclCollective c = NcclCollective.initRank(GPU, 0, 1, NcclCollective.uniqueId());
        c.close();
        c.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, c::barrier);
        assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
        NcclCollective d = NcclCollective.initRank(GPU, 0, 1, NcclCollective.uniqueId());
        d.abort(new RuntimeException("the training code threw"));
        d.close();
        e = assertThrows(IllegalStateException.class, () -> d.allReduce(List.of(Tensor.ones(Shape.of(2),
                DType.FLOAT32, GPU)), ReduceOp.SUM));
        assertTrue(e.getMessage().contains("was aborted") && e.getMessage().contains("the training code threw"),
                e.getMessage());
    }

    @Test
    void bootstrapOverAnotherCollective() {
        try (Collective bootstrap = InProcessCollective.create(1).get(0);
                NcclCollective c = NcclCollective.initRank(GPU, bootstrap)) {
            Tensor t = Tensor.arange(0, 10, 1, DType.FLOAT64, Device.CPU).to(GPU);
            c.allReduce(List.of(t), ReduceOp.SUM);
            assertEquals(45.0, t.sum().item(), 0.0);
        }
    }

    /** Every local GPU as one rank (ncclCommInitAll), each driven by its own thread; one GPU: a group of one. */
    @Test
    void allLocalGpus() throws Exception {
        int n = new CudaBackend().deviceCount();
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            devices.add(Device.cuda(i));
        }
        List<NcclCollective> ranks = NcclCollective.createAll(devices);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long sum = (long) n * (n + 1) / 2;
            List<Future<?>> done = new ArrayList<>();
            for (NcclCollective c : ranks) {
                c.bucketBytes(64).timeout(LIMIT);
                done.add(pool.submit(() -> {
                    int r = c.rank();
                    Device d = c.device();
                    IntFunction<List<Tensor>> make = k -> List.of(
                            Tensor.full(Shape.of(5, 7), r + 1.0, DType.FLOAT32, d),
                            Tensor.full(Shape.of(33), r + 1.0, DType.FLOAT64, d),
                            Tensor.full(Shape.of(9), (long) (r + 1) * 10, DType.INT64, d),
                            Tensor.full(Shape.of(3), r + 1.0, DType.FLOAT32, d));
                    List<Tensor> ts = make.apply(0);
                    c.allReduce(ts, ReduceOp.SUM);
                    check(ts.get(0), sum, "SUM float32 on rank " + r);
                    check(ts.get(1), sum, "SUM float64 on rank " + r);
                    check(ts.get(2), sum * 10, "SUM int64 on rank " + r);
                    check(ts.get(3), sum, "SUM float32 (second bucket) on rank " + r);
                    ts = make.apply(0);
                    c.allReduce(ts, ReduceOp.AVG);
                    check(ts.get(1), (double) sum / n, "AVG float64 on rank " + r);
                    check(ts.get(2), sum * 10 / n, "AVG int64 on rank " + r);
                    ts = make.apply(0);
                    c.broadcast(ts, n - 1);
                    check(ts.get(0), n, "broadcast from the last rank, on rank " + r);
                    check(ts.get(2), n * 10L, "broadcast int64 from the last rank, on rank " + r);
                    // metadata on the CPU, as DDP's parameter check sends it
                    Tensor meta = Tensor.of(new long[] {r, 1}, 2);
                    c.allReduce(List.of(meta), ReduceOp.SUM);
                    assertArrayEquals(new long[] {sum - n, n}, meta.toLongArray(), "CPU tensor on rank " + r);
                    if (n > 1) {
                        Device other = Device.cuda((d.index() + 1) % n);
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> c.allReduce(List.of(Tensor.ones(Shape.of(1), DType.FLOAT32, other)),
                                        ReduceOp.SUM));
                        assertTrue(e.getMessage().startsWith("allReduce: tensor 0 is on " + other), e.getMessage());
                    }
                    c.barrier();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            ranks.forEach(NcclCollective::close);
        }
        System.out.println("NCCL allLocalGpus: " + n + " rank(s)" + (n < 2 ? " (one GPU: a group of one)" : ""));
    }

    private static void check(Tensor t, double expected, String what) {
        double[] v = t.to(Device.CPU).to(DType.FLOAT64).toDoubleArray();
        for (double x : v) {
            assertEquals(expected, x, 1e-6 * Math.max(1, Math.abs(expected)), what);
        }
    }

    private static void assertValues(List<double[]> expected, List<Tensor> actual, String what) {
        List<double[]> a = values(actual);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), a.get(i), 0.0, what + ": tensor " + i);
        }
    }
}
