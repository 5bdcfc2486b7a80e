package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Tensor#cat} and {@link Tensor#stack}: tensors joined along a dim, each copied (cast to the promoted
 * dtype, as {@code torch.cat} does) into its slice; each input's gradient flows back in its own dtype.
 */
final class Joins {
    private Joins() {
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("torch.cat(): expected a non-empty list of Tensors");
        }
        Tensor first = tensors.get(0);
        int d = Shape.normalizeDim(dim, first.dim());
        int[] shape = first.shapeUnsafe().clone();
        int total = 0;
        DType dtype = null;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Kernels.checkSameDevice(first, t);
            dtype = Kernels.promoteTypes(dtype, t.dtype());
            if (t.dim() != first.dim()) {
                throw new IllegalArgumentException("Tensors must have same number of dimensions: got " + first.dim()
                        + " and " + t.dim());
            }
            for (int k = 0; k < shape.length; k++) {
                if (k != d && t.shapeUnsafe()[k] != shape[k]) {
                    throw new IllegalArgumentException("Sizes of tensors must match except in dimension " + d
                            + ". Expected size " + shape[k] + " but got size " + t.shapeUnsafe()[k]
                            + " for tensor number " + i + " in the list.");
                }
            }
            total += t.shapeUnsafe()[d];
        }
        shape[d] = total;
        Tensor out = first.emptyLike(shape, dtype);
        int[] starts = new int[tensors.size()];
        int offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = offset;
            int length = t.shapeUnsafe()[d];
            Layout slice = out.layout().narrow(d, offset, length);
            first.kernels().copy(t.storageUnsafe(), t.layout(), out.storageUnsafe(), slice);
            offset += length;
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Tensor.record("CatBackward0", out, (g, needs) -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = needs[i] ? g.narrow(d, starts[i], inputs[i].shapeUnsafe()[d]).to(inputs[i].dtype()) : null;
            }
            return grads;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack expects a non-empty TensorList");
        }
        int[] shape = tensors.get(0).shapeUnsafe();
        for (int i = 1; i < tensors.size(); i++) {
            if (!Arrays.equals(tensors.get(i).shapeUnsafe(), shape)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got "
                        + Arrays.toString(shape) + " at entry 0 and " + tensors.get(i).shape() + " at entry " + i);
            }
        }
        int d = Shape.normalizeDim(dim, shape.length + 1);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = cat(tensors.stream().map(t -> t.unsqueeze(d)).toList(), d);
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Tensor.record("StackBackward0", out, (g, needs) -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = needs[i] ? g.select(d, i).to(inputs[i].dtype()) : null;
            }
            return grads;
        }, inputs);
    }
}
