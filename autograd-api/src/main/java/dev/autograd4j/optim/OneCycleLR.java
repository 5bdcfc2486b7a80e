package dev.autograd4j.optim;

/**
 * The 1cycle policy, like {@code torch.optim.lr_scheduler.OneCycleLR} (without momentum cycling, i.e.
 * {@code cycle_momentum=False}): call {@link #step()} after every batch. The rate rises from
 * {@code maxLr / divFactor} to {@code maxLr} over the first {@code pctStart * totalSteps - 1} steps, then falls to
 * {@code maxLr / divFactor / finalDivFactor} at step {@code totalSteps - 1}, annealing by cosine
 * ({@code end + (start - end) / 2 * (1 + cos(pi * pct))}) or linearly. With {@code threePhase} it falls back to
 * the initial rate symmetrically before the final phase. Making the scheduler sets the optimizer's rate to the
 * initial rate.
 */
public class OneCycleLR extends LRScheduler {
    private final int totalSteps;
    private final boolean cosine;
    private final double[] ends;
    private final double[] starts;
    private final double[] targets;

    /**
     * PyTorch's defaults: {@code pct_start} 0.3, cosine annealing, {@code div_factor} 25, {@code final_div_factor}
     * 1e4, two phases.
     *
     * @param optimizer the optimizer to schedule
     * @param maxLr the peak rate, positive
     * @param totalSteps the steps in the cycle, positive
     * @throws IllegalArgumentException if an argument is invalid
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, "cos", 25, 1e4, false);
    }

    /**
     * Every option, like {@code OneCycleLR(optimizer, max_lr, total_steps, pct_start=..., anneal_strategy=...,
     * cycle_momentum=False, div_factor=..., final_div_factor=..., three_phase=...)}.
     *
     * @param optimizer the optimizer to schedule
     * @param maxLr the peak rate, positive
     * @param totalSteps the steps in the cycle, positive
     * @param pctStart the fraction of the cycle spent rising, in [0, 1]
     * @param annealStrategy {@code "cos"} or {@code "linear"}
     * @param divFactor the initial rate is {@code maxLr / divFactor}
     * @param finalDivFactor the final rate is the initial rate divided by this
     * @param threePhase whether to fall back to the initial rate before the final decay
     * @throws IllegalArgumentException if an argument is invalid ({@code Expected positive integer total_steps,
     *         but got 0}, {@code anneal_strategy must be one of 'cos' or 'linear', instead got exp})
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, String annealStrategy,
                      double divFactor, double finalDivFactor, boolean threePhase) {
        super(optimizer);
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("Expected positive integer total_steps, but got " + totalSteps);
        }
        if (!(pctStart >= 0 && pctStart <= 1)) {
            throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + pctStart);
        }
        if (!"cos".equals(annealStrategy) && !"linear".equals(annealStrategy)) {
            throw new IllegalArgumentException("anneal_strategy must be one of 'cos' or 'linear', instead got "
                    + annealStrategy);
        }
        if (!(maxLr > 0) || !(divFactor > 0) || !(finalDivFactor > 0)) {
            throw new IllegalArgumentException("OneCycleLR needs positive max_lr, div_factor and final_div_factor, got "
                    + maxLr + ", " + divFactor + ", " + finalDivFactor);
        }
        this.totalSteps = totalSteps;
        this.cosine = "cos".equals(annealStrategy);
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        if (threePhase) {
            ends = new double[] {pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1};
            starts = new double[] {initial, maxLr, initial};
            targets = new double[] {maxLr, initial, min};
        } else {
            ends = new double[] {pctStart * totalSteps - 1, totalSteps - 1};
            starts = new double[] {initial, maxLr};
            targets = new double[] {maxLr, min};
        }
        this.baseLr = initial;
        optimizer.setLr(lrAt(0));
    }

    /**
     * The rate at batch {@code step} of the cycle, as PyTorch's {@code get_lr}.
     *
     * @param step the step, 0 for the start, at most {@code totalSteps}
     * @return the rate
     * @throws IllegalStateException past the cycle ({@code Tried to step 101 times. The specified number of total
     *         steps is 100})
     */
    @Override
    public double lrAt(int step) {
        if (step > totalSteps) {
            throw new IllegalStateException("Tried to step " + step + " times. The specified number of total steps is "
                    + totalSteps);
        }
        double startStep = 0;
        for (int i = 0; i < ends.length; i++) {
            double endStep = ends[i];
            if (step <= endStep || i == ends.length - 1) {
                double pct = (step - startStep) / (endStep - startStep);
                return cosine ? targets[i] + (starts[i] - targets[i]) / 2.0 * (Math.cos(Math.PI * pct) + 1)
                        : (targets[i] - starts[i]) * pct + starts[i];
            }
            startStep = endStep;
        }
        throw new AssertionError("unreachable");
    }
}
