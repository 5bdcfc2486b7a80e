package dev.autograd4j.optim;

/**
 * Cosine annealing from the base rate to {@code etaMin} over {@code tMax} epochs, like
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR}: {@code lr = etaMin + (baseLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2}
 * (the closed form; past {@code tMax} it rises again along the same cosine).
 */
public class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /**
     * Annealing down to 0.
     *
     * @param optimizer the optimizer to schedule
     * @param tMax the number of epochs to reach the minimum, positive
     * @throws IllegalArgumentException if an argument is invalid
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    /**
     * Annealing down to {@code etaMin}.
     *
     * @param optimizer the optimizer to schedule
     * @param tMax the number of epochs to reach the minimum, positive
     * @param etaMin the minimum rate, non-negative
     * @throws IllegalArgumentException if an argument is invalid
     *         ({@code CosineAnnealingLR T_max must be positive, got 0})
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR T_max must be positive, got " + tMax);
        }
        if (!(etaMin >= 0)) {
            throw new IllegalArgumentException("CosineAnnealingLR eta_min must be non-negative, got " + etaMin);
        }
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    /**
     * {@code etaMin + (baseLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2}.
     *
     * @param epoch the epoch, 0 for the base rate
     * @return the rate
     */
    @Override
    public double lrAt(int epoch) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
