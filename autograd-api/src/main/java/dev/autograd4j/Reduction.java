package dev.autograd4j;

/**
 * How a loss combines per-element losses, as PyTorch's {@code reduction=} argument
 * ({@code 'none'}, {@code 'mean'}, {@code 'sum'}). Losses default to {@link #MEAN}.
 */
public enum Reduction {
    /** No reduction: per-element (or per-sample) losses, shaped like the input (or the batch). */
    NONE,
    /** The average, a 0-d tensor (the weighted average for class losses with a weight). */
    MEAN,
    /** The sum, a 0-d tensor. */
    SUM
}
