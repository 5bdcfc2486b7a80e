package dev.autograd4j.distributed.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.SGD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TCP-ring mode (one barrier stage, a ring of tasks) in {@code local[4]}, against one process on the union of
 * the ranks' batches. One Spark session for the class.
 */
class SparkRingTest {
    /**
     * The bound on the parameters' difference from one process after 8 steps (float32, parameters of size ~0.5):
     * the ring sums each gradient chunk in another order than one process's batch sum, and divides once more, so
     * a step can differ by an ulp or two; measured below 1e-7.
     */
    static final double BOUND = 1e-6;

    private static SparkSession spark;
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[4]").appName("SparkRingTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void fourRanksInARingEqualOneProcessOnTheUnionOfTheBatches() {
        List<Sample> data = TestModels.samples(48, 7);
        Sequential model = TestModels.mlp(5);
        TrainResult r = SparkTrainer.builder(() -> TestModels.mlp(123), p -> new SGD(p, 0.1))
                .batchSize(3).epochs(2).shuffle(false, 0).build()
                .fit(model, sc.parallelize(data, 4));
        assertEquals(4, r.worldSize());
        assertEquals(8, r.steps());

        Sequential reference = TestModels.mlp(5);
        TestModels.trainOnUnion(reference, new SGD(reference.parameters(), 0.1), TestModels.slices(data, 4), 3, 8);
        double diff = TestModels.maxAbsDiff(model, reference);
        assertTrue(diff <= BOUND, "max |spark ring - one process| = " + diff);
        assertTrue(TestModels.changed(model, TestModels::mlp, 5), "training changed nothing");
        assertTrue(r.epochLoss().get(1) < r.epochLoss().get(0), "loss " + r.epochLoss());
    }

    @Test
    void rowsOfADatasetTrainInTwoRanksAsOneProcess() {
        // 10 + 11 rows: the smaller partition wraps around; an array column of features
        List<Sample> data = TestModels.samples(21, 9);
        List<Row> rows = new ArrayList<>();
        for (Sample s : data) {
            rows.add(RowFactory.create((int) s.label(), s.features()));
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
        Dataset<Row> frame = spark.createDataFrame(sc.parallelize(rows, 2), schema);
        Sequential model = TestModels.mlp(8);
        TrainResult r = SparkTrainer.builder(() -> TestModels.mlp(0), p -> new SGD(p, 0.1))
                .batchSize(4).epochs(2).shuffle(false, 0).build().fit(model, frame, "label", "pixels");
        assertEquals(2, r.worldSize());
        assertEquals(6, r.steps());
        Sequential reference = TestModels.mlp(8);
        TestModels.trainOnUnion(reference, new SGD(reference.parameters(), 0.1), TestModels.slices(data, 2), 4, 6);
        double diff = TestModels.maxAbsDiff(model, reference);
        assertTrue(diff <= BOUND, "max |spark ring - one process| = " + diff);
    }

    @Test
    void worldSizeOneTrainsAsOneProcessWithoutSockets() {
        List<Sample> data = TestModels.samples(12, 2);
        Sequential model = TestModels.mlp(4);
        TrainResult r = SparkTrainer.builder(() -> TestModels.mlp(0), p -> new SGD(p, 0.1))
                .batchSize(4).shuffle(false, 0).build().fit(model, sc.parallelize(data, 1));
        assertEquals(1, r.worldSize());
        Sequential reference = TestModels.mlp(4);
        TestModels.trainOnUnion(reference, new SGD(reference.parameters(), 0.1), List.of(data), 4, 3);
        assertEquals(0, TestModels.maxAbsDiff(model, reference), "one rank takes one process's steps exactly");
    }

    @Test
    void aRankThatThrowsFailsTheJobWithItsCause() {
        JavaRDD<Sample> rdd = sc.parallelize(TestModels.samples(32, 1), 4);
        AtomicInteger calls = new AtomicInteger();
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1))
                .batchSize(2).epochs(2).build();
        long t0 = System.nanoTime();
        SparkException e = assertThrows(SparkException.class, () -> trainer.fit(TestModels.mlp(1), rdd,
                batch -> {
                    if (TaskContext.getPartitionId() == 2 && calls.incrementAndGet() == 3) {
                        throw new IllegalStateException("boom on rank 2");
                    }
                    return Sample.classification().apply(batch);
                }));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("boom on rank 2"), e.getMessage());
        assertTrue(seconds < 30, "took " + seconds + " s");
    }

    @Test
    void aRankThatStopsAnsweringFailsTheJobWithinTheTimeoutNotAHang() {
        JavaRDD<Sample> rdd = sc.parallelize(TestModels.samples(32, 1), 4);
        AtomicInteger calls = new AtomicInteger();
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1))
                .batchSize(2).epochs(2).timeout(Duration.ofSeconds(3)).build();
        long t0 = System.nanoTime();
        SparkException e = assertThrows(SparkException.class, () -> trainer.fit(TestModels.mlp(1), rdd,
                batch -> {
                    if (TaskContext.getPartitionId() == 1 && calls.incrementAndGet() == 2) {
                        // hangs (until Spark kills the task, at most 60 s) instead of taking its second step
                        long until = System.nanoTime() + 60_000_000_000L;
                        while (!TaskContext.get().isInterrupted() && System.nanoTime() < until) {
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException ex) {
                                Thread.currentThread().interrupt();
                                break;
                            }
                        }
                        throw new IllegalStateException("rank 1 was killed");
                    }
                    return Sample.classification().apply(batch);
                }));
        double seconds = (System.nanoTime() - t0) / 1e9;
        // every rank's receive stalls once one rank stops sending, so every rank times out after 3 s; the first
        // failure Spark reports names the peer that rank waited for ("it, or a rank before it in the ring")
        assertTrue(e.getMessage().contains("received nothing from rank") && e.getMessage().contains("for PT3S"),
                e.getMessage());
        assertTrue(seconds < 20, "took " + seconds + " s");
    }

    @Test
    void aDataSetSmallerThanTheWorldSizeFailsEveryRankWithTheReason() {
        JavaRDD<Sample> rdd = sc.parallelize(TestModels.samples(3, 1), 4);
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1)).build();
        SparkException e = assertThrows(SparkException.class, () -> trainer.fit(TestModels.mlp(1), rdd));
        assertTrue(e.getMessage().contains("the data set has 3 sample(s), fewer than the world size 4"),
                e.getMessage());
    }

    @Test
    void aMissingColumnIsNamedBeforeAnyJob() {
        StructType schema = new StructType().add("y", DataTypes.DoubleType).add("x", DataTypes.StringType);
        Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(1.0, "a")), schema);
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1)).build();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(TestModels.mlp(1), frame, "label", "x"));
        assertEquals("the data set has no label column \"label\"; its columns are [y, x]", missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(TestModels.mlp(1), frame, "y", "x"));
        assertEquals("the feature column \"x\" is of type string; expected a number or an array of numbers",
                type.getMessage());
    }
}
