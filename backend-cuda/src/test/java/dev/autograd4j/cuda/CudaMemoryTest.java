package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
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

    @Test
    void trainingLoopMemoryStaysFlat() {
        Generator g = new Generator(0);
        Tensor x = Tensor.randn(Shape.of(32, 20), DType.FLOAT32, GPU, g);
        Tensor y = Tensor.of(new long[32], 32).to(GPU);
        var model = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 4));
        model.to(GPU);
        var optimizer = new SGD(model.parameters(), 0.01);
        var loss = new CrossEntropyLoss();
        long afterWarmUp = 0;
        long peak = 0;
        for (int step = 0; step < 10_000; step++) {
            optimizer.zeroGrad();
            loss.forward(model.forward(x), y).backward();
            optimizer.step();
            if (step == 500) {
                System.gc();
                afterWarmUp = CudaBackend.memoryAllocated(0);
            }
            if (step > 500 && step % 500 == 0) {
                peak = Math.max(peak, CudaBackend.memoryAllocated(0));
            }
        }
        System.gc();
        long end = CudaBackend.memoryAllocated(0);
        // garbage between collections may hold some blocks; growth beyond that means a leak
        assertTrue(end <= afterWarmUp + (1 << 20), "memoryAllocated grew from " + afterWarmUp + " to " + end
                + " bytes (peak " + peak + ")");
    }
}
