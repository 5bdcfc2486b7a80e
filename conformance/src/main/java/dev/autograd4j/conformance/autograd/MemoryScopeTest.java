package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * MemoryScope: what a scope releases and what outlives it (gradients, parameters, optimizer state, kept
 * tensors). A released tensor must fail loudly when used, on a GPU and on the CPU (whose memory pool may already
 * have handed its array to another tensor); a third-party backend may leave memory to the garbage collector.
 */
@DisplayNameGeneration(ConformanceNames.class)
class MemoryScopeTest {
    @AllDevices
    void gradientsOptimizerStateAndKeptTensorsOutliveTheScope(Device device) {
        Tensor w = constant(device, new double[] {1, -2, 3}).requiresGrad(true);
        Tensor v = constant(device, new double[] {0.5, 0.5, 0.5}).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), 0.1, 0.9);
        Adam adam = new Adam(List.of(v), 0.01);
        Tensor kept;
        Tensor dropped;
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = constant(device, new double[] {2, 3, 4});
            Tensor loss = w.mul(x).sum().add(v.mul(v).sum()); // dloss/dw = x, dloss/dv = 2v
            loss.backward();
            sgd.step();
            adam.step();
            kept = scope.keep(loss.detach().mul(2.0));
            dropped = x.exp();
            assertTrue(scope.size() >= 4, "the scope owns what was made in it: " + scope.size());
        }
        assertArrayEquals(new double[] {2, 3, 4}, w.grad().toDoubleArray(), "the gradient survives");
        assertArrayEquals(new double[] {1, 1, 1}, v.grad().toDoubleArray(), "the gradient survives");
        assertEquals(2 * (2 - 6 + 12 + 0.75), kept.item(), 1e-12, "a kept tensor survives");
        // the optimizer state (momentum buffer, Adam's moments) survives: a second step uses it
        sgd.step();
        adam.step();
        assertArrayEquals(new double[] {1 - 0.2 - 0.38, -2 - 0.3 - 0.57, 3 - 0.4 - 0.76}, w.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.48, 0.48, 0.48}, v.toDoubleArray(), 1e-9);
        if (releasesMemory(device)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, dropped::toDoubleArray);
            assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> dropped.add(1.0), "no kernel reads released memory");
            assertThrows(IllegalStateException.class, () -> dropped.fill_(0.0), "no kernel writes released memory");
        }
        assertEquals(3, dropped.numel()); // the metadata stays readable
    }

    @AllDevices
    void keepHandsATensorToTheEnclosingScope(Device device) {
        Tensor result;
        try (MemoryScope outer = MemoryScope.open()) {
            int before = outer.size();
            try (MemoryScope inner = MemoryScope.open()) {
                result = inner.keep(constant(device, new double[] {1, 2}).mul(3.0));
                assertSame(result, inner.keep(result), "keeping twice is harmless");
            }
            assertEquals(before + 1, outer.size(), "the kept storage now belongs to the outer scope");
            assertArrayEquals(new double[] {3, 6}, result.toDoubleArray());
        }
        if (releasesMemory(device)) {
            assertThrows(IllegalStateException.class, result::toDoubleArray);
        }
    }

    @AllDevices
    void tensorsFromOutsideAndTheirViewsAreNotReleased(Device device) {
        Tensor base = Tensor.zeros(Shape.of(2, 3), DType.FLOAT32, device);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor view = base.transpose(0, 1);
            view.add_(1.0); // in place on outside memory
        }
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, base.toDoubleArray());
    }

    @AllDevices
    void aReleasedViewThrowsAndLargeTensorsAreNotMixedUp(Device device) {
        // large enough for the CPU pool: the released array is reused by the next tensor of its size class
        Tensor released;
        try (MemoryScope scope = MemoryScope.open()) {
            released = Tensor.ones(Shape.of(64, 64), DType.FLOAT32, device).mul(2.0);
        }
        Tensor fresh = Tensor.zeros(Shape.of(64, 64), DType.FLOAT32, device).add(3.0);
        assertEquals(3.0 * 64 * 64, fresh.sum().item(), 0.0, "a reused array starts as the op writes it");
        if (releasesMemory(device)) {
            Tensor view = released.narrow(0, 1, 2);
            assertThrows(IllegalStateException.class, view::toDoubleArray, "views of released memory throw too");
            assertThrows(IllegalStateException.class, () -> released.sum());
        }
        assertEquals(3.0 * 64 * 64, fresh.sum().item(), 0.0, "the live tensor kept its values");
    }

    /** The backends this suite knows to release scope memory at once (third-party ones may leave it to the GC). */
    private static boolean releasesMemory(Device device) {
        return device.isCuda() || device.type() == Device.Type.CPU;
    }

    @Test
    void scopesCloseInnermostFirst() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertEquals("MemoryScopes must be closed innermost first", e.getMessage());
        inner.close();
        outer.close();
        outer.close(); // idempotent
    }
}
