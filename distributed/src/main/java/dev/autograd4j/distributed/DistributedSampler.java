package dev.autograd4j.distributed;

import dev.autograd4j.Generator;
import dev.autograd4j.data.Dataset;
import dev.autograd4j.data.Datasets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * This rank's share of a data set, as PyTorch's {@code torch.utils.data.distributed.DistributedSampler}: every
 * epoch the indices {@code 0..datasetSize-1} are ordered (a permutation drawn from a generator seeded with
 * {@code seed + epoch} when shuffling, the same on every rank), padded by repeating the first ones until the world
 * size divides them, and rank {@code r} takes positions {@code r, r + worldSize, r + 2 worldSize, ...}. So the
 * ranks see disjoint shares of equal size whose union is the whole data set (plus at most {@code worldSize - 1}
 * repeats), reshuffled each epoch after {@link #setEpoch}.
 *
 * <p>It plugs into a {@link dev.autograd4j.data.DataLoader} through {@link #subset}, a live view of the data set
 * that follows the epoch: build the loader once (without its own shuffling), call {@code setEpoch(e)} before each
 * epoch.
 * <pre>{@code
 * var sampler = new DistributedSampler(train.size(), collective.rank(), collective.worldSize(), true, 42);
 * var loader = DataLoader.builder(sampler.subset(train)).batchSize(64).build();
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     sampler.setEpoch(epoch);
 *     for (var batch : loader) { ... }
 * }
 * }</pre>
 */
public final class DistributedSampler implements Iterable<Integer> {
    private final int datasetSize;
    private final int rank;
    private final int worldSize;
    private final boolean shuffle;
    private final long seed;
    private volatile long epoch;
    private volatile int[] indices;

    /**
     * A sampler of rank {@code rank}'s share.
     *
     * @param datasetSize the number of examples, at least {@code worldSize}
     * @param rank this rank, in {@code [0, worldSize)}
     * @param worldSize the number of ranks, at least 1
     * @param shuffle draw a new permutation every epoch (otherwise the order is {@code 0, 1, 2, ...})
     * @param seed the seed shared by every rank
     * @throws IllegalArgumentException when the rank is out of range, or the data set is smaller than the world
     *     size (some ranks would see nothing but repeats)
     */
    public DistributedSampler(int datasetSize, int rank, int worldSize, boolean shuffle, long seed) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be at least 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (worldSize - 1) + "]");
        }
        if (datasetSize < worldSize) {
            throw new IllegalArgumentException("the data set has " + datasetSize + " examples, fewer than the world "
                    + "size " + worldSize + ": every rank needs at least one example of its own");
        }
        this.datasetSize = datasetSize;
        this.rank = rank;
        this.worldSize = worldSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.indices = compute(0);
    }

    /**
     * Sets the epoch, which (when shuffling) selects the permutation; call it before each epoch, with the same
     * value on every rank, as PyTorch's {@code set_epoch}.
     *
     * @param epoch the epoch number
     */
    public void setEpoch(long epoch) {
        if (epoch != this.epoch) {
            this.indices = compute(epoch);
            this.epoch = epoch;
        }
    }

    /**
     * The current epoch.
     *
     * @return the value last given to {@link #setEpoch}, 0 at first
     */
    public long epoch() {
        return epoch;
    }

    /**
     * How many indices this rank gets per epoch, {@code ceil(datasetSize / worldSize)} ({@code len(sampler)}).
     *
     * @return the count, the same on every rank
     */
    public int size() {
        return (datasetSize + worldSize - 1) / worldSize;
    }

    /**
     * This rank's indices for the current epoch.
     *
     * @return a new array of {@link #size()} indices into the data set
     */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public Iterator<Integer> iterator() {
        int[] snapshot = indices;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < snapshot.length;
            }

            @Override
            public Integer next() {
                if (next >= snapshot.length) {
                    throw new NoSuchElementException();
                }
                return snapshot[next++];
            }
        };
    }

    /**
     * A view of {@code dataset} holding this rank's examples of the current epoch, in order: its
     * {@code get(i)} reads {@code dataset.get(indices()[i])} with the indices of the epoch last set, so one
     * {@code DataLoader} (without shuffling) serves every epoch.
     *
     * @param <T> the type of one example
     * @param dataset the whole data set, of {@code datasetSize} examples
     * @return the view, of {@link #size()} examples
     * @throws IllegalArgumentException when the data set's size is not the sampler's
     */
    public <T> Dataset<T> subset(Dataset<T> dataset) {
        if (dataset.size() != datasetSize) {
            throw new IllegalArgumentException("the sampler was made for " + datasetSize + " examples, the data set "
                    + "has " + dataset.size());
        }
        return new Dataset<>() {
            @Override
            public int size() {
                return DistributedSampler.this.size();
            }

            @Override
            public T get(int index) {
                int[] current = indices;
                if (index < 0 || index >= current.length) {
                    throw new IndexOutOfBoundsException("index " + index + " is out of range for " + current.length
                            + " examples");
                }
                return dataset.get(current[index]);
            }
        };
    }

    private int[] compute(long forEpoch) {
        int[] order;
        if (shuffle) {
            order = Datasets.randperm(datasetSize, new Generator(seed + forEpoch));
        } else {
            order = new int[datasetSize];
            Arrays.setAll(order, i -> i);
        }
        int total = size() * worldSize;
        int[] mine = new int[size()];
        for (int i = 0; i < mine.length; i++) {
            int position = rank + i * worldSize;
            mine[i] = order[position < datasetSize ? position : (position - datasetSize) % datasetSize];
        }
        assert total - datasetSize < worldSize;
        return mine;
    }
}
