package dev.autograd4j.data;

/**
 * A map-style dataset, as PyTorch's {@code torch.utils.data.Dataset}: a fixed number of examples read by
 * index. A {@link DataLoader} with worker threads calls {@link #get} from several threads at once, so
 * implementations must allow concurrent reads.
 *
 * @param <T> the type of one example
 */
public interface Dataset<T> {
    /**
     * The number of examples ({@code len(dataset)}).
     *
     * @return a count, at least 0
     */
    int size();

    /**
     * One example ({@code dataset[index]}).
     *
     * @param index 0 to {@code size() - 1}
     * @return the example
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    T get(int index);
}
