package dev.autograd4j.optim;

/**
 * Step decay, like {@code torch.optim.lr_scheduler.StepLR}: {@code lr = baseLr * gamma^(epoch / stepSize)}
 * (integer division), so the rate is multiplied by {@code gamma} every {@code stepSize} epochs.
 */
public class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * Step decay with {@code gamma = 0.1}.
     *
     * @param optimizer the optimizer to schedule
     * @param stepSize the period of the decay in epochs, positive
     * @throws IllegalArgumentException if an argument is invalid
     */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    /**
     * Step decay with every option.
     *
     * @param optimizer the optimizer to schedule
     * @param stepSize the period of the decay in epochs, positive
     * @param gamma the factor applied every period, positive and finite
     * @throws IllegalArgumentException if an argument is invalid ({@code StepLR step_size must be positive, got 0})
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR step_size must be positive, got " + stepSize);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("StepLR gamma must be positive, got " + gamma);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    /**
     * {@code baseLr * gamma^(epoch / stepSize)}.
     *
     * @param epoch the epoch, 0 for the base rate
     * @return the rate
     */
    @Override
    public double lrAt(int epoch) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
