package dev.autograd4j;

import dev.autograd4j.spi.BinaryOp;
import java.util.Objects;

/**
 * More elementwise ops of two operands of {@link Tensor}, with broadcasting and type promotion (continuing
 * {@link TensorPointwise}): {@code atan2} and the two remainders, {@code fmod} (the dividend's sign, C's
 * {@code fmod}) and {@code remainder} (the divisor's sign, Python's {@code %}). Each is one kernel of the
 * {@link BinaryOp} table; its derivative sits next to it.
 */
public sealed interface TensorPointwiseMore permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * The angle of the point {@code (other, this)}, {@code atan2(this, other)}, like {@code torch.atan2}: integer
     * and bool operands give float32 (the default dtype). The gradient is {@code g * other / (this² + other²)} for
     * this tensor and {@code -g * this / (this² + other²)} for {@code other}.
     *
     * @param other same device, a shape that broadcasts with this one; any dtype ({@link Tensor#resultType})
     * @return a new floating tensor of the broadcast shape; {@code Atan2Backward0}
     * @throws IllegalArgumentException when devices or shapes do not match
     */
    default Tensor atan2(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        DType dtype = Kernels.floatingOr32(Kernels.resultType(self(), other));
        Tensor x = self().to(dtype), y = other.to(dtype);
        Tensor out = Kernels.binary(x, BinaryOp.ATAN2, y);
        return Tensor.record("Atan2Backward0", out, Tensor.saved(self(), other), (g, needs) -> {
            Tensor recip = x.mul(x).add(y.mul(y)).reciprocal();
            return new Tensor[] {
                needs[0] ? g.mul(y).mul(recip).sumToShape(x.shapeUnsafe()) : null,
                needs[1] ? g.mul(x.neg()).mul(recip).sumToShape(y.shapeUnsafe()) : null};
        }, x, y);
    }

    /**
     * {@code fmod(this, other)}, the remainder of the division rounded toward zero, which has the dividend's
     * sign, like {@code torch.fmod}: {@code torch.fmod(-7, 3)} is -1. Integer operands give an exact integer
     * result and an integer division by zero throws {@code ZeroDivisionError} (on a GPU at the next
     * synchronization); a floating zero divisor gives NaN. The gradient is {@code g} for this tensor and
     * {@code -g * trunc(this / other)} for {@code other}.
     *
     * @param other same device, broadcastable; any dtype ({@link Tensor#resultType}) but both bool
     * @return a new tensor of the broadcast shape and the result type; {@code FmodBackward1}
     * @throws IllegalArgumentException when both operands are bool, or devices or shapes do not match
     * @throws ArithmeticException {@code ZeroDivisionError} for integer division by zero
     */
    default Tensor fmod(Tensor other) {
        return remainderOf(BinaryOp.FMOD, "FmodBackward1", "trunc", other);
    }

    /**
     * {@code fmod(this, value)}, the scalar as a Python float: integer and bool tensors give float32.
     *
     * @param value the divisor; 0 gives NaN
     * @return a new floating tensor; {@code FmodBackward0}, whose gradient is {@code g}
     */
    default Tensor fmod(double value) {
        return remainderOf(BinaryOp.FMOD, "FmodBackward0", value);
    }

    /**
     * {@code fmod(this, value)}, the scalar as a Python int: exact in int64 for integer and bool tensors, the
     * tensor's dtype for floating ones.
     *
     * @param value the divisor
     * @return a new tensor; {@code FmodBackward0} for floating tensors
     * @throws ArithmeticException {@code ZeroDivisionError} when value is 0 and this tensor is not floating
     */
    default Tensor fmod(long value) {
        return remainderOf(BinaryOp.FMOD, "FmodBackward0", value);
    }

    /**
     * {@code remainder(this, other)}, {@code this - floor(this / other) * other}, which has the divisor's sign as
     * Python's {@code %}, like {@code torch.remainder}: {@code torch.remainder(-7, 3)} is 2. Integer operands give
     * an exact integer result and an integer division by zero throws {@code ZeroDivisionError} (on a GPU at the
     * next synchronization); a floating zero divisor gives NaN. The gradient is {@code g} for this tensor and
     * {@code -g * floor(this / other)} for {@code other}.
     *
     * @param other same device, broadcastable; any dtype ({@link Tensor#resultType}) but both bool
     * @return a new tensor of the broadcast shape and the result type; {@code RemainderBackward1}
     * @throws IllegalArgumentException when both operands are bool, or devices or shapes do not match
     * @throws ArithmeticException {@code ZeroDivisionError} for integer division by zero
     */
    default Tensor remainder(Tensor other) {
        return remainderOf(BinaryOp.REMAINDER, "RemainderBackward1", "floor", other);
    }

    /**
     * {@code remainder(this, value)}, the scalar as a Python float: integer and bool tensors give float32.
     *
     * @param value the divisor; 0 gives NaN
     * @return a new floating tensor; {@code RemainderBackward0}, whose gradient is {@code g}
     */
    default Tensor remainder(double value) {
        return remainderOf(BinaryOp.REMAINDER, "RemainderBackward0", value);
    }

    /**
     * {@code remainder(this, value)}, the scalar as a Python int: exact in int64 for integer and bool tensors,
     * the tensor's dtype for floating ones.
     *
     * @param value the divisor
     * @return a new tensor; {@code RemainderBackward0} for floating tensors
     * @throws ArithmeticException {@code ZeroDivisionError} when value is 0 and this tensor is not floating
     */
    default Tensor remainder(long value) {
        return remainderOf(BinaryOp.REMAINDER, "RemainderBackward0", value);
    }

    private Tensor remainderOf(BinaryOp op, String node, String rounding, Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        DType dtype = Kernels.resultType(self(), other);
        if (dtype == DType.BOOL) {
            throw new IllegalArgumentException("\"" + op.kernelName() + "\" not implemented for 'Bool'");
        }
        Tensor x = self().to(dtype), y = other.to(dtype);
        Kernels.checkNoIntegerZero(y);
        Tensor out = Kernels.binary(x, op, y);
        return Tensor.record(node, out, Tensor.saved(self(), other), (g, needs) -> new Tensor[] {
            needs[0] ? g.sumToShape(x.shapeUnsafe()) : null,
            needs[1] ? g.neg().mul(x.div(y, rounding)).sumToShape(y.shapeUnsafe()) : null}, x, y);
    }

    private Tensor remainderOf(BinaryOp op, String node, double value) {
        Tensor x = self().to(Kernels.resultType(self(), DType.FLOAT64));
        Tensor out = Kernels.binary(x, op, Kernels.scalarLike(x, value));
        return Tensor.record(node, out, (g, needs) -> new Tensor[] {g, null}, x, null);
    }

    private Tensor remainderOf(BinaryOp op, String node, long value) {
        if (self().dtype().isFloatingPoint()) {
            return remainderOf(op, node, (double) value);
        }
        if (value == 0) {
            throw new ArithmeticException("ZeroDivisionError");
        }
        Tensor x = self().to(DType.INT64);
        return Kernels.binary(x, op, Kernels.scalarLike(x, value, DType.INT64));
    }
}
