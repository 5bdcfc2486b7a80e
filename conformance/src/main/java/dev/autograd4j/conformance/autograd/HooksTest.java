package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Tensor hooks ({@code register_hook}) and {@code retain_grad}. */
@DisplayNameGeneration(ConformanceNames.class)
class HooksTest {

    @AllDevices
    void hookOnALeafReplacesItsGradientUntilRemoved(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Autograd.HookHandle handle = x.registerHook(g -> g.mul(2.0));
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), 1e-12);

        handle.remove();
        x.setGrad(null);
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), 1e-12);

        // the functional API sees the hooked gradient too, and still leaves grad alone
        x.setGrad(null);
        x.registerHook(g -> g.add(1.0));
        Tensor[] g = Autograd.grad(x.mul(3.0).sum(), x);
        assertArrayEquals(new double[] {4, 4}, g[0].toDoubleArray(), 1e-12);
        assertNull(x.grad());
    }

    @AllDevices
    void hookOnANonLeafChangesWhatFlowsFurther(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(3.0);
        List<double[]> seen = new ArrayList<>();
        h.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return null; // observe only
        });
        Autograd.HookHandle doubling = h.registerHook(g -> g.mul(2.0));
        h.mul(h).sum().backward(null, true);
        // dL/dh = 2h = (6, 12), doubled, times 3
        assertArrayEquals(new double[] {36, 72}, x.grad().toDoubleArray(), 1e-12);
        assertEquals(1, seen.size());
        assertArrayEquals(new double[] {6, 12}, seen.get(0), 1e-12);

        doubling.remove();
        doubling.remove(); // removing twice is harmless
        x.setGrad(null);
        Tensor loss = h.mul(h).sum();
        loss.backward();
        assertArrayEquals(new double[] {18, 36}, x.grad().toDoubleArray(), 1e-12);
        assertEquals(2, seen.size());
    }

    @AllDevices
    void hooksRunInRegistrationOrder(Device device) {
        Tensor x = leaf(device, new double[] {1}, 1);
        x.registerHook(g -> g.add(1.0));
        x.registerHook(g -> g.mul(10.0));
        x.mul(2.0).sum().backward();
        assertArrayEquals(new double[] {30}, x.grad().toDoubleArray(), 1e-12);
    }

    @AllDevices
    void retainGradFillsTheGradOfANonLeaf(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(3.0);
        Tensor other = x.mul(5.0);
        assertFalse(h.retainsGrad());
        assertTrue(h.retainGrad() == h);
        assertTrue(h.retainsGrad());
        h.pow(2).add(other).sum().backward(null, true);
        assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray(), 1e-12);   // 2h
        assertArrayEquals(new double[] {23, 41}, x.grad().toDoubleArray(), 1e-12); // 18x + 5
        assertNull(other.grad(), "a non-leaf without retainGrad has no grad (and logs PyTorch's warning)");
        assertFalse(h.grad().requiresGrad());

        // retained grads accumulate like leaves' do
        Tensor loss2 = h.sum();
        loss2.backward();
        assertArrayEquals(new double[] {7, 13}, h.grad().toDoubleArray(), 1e-12);
        h.setGrad(null);
        assertNull(h.grad());

        assertTrue(x.retainGrad() == x, "a no-op on leaves");
        Tensor constant = constant(device, new double[] {1}, 1);
        assertThrows(IllegalStateException.class, constant::retainGrad);
        assertThrows(IllegalStateException.class, () -> constant.registerHook(g -> g));
    }
}
