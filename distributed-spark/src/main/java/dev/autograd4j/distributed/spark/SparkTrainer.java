package dev.autograd4j.distributed.spark;

import dev.autograd4j.nn.Module;
import java.time.Duration;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-parallel training of an autograd4j model on Apache Spark, in one of two modes.
 *
 * <ul>
 *   <li><b>TCP ring</b> (the default): one barrier stage ({@code rdd().barrier().mapPartitions(...)}) of one task
 *   per partition, the ranks of the group. Each task builds its replica ({@link ModelFactory},
 *   {@link OptimizerFactory}) on its device, loads the caller's model's state, binds a
 *   {@code TcpRingCollective} endpoint, exchanges {@code host:port} with the others once through
 *   {@code BarrierTaskContext.allGather}, joins the ring, wraps the model in {@code DistributedDataParallel}
 *   (gradients averaged over the ring after every backward) and trains its partition. Rank 0 returns the
 *   trained state dict, which the driver loads into the caller's model. The executors must reach each other on
 *   TCP.</li>
 *   <li><b>Parameter averaging</b> ({@link Builder#averageEvery(int)}): rounds of {@code k} local steps per
 *   partition, each round one Spark job that starts every task from the broadcast mean state and sums the
 *   replicas' states (parameters, buffers and optimizer state) with {@code treeAggregate}. Spark alone carries
 *   the data, for clusters whose executors cannot open sockets to each other; with {@code k = 1} and plain SGD it
 *   takes the same steps as the ring.</li>
 * </ul>
 *
 * <p>In both modes every rank takes exactly {@code batchSize} samples per step and runs the same number of
 * steps: an epoch is {@code ceil(largest partition / batchSize)} steps, and a rank whose partition is smaller
 * wraps around its (reshuffled) samples, as {@code DistributedSampler} pads the shorter ranks. The loss must be a
 * mean over the batch, so that a step equals one step of a single process on the union of the ranks' batches.
 *
 * <pre>{@code
 * TrainResult r = SparkTrainer.builder(() -> mlp(), params -> new SGD(params, 0.05))
 *         .batchSize(32).epochs(3).build()
 *         .fit(model, samples);             // JavaRDD<Sample>, one partition per rank
 * }</pre>
 *
 * <p>Spark ({@code org.apache.spark:spark-core_2.13}, and {@code spark-sql_2.13} for {@code Dataset<Row>}) is a
 * {@code provided} dependency: {@code spark-submit} brings it. {@link #builder} checks that it is on the class
 * path and says which dependency is missing otherwise.
 */
public final class SparkTrainer {
    /** The Maven coordinates named when Spark is missing. */
    static final String SPARK_DEPENDENCY = "org.apache.spark:spark-core_2.13";

    private final Config config;
    private final BatchFunction<Sample> sampleBatches;

    private SparkTrainer(Config config, BatchFunction<Sample> sampleBatches) {
        this.config = config;
        this.sampleBatches = sampleBatches;
    }

    /**
     * Starts a trainer's configuration; the defaults are the TCP-ring mode, batch size 32, one epoch,
     * cross-entropy loss, shuffling with seed 0, one rank per partition (at most Spark's default parallelism in
     * the ring mode), the task's GPU if Spark assigned one else the CPU, and a 60 s ring timeout.
     *
     * @param model builds each replica (serializable)
     * @param optimizer builds each replica's optimizer (serializable)
     * @return a builder
     * @throws IllegalStateException if Apache Spark is not on the class path (the message names the dependency)
     * @throws NullPointerException if a factory is null
     */
    public static Builder builder(ModelFactory model, OptimizerFactory optimizer) {
        requireSpark();
        return new Builder(Objects.requireNonNull(model, "model factory must not be null"),
                Objects.requireNonNull(optimizer, "optimizer factory must not be null"));
    }

    /** Throws a clear message when Spark's classes cannot be loaded. */
    static void requireSpark() {
        try {
            Class.forName("org.apache.spark.api.java.JavaRDD", false, SparkTrainer.class.getClassLoader());
            Class.forName("org.apache.spark.BarrierTaskContext", false, SparkTrainer.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("Apache Spark is not on the class path: SparkTrainer needs "
                    + SPARK_DEPENDENCY + " 4.x (and org.apache.spark:spark-sql_2.13 for Dataset<Row>). The "
                    + "distributed-spark module declares them 'provided': run the program with spark-submit, or add "
                    + "them to your build (" + e + ")", e);
        }
    }

    /**
     * Trains {@code model} on the samples of an RDD, one rank per partition, and loads the trained state into
     * {@code model}.
     *
     * @param <S> the sample type (serializable)
     * @param model the caller's model: its state is every replica's starting point and receives the result
     * @param samples the training samples; each partition is one rank's share
     * @param batches makes a batch of samples on the executors
     * @return the losses and counts of the run
     * @throws IllegalArgumentException if the data set is smaller than the world size or a partition is empty
     *     (in the averaging mode, checked on the driver; in the ring mode every rank fails with it, so it comes in
     *     the failed job's {@code SparkException}, which Spark throws undeclared, as for any rank that throws: its
     *     message holds the failing rank's exception)
     */
    public <S> TrainResult fit(Module model, JavaRDD<S> samples, BatchFunction<S> batches) {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(samples, "samples must not be null");
        Objects.requireNonNull(batches, "batch function must not be null");
        if (config.averageEvery() > 0) {
            return AveragingTraining.run(config, model, samples, batches);
        }
        return RingTraining.run(config, model, samples, batches);
    }

    /**
     * Trains on {@link Sample}s with {@link Sample#classification()} batches (or those given by
     * {@link Builder#sampleBatches}).
     *
     * @param model the caller's model: the replicas' start, and it receives the result
     * @param samples the training samples; each partition is one rank's share
     * @return the losses and counts of the run
     * @throws IllegalArgumentException if the data set is smaller than the world size or a partition is empty
     */
    public TrainResult fit(Module model, JavaRDD<Sample> samples) {
        return fit(model, samples, sampleBatches);
    }

    /**
     * Trains on the rows of a Spark SQL data set: the label in one numeric column, the features in one numeric
     * array column or in several numeric columns (in the order given).
     *
     * @param model the caller's model: the replicas' start, and it receives the result
     * @param rows the training rows; each partition is one rank's share
     * @param labelColumn the label's column
     * @param featureColumns one array column, or one or more numeric columns
     * @return the losses and counts of the run
     * @throws IllegalArgumentException if a column is missing or not numeric (before any Spark job), or the data
     *     set is smaller than the world size
     */
    public TrainResult fit(Module model, Dataset<Row> rows, String labelColumn, String... featureColumns) {
        Objects.requireNonNull(rows, "rows must not be null");
        return fit(model, Rows.samples(rows, labelColumn, featureColumns));
    }

    /** Configures a {@link SparkTrainer}. */
    public static final class Builder {
        private final ModelFactory model;
        private final OptimizerFactory optimizer;
        private LossFunction loss = LossFunction.crossEntropy();
        private BatchFunction<Sample> sampleBatches = Sample.classification();
        private int batchSize = 32;
        private int epochs = 1;
        private boolean shuffle = true;
        private long seed;
        private String device;
        private int workers;
        private int averageEvery;
        private Duration timeout = Duration.ofSeconds(60);
        private String bindHost = "0.0.0.0";

        private Builder(ModelFactory model, OptimizerFactory optimizer) {
            this.model = model;
            this.optimizer = optimizer;
        }

        /**
         * The loss of a batch (default {@link LossFunction#crossEntropy()}).
         *
         * @param loss a mean over the batch
         * @return this builder
         */
        public Builder loss(LossFunction loss) {
            this.loss = Objects.requireNonNull(loss, "loss must not be null");
            return this;
        }

        /**
         * How {@link SparkTrainer#fit(Module, JavaRDD)} batches {@link Sample}s (default
         * {@link Sample#classification()}; {@link Sample#regression()} for real targets).
         *
         * @param batches the batch function
         * @return this builder
         */
        public Builder sampleBatches(BatchFunction<Sample> batches) {
            this.sampleBatches = Objects.requireNonNull(batches, "batches must not be null");
            return this;
        }

        /**
         * Samples per step and rank (default 32); a step of {@code W} ranks trains on {@code W * batchSize}.
         *
         * @param batchSize at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Passes over the largest partition (default 1).
         *
         * @param epochs at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Whether each rank reshuffles its partition every epoch (default true), and the seed shared by all ranks
         * (mixed with the rank and the epoch).
         *
         * @param shuffle false to walk each partition in order
         * @param seed the shared seed
         * @return this builder
         */
        public Builder shuffle(boolean shuffle, long seed) {
            this.shuffle = shuffle;
            this.seed = seed;
            return this;
        }

        /**
         * The replicas' device, as {@code DefaultDevice.parse} reads it ({@code "cpu"}, {@code "cuda:0"}); by
         * default the GPU Spark assigned to the task (resource {@code gpu}) if any, else the CPU.
         *
         * @param device the device spec, or null for the default
         * @return this builder
         */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /**
         * The number of ranks: the data is repartitioned (with a shuffle) when its partition count differs. By
         * default one rank per partition, in the ring mode at most Spark's default parallelism (a barrier stage
         * needs a slot for every task at once).
         *
         * @param workers at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Switches to the parameter-averaging mode: every {@code k} steps the replicas' states are averaged
         * through Spark ({@code treeAggregate}, then a broadcast), no sockets between executors.
         *
         * @param k steps between two averagings, at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder averageEvery(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("averageEvery must be at least 1 step, got " + k);
            }
            this.averageEvery = k;
            return this;
        }

        /**
         * Switches (back) to the TCP-ring mode, the default.
         *
         * @return this builder
         */
        public Builder ring() {
            this.averageEvery = 0;
            return this;
        }

        /**
         * How long a rank of the ring waits to connect to its peers and for each message (default 60 s): a rank
         * that vanishes makes the others fail within it.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The interface the ring's sockets listen on (default {@code 0.0.0.0}, all); the address the peers dial
         * is the executor's host as Spark knows it.
         *
         * @param host an interface address or host name
         * @return this builder
         */
        public Builder bindHost(String host) {
            this.bindHost = Objects.requireNonNull(host, "host must not be null");
            return this;
        }

        /**
         * The trainer.
         *
         * @return a trainer with this configuration
         */
        public SparkTrainer build() {
            return new SparkTrainer(new Config(model, optimizer, loss, batchSize, epochs, shuffle, seed, device,
                    workers, averageEvery, timeout, bindHost), sampleBatches);
        }
    }
}
