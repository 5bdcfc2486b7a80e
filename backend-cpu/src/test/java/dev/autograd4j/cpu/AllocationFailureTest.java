package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.Test;

/** A tensor larger than the Java heap: an error naming shape, dtype and bytes, and the process goes on. */
class AllocationFailureTest {
    private static final long BYTES = 2L * 1_000_000_000 * 8;

    @Test
    void anAllocationTheHeapCannotHoldNamesShapeDtypeAndBytes() {
        assumeTrue(Runtime.getRuntime().maxMemory() < BYTES, "the test JVM's heap holds 16 GB");
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class,
                () -> Tensor.zeros(Shape.of(2, 1_000_000_000), DType.FLOAT64, Device.cpu()));
        assertEquals("not enough memory: you tried to allocate 16000000000 bytes for a float64 tensor of shape "
                + "[2, 1000000000]", e.getMessage());
        OutOfMemoryError backend = (OutOfMemoryError) e.getCause();
        assertEquals("not enough memory: you tried to allocate 16000000000 bytes for 2000000000 float64 elements "
                + "on the Java heap", backend.getMessage().substring(0, backend.getMessage().indexOf(" (max")));
        // an op's output goes the same way (Tensor.emptyLike)
        Tensor small = Tensor.ones(Shape.of(1), DType.FLOAT64, Device.cpu());
        e = assertThrows(OutOfMemoryError.class, () -> small.expand(2, 1_000_000_000).contiguous());
        assertEquals("not enough memory: you tried to allocate 16000000000 bytes for a float64 tensor of shape "
                + "[2, 1000000000]", e.getMessage());
        // the process stays usable
        Tensor t = Tensor.ones(Shape.of(1000, 1000), DType.FLOAT64, Device.cpu());
        assertEquals(1e6, t.sum().item(), 0);
        assertArrayEquals(new double[] {2, 2}, Tensor.ones(Shape.of(2), DType.FLOAT64, Device.cpu()).mul(2.0)
                .toDoubleArray());
    }
}
