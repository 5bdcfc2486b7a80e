package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.SGD;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/** The CPU memory pool: size classes, reuse, release, the Cleaner path, its bound and a long training loop. */
class CpuPoolTest {
    private static final int LARGE = 10_000; // 40 KB of float32: pooled

    @Test
    void sizeClassesRoundUpLargeArraysAndLeaveSmallOnesAlone() {
        assertEquals(0, CpuPool.capacity(DType.FLOAT32, 1000), "4000 bytes: a plain array");
        assertEquals(1024, CpuPool.capacity(DType.FLOAT32, 1024));
        assertEquals(1152, CpuPool.capacity(DType.FLOAT32, 1025), "512-byte steps below 1 MiB");
        assertEquals(576, CpuPool.capacity(DType.FLOAT64, 513));
        int mib = 1 << 18; // floats in 1 MiB
        assertEquals(mib, CpuPool.capacity(DType.FLOAT32, mib));
        assertEquals(mib + mib / 16, CpuPool.capacity(DType.FLOAT32, mib + 1), "sixteenths of a power of two above");
        assertEquals(0, CpuPool.capacity(DType.FLOAT32, 2_100_000_000), "a class beyond an array's reach: not pooled");
        assertEquals(2_013_265_920, CpuPool.capacity(DType.FLOAT64, 2_000_000_000));
    }

    @Test
    void aReleasedArrayIsReusedZeroedOrAsIsAndItsOldStorageThrows() {
        CpuPool pool = new CpuPool(new CpuSettings(k -> null));
        CpuStorage a = pool.allocate(DType.FLOAT32, LARGE, false);
        long bytes = (long) CpuPool.capacity(DType.FLOAT32, LARGE) * 4;
        assertEquals(bytes, pool.memoryAllocated());
        a.f()[5] = 7f;
        a.release();
        assertEquals(0, pool.memoryAllocated());
        assertEquals(bytes, pool.memoryReserved(), "the array waits on its free list");
        IllegalStateException e = assertThrows(IllegalStateException.class, a::live);
        assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
        a.release(); // idempotent: the array is not given back twice
        assertEquals(bytes, pool.memoryReserved());

        CpuStorage zeroed = pool.allocate(DType.FLOAT32, LARGE - 3, true); // the same class
        assertSame(a.data, zeroed.data, "the class's free array is reused");
        assertEquals(LARGE - 3, zeroed.size());
        assertEquals(0f, zeroed.f()[5], "allocate() zeroes a reused array");
        assertEquals(bytes, pool.memoryReserved());
        zeroed.f()[5] = 9f;
        zeroed.release();
        CpuStorage asIs = pool.allocate(DType.FLOAT32, LARGE, false);
        assertSame(a.data, asIs.data);
        if (!CpuPool.POISON) {
            assertEquals(9f, asIs.f()[5], "allocateUninitialized leaves it to the kernel to write every element");
        }
        CpuStorage other = pool.allocate(DType.FLOAT64, LARGE, false);
        assertNotSame(a.data, other.data, "classes are per dtype");
        pool.emptyCache();
        asIs.release();
        other.release();
        pool.emptyCache();
        assertEquals(0, pool.memoryReserved());
    }

    @Test
    void unreachableStoragesGiveTheirArraysBackThroughTheCleaner() throws InterruptedException {
        CpuPool pool = new CpuPool(new CpuSettings(k -> null));
        for (int i = 0; i < 8; i++) {
            pool.allocate(DType.FLOAT32, LARGE, true); // dropped at once
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.memoryAllocated() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, pool.memoryAllocated(), "every dropped storage came back");
        assertTrue(pool.memoryReserved() > 0);
    }

    @Test
    void thePoolKeepsNoMoreThanItsCapacity() {
        CpuPool pool = new CpuPool(new CpuSettings(k -> k.equals(CpuSettings.POOL_PROPERTY) ? "0" : null));
        CpuStorage a = pool.allocate(DType.FLOAT32, LARGE, true);
        a.release();
        assertEquals(0, pool.memoryReserved(), "capacity 0: nothing kept");
        CpuSettings settings = new CpuSettings(k -> null).setPoolCapacityBytes(50_000);
        pool = new CpuPool(settings);
        CpuStorage b = pool.allocate(DType.FLOAT32, LARGE, true), c = pool.allocate(DType.FLOAT32, LARGE, true);
        b.release();
        c.release();
        assertEquals((long) CpuPool.capacity(DType.FLOAT32, LARGE) * 4, pool.memoryReserved(), "one fits in 50 KB");
        assertThrows(IllegalArgumentException.class, () -> settings.setPoolCapacityBytes(-1));
    }

    @Test
    void userArraysAndHostCopiesAreNeverPooled() {
        float[] mine = new float[LARGE];
        Tensor t = Tensor.of(mine, LARGE);
        long before = CpuBackend.memoryAllocated();
        float[] host;
        try (MemoryScope scope = MemoryScope.open()) {
            host = t.mul(2.0f).toFloatArray();
        }
        Tensor next = Tensor.ones(Shape.of(LARGE), DType.FLOAT32, Device.cpu()).mul(5.0f);
        assertEquals(0f, host[0], "the array handed to the caller is not recycled");
        assertEquals(5f, next.toFloatArray()[0]);
        assertTrue(CpuBackend.memoryAllocated() >= before);
    }

    /** The MLP of the memory test, smaller: every tensor but the logits is pooled. */
    private static final class Mlp {
        final Sequential model;
        final SGD sgd;
        final Tensor x;
        final Tensor y;

        Mlp() {
            Generator g = new Generator(1);
            model = new Sequential(new Linear(128, 64, true, g), new ReLU(), new Linear(64, 10, true, g));
            sgd = new SGD(model.parameters(), 0.01, 0.9);
            x = Tensor.randn(Shape.of(32, 128), DType.FLOAT32, Device.cpu(), g);
            long[] classes = new long[32];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = i % 10;
            }
            y = Tensor.of(classes, 32);
        }

        double step(boolean gradsToNone) {
            sgd.zeroGrad(gradsToNone);
            Tensor loss = Functional.crossEntropy(model.forward(x), y);
            loss.backward();
            sgd.step();
            return loss.item();
        }
    }

    /** Collects until the Cleaner has given back what dead storages held (the figure stops changing). */
    private static void settle() throws InterruptedException {
        long previous = -1;
        for (int i = 0, same = 0; i < 200 && same < 3; i++) {
            long now = CpuBackend.memoryAllocated();
            same = now == previous ? same + 1 : 0;
            previous = now;
            System.gc();
            Thread.sleep(50);
        }
    }

    /**
     * The test: 10,000 steps, each in a MemoryScope. With gradients zeroed in place
     * ({@code zeroGrad(false)}) every step gives back exactly what it took, so memoryReserved is the same after
     * every step (and memoryAllocated never above its step-100 figure); with gradients set to null
     * ({@code zeroGrad()}, PyTorch's default) the dropped gradients come back when the garbage collector finds them,
     * so the figures return to their level after every collection.
     */
    @Test
    void aTenThousandStepTrainingLoopStaysFlatInBothFiguresAndInHeapUse() throws InterruptedException {
        Mlp mlp = new Mlp();
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        long allocated0 = 0, reserved0 = 0, heap0 = 0, most = 0;
        double first = 0, last = 0;
        for (int step = 0; step < 10_000; step++) {
            boolean inPlace = step < 5_000;
            try (MemoryScope scope = MemoryScope.open()) {
                last = mlp.step(!inPlace);
            }
            if (step == 0) {
                first = last;
            }
            if (step == 100) {
                settle();
            } else if (step == 101) {
                allocated0 = CpuBackend.memoryAllocated();
                reserved0 = CpuBackend.memoryReserved();
                heap0 = heap.getHeapMemoryUsage().getUsed();
            } else if (step > 101 && inPlace) {
                // a storage dropped before step 100 that the collector finds late moves from allocated to cached
                assertEquals(reserved0, CpuBackend.memoryReserved(), "memoryReserved at step " + step);
                assertTrue(CpuBackend.memoryAllocated() <= allocated0, "memoryAllocated at step " + step);
            } else if (step % 1_000 == 999) {
                settle();
                // the gradients of the last step stay (zeroGrad() drops them at the next step)
                assertTrue(CpuBackend.memoryAllocated() <= allocated0, "memoryAllocated after GC at step " + step);
                most = Math.max(most, CpuBackend.memoryReserved());
                assertTrue(CpuBackend.memoryReserved() <= reserved0 + (16 << 20),
                        "memoryReserved after GC at step " + step + ": " + CpuBackend.memoryReserved());
            }
        }
        settle();
        long heap1 = heap.getHeapMemoryUsage().getUsed();
        assertTrue(heap1 < heap0 + (8 << 20), "heap after GC: " + heap0 + " bytes at step 100, " + heap1 + " at 10000");
        assertTrue(last < first, "it trained: loss " + first + " -> " + last);
        assertTrue(most <= reserved0 + (16 << 20), "reserved peaked at " + most + " after collections");
    }

    @Test
    void withoutAScopeTheCleanerKeepsTheLoopBounded() throws InterruptedException {
        Mlp mlp = new Mlp();
        long most = 0;
        for (int step = 0; step < 3_000; step++) {
            mlp.step(true);
            most = Math.max(most, CpuBackend.memoryReserved());
        }
        assertTrue(most < CpuBackend.settings().poolCapacityBytes() + (256L << 20), "reserved peaked at " + most);
        // what the loop dropped comes back once collected: only the model, its gradients and momentum stay
        long params = 0;
        for (Tensor p : mlp.model.parameters()) {
            params += 3L * CpuPool.capacity(DType.FLOAT32, (int) p.numel()) * 4; // weights, .grad, momentum
        }
        settle();
        assertTrue(CpuBackend.memoryAllocated() <= params + (1 << 20),
                "allocated after collection: " + CpuBackend.memoryAllocated() + " (parameters " + params + ")");
        assertEquals(320, mlp.model.forward(mlp.x).numel(), "the model still runs");
    }
}
