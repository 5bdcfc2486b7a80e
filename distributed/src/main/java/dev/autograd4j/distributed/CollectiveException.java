package dev.autograd4j.distributed;

/** A collective failed: a rank threw, vanished, timed out, or the ranks disagreed on what they exchange. */
public class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that names the rank at fault.
     *
     * @param message what failed and which rank
     */
    public CollectiveException(String message) {
        super(message);
    }

    /**
     * An exception with a message that names the rank at fault, and its cause.
     *
     * @param message what failed and which rank
     * @param cause the underlying failure
     */
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
