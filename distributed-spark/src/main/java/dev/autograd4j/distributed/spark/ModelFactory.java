package dev.autograd4j.distributed.spark;

import dev.autograd4j.nn.Module;
import java.io.Serializable;

/**
 * Builds one model replica on an executor. It is serialized into the Spark tasks, so a lambda or a class that
 * captures only serializable values: {@code () -> new Sequential(new Linear(784, 256), new ReLU(), ...)}.
 * The replica's initial values do not matter: {@link SparkTrainer} loads the caller's model's state into it.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /**
     * A fresh model with the caller's model's architecture (the same state dict names and shapes), on the CPU;
     * the trainer moves it to the task's device.
     *
     * @return a new module
     */
    Module create();
}
