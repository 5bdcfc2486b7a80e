package dev.autograd4j;

import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import java.util.Objects;

/**
 * Conversions of {@link Tensor}: to another dtype or device (differentiable), and out of the tensor into Java
 * values and arrays. Reading values waits for the device's queued work.
 */
public sealed interface TensorConversions permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    private void requireOneElement() {
        int n = self().numel();
        if (n != 1) {
            throw new IllegalStateException("a Tensor with " + n + " elements cannot be converted to Scalar");
        }
    }

    /**
     * A copy with another dtype, like {@code tensor.to(dtype)}; differentiable between floating dtypes.
     *
     * @param target the dtype
     * @return this tensor when it already has the dtype, else a copy; {@code ToCopyBackward0}
     */
    default Tensor to(DType target) {
        Objects.requireNonNull(target, "dtype must not be null");
        Tensor x = self();
        if (target == x.dtype()) {
            return x;
        }
        Tensor out = x.emptyLike(x.shapeUnsafe(), target);
        x.kernels().copy(x.storageUnsafe(), x.layout(), out.storageUnsafe(), out.layout());
        DType from = x.dtype();
        if (!target.isFloatingPoint() || !from.isFloatingPoint()) {
            return out;
        }
        return Tensor.record("ToCopyBackward0", out, (g, needs) -> new Tensor[] {g.to(from)}, x);
    }

    /**
     * A copy on another device, like {@code tensor.to(device)}; gradients flow back across devices.
     *
     * @param target the device
     * @return this tensor when already there, else a copy; {@code ToCopyBackward0}
     */
    default Tensor to(Device target) {
        Objects.requireNonNull(target, "device must not be null");
        Tensor x = self();
        if (target.equals(x.device())) {
            return x;
        }
        Backend targetBackend = Backends.forDevice(target);
        Tensor out = Tensor.wrap(targetBackend.fromHost(target, x.dtype(), x.hostArray()), x.shapeUnsafe(),
                targetBackend);
        Device from = x.device();
        return Tensor.record("ToCopyBackward0", out, (g, needs) -> new Tensor[] {g.to(from)}, x);
    }

    /**
     * The single value of a one-element tensor, like {@code tensor.item()}.
     *
     * @return the value as a double
     * @throws IllegalStateException when the tensor has more or fewer than one element
     */
    default double item() {
        requireOneElement();
        return toDoubleArray()[0];
    }

    /**
     * The single value of a one-element tensor as a long, exact for int64 (floats truncate toward zero), like
     * {@code tensor.item()} of an integer tensor.
     *
     * @return the value
     * @throws IllegalStateException when the tensor has more or fewer than one element
     */
    default long itemLong() {
        requireOneElement();
        return toLongArray()[0];
    }

    /**
     * The elements in row-major order as float32 values (waits for the device).
     *
     * @return a new array
     */
    default float[] toFloatArray() {
        return HostArrays.floats(self().hostArray());
    }

    /**
     * The elements in row-major order as float64 values (waits for the device).
     *
     * @return a new array
     */
    default double[] toDoubleArray() {
        return HostArrays.doubles(self().hostArray());
    }

    /**
     * The elements in row-major order as int64 values, exact for int64; floats are truncated toward zero (waits
     * for the device).
     *
     * @return a new array
     */
    default long[] toLongArray() {
        return HostArrays.longs(self().hostArray());
    }
}
