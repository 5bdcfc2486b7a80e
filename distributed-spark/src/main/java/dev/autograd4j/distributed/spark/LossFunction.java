package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.MSELoss;
import java.io.Serializable;

/** The training loss of a batch, serialized into the Spark tasks. */
@FunctionalInterface
public interface LossFunction extends Serializable {
    /**
     * The loss to minimise, a scalar averaged over the batch (so that averaging it over the ranks gives the loss
     * of their union).
     *
     * @param output the model's output for the batch
     * @param target the batch's targets
     * @return a 0-dimensional tensor that requires grad
     */
    Tensor apply(Tensor output, Tensor target);

    /**
     * Cross entropy of logits {@code [n, classes]} and int64 class targets {@code [n]} (the mean over the batch),
     * as {@link CrossEntropyLoss}.
     *
     * @return the loss
     */
    static LossFunction crossEntropy() {
        return (output, target) -> new CrossEntropyLoss().forward(output, target);
    }

    /**
     * The mean squared error, as {@link MSELoss}.
     *
     * @return the loss
     */
    static LossFunction mse() {
        return (output, target) -> new MSELoss().forward(output, target);
    }
}
