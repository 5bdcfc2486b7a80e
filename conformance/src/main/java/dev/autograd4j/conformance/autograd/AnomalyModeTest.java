package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayNameGeneration;

/** {@code torch.autograd.detect_anomaly()}: NaN in backward names the node and the forward call. */
@DisplayNameGeneration(ConformanceNames.class)
class AnomalyModeTest {

    /** sqrt(x) * 0 at x = 0: the forward is 0, but SqrtBackward0 computes 0 / (2 sqrt(0)) = NaN. */
    private static Tensor nanInBackwardOnly(Tensor x) {
        return x.sqrt().mul(0.0).sum();
    }

    @AllDevices
    void withoutAnomalyModeTheNanFlowsSilently(Device device) {
        assertFalse(Autograd.isAnomalyDetectionEnabled());
        Tensor x = leaf(device, new double[] {0, 4}, 2);
        Tensor loss = nanInBackwardOnly(x);
        assertEquals(0.0, loss.item());
        loss.backward();
        double[] g = x.grad().toDoubleArray();
        assertTrue(Double.isNaN(g[0]), Arrays.toString(g));
        assertEquals(0.0, g[1]);
    }

    @AllDevices
    void anomalyModeNamesTheNodeAndChainsTheForwardTrace(Device device) {
        Tensor x = leaf(device, new double[] {0, 4}, 2);
        IllegalStateException e;
        try (var anomaly = Autograd.detectAnomaly()) {
            assertTrue(Autograd.isAnomalyDetectionEnabled());
            Tensor loss = nanInBackwardOnly(x);
            e = assertThrows(IllegalStateException.class, loss::backward);
        }
        assertFalse(Autograd.isAnomalyDetectionEnabled(), "the scope restores the previous setting");
        assertEquals("Function 'SqrtBackward0' returned nan values in its 0th output.", e.getMessage());
        Throwable cause = e.getCause();
        assertNotNull(cause, "the forward trace is the cause");
        assertTrue(cause.getMessage().contains("Traceback of forward call"), cause.getMessage());
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getMethodName().equals("nanInBackwardOnly")),
                "the forward trace shows where sqrt was called");
        assertNull(x.grad(), "nothing was accumulated");
    }

    @AllDevices
    void anomalyModeAtBackwardOnlyStillNamesTheNode(Device device) {
        Tensor x = leaf(device, new double[] {0}, 1);
        Tensor loss = x.log().mul(0.0).sum(); // LogBackward0: 0 / 0
        IllegalStateException e;
        try (var anomaly = Autograd.detectAnomaly()) {
            e = assertThrows(IllegalStateException.class, loss::backward);
        }
        assertEquals("Function 'LogBackward0' returned nan values in its 0th output.", e.getMessage());

        // finite gradients pass untouched, and scopes nest
        Tensor y = leaf(device, new double[] {1, 2}, 2);
        try (var outer = Autograd.detectAnomaly()) {
            try (var inner = Autograd.detectAnomaly()) {
                y.sqrt().sum().backward();
            }
            assertTrue(Autograd.isAnomalyDetectionEnabled());
        }
        assertFalse(Autograd.isAnomalyDetectionEnabled());
        assertArrayEquals(new double[] {0.5, 0.5 / Math.sqrt(2)}, y.grad().toDoubleArray(), 1e-12);
    }

    @AllDevices
    void infiniteGradientsPassAsInPyTorch(Device device) {
        Tensor x = leaf(device, new double[] {0, 4}, 2);
        try (var anomaly = Autograd.detectAnomaly()) {
            x.sqrt().sum().backward(); // SqrtBackward0 gives +inf at 0, not NaN
        }
        double[] g = x.grad().toDoubleArray();
        assertEquals(Double.POSITIVE_INFINITY, g[0]);
        assertEquals(0.25, g[1], 1e-12);
    }
}
