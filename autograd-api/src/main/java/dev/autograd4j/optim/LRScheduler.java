package dev.autograd4j.optim;

import dev.autograd4j.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sets an optimizer's learning rate from the epoch count, like {@code torch.optim.lr_scheduler}: call
 * {@link #step()} once per epoch, after the optimizer's steps. The rate at epoch 0 is the optimizer's
 * rate when the scheduler is made.
 *
 * <p>{@link #stateDict()} and {@link #loadStateDict} save and restore the schedule's position, like
 * PyTorch's {@code LRScheduler.state_dict()}: {@code last_epoch}, {@code base_lr} and whatever a subclass
 * adds, as 0-dimensional float64 tensors. The optimizer's current rate is in the optimizer's own state dict.
 */
public abstract class LRScheduler {
    /** The optimizer whose rate this scheduler sets. */
    protected final Optimizer optimizer;
    /** The optimizer's rate when the scheduler was made, like PyTorch's {@code base_lrs[0]}. */
    protected double baseLr;
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

    /**
     * Sets the epoch count (for subclasses whose {@link #step} variant advances it itself).
     *
     * @param epoch the new count
     */
    protected final void setLastEpoch(int epoch) {
        this.epoch = epoch;
    }

    /**
     * The schedule's position, like {@code LRScheduler.state_dict()}: {@code last_epoch}, {@code base_lr} and
     * the subclass's counters ({@link #saveExtraState}), each a 0-dimensional float64 tensor on the CPU.
     *
     * @return a new map
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("last_epoch", (double) epoch);
        values.put("base_lr", baseLr);
        saveExtraState(values);
        Map<String, Tensor> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, Optimizer.scalar64(v)));
        return out;
    }

    /**
     * Restores a position saved by {@link #stateDict()} of a scheduler of the same kind, like
     * {@code LRScheduler.load_state_dict()}; the optimizer's rate is not touched (load it with the
     * optimizer's state dict).
     *
     * @param stateDict the map
     * @throws IllegalArgumentException if an entry is missing or unexpected
     * @throws NullPointerException if {@code stateDict} is null
     */
    public final void loadStateDict(Map<String, Tensor> stateDict) {
        Objects.requireNonNull(stateDict, "stateDict must not be null");
        Map<String, Double> values = new LinkedHashMap<>();
        stateDict.forEach((k, v) -> values.put(k, v.item()));
        int newEpoch = (int) take(values, "last_epoch");
        double newBase = take(values, "base_lr");
        loadExtraState(values);
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unexpected entries " + values.keySet() + " in a state dict for "
                    + getClass().getSimpleName());
        }
        epoch = newEpoch;
        baseLr = newBase;
    }

    /**
     * Adds a subclass's counters to {@link #stateDict()}; the default adds none.
     *
     * @param out where to put them, by PyTorch's names
     */
    protected void saveExtraState(Map<String, Double> out) {
    }

    /**
     * Restores what {@link #saveExtraState} wrote, taking each entry out of {@code in} with {@link #take}.
     *
     * @param in the remaining entries (modifiable)
     * @throws IllegalArgumentException if one is missing
     */
    protected void loadExtraState(Map<String, Double> in) {
    }

    /**
     * Removes and returns a required entry.
     *
     * @param in the entries
     * @param name the entry's name
     * @return its value
     * @throws IllegalArgumentException if it is missing
     */
    protected static double take(Map<String, Double> in, String name) {
        Double v = in.remove(name);
        if (v == null) {
            throw new IllegalArgumentException("scheduler state dict lacks \"" + name + "\"");
        }
        return v;
    }
}
