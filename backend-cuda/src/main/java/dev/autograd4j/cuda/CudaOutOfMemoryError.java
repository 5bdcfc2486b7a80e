package dev.autograd4j.cuda;

/**
 * A device allocation that failed even after emptying the allocator's cache, a garbage collection and a
 * retry, like PyTorch's {@code torch.cuda.OutOfMemoryError}. The message names the device, the requested
 * bytes, the device's free and total bytes, and what autograd4j holds in live tensors and in its cache:
 * {@code CUDA out of memory on cuda:0: tried to allocate 1073741824 bytes (1024.00 MiB); the device has ...}.
 * It is unchecked (a {@link RuntimeException}, not a {@link java.lang.Error}, despite the name) so a caller
 * can catch it, release tensors (for example by closing a {@link dev.autograd4j.MemoryScope}) and retry
 * with a smaller batch.
 */
public final class CudaOutOfMemoryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaOutOfMemoryError(String message) {
        super(message);
    }
}
