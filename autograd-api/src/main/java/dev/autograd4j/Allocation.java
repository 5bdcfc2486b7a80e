package dev.autograd4j;

import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Storage;
import java.util.Arrays;
import java.util.Objects;

/** Storage for new tensors, with the error PyTorch gives when memory runs out; argument checks of creation. */
final class Allocation {
    private Allocation() {
    }

    /**
     * Storage for a tensor of {@code shape}; when the JVM cannot hold it, an OutOfMemoryError that names the
     * shape, dtype and bytes (PyTorch's "not enough memory: you tried to allocate ..."). The failed request
     * leaves nothing behind, so the process goes on.
     */
    static Storage storage(Backend backend, Device device, DType dtype, int[] shape, boolean zeroed) {
        int numel = Shape.numel(shape);
        try {
            return zeroed ? backend.allocate(device, dtype, numel)
                    : backend.allocateUninitialized(device, dtype, numel);
        } catch (OutOfMemoryError e) {
            OutOfMemoryError named = new OutOfMemoryError("not enough memory: you tried to allocate "
                    + (long) numel * dtype.byteSize() + " bytes for a " + dtype.pythonName() + " tensor of shape "
                    + Arrays.toString(shape));
            named.initCause(e);
            throw named;
        }
    }

    /** Null checks naming the parameters {@code shape}, {@code dtype} and {@code device}. */
    static void check(Shape shape, DType dtype, Device device) {
        Objects.requireNonNull(shape, "shape must not be null");
        check(dtype, device);
    }

    /** Null checks naming the parameters {@code dtype} and {@code device}. */
    static void check(DType dtype, Device device) {
        Objects.requireNonNull(dtype, "dtype must not be null");
        Objects.requireNonNull(device, "device must not be null");
    }

    /** Null checks naming the parameters {@code data} and {@code shape}. */
    static void check(Object data, int[] shape) {
        Objects.requireNonNull(data, "data must not be null");
        Objects.requireNonNull(shape, "shape must not be null");
    }
}
