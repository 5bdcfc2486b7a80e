package dev.autograd4j.examples.mnist;

import java.io.IOException;

/** A data file that is not in the IDX format, is truncated, or does not hold what MNIST needs. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
