package dev.autograd4j.data;

/**
 * A failure while making a batch on a {@link DataLoader} worker thread, thrown in the consuming thread;
 * {@link #getCause()} is the worker's exception.
 */
public class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the batch
     * @param cause the worker's exception
     */
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
