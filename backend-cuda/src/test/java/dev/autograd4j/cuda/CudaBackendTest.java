package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Reduction;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.Layout;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CUDA against CPU on the same random inputs, for a sample of every kernel family, plus the caching
 * allocator. Skips without a GPU; fails instead when AUTOGRAD_REQUIRE_CUDA=1 or -Dautograd.requireCuda=true.
 */
class CudaBackendTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeAll
    static void needsGpu() {
        boolean available = Backends.isAvailable(Device.Type.CUDA);
        if (!available && Backends.cudaRequired()) {
            fail("AUTOGRAD_REQUIRE_CUDA=1 but the CUDA backend is not available: "
                    + new CudaBackend().describe());
        }
        Assumptions.assumeTrue(available, "no CUDA device: " + new CudaBackend().describe());
    }

    @Test
    void discoveryNeverThrowsAndIsRegistered() {
        // runs only with a GPU (see needsGpu); the no-GPU path is covered by CudaDiscoveryTest
        assertTrue(ServiceLoader.load(Backend.class).stream().anyMatch(p -> p.type() == CudaBackend.class));
        System.out.println(new CudaBackend().describe());
    }

    private static Tensor randn(long seed, DType t, int... shape) {
        return Tensor.randn(Shape.of(shape), t, Device.CPU, new Generator(seed));
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertEquals(GPU, actual.device(), what + ": device");
        double[] e = expected.toDoubleArray(), a = actual.to(Device.CPU).toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : e[i] == a[i] || Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i]));
            if (!ok) {
                fail(what + ": element " + i + " expected " + e[i] + " but CUDA gave " + a[i]);
            }
        }
    }

    /** Runs f on CPU inputs and on their CUDA copies and compares. */
    private static void check(String what, double tol, Function<Tensor[], Tensor> f, Tensor... cpuInputs) {
        Tensor[] gpu = new Tensor[cpuInputs.length];
        for (int i = 0; i < gpu.length; i++) {
            gpu[i] = cpuInputs[i].to(GPU);
        }
        assertClose(f.apply(cpuInputs), f.apply(gpu), tol, what);
    }

    @Test
    void unaryOps() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tol = t == DType.FLOAT32 ? 2e-6 : 1e-14;
            Tensor x = randn(1, t, 33, 65);
            Tensor pos = x.abs().add(0.1);
            check("exp " + t, tol, in -> in[0].exp(), x);
            check("log " + t, tol, in -> in[0].log(), pos);
            check("sigmoid " + t, tol, in -> in[0].mul(30).sigmoid(), x);
            check("tanh " + t, tol, in -> in[0].tanh(), x);
            check("relu " + t, 0, in -> in[0].relu(), x);
            check("pow " + t, tol, in -> in[0].pow(3.0), pos);
            check("clamp " + t, 0, in -> in[0].clamp(-0.5, 0.5), x);
            // strided input: a transposed view
            check("exp of transpose " + t, tol, in -> in[0].transpose(0, 1).exp(), x);
        }
    }

    @Test
    void binaryOpsBroadcastAndComparisons() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = randn(2, t, 4, 1, 5), b = randn(3, t, 3, 1);
            check("add broadcast " + t, 0, in -> in[0].add(in[1]), a, b);
            check("mul broadcast " + t, 0, in -> in[0].mul(in[1]), a, b);
            check("maximum " + t, 0, in -> in[0].maximum(in[1]), a, b);
            check("gt " + t, 0, in -> in[0].gt(in[1]), a, b);
            check("where " + t, 0, in -> Tensor.where(in[0].gt(0.0), in[0], in[1]), a, b);
        }
    }

    @Test
    void castsBetweenAllDtypes() {
        Tensor x = randn(4, DType.FLOAT64, 7, 9).mul(1000);
        for (DType to : DType.values()) {
            check("float64 -> " + to, 0, in -> in[0].to(to), x);
            check("float32 -> " + to, 0, in -> in[0].to(DType.FLOAT32).to(to), x);
            check("int64 -> " + to, 0, in -> in[0].to(DType.INT64).to(to), x);
        }
        check("int64 add", 0, in -> in[0].to(DType.INT64).add(in[0].to(DType.INT64)), x);
    }

    @Test
    void reductions() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tol = t == DType.FLOAT32 ? 1e-6 : 1e-12;
            Tensor x = randn(5, t, 6, 7, 300);
            check("sum all " + t, tol, in -> in[0].sum(), x);
            check("sum last " + t, tol, in -> in[0].sum(2), x);
            check("sum middle " + t, tol, in -> in[0].sum(1), x);
            check("mean 0,2 " + t, tol, in -> in[0].mean(0, 2), x);
            check("max all " + t, 0, in -> in[0].max(), x);
            check("max dim values " + t, 0, in -> in[0].max(1, false).values(), x);
            check("max dim indices " + t, 0, in -> in[0].max(1, false).indices(), x);
            check("argmax last " + t, 0, in -> in[0].argmax(2), x);
            check("min over long rows " + t, 0, in -> in[0].reshape(2, 6300).min(1, true).indices(), x);
            check("logSoftmax " + t, tol * 10, in -> in[0].logSoftmax(2), x);
        }
        // NaN wins, ties go to the first index
        Tensor nan = Tensor.of(new double[] {1, 3, Double.NaN, 3, Double.NaN, 0, 2, 2}, 2, 4);
        check("max NaN values", 0, in -> in[0].max(1, false).values(), nan);
        check("max NaN indices", 0, in -> in[0].max(1, false).indices(), nan);
        check("argmax ties", 0, in -> in[0].argmax(1), Tensor.of(new double[] {2, 5, 5, 1, 7, 7, 7, 0}, 2, 4));
    }

    @Test
    void fusedSoftmaxAndBinaryCrossEntropyWithLogits() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tol = t == DType.FLOAT32 ? 2e-6 : 1e-13;
            Tensor x = randn(11, t, 5, 7, 33).mul(4);
            check("softmax last " + t, tol, in -> in[0].softmax(2), x);
            check("softmax over a strided dim " + t, tol, in -> in[0].softmax(0), x);
            check("logSoftmax of a transposed view " + t, tol, in -> in[0].transpose(1, 2).logSoftmax(1), x);
            // rows longer than 1024: a block per row
            Tensor wide = randn(12, t, 3, 5000).mul(10);
            check("softmax of long rows " + t, tol, in -> in[0].softmax(1), wide);
            check("logSoftmax of long rows " + t, tol * 10, in -> in[0].logSoftmax(-1), wide);
            check("softmax of a 0-d tensor " + t, 0, in -> in[0].sum().softmax(0), x);
            // NaN and infinities make their row NaN, as on the CPU (and in PyTorch)
            Tensor special = Tensor.of(new double[] {1, Double.NaN, 2, 3, Double.POSITIVE_INFINITY, 0}, 2, 3).to(t);
            check("softmax with NaN and inf " + t, 0, in -> in[0].softmax(1), special);
            // binary_cross_entropy_with_logits: fused loss and, in backward, fused sigmoid(x) - y
            Tensor logits = randn(13, t, 8, 9).mul(20);
            Tensor target = Tensor.rand(Shape.of(8, 9), t, Device.CPU, new Generator(14));
            check("bce with logits " + t, tol * 10, in -> Functional.binaryCrossEntropyWithLogits(
                    in[0], in[1], null, null, Reduction.NONE), logits, target);
            check("bce with logits gradient " + t, tol, in -> {
                Tensor leaf = in[0].detach().requiresGrad(true);
                Functional.binaryCrossEntropyWithLogits(leaf, in[1]).backward();
                return leaf.grad();
            }, logits, target);
        }
    }

    @Test
    void classIndexChecksAreReportedAtTheNextSynchronization() {
        Tensor logits = Tensor.ones(Shape.of(2, 3), DType.FLOAT32, GPU);
        // no wait for the device here: the range check is queued with the loss
        Tensor loss = Functional.crossEntropy(logits, Tensor.of(new long[] {0, 5}, 2).to(GPU));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, loss::item);
        assertTrue(e.getMessage().startsWith("Target 5 is out of bounds (expected class indices in [0, 2])"),
                e.getMessage());
        assertEquals(Math.log(3), Functional.crossEntropy(logits, Tensor.of(new long[] {2, 1}, 2).to(GPU)).item(),
                1e-6, "the device is usable again");
    }

    @Test
    void matmul() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tol = t == DType.FLOAT32 ? 1e-4 : 1e-12;
            Tensor a = randn(6, t, 3, 37, 70), b = randn(7, t, 3, 70, 45), v = randn(8, t, 70);
            check("bmm " + t, tol, in -> in[0].matmul(in[1]), a, b);
            check("matmul transposed views " + t, tol,
                    in -> in[1].transpose(1, 2).matmul(in[0].transpose(1, 2)), a, b);
            check("matmul broadcast batch " + t, tol, in -> in[0].matmul(in[1].select(0, 0)), a, b);
            check("matvec " + t, tol, in -> in[0].matmul(in[1]), a, v);
            check("big " + t, tol * 10, in -> in[0].matmul(in[1]), randn(9, t, 300, 257), randn(10, t, 257, 129));
        }
    }

    @Test
    void randomMatchesCpuForTheSameSeed() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor u = Tensor.rand(Shape.of(1000), t, Device.CPU, new Generator(42));
            Tensor ug = Tensor.rand(Shape.of(1000), t, GPU, new Generator(42));
            assertClose(u, ug, 0, "rand " + t);
            Tensor n = Tensor.randn(Shape.of(1000), t, Device.CPU, new Generator(43));
            Tensor ng = Tensor.randn(Shape.of(1000), t, GPU, new Generator(43));
            // CUDA's log/cos may differ from Java's in the last bit of a float64
            assertClose(n, ng, t == DType.FLOAT32 ? 1e-7 : 1e-15, "randn " + t);
        }
        for (DType t : DType.values()) {
            if (t == DType.BOOL) {
                continue;
            }
            Tensor r = Tensor.arange(-3, 14, 0.7, t, GPU);
            assertArrayEquals(Tensor.arange(-3, 14, 0.7, t, Device.CPU).toDoubleArray(),
                    r.to(Device.CPU).toDoubleArray(), "arange " + t);
        }
    }

    @Test
    void allocatorReusesFreedBlocks() throws InterruptedException {
        CudaBackend be = new CudaBackend();
        be.synchronize(GPU);
        long before = CudaBackend.memoryAllocated(0);
        CudaStorage s = (CudaStorage) be.allocate(GPU, DType.FLOAT32, 1000);
        assertEquals(before + CudaAllocator.sizeClass(4000), CudaBackend.memoryAllocated(0));
        long reserved = CudaBackend.memoryReserved(0);
        s.close();
        assertEquals(before, CudaBackend.memoryAllocated(0));
        CudaStorage t = (CudaStorage) be.allocate(GPU, DType.FLOAT32, 990); // same size class
        org.junit.jupiter.api.Assertions.assertSame(s.block, t.block, "the freed block is reused");
        assertEquals(reserved, CudaBackend.memoryReserved(0), "no new device memory");
        float[] zeros = (float[]) be.toHost(t, Layout.contiguous(new int[] {990}));
        assertEquals(0f, zeros[989], "allocate zero-fills a reused block");
        t.close();
        CudaBackend.emptyCache();
        assertTrue(CudaBackend.memoryReserved(0) <= reserved - CudaAllocator.sizeClass(4000));
        // garbage: unreachable storages come back through the Cleaner, and their blocks are reused
        long live = CudaBackend.memoryAllocated(0);
        for (int i = 0; i < 50; i++) {
            be.allocate(GPU, DType.FLOAT64, 1 << 18); // 2 MiB each, dropped at once
        }
        for (int i = 0; i < 100 && CudaBackend.memoryAllocated(0) > live; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(CudaBackend.memoryAllocated(0) <= live, "unreachable storages returned their blocks");
        long r = CudaBackend.memoryReserved(0);
        java.util.List<Object> keep = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keep.add(be.allocate(GPU, DType.FLOAT64, 1 << 18));
        }
        assertEquals(r, CudaBackend.memoryReserved(0), "cached blocks served the new allocations");
        keep.clear();
    }
}
