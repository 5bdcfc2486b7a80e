package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Device;
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
}
