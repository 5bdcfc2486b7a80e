/**
 * The scaling figures of the {@code distributed} module: {@link dev.autograd4j.examples.distributed.DistributedBenchmark}
 * (TCP ring all-reduce bandwidth next to a plain socket copy, MNIST epoch time on 1, 2 and 4 processes).
 */
package dev.autograd4j.examples.distributed;
