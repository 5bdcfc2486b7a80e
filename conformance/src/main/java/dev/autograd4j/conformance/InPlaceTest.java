package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/** In-place ops: version counters shared by views, PyTorch's checks, and gradients through them. */
@DisplayNameGeneration(ConformanceNames.class)
class InPlaceTest {
    private static Tensor vec(Device device, double... v) {
        return Tensor.of(v, v.length).to(device);
    }

    @AllDevices
    void inPlaceOpsWriteThroughViewsAndBumpVersions(Device device) {
        Tensor a = vec(device, 1, 2, 3, 4);
        Tensor view = a.reshape(2, 2).t();
        Tensor detached = a.detach();
        assertEquals(0, a.version());
        view.mul_(10.0);
        assertArrayEquals(new double[] {10, 20, 30, 40}, a.toDoubleArray());
        assertEquals(1, a.version());
        assertEquals(1, detached.version());
        detached.add_(vec(device, 1, 1, 1, 1)).sub_(1.0).div_(2.0).clamp_(6, 15);
        assertArrayEquals(new double[] {6, 10, 15, 15}, a.toDoubleArray());
        a.fill_(-1.0).relu_();
        assertArrayEquals(new double[] {0, 0, 0, 0}, a.toDoubleArray());
        a.copy_(Tensor.of(new float[] {7}, 1).to(device));
        assertArrayEquals(new double[] {7, 7, 7, 7}, a.toDoubleArray());
        a.zero_();
        assertArrayEquals(new double[] {0, 0, 0, 0}, detached.toDoubleArray());
        assertEquals("output with shape [4] doesn't match the broadcast shape [2, 4]",
                assertThrows(IllegalArgumentException.class, () -> a.add_(Tensor.zeros(Shape.of(2, 4), DType.FLOAT64,
                        device))).getMessage());
    }

    @AllDevices
    void leafThatRequiresGradRefusesInPlaceUnlessNoGrad(Device device) {
        Tensor w = vec(device, 1, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add_(1.0));
        assertTrue(e.getMessage().startsWith("a leaf Variable that requires grad is being used in an in-place "
                + "operation."), e.getMessage());
        try (var g = Autograd.noGrad()) {
            w.sub_(vec(device, 0.5, 0.5));
        }
        assertArrayEquals(new double[] {0.5, 1.5}, w.toDoubleArray());
        assertTrue(w.isLeaf() && w.requiresGrad());
    }

    @AllDevices
    void modifyingASavedTensorFailsBackward(Device device) {
        Tensor x = vec(device, 1, 2).requiresGrad(true);
        Tensor y = x.exp();
        Tensor z = y.mul(2.0);
        y.add_(1.0);
        assertEquals(1, y.version());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> z.sum().backward());
        assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified "
                + "by an inplace operation: [" + Devices.doubleTensorType(device) + " [2]], which is output 0 of "
                + "ExpBackward0, is at version 1; expected version 0 instead."), e.getMessage());

        Tensor leaf = vec(device, 1, 2).requiresGrad(true);
        Tensor buffer = vec(device, 3, 4);
        Tensor product = leaf.mul(buffer);
        buffer.mul_(2.0);
        e = assertThrows(IllegalStateException.class, () -> product.sum().backward());
        assertTrue(e.getMessage().contains("is at version 1; expected version 0 instead"), e.getMessage());
    }

    @AllDevices
    void gradientsFlowThroughInPlaceOpsOnNonLeaves(Device device) {
        Tensor x = vec(device, 1, 2, 3).requiresGrad(true);
        Tensor w = vec(device, 0.5, -1, 2).requiresGrad(true);
        Tensor y = x.mul(3.0);
        y.mul_(w).add_(1.0);
        assertEquals("AddBackward0", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {1.5, -3, 6}, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {3, 6, 9}, w.grad().toDoubleArray(), 1e-12);

        Tensor src = vec(device, 1, 2, 3).requiresGrad(true);
        Tensor dst = Tensor.zeros(Shape.of(3), DType.FLOAT64, device);
        dst.copy_(src);
        dst.mul(dst).sum().backward();
        assertArrayEquals(new double[] {2, 4, 6}, src.grad().toDoubleArray(), 1e-12);
    }
}
