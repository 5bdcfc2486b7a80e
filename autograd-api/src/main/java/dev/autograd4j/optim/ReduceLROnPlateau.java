package dev.autograd4j.optim;

import java.util.Map;

/**
 * Reduces the rate when a metric stops improving, like {@code torch.optim.lr_scheduler.ReduceLROnPlateau}: call
 * {@link #step(double)} with the metric once per epoch. An epoch improves on the best value so far when the
 * metric is below {@code best * (1 - threshold)} (mode {@code min}, threshold mode {@code rel}),
 * {@code best - threshold} ({@code min}, {@code abs}), above {@code best * (1 + threshold)} ({@code max},
 * {@code rel}) or {@code best + threshold} ({@code max}, {@code abs}). After more than {@code patience} epochs
 * without improvement the rate becomes {@code max(lr * factor, minLr)} (unless that changes it by no more than
 * {@code eps}), and {@code cooldown} epochs follow in which bad epochs are not counted.
 */
public class ReduceLROnPlateau extends LRScheduler {
    private final boolean maximize;
    private final boolean relative;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final int cooldown;
    private final double minLr;
    private final double eps;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;

    /**
     * PyTorch's defaults: mode {@code min}, factor 0.1, patience 10, threshold 1e-4 relative, no cooldown,
     * {@code minLr} 0, eps 1e-8.
     *
     * @param optimizer the optimizer to schedule
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, "min", 0.1, 10, 1e-4, "rel", 0, 0, 1e-8);
    }

    /**
     * Every option, like {@code ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode,
     * cooldown, min_lr, eps)}.
     *
     * @param optimizer the optimizer to schedule
     * @param mode {@code "min"} (the metric should fall, as a loss) or {@code "max"} (rise, as an accuracy)
     * @param factor the factor applied to the rate, below 1
     * @param patience the epochs without improvement tolerated, non-negative
     * @param threshold the least significant change, non-negative
     * @param thresholdMode {@code "rel"} or {@code "abs"}
     * @param cooldown the epochs after a reduction in which bad epochs are not counted, non-negative
     * @param minLr the smallest rate, non-negative
     * @param eps reductions smaller than this are skipped
     * @throws IllegalArgumentException if an argument is invalid ({@code Factor should be < 1.0.},
     *         {@code mode avg is unknown!}, {@code threshold mode pct is unknown!})
     */
    public ReduceLROnPlateau(Optimizer optimizer, String mode, double factor, int patience, double threshold,
                             String thresholdMode, int cooldown, double minLr, double eps) {
        super(optimizer);
        if (!(factor < 1.0)) {
            throw new IllegalArgumentException("Factor should be < 1.0.");
        }
        if (!"min".equals(mode) && !"max".equals(mode)) {
            throw new IllegalArgumentException("mode " + mode + " is unknown!");
        }
        if (!"rel".equals(thresholdMode) && !"abs".equals(thresholdMode)) {
            throw new IllegalArgumentException("threshold mode " + thresholdMode + " is unknown!");
        }
        if (patience < 0 || cooldown < 0 || !(threshold >= 0) || !(minLr >= 0) || !(eps >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau needs non-negative patience, cooldown, threshold, "
                    + "min_lr and eps");
        }
        this.maximize = "max".equals(mode);
        this.relative = "rel".equals(thresholdMode);
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = eps;
        this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /**
     * Ends an epoch with its metric, like {@code scheduler.step(metrics)}; may lower the optimizer's rate.
     *
     * @param metric the epoch's value of the monitored quantity (NaN counts as no improvement)
     */
    public void step(double metric) {
        setLastEpoch(lastEpoch() + 1);
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            double old = optimizer.lr();
            double next = Math.max(old * factor, minLr);
            if (old - next > eps) {
                optimizer.setLr(next);
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
    }

    private boolean isBetter(double a) {
        if (maximize) {
            return relative ? a > best * (threshold + 1) : a > best + threshold;
        }
        return relative ? a < best * (1 - threshold) : a < best - threshold;
    }

    /**
     * Not available: this scheduler needs the metric.
     *
     * @throws UnsupportedOperationException always ({@code ReduceLROnPlateau.step() needs the metric: call
     *         step(metric)})
     */
    @Override
    public void step() {
        throw new UnsupportedOperationException("ReduceLROnPlateau.step() needs the metric: call step(metric)");
    }

    /**
     * Not available: the rate depends on the metrics seen, not on the epoch alone.
     *
     * @param epoch ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public double lrAt(int epoch) {
        throw new UnsupportedOperationException("ReduceLROnPlateau has no closed form: the rate depends on the metrics");
    }

    /**
     * The best metric so far, like {@code best}.
     *
     * @return the best value (infinite before the first step)
     */
    public double best() {
        return best;
    }

    /**
     * The epochs without improvement counted now, like {@code num_bad_epochs}.
     *
     * @return the count
     */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    @Override
    protected void saveExtraState(Map<String, Double> out) {
        out.put("best", best);
        out.put("num_bad_epochs", (double) numBadEpochs);
        out.put("cooldown_counter", (double) cooldownCounter);
    }

    @Override
    protected void loadExtraState(Map<String, Double> in) {
        best = take(in, "best");
        numBadEpochs = (int) take(in, "num_bad_epochs");
        cooldownCounter = (int) take(in, "cooldown_counter");
    }
}
