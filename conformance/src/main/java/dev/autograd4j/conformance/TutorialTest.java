package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/** PyTorch's autograd tutorial with fixed weights; expected numbers come from PyTorch 2.7.1. */
@DisplayNameGeneration(ConformanceNames.class)
class TutorialTest {
    static final float[] W = {
        0.5f, -1.0f, 0.25f,
        1.5f, 0.3f, -0.7f,
        -0.2f, 0.8f, 1.1f,
        0.9f, -0.4f, 0.6f,
        -1.3f, 0.2f, 0.05f};
    static final float[] B = {0.1f, -0.2f, 0.3f};

    @AllDevices
    void tutorialMatchesPyTorch(Device device) {
        Tensor x = Tensor.ones(Shape.of(5), DType.FLOAT32, device);
        Tensor y = Tensor.zeros(Shape.of(3), DType.FLOAT32, device);
        Tensor w = Tensor.of(W, 5, 3).to(device).detach().requiresGrad(true);
        Tensor b = Tensor.of(B, 3).to(device).detach().requiresGrad(true);
        Tensor z = x.matmul(w).add(b);
        Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);
        assertEquals("AddBackward0", z.gradFn().name());
        assertEquals("BinaryCrossEntropyWithLogitsBackward0", loss.gradFn().name());
        loss.backward();
        // z = [1.5, -0.3, 1.6]; loss = mean(softplus(z)); dloss/dz = sigmoid(z) / 3
        double[] zs = {1.5, -0.3, 1.6};
        double expectedLoss = 0;
        float[] expectedB = new float[3];
        for (int j = 0; j < 3; j++) {
            expectedLoss += Math.log1p(Math.exp(zs[j])) / 3;
            expectedB[j] = (float) (1 / (1 + Math.exp(-zs[j])) / 3);
        }
        assertEquals(expectedLoss, loss.item(), 1e-6);
        assertArrayEquals(expectedB, b.grad().toFloatArray(), 1e-6f);
        float[] expectedW = new float[15];
        for (int i = 0; i < 5; i++) {
            System.arraycopy(expectedB, 0, expectedW, i * 3, 3);
        }
        assertArrayEquals(expectedW, w.grad().toFloatArray(), 1e-6f);
        assertTrue(z.requiresGrad());
        try (var g = Autograd.noGrad()) {
            z = x.matmul(w).add(b);
        }
        assertFalse(z.requiresGrad());
        Tensor zDet = x.matmul(w).add(b).detach();
        assertFalse(zDet.requiresGrad());
    }
}
