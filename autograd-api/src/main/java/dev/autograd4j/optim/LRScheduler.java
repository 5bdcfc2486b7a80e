package dev.autograd4j.optim;

/**
 * Sets an optimizer's learning rate from the epoch count, like {@code torch.optim.lr_scheduler}: call
 * {@link #step()} once per epoch, after the optimizer's steps. The rate at epoch 0 is the optimizer's
 * rate when the scheduler is made.
 */
public abstract class LRScheduler {
    /** The optimizer whose rate this scheduler sets. */
    protected final Optimizer optimizer;
    /** The optimizer's rate when the scheduler was made, like PyTorch's {@code base_lrs[0]}. */
    protected final double baseLr;
    private int epoch;

    /**
     * For subclasses: records the optimizer's current rate as the base rate.
     *
     * @param optimizer the optimizer to schedule
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    protected LRScheduler(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("scheduler needs an optimizer");
        }
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /**
     * Advances one epoch and sets the optimizer's rate to {@link #lrAt} of the new epoch, like
     * {@code scheduler.step()}.
     *
     * @throws IllegalArgumentException if the computed rate is invalid (see {@link Optimizer#setLr})
     */
    public void step() {
        epoch++;
        optimizer.setLr(lrAt(epoch));
    }

    /**
     * The learning rate for {@code epoch}, in closed form (PyTorch's {@code _get_closed_form_lr}).
     *
     * @param epoch the epoch, 0 for the base rate
     * @return the rate
     */
    public abstract double lrAt(int epoch);

    /**
     * How many times {@link #step()} has run, like {@code last_epoch}.
     *
     * @return the current epoch (0 at the start)
     */
    public int lastEpoch() {
        return epoch;
    }

    /**
     * The rate the optimizer now uses, like {@code get_last_lr()[0]}.
     *
     * @return the optimizer's current rate
     */
    public double lastLr() {
        return optimizer.lr();
    }
}
