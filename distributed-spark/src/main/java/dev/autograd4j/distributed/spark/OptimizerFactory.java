package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import dev.autograd4j.optim.Optimizer;
import java.io.Serializable;
import java.util.List;

/**
 * Builds the optimizer of one replica on an executor, serialized into the Spark tasks:
 * {@code params -> new SGD(params, 0.1)} or {@code params -> new Adam(params, 1e-3)}.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    /**
     * A fresh optimizer of the replica's parameters.
     *
     * @param parameters the replica's {@code parameters()}, on the task's device
     * @return a new optimizer over exactly these parameters, in this order
     */
    Optimizer create(List<Tensor> parameters);
}
