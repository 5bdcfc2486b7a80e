package dev.autograd4j.spi;

import dev.autograd4j.DType;
import dev.autograd4j.Device;

/** A backend's flat buffer of elements. Tensors view it through a {@link Layout}. */
public interface Storage {
    /**
     * Where the elements live.
     *
     * @return the device of this storage
     */
    Device device();

    /**
     * The type of every element.
     *
     * @return the element type
     */
    DType dtype();

    /**
     * Number of elements the buffer holds (not bytes); views may cover less of it.
     *
     * @return the element count
     */
    int size();

    /**
     * The Java array that holds the elements when they live in the JVM's heap ({@code float[]} for float32,
     * {@code double[]} for float64, {@code long[]} for int64, {@code boolean[]} for bool, ...), for code that
     * moves a tensor's memory in bulk without a temporary tensor (the collectives of {@code distributed}); null
     * when the backend keeps the elements elsewhere (a device). A tensor's element at flat index {@code i} of a
     * contiguous layout is at {@code storageOffset() + i}; the array may be longer than {@link #size()}. Writing
     * into it bypasses autograd and the version counter, as a native library writing a device pointer does.
     *
     * @return the backing array, or null when there is none
     * @throws IllegalStateException when the storage was released
     */
    default Object hostArray() {
        return null;
    }

    /**
     * Gives the memory back now ({@link dev.autograd4j.MemoryScope}); the storage must not be used afterwards,
     * and a backend that can tell should throw when it is. Backends whose memory the garbage collector
     * manages well may do nothing. The CUDA and CPU backends return the block (array) to their caching
     * allocator (memory pool) and throw {@link IllegalStateException} on later use; storage nobody releases is
     * freed when it becomes unreachable.
     */
    default void release() {
    }
}
