package dev.autograd4j.optim;

/**
 * Linear warm-up (or decay) of the rate's factor, like {@code torch.optim.lr_scheduler.LinearLR}:
 * {@code lr = baseLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)}
 * (PyTorch's closed form). Making the scheduler sets the optimizer's rate to {@code baseLr * startFactor}.
 */
public class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /**
     * PyTorch's defaults: from a third of the rate to the full rate over 5 epochs.
     *
     * @param optimizer the optimizer to schedule
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    /**
     * Every option, like {@code LinearLR(optimizer, start_factor, end_factor, total_iters)}.
     *
     * @param optimizer the optimizer to schedule
     * @param startFactor the factor at epoch 0, in (0, 1]
     * @param endFactor the factor from {@code totalIters} on, in [0, 1]
     * @param totalIters the epochs over which the factor changes, positive
     * @throws IllegalArgumentException if an argument is invalid ({@code Starting multiplicative factor expected
     *         to be greater than 0 and less or equal to 1.})
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException(
                    "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        }
        if (totalIters <= 0) {
            throw new IllegalArgumentException("LinearLR total_iters must be positive, got " + totalIters);
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        optimizer.setLr(lrAt(0));
    }

    /**
     * {@code baseLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)}.
     *
     * @param epoch the epoch, 0 for the start
     * @return the rate
     */
    @Override
    public double lrAt(int epoch) {
        return baseLr * (startFactor + (endFactor - startFactor) * Math.min(totalIters, epoch) / totalIters);
    }
}
