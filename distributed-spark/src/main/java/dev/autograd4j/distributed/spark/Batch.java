package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import java.util.Objects;

/**
 * One training batch of a rank, as a {@link BatchFunction} makes it on the host; the trainer moves both tensors
 * to the task's device.
 *
 * @param input the model's input, e.g. float32 {@code [n, features]}
 * @param target what the loss compares the output with, e.g. int64 classes {@code [n]}
 */
public record Batch(Tensor input, Tensor target) {
    /**
     * Checks that neither tensor is null.
     *
     * @param input the model's input
     * @param target the targets
     * @throws NullPointerException if either is null
     */
    public Batch {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(target, "target must not be null");
    }
}
