package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backends;
import org.junit.jupiter.api.Test;

/** Discovery on any machine: never throws, and without a GPU the backend is inert and says why. */
class CudaDiscoveryTest {
    @Test
    void isAvailableNeverThrows() {
        CudaBackend b = new CudaBackend();
        boolean available = b.isAvailable();
        assertEquals(available, b.deviceCount() > 0);
        assertEquals(Device.Type.CUDA, b.deviceType());
        String d = b.describe();
        assertTrue(d.startsWith("cuda: "), d);
        if (!available) {
            assertTrue(d.contains("not available"), d);
            assertFalse(Backends.availableDevices().contains(Device.cuda(0)));
            assertEquals(Device.CPU, Backends.availableDevices().get(0));
        }
    }

    @Test
    void parsingACudaDeviceSaysWhyItCannotBeUsed() {
        if (Backends.isAvailable(Device.Type.CUDA)) {
            int n = new CudaBackend().deviceCount();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DefaultDevice.parse("cuda:" + (n + 6)));
            assertTrue(e.getMessage().contains("Invalid device cuda:" + (n + 6)) && e.getMessage().contains("cuda:0"),
                    e.getMessage());
            assertEquals(Device.cuda(0), DefaultDevice.parse("cuda:0"));
            return;
        }
        // which of the three: no driver, natives that fail to load, or no GPU
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DefaultDevice.parse("cuda:0"));
        String m = e.getMessage();
        boolean saysWhich = m.contains("no NVIDIA driver") || m.contains("native libraries could not be loaded")
                || m.contains("no CUDA GPU");
        assertTrue(m.startsWith("cuda:0 cannot be used: The cuda backend is not available: ") && saysWhich, m);
        IllegalStateException toCuda = assertThrows(IllegalStateException.class,
                () -> Tensor.zeros(Shape.of(2), DType.FLOAT32, Device.CPU).to(Device.cuda(0)));
        assertTrue(toCuda.getMessage().contains("not available"), toCuda.getMessage());
    }
}
