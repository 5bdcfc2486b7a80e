package dev.autograd4j;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * In-place ops of {@link Tensor} (PyTorch's trailing underscore): they write into this tensor's storage, bump
 * the version counter it shares with its views, and return this tensor. Under grad mode a leaf that requires
 * grad refuses them (wrap optimizer-style updates in {@link Autograd#noGrad()}); when the result is part of
 * the graph this tensor takes over the op's node, and backward fails, as in PyTorch, if a tensor saved for it
 * was overwritten. Outside the graph the kernel writes straight into the storage, with no temporary.
 * Writes through memory that overlaps are refused with PyTorch's messages: a destination whose elements share
 * storage (an expanded tensor) and an input that partly overlaps the destination (as {@code x.add_(x.t())});
 * the same tensor or the same memory element for element ({@code x.add_(x)}) is allowed. The result type
 * ({@link Tensor#resultType}) must be one this tensor can hold, as in PyTorch: an int64 tensor refuses
 * {@code add_(0.5)} with "result type Float can't be cast to the desired output type Long".
 */
public sealed interface TensorInPlace permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * Writes {@code outOfPlace(this)} into this tensor's storage, refusing overlapping memory first. When the op
     * is recorded it reads a copy of the old values, so formulas never see the overwritten data.
     */
    private Tensor inPlace(String op, UnaryOperator<Tensor> outOfPlace) {
        checkOverlap(null);
        return inPlaceUnchecked(op, outOfPlace);
    }

    /** {@link #inPlace} without the overlap check: for writes of one value, which PyTorch lets through (fill_). */
    private Tensor inPlaceUnchecked(String op, UnaryOperator<Tensor> outOfPlace) {
        return InPlaceWrites.write(self(), op, outOfPlace);
    }

    /**
     * True when an in-place op needs no graph, so its kernel can write straight into this storage (the
     * optimizer's path: no temporary, no copy). Elementwise kernels read and write each position once, so the
     * output may alias an input.
     */
    private boolean writesDirectly(Tensor other) {
        Tensor x = self();
        return !Autograd.isGradEnabled() || !(x.requiresGrad() || (other != null && other.requiresGrad()));
    }

    private Tensor binaryInto(String op, BinaryOp kernel, Tensor other) {
        Tensor x = self();
        Autograd.checkInPlaceAllowed(x);
        Kernels.checkSameDevice(x, other);
        DType common = Kernels.resultType(x, other);
        Kernels.checkCastsTo(common, x.dtype());
        int[] shape = Shape.broadcast(x.shapeUnsafe(), other.shapeUnsafe());
        if (!Arrays.equals(shape, x.shapeUnsafe())) {
            throw new IllegalArgumentException("output with shape " + x.shape() + " doesn't match the broadcast shape "
                    + Shape.wrap(shape));
        }
        if (common != x.dtype() || other.dtype() != common) {
            // promoted: computed in the result type, then cast into this tensor's dtype
            Tensor result;
            try (var g = Autograd.noGrad()) {
                result = Kernels.binary(x.to(common), kernel, other.to(common)).to(x.dtype());
            }
            x.kernels().copy(result.storageUnsafe(), result.layout(), x.storageUnsafe(), x.layout());
        } else {
            x.kernels().binary(kernel, x.storageUnsafe(), x.layout(), other.storageUnsafe(),
                    other.layout().broadcastTo(shape), x.storageUnsafe(), x.layout());
        }
        x.commitInPlace(null);
        return x;
    }

    /** The check of an in-place op with a double scalar (a Python float): integer and bool tensors refuse it. */
    private void checkDoubleScalar() {
        Kernels.checkCastsTo(Kernels.resultType(self(), DType.FLOAT64), self().dtype());
    }

    /** {@code op_(long)} on an integer or bool tensor: exact in int64 (bool tensors refuse the int64 result). */
    private Tensor integerScalarInto(String op, BinaryOp kernel, long value) {
        Tensor x = self();
        checkOverlap(null);
        Kernels.checkCastsTo(Kernels.resultType(x, DType.INT64), x.dtype());
        return binaryInto(op, kernel, Kernels.scalarLike(x, value, DType.INT64));
    }

    private Tensor unaryInto(UnaryOp kernel, double p0) {
        Tensor x = self();
        Autograd.checkInPlaceAllowed(x);
        checkOverlap(null);
        x.kernels().unary(kernel, x.storageUnsafe(), x.layout(), x.storageUnsafe(), x.layout(), p0, 0);
        x.commitInPlace(null);
        return x;
    }

    /**
     * PyTorch's memory-overlap checks before a write into this tensor (TensorIterator's
     * {@code compute_mem_overlaps}): the written-to tensor must not repeat a storage position, and an input over
     * the same storage must overlap it fully or not at all ({@link Layout#overlapWith}); a layout PyTorch finds
     * too hard to decide goes through. The check is layout math, so it holds on every backend.
     */
    private void checkOverlap(Tensor src) {
        Tensor x = self();
        if (x.layout().hasInternalOverlap()) {
            throw new IllegalArgumentException("unsupported operation: more than one element of the written-to tensor "
                    + "refers to a single memory location. Please clone() the tensor before performing the operation.");
        }
        if (src != null && src != x && src.storageUnsafe() == x.storageUnsafe()
                && x.layout().overlapWith(src.layout()) == Layout.Overlap.PARTIAL) {
            throw new IllegalArgumentException("unsupported operation: some elements of the input tensor and the "
                    + "written-to tensor refer to a single memory location. Please clone() the tensor before "
                    + "performing the operation.");
        }
    }

    /**
     * In place {@code this += other} (broadcast to this shape), like {@code tensor.add_(other)}.
     *
     * @param other same dtype and device, broadcastable to this shape
     * @return this tensor
     */
    default Tensor add_(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        checkOverlap(other);
        return writesDirectly(other) ? binaryInto("add_", BinaryOp.ADD, other) : inPlace("add_", t -> t.add(other));
    }

    /**
     * In place {@code this += alpha * other}, like {@code tensor.add_(other, alpha=alpha)}.
     *
     * @param other same dtype and device, broadcastable to this shape
     * @param alpha the factor
     * @return this tensor
     */
    default Tensor add_(Tensor other, double alpha) {
        Objects.requireNonNull(other, "other must not be null");
        checkOverlap(other);
        if (writesDirectly(other)) {
            Tensor x = self();
            if (other.dtype() == x.dtype() && x.dtype().isFloatingPoint() && x.device().equals(other.device())
                    && Arrays.equals(x.shapeUnsafe(), other.shapeUnsafe())) {
                // the optimizer's update: one fused pass where the backend has one (the same bits)
                Autograd.checkInPlaceAllowed(x);
                if (x.kernels().addScaled(other.storageUnsafe(), other.layout(), alpha, x.storageUnsafe(),
                        x.layout())) {
                    x.commitInPlace(null);
                    return x;
                }
            }
            try (var g = Autograd.noGrad()) {
                return binaryInto("add_", BinaryOp.ADD, other.mul(alpha));
            }
        }
        return inPlace("add_", t -> t.add(other.mul(alpha)));
    }

    /**
     * In place {@code this += value}.
     *
     * @param value the scalar
     * @return this tensor
     */
    default Tensor add_(double value) {
        checkDoubleScalar();
        return writesDirectly(null) ? unaryInto(UnaryOp.ADD_SCALAR, value) : inPlace("add_", t -> t.add(value));
    }

    /**
     * In place {@code this += value}, the scalar as a Python int: exact in int64 for integer tensors.
     *
     * @param value the scalar
     * @return this tensor
     * @throws IllegalArgumentException for a bool tensor, which cannot hold the int64 result
     */
    default Tensor add_(long value) {
        return self().dtype().isFloatingPoint() ? add_((double) value) : integerScalarInto("add_", BinaryOp.ADD, value);
    }

    /**
     * In place {@code this -= other}.
     *
     * @param other same dtype and device, broadcastable to this shape
     * @return this tensor
     */
    default Tensor sub_(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        checkOverlap(other);
        return writesDirectly(other) ? binaryInto("sub_", BinaryOp.SUB, other) : inPlace("sub_", t -> t.sub(other));
    }

    /**
     * In place {@code this -= value}.
     *
     * @param value the scalar
     * @return this tensor
     */
    default Tensor sub_(double value) {
        checkDoubleScalar();
        return writesDirectly(null) ? unaryInto(UnaryOp.ADD_SCALAR, -value) : inPlace("sub_", t -> t.sub(value));
    }

    /**
     * In place {@code this -= value}, the scalar as a Python int: exact in int64 for integer tensors.
     *
     * @param value the scalar
     * @return this tensor
     * @throws IllegalArgumentException for a bool tensor, which cannot hold the int64 result
     */
    default Tensor sub_(long value) {
        return self().dtype().isFloatingPoint() ? sub_((double) value) : integerScalarInto("sub_", BinaryOp.SUB, value);
    }

    /**
     * In place {@code this *= other}.
     *
     * @param other same dtype and device, broadcastable to this shape
     * @return this tensor
     */
    default Tensor mul_(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        checkOverlap(other);
        return writesDirectly(other) ? binaryInto("mul_", BinaryOp.MUL, other) : inPlace("mul_", t -> t.mul(other));
    }

    /**
     * In place {@code this *= value}.
     *
     * @param value the scalar
     * @return this tensor
     */
    default Tensor mul_(double value) {
        checkDoubleScalar();
        return writesDirectly(null) ? unaryInto(UnaryOp.MUL_SCALAR, value) : inPlace("mul_", t -> t.mul(value));
    }

    /**
     * In place {@code this *= value}, the scalar as a Python int: exact in int64 for integer tensors.
     *
     * @param value the scalar
     * @return this tensor
     * @throws IllegalArgumentException for a bool tensor, which cannot hold the int64 result
     */
    default Tensor mul_(long value) {
        return self().dtype().isFloatingPoint() ? mul_((double) value) : integerScalarInto("mul_", BinaryOp.MUL, value);
    }

    /**
     * In place {@code this /= other}.
     *
     * @param other same dtype and device, broadcastable to this shape
     * @return this tensor
     */
    default Tensor div_(Tensor other) {
        Objects.requireNonNull(other, "other must not be null");
        checkOverlap(other);
        Kernels.checkCastsTo(Kernels.floatingOr32(Kernels.resultType(self(), other)), self().dtype());
        return writesDirectly(other) ? binaryInto("div_", BinaryOp.DIV, other) : inPlace("div_", t -> t.div(other));
    }

    /**
     * In place {@code this /= value}.
     *
     * @param value the scalar
     * @return this tensor
     */
    default Tensor div_(double value) {
        checkDoubleScalar();
        return writesDirectly(null) ? unaryInto(UnaryOp.MUL_SCALAR, 1.0 / value) : inPlace("div_", t -> t.div(value));
    }

    /**
     * In place {@link TensorPointwise#clamp}.
     *
     * @param min the lower bound or NaN
     * @param max the upper bound or NaN
     * @return this tensor
     */
    default Tensor clamp_(double min, double max) {
        return inPlace("clamp_", t -> t.clamp(min, max));
    }

    /**
     * In place {@link TensorPointwise#relu}.
     *
     * @return this tensor
     */
    default Tensor relu_() {
        return inPlace("relu_", Tensor::relu);
    }

    /**
     * Sets every element to value, like {@code tensor.fill_}; the old values get a zero gradient.
     *
     * @param value the value, cast to this dtype
     * @return this tensor
     */
    default Tensor fill_(double value) {
        return inPlaceUnchecked("fill_", t -> Tensor.record("FillBackward0", Tensor.full(t.shape(), value, t.dtype(),
                t.device()), (g, needs) -> new Tensor[] {Tensor.zerosLike(g)}, t));
    }

    /**
     * Sets every element to 0, like {@code tensor.zero_()}.
     *
     * @return this tensor
     */
    default Tensor zero_() {
        return fill_(0.0);
    }

    /**
     * Copies src (broadcast, cast and moved as needed) into this tensor, like {@code tensor.copy_(src)};
     * gradients flow to src.
     *
     * @param src a tensor broadcastable to this shape
     * @return this tensor
     */
    default Tensor copy_(Tensor src) {
        Objects.requireNonNull(src, "src must not be null");
        checkOverlap(src);
        int[] target = self().shapeUnsafe();
        return inPlace("copy_", t -> {
            Tensor moved = src.to(t.device()).to(t.dtype());
            Tensor values;
            try (var g = Autograd.noGrad()) {
                values = moved.expand(target).copy();
            }
            int[] from = moved.shapeUnsafe();
            return Tensor.record("CopyBackwards", values,
                    (g, needs) -> new Tensor[] {Tensor.zerosLike(g), g.sumToShape(from)}, t, moved);
        });
    }
}
