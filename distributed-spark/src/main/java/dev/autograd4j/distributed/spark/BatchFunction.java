package dev.autograd4j.distributed.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Turns a list of samples into one {@link Batch}, on the executors (serialized into the Spark tasks), as a
 * {@code collate_fn} does for PyTorch's {@code DataLoader}.
 *
 * @param <S> the sample type of the RDD
 */
@FunctionalInterface
public interface BatchFunction<S> extends Serializable {
    /**
     * The batch of these samples, in this order.
     *
     * @param samples {@code batchSize} samples of one rank's partition
     * @return host tensors whose first dimension is {@code samples.size()}
     */
    Batch apply(List<S> samples);
}
