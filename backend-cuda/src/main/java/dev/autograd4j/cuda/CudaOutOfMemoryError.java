package dev.autograd4j.cuda;

/** A device allocation that failed even after emptying the cache and a garbage collection. */
public final class CudaOutOfMemoryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaOutOfMemoryError(String message) {
        super(message);
    }
}
