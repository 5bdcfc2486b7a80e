package dev.autograd4j;

/** How a loss combines per-element losses, as PyTorch's {@code reduction=} argument. */
public enum Reduction {
    /** Per-element losses, same shape as the input. */
    NONE,
    /** Average (weighted average for weighted class losses). */
    MEAN,
    SUM
}
