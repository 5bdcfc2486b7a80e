package dev.autograd4j.distributed.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Optimizer;
import dev.autograd4j.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parameter-averaging mode in {@code local[2]}, against one process. One Spark session for the class. */
class SparkAveragingTest {
    /**
     * The bound on the parameters' difference from one process after 8 steps (float32, parameters of size ~0.5):
     * the ranks' gradients are summed in another order and the mean is rounded once more (in float64, then to
     * float32), so a step can differ by an ulp or two; measured 9e-8 (one float32 ulp at 0.5-1) after 8 steps.
     */
    static final double BOUND = 1e-6;

    private static SparkSession spark;
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("SparkAveragingTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void averagingEveryStepWithSgdEqualsOneProcessOnTheUnionOfTheBatches() {
        List<Sample> data = TestModels.samples(32, 3);
        Sequential model = TestModels.mlp(11);
        TrainResult r = SparkTrainer.builder(() -> TestModels.mlp(99), p -> new SGD(p, 0.1))
                .averageEvery(1).batchSize(4).epochs(2).shuffle(false, 0).build()
                .fit(model, sc.parallelize(data, 2));
        assertEquals(2, r.worldSize());
        assertEquals(8, r.steps());
        assertEquals(2, r.epochLoss().size());

        Sequential reference = TestModels.mlp(11);
        TestModels.trainOnUnion(reference, new SGD(reference.parameters(), 0.1), TestModels.slices(data, 2), 4, 8);
        double diff = TestModels.maxAbsDiff(model, reference);
        assertTrue(diff <= BOUND, "max |spark - one process| = " + diff);
        assertTrue(TestModels.changed(model, TestModels::mlp, 11), "training changed nothing");
        assertTrue(r.epochLoss().get(1) < r.epochLoss().get(0), "loss " + r.epochLoss());
    }

    @Test
    void averagingEveryThreeStepsWithMomentumEqualsLocalSgdWithAveragedOptimizerState() {
        // 16 + 17 samples (an uneven split: the smaller partition wraps around), batch 4 -> 5 steps an epoch,
        // 2 epochs, rounds [0,3) [3,6) [6,9) [9,10): a round crosses the epoch boundary
        List<Sample> data = TestModels.samples(33, 5);
        Sequential model = TestModels.mlp(21);
        TrainResult r = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.05, 0.9))
                .averageEvery(3).batchSize(4).epochs(2).shuffle(false, 0).build()
                .fit(model, sc.parallelize(data, 2));
        assertEquals(10, r.steps());

        // the same by hand: replicas from the mean state, 3 local steps each, then the mean of parameters and of
        // momentum buffers
        List<List<Sample>> parts = TestModels.slices(data, 2);
        int largest = 17;
        Sequential mean = TestModels.mlp(21);
        Map<String, Tensor> optimState = null;
        for (long from = 0; from < 10; from += 3) {
            List<Module> replicas = new ArrayList<>();
            List<Optimizer> opts = new ArrayList<>();
            for (List<Sample> part : parts) {
                Sequential m = TestModels.mlp(0);
                m.loadStateDict(mean.stateDict());
                Optimizer o = new SGD(m.parameters(), 0.05, 0.9);
                if (optimState != null) {
                    o.loadStateDict(optimState);
                }
                for (long g = from; g < Math.min(10, from + 3); g++) {
                    Batch b = Sample.classification().apply(TestModels.batch(part, largest, 4, g));
                    Tensor l = LossFunction.crossEntropy().apply(m.forward(b.input()), b.target());
                    o.zeroGrad();
                    l.backward();
                    o.step();
                }
                replicas.add(m);
                opts.add(o);
            }
            mean.loadStateDict(average(replicas.get(0).stateDict(), replicas.get(1).stateDict()));
            optimState = average(opts.get(0).stateDict(), opts.get(1).stateDict());
        }
        double diff = TestModels.maxAbsDiff(model, mean);
        assertTrue(diff <= BOUND, "max |spark - local SGD by hand| = " + diff);
    }

    private static Map<String, Tensor> average(Map<String, Tensor> a, Map<String, Tensor> b) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            out.put(e.getKey(), e.getValue().add(b.get(e.getKey())).div(2));
        }
        return out;
    }

    @Test
    void aFailingTaskFailsTheFitWithItsCause() {
        JavaRDD<Sample> rdd = sc.parallelize(TestModels.samples(16, 1), 2);
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1))
                .averageEvery(1).batchSize(4).loss((o, t) -> {
                    if (TaskContext.getPartitionId() == 1) {
                        throw new IllegalStateException("boom on rank 1");
                    }
                    return LossFunction.crossEntropy().apply(o, t);
                }).build();
        SparkException e = assertThrows(SparkException.class, () -> trainer.fit(TestModels.mlp(1), rdd));
        assertTrue(e.getMessage().contains("boom on rank 1"), e.getMessage());
    }

    @Test
    void aDataSetSmallerThanTheWorldSizeIsRejected() {
        JavaRDD<Sample> rdd = sc.parallelize(TestModels.samples(1, 1), 2);
        SparkTrainer trainer = SparkTrainer.builder(() -> TestModels.mlp(1), p -> new SGD(p, 0.1))
                .averageEvery(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(TestModels.mlp(1), rdd));
        assertEquals("the data set has 1 sample(s), fewer than the world size 2: every rank needs at least one "
                + "(use fewer workers)", e.getMessage());
    }
}
