package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.SGD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A training loop needs no manual release: 10,000 forward/backward/update steps of a small model keep
 * memoryAllocated() flat, because storages return to the caching allocator through the Cleaner.
 * Skips without a GPU; fails instead when AUTOGRAD_REQUIRE_CUDA=1.
 */
class CudaMemoryTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeAll
    static void needsGpu() {
        CudaBackendTest.needsGpu();
    }

    /** memoryAllocated() once the garbage collector and the Cleaner have returned every dead storage's block. */
    static long settledAllocated() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            System.gc();
            Thread.sleep(20);
            long now = CudaBackend.memoryAllocated(0);
            if (now >= last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** A test body that may wait for the garbage collector. */
    private interface Body {
        void run() throws InterruptedException;
    }

    /** Runs {@code body} with the allocator's collection hint every {@code bytes} (whole MiB; 0: never), then restores it. */
    private static void withCollectEvery(long bytes, Body body) throws InterruptedException {
        CudaSettings settings = CudaBackend.settings();
        long defaultCollectEveryMiB = settings.collectEveryMiB();
        settings.setCollectEveryMiB(bytes >> 20);
        try {
            body.run();
        } finally {
            settings.setCollectEveryMiB(defaultCollectEveryMiB);
        }
    }

    @Test
    void trainingLoopMemoryStaysFlat() throws InterruptedException {
        long collectEvery = 16L << 20; // small, so that the 10,000 steps need the collection hint many times
        withCollectEvery(collectEvery, () -> {
            Generator g = new Generator(0);
            Tensor x = Tensor.randn(Shape.of(32, 20), DType.FLOAT32, GPU, g);
            Tensor y = Tensor.of(new long[32], 32).to(GPU);
            var model = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 4));
            model.to(GPU);
            var optimizer = new SGD(model.parameters(), 0.01);
            var loss = new CrossEntropyLoss();
            long afterWarmUp = 0;
            long reservedAfterWarmUp = 0;
            long peakReserved = 0;
            for (int step = 0; step < 10_000; step++) {
                optimizer.zeroGrad();
                loss.forward(model.forward(x), y).backward();
                optimizer.step();
                if (step == 500) {
                    afterWarmUp = settledAllocated();
                    reservedAfterWarmUp = CudaBackend.memoryReserved(0);
                }
                if (step > 500) {
                    peakReserved = Math.max(peakReserved, CudaBackend.memoryReserved(0));
                }
            }
            long end = settledAllocated();
            // no manual release anywhere: once collected, the loop holds what it held after warm-up
            assertTrue(end <= afterWarmUp + (1 << 20), "memoryAllocated grew from " + afterWarmUp + " to " + end
                    + " bytes");
            // and between collections dead tensors hold about collectEvery at most (twice, for slack)
            assertTrue(peakReserved <= reservedAfterWarmUp + 2 * collectEvery, "memoryReserved grew from "
                    + reservedAfterWarmUp + " to " + peakReserved + " bytes with a collection hint every "
                    + collectEvery + " bytes");
        });
    }

    @Test
    void scopedStepsGiveEveryBlockBackAtClose() throws InterruptedException {
        withCollectEvery(0, () -> { // no collection hints: the scope alone must give the memory back
            Generator g = new Generator(1);
            Tensor x = Tensor.randn(Shape.of(64, 100), DType.FLOAT32, GPU, g);
            Tensor y = Tensor.of(new long[64], 64).to(GPU);
            var model = new Sequential(new Linear(100, 256), new ReLU(), new Linear(256, 10));
            model.to(GPU);
            var optimizer = new SGD(model.parameters(), 0.01, 0.9);
            var loss = new CrossEntropyLoss();
            long baseline = 0;
            for (int step = 0; step < 1000; step++) {
                long inside;
                try (MemoryScope scope = MemoryScope.open()) {
                    optimizer.zeroGrad(false); // zeroed in place: gradients are accumulated in place, not remade
                    loss.forward(model.forward(x), y).backward();
                    optimizer.step();
                    inside = CudaBackend.memoryAllocated(0);
                }
                long after = CudaBackend.memoryAllocated(0);
                if (step == 0) {
                    baseline = after; // gradients and momentum buffers now exist
                    continue;
                }
                // the Cleaner may return older garbage meanwhile, so "at most"
                assertTrue(after <= baseline, "step " + step + ": " + after + " bytes live after the scope, "
                        + baseline + " after the first step");
                assertTrue(inside > after, "the step allocated activations inside the scope");
            }
        });
    }
}
