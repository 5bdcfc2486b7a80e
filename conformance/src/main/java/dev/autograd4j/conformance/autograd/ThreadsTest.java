package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;

/** Backward passes running in several threads at once, into shared leaves (PyTorch's lock per AccumulateGrad). */
@DisplayNameGeneration(ConformanceNames.class)
class ThreadsTest {
    private static final int THREADS = 8;

    /** Runs {@code body} in THREADS threads started together; rethrows the first failure. */
    private static void inThreads(int repeats, Runnable body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < repeats; i++) {
                        body.run();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @AllDevices
    void concurrentBackwardIntoASharedLeafLosesNoUpdate(Device device) throws Exception {
        Tensor w = Tensor.ones(Shape.of(16), DType.FLOAT64, device).requiresGrad(true);
        inThreads(500, () -> w.mul(2.0).sum().backward());
        double[] expected = new double[16];
        Arrays.fill(expected, 2.0 * THREADS * 500); // 8000
        assertArrayEquals(expected, w.grad().toDoubleArray());
    }

    @AllDevices
    void hooksAndRetainGradUnderConcurrentBackward(Device device) throws Exception {
        Tensor w = leaf(device, new double[] {1, 2}, 2);
        AtomicInteger calls = new AtomicInteger();
        w.registerHook(g -> {
            calls.incrementAndGet();
            return g.mul(3.0);
        });
        Tensor h = w.mul(2.0).retainGrad(); // one shared non-leaf, its graph walked by every thread
        inThreads(100, () -> {
            h.sum().backward(null, true);
            w.registerHook(g -> null).remove(); // registering while others run backward is safe
        });
        int n = THREADS * 100;
        assertEquals(n, calls.get());
        assertArrayEquals(new double[] {6.0 * n, 6.0 * n}, w.grad().toDoubleArray());
        assertArrayEquals(new double[] {n, n}, h.grad().toDoubleArray());
    }

    @AllDevices
    void gradModeStaysPerThreadWhileOthersRunBackward(Device device) throws Exception {
        Tensor w = leaf(device, new double[] {1}, 1);
        AtomicInteger recorded = new AtomicInteger();
        inThreads(50, () -> {
            try (var off = Autograd.noGrad()) {
                if (w.mul(2.0).requiresGrad()) {
                    recorded.incrementAndGet();
                }
            }
            w.mul(2.0).sum().backward();
        });
        assertEquals(0, recorded.get());
        assertArrayEquals(new double[] {2.0 * THREADS * 50}, w.grad().toDoubleArray());
    }
}
