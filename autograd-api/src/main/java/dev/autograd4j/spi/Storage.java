package dev.autograd4j.spi;

import dev.autograd4j.DType;
import dev.autograd4j.Device;

/** A backend's flat buffer of elements. Tensors view it through a {@link Layout}. */
public interface Storage {
    Device device();

    DType dtype();

    /** Number of elements the buffer holds. */
    int size();
}
