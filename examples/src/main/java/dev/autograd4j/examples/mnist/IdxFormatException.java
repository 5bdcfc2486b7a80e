package dev.autograd4j.examples.mnist;

import java.io.IOException;

/** A data file that is not in the IDX format, is truncated, or does not hold what MNIST needs. */
public class IdxFormatException extends IOException {
    /**
     * An exception with a message that names the file and what was expected.
     *
     * @param message the detail message
     */
    public IdxFormatException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the exception that revealed the problem.
     *
     * @param message the detail message
     * @param cause e.g. the EOFException of a truncated gzip stream
     */
    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
