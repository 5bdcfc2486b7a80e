package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * {@code register_post_accumulate_grad_hook} and the engine's {@code queue_callback}: the two engine hooks that
 * data-parallel training starts and waits for its gradient communication from.
 */
@DisplayNameGeneration(ConformanceNames.class)
class PostAccumulateGradHookTest {

    @AllDevices
    void postAccumulateHookSeesTheSummedGradOnceAfterEveryPath(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        List<double[]> seen = new ArrayList<>();
        Autograd.HookHandle handle = x.registerPostAccumulateGradHook(t -> {
            assertSame(x, t);
            seen.add(t.grad().toDoubleArray());
        });
        // two paths into x: the hook runs once, after both were added
        x.mul(3.0).add(x.mul(x)).sum().backward();
        assertEquals(1, seen.size());
        assertArrayEquals(new double[] {5, 7}, seen.get(0), 1e-12);
        // a second backward accumulates, and the hook sees the running sum
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {8, 10}, seen.get(1), 1e-12);
        handle.remove();
        x.mul(3.0).sum().backward();
        assertEquals(2, seen.size());
        // grad() accumulates nothing, so it calls no post-accumulate hook
        x.registerPostAccumulateGradHook(t -> seen.add(null));
        Autograd.grad(x.sum(), x);
        assertEquals(2, seen.size());
    }

    @AllDevices
    void postAccumulateHookOnlyOnLeavesThatRequireGrad(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> x.mul(2.0).registerPostAccumulateGradHook(t -> { }));
        assertEquals("post accumulate grad hooks cannot be registered on non-leaf tensors", e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> Tensor.ones(2).registerPostAccumulateGradHook(t -> { }));
    }

    @AllDevices
    void queuedCallbacksRunOnceAtTheEndOfThePassInOrder(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor y = leaf(device, new double[] {3, 4}, 2);
        List<String> events = new ArrayList<>();
        x.registerPostAccumulateGradHook(t -> {
            events.add("x");
            Autograd.queueCallback(() -> {
                events.add("callback 1 sees x.grad " + t.grad().toDoubleArray()[0] + " y.grad "
                        + (y.grad() == null ? "none" : y.grad().toDoubleArray()[0]));
                Autograd.queueCallback(() -> events.add("callback 2"));
            });
        });
        y.registerPostAccumulateGradHook(t -> events.add("y"));
        x.mul(y).sum().backward();
        assertEquals(4, events.size(), events.toString());
        assertTrue(events.subList(0, 2).containsAll(List.of("x", "y")), events.toString());
        assertEquals("callback 1 sees x.grad 3.0 y.grad 1.0", events.get(2));
        assertEquals("callback 2", events.get(3));
        // the callbacks belonged to that pass: a new pass starts with none
        events.clear();
        y.mul(2.0).sum().backward();
        assertEquals(List.of("y"), events);
    }

    @AllDevices
    void queueCallbackOutsideBackwardThrows(Device device) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.queueCallback(() -> { }));
        assertEquals("Final callbacks can only be installed during backward pass.", e.getMessage());
    }
}
