package dev.autograd4j.data;

import dev.autograd4j.Device;

/**
 * A batch type that knows how to move itself to a device; a {@link DataLoader} with a target device calls
 * {@link #to} on such batches (tensors, arrays, lists and maps of tensors it moves by itself).
 *
 * @param <B> the batch type
 */
public interface Transferable<B> {
    /**
     * This batch with its tensors on {@code device}.
     *
     * @param device the target device
     * @return the moved batch (this when already there)
     */
    B to(Device device);
}
