package dev.autograd4j.distributed.spark;

import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import dev.autograd4j.distributed.Collective;
import dev.autograd4j.distributed.CollectiveException;
import dev.autograd4j.distributed.InProcessCollective;
import dev.autograd4j.distributed.DistributedDataParallel;
import dev.autograd4j.distributed.ReduceOp;
import dev.autograd4j.distributed.TcpRingCollective;
import dev.autograd4j.nn.Module;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The TCP-ring mode: one barrier stage whose tasks exchange {@code host:port} once through
 * {@code BarrierTaskContext.allGather}, join a {@link TcpRingCollective}, and train a
 * {@link DistributedDataParallel} replica (gradients averaged over the ring during every backward); rank 0 returns
 * the trained state.
 */
final class RingTraining {
    private static final Logger LOG = LoggerFactory.getLogger(RingTraining.class);

    private RingTraining() {
    }

    /** What a rank returns: rank 0 the trained state and the epoch losses summed over ranks; the others nothing. */
    record RankResult(int rank, byte[] state, double[] lossSums, long steps) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    static <S> TrainResult run(Config config, Module model, JavaRDD<S> rdd, BatchFunction<S> batches) {
        long t0 = System.nanoTime();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rdd.context());
        int partitions = rdd.getNumPartitions();
        int world = config.workers() > 0 ? config.workers() : Math.min(partitions, sc.defaultParallelism());
        // a barrier stage may not narrow partitions (coalesce); a shuffle starts a new stage
        JavaRDD<S> data = world == partitions ? rdd : rdd.repartition(world);
        Broadcast<byte[]> initial = sc.broadcast(States.toBytes(model.stateDict()));
        try {
            ClassTag<RankResult> tag = ClassTag$.MODULE$.apply(RankResult.class);
            List<RankResult> results = data.rdd().barrier()
                    .mapPartitions(new RankTask<>(config, batches, initial), false, tag).toJavaRDD().collect();
            RankResult root = results.stream().filter(r -> r.rank() == 0).findFirst()
                    .orElseThrow(() -> new IllegalStateException("rank 0 returned no state"));
            model.loadStateDict(States.fromBytes(root.state()));
            List<Double> epochLoss = new ArrayList<>();
            long perEpoch = root.steps() / root.lossSums().length * world;
            for (double sum : root.lossSums()) {
                epochLoss.add(sum / Math.max(1, perEpoch));
            }
            return new TrainResult(epochLoss, root.steps(), world, (System.nanoTime() - t0) / 1e9);
        } finally {
            initial.destroy();
        }
    }

    /** The body of one barrier task (a Scala function: {@code RDDBarrier.mapPartitions} has no Java form). */
    static final class RankTask<S> extends AbstractFunction1<Iterator<S>, Iterator<RankResult>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Config config;
        private final BatchFunction<S> batches;
        private final Broadcast<byte[]> initial;

        RankTask(Config config, BatchFunction<S> batches, Broadcast<byte[]> initial) {
            this.config = config;
            this.batches = batches;
            this.initial = initial;
        }

        @Override
        public Iterator<RankResult> apply(Iterator<S> partition) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            List<S> samples = new ArrayList<>();
            CollectionConverters.asJava(partition).forEachRemaining(samples::add);
            RankResult result = train(ctx, samples);
            return CollectionConverters.asScala(
                    result == null ? Collections.<RankResult>emptyIterator() : List.of(result).iterator());
        }

        private RankResult train(BarrierTaskContext ctx, List<S> samples) {
            int rank = ctx.partitionId();
            int world = ctx.getTaskInfos().length;
            if (world == 1) {
                // no peer: no port, no allGather, a collective of one
                int largest = Schedule.checkCounts(new long[] {samples.size()});
                try (Collective single = InProcessCollective.create(1).get(0)) {
                    return trainInRing(0, 1, single, samples, largest);
                }
            }
            TcpRingCollective.Endpoint endpoint = TcpRingCollective.listen(config.bindHost(), 0);
            String[] gathered;
            try {
                String self = host(ctx.getTaskInfos()[rank].address()) + ":" + port(endpoint.address());
                // the one allGather of the run (it costs about a second): addresses and partition sizes together
                gathered = ctx.allGather(self + " " + samples.size());
            } catch (RuntimeException e) {
                endpoint.close();
                throw e;
            }
            List<String> addresses = new ArrayList<>();
            long[] counts = new long[world];
            for (int r = 0; r < world; r++) {
                String[] parts = gathered[r].split(" ");
                addresses.add(parts[0]);
                counts[r] = Long.parseLong(parts[1]);
            }
            int largest;
            try {
                largest = Schedule.checkCounts(counts);
            } catch (IllegalArgumentException e) {
                endpoint.close();
                throw e;
            }
            TcpRingCollective ring = endpoint.join(rank, addresses, config.timeout());
            try {
                return trainInRing(rank, world, ring, samples, largest);
            } catch (RuntimeException | Error e) {
                if (!(e instanceof CollectiveException)) {
                    // tell the other ranks why, so each of their errors names this rank and its cause
                    ring.abort(e);
                }
                throw e;
            } finally {
                ring.close();
            }
        }

        private RankResult trainInRing(int rank, int world, Collective ring, List<S> samples, int largest) {
            Schedule schedule = new Schedule(samples.size(), config.batchSize(), largest, config.shuffle(),
                    config.seed(), rank);
            Replica replica = Replica.create(config, States.fromBytes(initial.value()), null);
            // broadcasts rank 0's parameters and buffers (equal already: every replica loaded the caller's state)
            // after checking that every rank has the same parameter shapes; averages gradients during backward
            DistributedDataParallel ddp = new DistributedDataParallel(replica.model, ring);
            int spe = schedule.stepsPerEpoch();
            double[] lossSums = new double[config.epochs()];
            long steps = 0;
            LOG.debug("rank {} of {}: {} samples, {} steps per epoch", rank, world, samples.size(), spe);
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                int[] order = schedule.order(epoch);
                for (int step = 0; step < spe; step++) {
                    lossSums[epoch] += replica.step(ddp, batches.apply(schedule.batch(samples, order, step)));
                    steps++;
                }
            }
            Tensor losses = Tensor.of(lossSums, lossSums.length).to(DType.FLOAT64);
            ring.allReduce(List.of(losses), ReduceOp.SUM);
            byte[] state = rank == 0 ? States.toBytes(replica.model.stateDict()) : null;
            return rank == 0 ? new RankResult(rank, state, losses.toDoubleArray(), steps) : null;
        }
    }

    /** The host of a Spark task address ({@code host}, {@code host:port} or {@code [v6]:port}). */
    static String host(String address) {
        if (address.startsWith("[")) {
            return address.substring(0, address.indexOf(']') + 1);
        }
        int colon = address.indexOf(':');
        return colon >= 0 && colon == address.lastIndexOf(':') ? address.substring(0, colon) : address;
    }

    /** The port of {@code host:port}. */
    static String port(String address) {
        return address.substring(address.lastIndexOf(':') + 1);
    }
}
