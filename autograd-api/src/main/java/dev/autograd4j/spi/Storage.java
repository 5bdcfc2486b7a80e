package dev.autograd4j.spi;

import dev.autograd4j.DType;
import dev.autograd4j.Device;

/** A backend's flat buffer of elements. Tensors view it through a {@link Layout}. */
public interface Storage {
    Device device();

    DType dtype();

    /** Number of elements the buffer holds. */
    int size();

    /**
     * Gives the memory back now ({@link dev.autograd4j.MemoryScope}); the storage must not be used afterwards,
     * and a backend that can tell should throw when it is. Backends whose memory the garbage collector
     * manages well (the CPU's Java arrays) may do nothing.
     */
    default void release() {
    }
}
