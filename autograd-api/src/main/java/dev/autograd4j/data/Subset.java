package dev.autograd4j.data;

import java.util.Objects;

/**
 * The examples of another dataset at the given indices, in that order ({@code torch.utils.data.Subset}).
 *
 * @param <T> the type of one example
 */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> dataset;
    private final int[] indices;

    /**
     * A view of {@code dataset} at {@code indices} (copied).
     *
     * @param dataset the underlying dataset
     * @param indices indices into it
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, dataset.size())}
     */
    public Subset(Dataset<T> dataset, int... indices) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.indices = indices.clone();
        for (int i : this.indices) {
            Objects.checkIndex(i, dataset.size());
        }
    }

    /**
     * The underlying dataset.
     *
     * @return the dataset this subset reads from
     */
    public Dataset<T> dataset() {
        return dataset;
    }

    /**
     * The indices into the underlying dataset.
     *
     * @return a copy of the indices, in this subset's order
     */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public T get(int index) {
        if (index < 0 || index >= indices.length) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension 0 with size "
                    + indices.length);
        }
        return dataset.get(indices[index]);
    }
}
