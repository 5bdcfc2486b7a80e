package dev.autograd4j.distributed.spark;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the Spark tasks need of a {@link SparkTrainer}, serialized into them.
 *
 * @param model builds each replica
 * @param optimizer builds each replica's optimizer
 * @param loss the batch loss
 * @param batchSize samples per step and rank
 * @param epochs passes over the largest partition
 * @param shuffle whether each rank reshuffles its partition every epoch
 * @param seed the shared seed of the shuffles
 * @param device the replicas' device, or null for the task's Spark-assigned GPU if it has one, else the CPU
 * @param workers the number of ranks asked for, 0 for the default
 * @param averageEvery 0 for the TCP-ring mode, else the steps between two parameter averagings
 * @param timeout how long a rank waits for its peers in the ring
 * @param bindHost the interface the ring's sockets listen on ({@code 0.0.0.0} for all)
 */
record Config(ModelFactory model, OptimizerFactory optimizer, LossFunction loss, int batchSize, int epochs,
              boolean shuffle, long seed, String device, int workers, int averageEvery, Duration timeout,
              String bindHost) implements Serializable {
    private static final long serialVersionUID = 1L;
}
