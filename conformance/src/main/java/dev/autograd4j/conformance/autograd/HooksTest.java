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
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.conformance.Devices;
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

    @AllDevices
    void aHookMayNotChangeTheGradientsSizeTypeOrDevice(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        x.registerHook(g -> Tensor.ones(3).to(DType.FLOAT64).to(device));
        IllegalStateException size = assertThrows(IllegalStateException.class, () -> x.mul(2.0).sum().backward());
        assertEquals("hook 'hook' has changed the size of value", size.getMessage());
        assertNull(x.grad());

        Tensor y = leaf(device, new double[] {1, 2}, 2);
        Tensor h = y.mul(2.0);
        h.registerHook(g -> g.to(DType.FLOAT32));
        IllegalStateException type = assertThrows(IllegalStateException.class, () -> h.sum().backward());
        String prefix = device.isCuda() ? "CUDA" : "CPU";
        assertEquals("hook 'hook' has changed the type of value (was " + prefix + "DoubleType got " + prefix
                + "FloatType)", type.getMessage());

        for (Device other : Devices.list()) {
            if (other.type() != device.type()) {
                Tensor z = leaf(device, new double[] {1, 2}, 2);
                z.registerHook(g -> g.to(other));
                IllegalStateException moved = assertThrows(IllegalStateException.class,
                        () -> z.mul(2.0).sum().backward());
                String otherPrefix = other.isCuda() ? "CUDA" : "CPU";
                assertEquals("hook 'hook' has changed the type of value (was " + prefix + "DoubleType got "
                        + otherPrefix + "DoubleType)", moved.getMessage());
            }
        }
    }

    @AllDevices
    void retainGradFollowsAnInPlaceOpAndSeesTheOtherHooks(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(1.0);
        h.retainGrad();
        h.mul_(3.0); // h is now the new version; its retained grad is that version's
        h.mul(h).sum().backward();
        assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray(), 1e-12); // 2 * (3x)
        assertArrayEquals(new double[] {18, 36}, x.grad().toDoubleArray(), 1e-12);

        // a hook registered after retainGrad still runs before the gradient is recorded
        Tensor k = x.mul(2.0).retainGrad();
        k.registerHook(g -> g.mul(10.0));
        k.sum().backward();
        assertArrayEquals(new double[] {10, 10}, k.grad().toDoubleArray(), 1e-12);
    }
}
