package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.conformance.Devices;
import org.junit.jupiter.api.DisplayNameGeneration;

/** In-place ops and version counters, beyond conformance's InPlaceTest. */
@DisplayNameGeneration(ConformanceNames.class)
class InPlaceVersionTest {

    private static float[] eyeLike(float diagonal, float other) {
        float[] e = new float[20];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                e[i * 5 + j] = i == j ? diagonal : other;
            }
        }
        return e;
    }

    /** The tutorial's "Optional Reading: Tensor Gradients and Jacobian Products" cell. */
    @AllDevices
    void tutorialJacobianProductAccumulatesAcrossCalls(Device device) {
        Tensor inp = Tensor.eye(4, 5, DType.FLOAT32, device).requiresGrad(true);
        Tensor out = inp.add(1).pow(2).t();
        assertEquals("TBackward0", out.gradFn().name());
        out.backward(Tensor.onesLike(out), true);
        assertArrayEquals(eyeLike(4, 2), inp.grad().toFloatArray(), 1e-6f);        // First call
        out.backward(Tensor.onesLike(out), true);
        assertArrayEquals(eyeLike(8, 4), inp.grad().toFloatArray(), 1e-6f);        // Second call
        inp.setGrad(null);
        out.backward(Tensor.onesLike(out), true);
        assertArrayEquals(eyeLike(4, 2), inp.grad().toFloatArray(), 1e-6f);        // Call after zeroing gradients
        assertEquals(device, inp.grad().device());
        assertEquals(DType.FLOAT32, inp.grad().dtype());
    }

    @AllDevices
    void everyInPlaceOpBumpsTheSharedVersionOnce(Device device) {
        Tensor a = Leaves.constant(device, new double[] {1, 2, 3, 4}, 4);
        Tensor other = Leaves.constant(device, new double[] {1, 1, 1, 1}, 4);
        Tensor view = a.narrow(0, 1, 2);
        int v = a.version();
        a.add_(other);
        assertEquals(++v, a.version());
        a.sub_(other);
        assertEquals(++v, a.version());
        a.mul_(2.0);
        assertEquals(++v, a.version());
        a.div_(other);
        assertEquals(++v, a.version());
        view.clamp_(0, 5);
        assertEquals(++v, a.version());
        assertEquals(v, view.version());
        a.relu_();
        a.fill_(1.0);
        a.zero_();
        a.copy_(other);
        assertEquals(v + 4, a.version());
        assertEquals(v + 4, a.detach().version());
        // out-of-place ops leave it alone
        a.add(other);
        assertEquals(v + 4, a.version());
    }

    @AllDevices
    void writingThroughADetachedAliasInvalidatesTheSavedTensor(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor y = x.mul(x).sum(); // MulBackward0 saves x
        x.detach().mul_(2.0);     // same storage, same version counter
        assertEquals(1, x.version());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("[" + Devices.doubleTensorType(device)
                + " [2]] is at version 1; expected version 0 instead"), e.getMessage());
    }

    @AllDevices
    void inPlaceAfterABackwardWithRetainedGraphBreaksTheNextOne(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(1.0);
        Tensor y = h.exp().sum();
        y.backward(null, true);
        Tensor e1 = x.grad();
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, e1.toDoubleArray(), 1e-12);
        try (var g = Autograd.noGrad()) {
            h.exp().add_(1.0); // a fresh result: the saved one is untouched
        }
        y.backward(null, true);
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
        // an in-place op on h itself does not change exp's saved output, only h's version
        h.add_(1.0);
        assertEquals(1, h.version());
        y.backward(null, true);
        assertArrayEquals(new double[] {3 * Math.exp(1), 3 * Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
    }
}
