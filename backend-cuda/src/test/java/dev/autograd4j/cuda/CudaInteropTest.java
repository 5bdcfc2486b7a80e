package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backends;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Raw handles for other bindings: the argument checks anywhere, the addresses themselves on a GPU. */
class CudaInteropTest {
    @Test
    void readsJCudasNativePointerWithoutAGpu() {
        // a fresh handle holds 0; what matters is that the protected field is readable at all
        assertEquals(0L, CudaInterop.address(new CUdeviceptr()));
        assertEquals(0L, CudaInterop.address(new CUstream()));
        assertEquals(0L, CudaInterop.byteOffset(new CUdeviceptr()));
    }

    @Test
    void rejectsTensorsOfOtherBackends() {
        Tensor cpu = Tensor.zeros(Shape.of(3), DType.FLOAT32, Device.CPU);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaInterop.devicePointer(cpu));
        assertTrue(e.getMessage().startsWith("expected a tensor of the CUDA backend, got one on cpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CudaInterop.stream(Device.CPU));
        assertEquals("expected a CUDA device, got cpu", e.getMessage());
    }

    @Test
    void storageOffsetOfViews() {
        Tensor t = Tensor.zeros(Shape.of(4, 5), DType.FLOAT64, Device.CPU);
        assertEquals(0, t.storageOffset());
        assertEquals(10, t.narrow(0, 2, 2).storageOffset());
        assertEquals(3, t.select(1, 3).storageOffset());
        assertTrue(t.narrow(0, 1, 2).untypedStorage() == t.untypedStorage());
    }

    @Test
    void addressesOnAGpu() {
        boolean available = Backends.isAvailable(Device.Type.CUDA);
        if (!available && Backends.cudaRequired()) {
            fail("AUTOGRAD_REQUIRE_CUDA=1 but the CUDA backend is not available: " + new CudaBackend().describe());
        }
        Assumptions.assumeTrue(available, "no CUDA device");
        Device gpu = Device.cuda(0);
        Tensor t = Tensor.zeros(Shape.of(4, 5), DType.FLOAT32, gpu);
        long base = CudaInterop.devicePointer(t);
        assertNotEquals(0L, base);
        assertEquals(base + 2 * 5 * 4, CudaInterop.devicePointer(t.narrow(0, 2, 2)));
        long s = CudaInterop.stream(gpu);
        assertNotEquals(0L, s);
        assertEquals(s, CudaInterop.stream(gpu));
    }
}
