package dev.autograd4j.optim;

/**
 * Sets an optimizer's learning rate from the epoch count, like {@code torch.optim.lr_scheduler}: call
 * {@link #step()} once per epoch, after the optimizer's steps. The rate at epoch 0 is the optimizer's
 * rate when the scheduler is made.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    protected final double baseLr;
    private int epoch;

    protected LRScheduler(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("scheduler needs an optimizer");
        }
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /** Advances one epoch and sets the optimizer's rate. */
    public void step() {
        epoch++;
        optimizer.setLr(lrAt(epoch));
    }

    /** The learning rate for {@code epoch} (0 = the base rate). */
    public abstract double lrAt(int epoch);

    public int lastEpoch() {
        return epoch;
    }

    /** The rate the optimizer now uses ({@code get_last_lr()}). */
    public double lastLr() {
        return optimizer.lr();
    }
}
