package dev.autograd4j.data;

import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of a {@link Dataset}, as PyTorch's {@code torch.utils.data.DataLoader}: each {@link #iterator()}
 * is one epoch. Per epoch the loader orders the indices (a fresh permutation drawn from its
 * {@link Generator} when shuffling, so a seeded generator gives the same epochs in every run), cuts them
 * into batches of {@code batchSize} (the last one smaller, or dropped with {@code dropLast}), reads the
 * examples and merges each batch with the collate function ({@link Collate#defaultCollate} unless given).
 *
 * <p>With {@code numWorkers > 0} the batches are read and collated in the background on that many worker
 * threads, up to {@code numWorkers * prefetchFactor} batches ahead, so the next batch is ready when the
 * training step ends; the batches come out in the same order, and are the same, as without workers. A
 * failure in a worker is thrown in the consuming thread by {@link Iterator#next()} as a
 * {@link DataLoaderException} whose cause is the worker's exception. Moving a batch to the target
 * {@linkplain Builder#device device} happens in the consuming thread, inside {@code next()}, so that an
 * open {@link dev.autograd4j.MemoryScope} of the training loop owns the device copies.
 *
 * <p>An epoch's iterator stops its worker threads when it is exhausted, when it fails, and when closed;
 * close it (try-with-resources) when leaving an epoch early, or close the loader, which closes every
 * iterator still open (left open, an epoch's workers make at most the batches already requested and end
 * after 2 s idle). Worker threads are daemon threads named {@code autograd4j-data-<loader>-<n>}, whose
 * {@linkplain DefaultDevice default device} is the CPU: tensors a dataset or collate function creates
 * without naming a device are made on the host there.
 *
 * <pre>{@code
 * var loader = DataLoader.builder(new TensorDataset(x, y)).collate(Collate::stack).batchSize(64)
 *         .shuffle(true).generator(new Generator(0)).numWorkers(2).device(device).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Tensor[] batch : loader) {
 *         Tensor inputs = batch[0], targets = batch[1];
 *         ...
 *     }
 * }
 * }</pre>
 *
 * @param <T> the type of one example
 * @param <B> the type of one batch (what the collate function returns)
 */
public final class DataLoader<T, B> implements Iterable<B>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataLoader.class);
    private static final AtomicInteger LOADERS = new AtomicInteger();
    private static final long CLOSE_WAIT_SECONDS = 10;
    private static final long IDLE_SECONDS = 2;

    private final Dataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final Generator generator;
    private final boolean dropLast;
    private final Function<? super List<T>, ? extends B> collate;
    private final int numWorkers;
    private final int prefetchFactor;
    private final Device device;
    private final int id = LOADERS.incrementAndGet();
    private final Set<Epoch> open = ConcurrentHashMap.newKeySet();

    private DataLoader(Builder<T, B> b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.generator = b.generator;
        this.dropLast = b.dropLast;
        this.collate = b.collate;
        this.numWorkers = b.numWorkers;
        this.prefetchFactor = b.prefetchFactor == null ? 2 : b.prefetchFactor;
        this.device = b.device;
    }

    /**
     * Starts a loader over {@code dataset} with PyTorch's defaults: batch size 1, no shuffling, no workers,
     * keep the last partial batch, the default collate function, no device transfer.
     *
     * @param <T> the type of one example
     * @param dataset the examples
     * @return a builder
     * @throws NullPointerException if {@code dataset} is null
     */
    public static <T> Builder<T, Object> builder(Dataset<T> dataset) {
        return new Builder<>(Objects.requireNonNull(dataset, "dataset"), Collate::defaultCollate);
    }

    /**
     * The number of batches per epoch ({@code len(loader)}).
     *
     * @return {@code ceil(size / batchSize)}, or {@code floor} with {@code dropLast}
     */
    public int size() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The dataset this loader reads.
     *
     * @return the dataset
     */
    public Dataset<T> dataset() {
        return dataset;
    }

    /**
     * The number of examples per batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The number of background worker threads (0: batches are made in the consuming thread).
     *
     * @return the worker count
     */
    public int numWorkers() {
        return numWorkers;
    }

    /**
     * Starts an epoch: draws its order (a new permutation when shuffling) and, with workers, starts
     * reading ahead.
     *
     * @return the epoch's batches; close it to stop its workers early
     */
    @Override
    public Iterator<B> iterator() {
        int[] order = shuffle ? Datasets.randperm(dataset.size(), generator) : identity(dataset.size());
        Epoch e = new Epoch(order);
        if (numWorkers > 0) {
            open.add(e);
        }
        return e;
    }

    /** Closes every epoch iterator still open, stopping their worker threads. */
    @Override
    public void close() {
        for (Epoch e : new ArrayList<>(open)) {
            e.close();
        }
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * The batches of one epoch.
     *
     * @param <B> the type of one batch
     */
    public interface Iterator<B> extends java.util.Iterator<B>, AutoCloseable {
        /** Stops this epoch's worker threads (waiting for them to end); later calls to {@code next} fail. */
        @Override
        void close();
    }

    private final class Epoch implements Iterator<B> {
        private final int[] order;
        private final int batches;
        private final ArrayDeque<Future<B>> pending = new ArrayDeque<>();
        private final ExecutorService workers;
        private int submitted;
        private int delivered;
        private boolean closed;

        Epoch(int[] order) {
            this.order = order;
            this.batches = size();
            if (numWorkers > 0 && batches > 0) {
                AtomicInteger n = new AtomicInteger();
                ThreadFactory f = r -> {
                    Runnable onHost = () -> {
                        // batches are made on the host, whatever the property autograd4j.device says;
                        // the move to the target device happens in the consuming thread
                        DefaultDevice.set(Device.cpu());
                        r.run();
                    };
                    Thread t = new Thread(onHost, "autograd4j-data-" + id + "-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                };
                ThreadPoolExecutor pool = new ThreadPoolExecutor(numWorkers, numWorkers, IDLE_SECONDS,
                        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
                // an epoch left early without close() (a break out of a for-each loop) does not keep its
                // threads: idle workers end on their own
                pool.allowCoreThreadTimeOut(true);
                workers = pool;
                LOG.debug("DataLoader {}: {} workers, {} batches ahead", id, numWorkers, numWorkers * prefetchFactor);
                fill();
            } else {
                workers = null;
            }
        }

        private void fill() {
            int ahead = numWorkers * prefetchFactor;
            while (submitted < batches && pending.size() < ahead) {
                int b = submitted++;
                pending.add(workers.submit(() -> makeBatch(b)));
            }
        }

        private B makeBatch(int b) {
            int from = b * batchSize;
            int n = Math.min(batchSize, order.length - from);
            List<T> examples = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                examples.add(dataset.get(order[from + i]));
            }
            return collate.apply(Collections.unmodifiableList(examples));
        }

        @Override
        public boolean hasNext() {
            return !closed && delivered < batches;
        }

        @Override
        public B next() {
            if (closed) {
                throw new NoSuchElementException(delivered < batches ? "the DataLoader iterator was closed"
                        : "the epoch has no more batches");
            }
            if (delivered >= batches) {
                throw new NoSuchElementException("the epoch has no more batches");
            }
            int b = delivered;
            B batch;
            if (workers == null) {
                batch = makeBatch(b);
            } else {
                Future<B> f = pending.poll();
                try {
                    batch = f.get();
                } catch (ExecutionException ex) {
                    close();
                    Throwable cause = ex.getCause();
                    throw new DataLoaderException("Caught " + cause.getClass().getSimpleName()
                            + " in DataLoader worker thread while making batch " + b + ": " + cause.getMessage(),
                            cause);
                } catch (InterruptedException ex) {
                    close();
                    Thread.currentThread().interrupt();
                    throw new DataLoaderException("interrupted while waiting for batch " + b, ex);
                }
                fill();
            }
            delivered++;
            if (delivered == batches) {
                close();
            }
            return device == null ? batch : Collate.transfer(batch, device);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            open.remove(this);
            if (workers == null) {
                return;
            }
            for (Future<B> f : pending) {
                f.cancel(true);
            }
            pending.clear();
            workers.shutdownNow();
            try {
                if (!workers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("DataLoader {}: a worker thread did not stop within {} s of close()", id,
                            CLOSE_WAIT_SECONDS);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Configures a {@link DataLoader}; the checks and their messages are PyTorch's.
     *
     * @param <T> the type of one example
     * @param <B> the type of one batch
     */
    public static final class Builder<T, B> {
        private final Dataset<T> dataset;
        private final Function<? super List<T>, ? extends B> collate;
        private int batchSize = 1;
        private boolean shuffle;
        private Generator generator;
        private boolean dropLast;
        private int numWorkers;
        private Integer prefetchFactor;
        private Device device;

        private Builder(Dataset<T> dataset, Function<? super List<T>, ? extends B> collate) {
            this.dataset = dataset;
            this.collate = collate;
        }

        private <C> Builder<T, C> copy(Function<? super List<T>, ? extends C> newCollate) {
            Builder<T, C> b = new Builder<>(dataset, newCollate);
            b.batchSize = batchSize;
            b.shuffle = shuffle;
            b.generator = generator;
            b.dropLast = dropLast;
            b.numWorkers = numWorkers;
            b.prefetchFactor = prefetchFactor;
            b.device = device;
            return b;
        }

        /**
         * The number of examples per batch (default 1).
         *
         * @param size at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code size} is 0 or negative
         */
        public Builder<T, B> batchSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException(
                        "batch_size should be a positive integer value, but got batch_size=" + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Whether each epoch visits the examples in a fresh random order (default false).
         *
         * @param shuffle true to shuffle
         * @return this builder
         */
        public Builder<T, B> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * The generator the shuffling draws from (default: the global default generator); each epoch
         * advances it, so a generator seeded the same gives the same sequence of epochs.
         *
         * @param generator the generator
         * @return this builder
         * @throws NullPointerException if {@code generator} is null
         */
        public Builder<T, B> generator(Generator generator) {
            this.generator = Objects.requireNonNull(generator, "generator");
            return this;
        }

        /**
         * Whether to drop the last batch when it is smaller than the batch size (default false).
         *
         * @param dropLast true to drop it
         * @return this builder
         */
        public Builder<T, B> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * The number of background threads that read and collate batches ahead (default 0: in the
         * consuming thread, when {@code next()} is called).
         *
         * @param workers at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code workers} is negative
         */
        public Builder<T, B> numWorkers(int workers) {
            if (workers < 0) {
                throw new IllegalArgumentException(
                        "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
            }
            this.numWorkers = workers;
            return this;
        }

        /**
         * How many batches each worker prepares ahead (default 2): {@code numWorkers * factor} batches are
         * in flight at most.
         *
         * @param factor at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code factor} is below 1
         */
        public Builder<T, B> prefetchFactor(int factor) {
            if (factor < 1) {
                throw new IllegalArgumentException(
                        "prefetch_factor option should be a positive integer value, but got prefetch_factor="
                                + factor);
            }
            this.prefetchFactor = factor;
            return this;
        }

        /**
         * Moves each batch to {@code device} as it is handed out (in the consuming thread): tensors, arrays,
         * lists and maps of them, and {@link Transferable} batches; other values are left as they are.
         *
         * @param device the target device, or null for none (the default)
         * @return this builder
         */
        public Builder<T, B> device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * The function that merges a batch's examples ({@code collate_fn}); it runs on the worker threads
         * when there are workers.
         *
         * @param <C> the new batch type
         * @param collate from the list of examples (in order) to the batch
         * @return a builder with the same settings and this collate function
         * @throws NullPointerException if {@code collate} is null
         */
        public <C> Builder<T, C> collate(Function<? super List<T>, ? extends C> collate) {
            return copy(Objects.requireNonNull(collate, "collate"));
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         * @throws IllegalArgumentException if a prefetch factor was set without workers (as PyTorch)
         */
        public DataLoader<T, B> build() {
            if (prefetchFactor != null && numWorkers == 0) {
                throw new IllegalArgumentException("prefetch_factor option could only be specified in "
                        + "multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set "
                        + "prefetch_factor to None.");
            }
            if (generator == null) {
                generator = Generator.defaultGenerator();
            }
            return new DataLoader<>(this);
        }
    }
}
