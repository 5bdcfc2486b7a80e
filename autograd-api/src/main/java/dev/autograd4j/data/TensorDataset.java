package dev.autograd4j.data;

import dev.autograd4j.Tensor;
import java.util.Objects;

/**
 * Tensors that share their first dimension; example {@code i} is row {@code i} of each
 * ({@code torch.utils.data.TensorDataset}). The rows are views ({@code select(0, i)}), no copies.
 */
public final class TensorDataset implements Dataset<Tensor[]> {
    private final Tensor[] tensors;
    private final int size;

    /**
     * Wraps {@code tensors}, each with at least one dimension and all with the same size in dimension 0.
     *
     * @param tensors one or more tensors, e.g. inputs and targets
     * @throws IllegalArgumentException if there is no tensor, one is a scalar, or their first sizes differ
     *         (PyTorch's "Size mismatch between tensors")
     */
    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset needs at least one tensor");
        }
        this.tensors = tensors.clone();
        for (Tensor t : this.tensors) {
            Objects.requireNonNull(t, "tensor");
            if (t.dim() == 0) {
                throw new IllegalArgumentException("TensorDataset: a 0-dim tensor has no dimension 0 to index");
            }
        }
        this.size = this.tensors[0].size(0);
        for (Tensor t : this.tensors) {
            if (t.size(0) != size) {
                throw new IllegalArgumentException("Size mismatch between tensors");
            }
        }
    }

    /**
     * The wrapped tensors.
     *
     * @return a copy of the array of tensors (the tensors themselves are shared)
     */
    public Tensor[] tensors() {
        return tensors.clone();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Tensor[] get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension 0 with size "
                    + size);
        }
        Tensor[] row = new Tensor[tensors.length];
        for (int k = 0; k < tensors.length; k++) {
            row[k] = tensors[k].select(0, index);
        }
        return row;
    }
}
