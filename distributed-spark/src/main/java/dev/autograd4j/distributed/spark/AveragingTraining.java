package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Module;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameter-averaging mode: rounds of {@code k} local steps on every partition, each round one Spark job
 * whose tasks start from the broadcast mean state, train, and return their states, summed by
 * {@code treeAggregate} on the way to the driver. No socket between executors; the optimizer's state (momentum,
 * Adam's moments) is averaged with the parameters.
 */
final class AveragingTraining {
    private static final Logger LOG = LoggerFactory.getLogger(AveragingTraining.class);
    static final String MODEL = "model/";
    static final String OPTIM = "optim/";

    private AveragingTraining() {
    }

    static <S> TrainResult run(Config config, Module model, JavaRDD<S> rdd, BatchFunction<S> batches) {
        long t0 = System.nanoTime();
        JavaRDD<S> data = rdd;
        int partitions = rdd.getNumPartitions();
        if (config.workers() > 0 && config.workers() != partitions) {
            data = rdd.repartition(config.workers());
        }
        boolean persisted = false;
        if (data.getStorageLevel().equals(StorageLevel.NONE())) {
            data = data.persist(StorageLevel.MEMORY_AND_DISK());
            persisted = true;
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
        try {
            List<Long> countList = data.mapPartitions(it -> {
                long n = 0;
                for (; it.hasNext(); it.next()) {
                    n++;
                }
                return Collections.singletonList(n).iterator();
            }).collect();
            long[] counts = countList.stream().mapToLong(Long::longValue).toArray();
            int largest = Schedule.checkCounts(counts);
            int world = counts.length;
            int stepsPerEpoch = Schedule.stepsPerEpoch(largest, config.batchSize());
            long total = (long) stepsPerEpoch * config.epochs();
            int k = config.averageEvery();
            LOG.info("parameter averaging: {} replicas, {} steps per epoch, {} epochs, averaging every {} step(s)",
                    world, stepsPerEpoch, config.epochs(), k);

            Map<String, Tensor> state = new LinkedHashMap<>();
            States.prefix(model.stateDict(), MODEL, state);
            double[] lossSums = new double[config.epochs()];
            long[] lossCounts = new long[config.epochs()];
            for (long from = 0; from < total; from += k) {
                long to = Math.min(total, from + k);
                Broadcast<byte[]> current = sc.broadcast(States.toBytes(state));
                try {
                    long start = from;
                    StateSum sum = data.mapPartitionsWithIndex(
                            (rank, it) -> Collections.singletonList(
                                    round(config, batches, current.value(), rank, it, largest, start, to)).iterator(),
                            false).treeAggregate(new StateSum(), StateSum::add, StateSum::add);
                    if (sum.replicas() != world) {
                        throw new IllegalStateException("a round returned " + sum.replicas() + " replica state(s), "
                                + "expected " + world);
                    }
                    state = sum.mean();
                    for (int e = 0; e < lossSums.length; e++) {
                        lossSums[e] += sum.lossSums()[e];
                        lossCounts[e] += sum.lossCounts()[e];
                    }
                } finally {
                    current.destroy();
                }
            }
            model.loadStateDict(States.strip(state, MODEL));
            List<Double> epochLoss = new ArrayList<>();
            for (int e = 0; e < lossSums.length; e++) {
                epochLoss.add(lossSums[e] / Math.max(1, lossCounts[e]));
            }
            return new TrainResult(epochLoss, total, world, (System.nanoTime() - t0) / 1e9);
        } finally {
            if (persisted) {
                data.unpersist(false);
            }
        }
    }

    /** One task of one round: steps {@code [from, to)} of rank {@code rank}, from the broadcast state. */
    private static <S> StateSum round(Config config, BatchFunction<S> batches, byte[] stateBytes, int rank,
                                      Iterator<S> it, int largest, long from, long to) {
        List<S> samples = new ArrayList<>();
        it.forEachRemaining(samples::add);
        Schedule schedule = new Schedule(samples.size(), config.batchSize(), largest, config.shuffle(),
                config.seed(), rank);
        Map<String, Tensor> state = States.fromBytes(stateBytes);
        Replica replica = Replica.create(config, States.strip(state, MODEL), States.strip(state, OPTIM));
        double[] lossSums = new double[config.epochs()];
        long[] lossCounts = new long[config.epochs()];
        int spe = schedule.stepsPerEpoch();
        int orderEpoch = -1;
        int[] order = null;
        for (long g = from; g < to; g++) {
            int epoch = (int) (g / spe);
            int step = (int) (g % spe);
            if (epoch != orderEpoch) {
                order = schedule.order(epoch);
                orderEpoch = epoch;
            }
            double loss = replica.step(replica.model, batches.apply(schedule.batch(samples, order, step)));
            lossSums[epoch] += loss;
            lossCounts[epoch]++;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        States.prefix(replica.model.stateDict(), MODEL, out);
        States.prefix(replica.optimizer.stateDict(), OPTIM, out);
        return StateSum.of(out, lossSums, lossCounts);
    }
}
