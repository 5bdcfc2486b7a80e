package dev.autograd4j.optim;

import dev.autograd4j.Autograd;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of every optimizer, like {@code torch.optim.Optimizer}, over one group of parameters with
 * one learning rate. {@link #step()} updates, in place and under {@link Autograd#noGrad()} (so no
 * graph is recorded), every parameter whose {@code grad} is not null; parameters without a gradient
 * (frozen ones, or ones the loss did not reach) are skipped and keep their values bit for bit.
 * {@link #zeroGrad()} sets the gradients to null, as PyTorch 2 does.
 */
public abstract class Optimizer {
    private final List<Tensor> params;
    private final Map<Tensor, Object> state = new IdentityHashMap<>();
    private double lr;
    private long stepCount;

    /**
     * Checks and keeps the parameter list.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate, finite and non-negative
     * @throws IllegalArgumentException if the list is null or empty, holds a null, a non-leaf
     *         ({@code can't optimize a non-leaf Tensor (parameter 0, made by MulBackward0)}), a non-floating
     *         tensor or a duplicate, if every parameter is frozen, or if {@code lr} is invalid
     *         ({@code Invalid learning rate: -0.1})
     */
    protected Optimizer(Iterable<Tensor> parameters, double lr) {
        if (parameters == null) {
            throw new IllegalArgumentException("optimizer got no parameter list (null)");
        }
        checkLr(lr);
        List<Tensor> list = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int frozen = 0;
        for (Tensor p : parameters) {
            if (p == null) {
                throw new IllegalArgumentException("optimizer got a null parameter at index " + list.size());
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("can't optimize a non-leaf Tensor (parameter " + list.size()
                        + ", made by " + p.gradFn().name() + ")");
            }
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("can't optimize a " + p.dtype() + " tensor (parameter "
                        + list.size() + "): only floating point tensors can require gradients");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("optimizer contains a parameter more than once (parameter "
                        + list.size() + ")");
            }
            if (!p.requiresGrad()) {
                frozen++;
            }
            list.add(p);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        if (frozen == list.size()) {
            throw new IllegalArgumentException("optimizer got only frozen parameters: none of its " + list.size()
                    + " parameter(s) requires grad, so it would never change anything (unfreeze them with "
                    + "requiresGrad(true), or pass module.trainableParameters())");
        }
        this.params = Collections.unmodifiableList(list);
        this.lr = lr;
    }

    static void checkLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
    }

    static void checkNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Invalid " + what + " value: " + value);
        }
    }

    static void checkBeta(int index, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index " + index + ": " + beta);
        }
    }

    /**
     * The parameters, in the order given, like {@code param_groups[0]["params"]}.
     *
     * @return an unmodifiable list
     */
    public final List<Tensor> parameters() {
        return params;
    }

    /**
     * The current learning rate, like {@code param_groups[0]["lr"]}.
     *
     * @return the rate
     */
    public final double lr() {
        return lr;
    }

    /**
     * Sets the learning rate (what schedulers call); the next {@link #step()} uses it.
     *
     * @param lr the new rate, finite and non-negative
     * @throws IllegalArgumentException if {@code lr} is negative, infinite or NaN
     */
    public final void setLr(double lr) {
        checkLr(lr);
        this.lr = lr;
    }

    /**
     * How many times {@link #step()} has run.
     *
     * @return the count
     */
    public final long stepCount() {
        return stepCount;
    }

    /** Sets every parameter's gradient to null, like {@code Optimizer.zero_grad()} in PyTorch 2. */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /**
     * Clears or zeroes every parameter's gradient, like {@code Optimizer.zero_grad(set_to_none)}.
     *
     * @param setToNone true to set each {@code grad} to null, false to fill it with zeros in place
     */
    public void zeroGrad(boolean setToNone) {
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (setToNone) {
                p.setGrad(null);
            } else {
                try (var s = Autograd.noGrad()) {
                    g.zero_();
                }
            }
        }
    }

    /**
     * One update of every parameter that has a gradient, like {@code Optimizer.step()}; parameters whose
     * {@code grad} is null are skipped. Runs under no-grad and counts in {@link #stepCount()}.
     */
    public final void step() {
        stepCount++;
        try (var g = Autograd.noGrad()) {
            for (Tensor p : params) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                update(p, grad.detach(), state);
            }
        }
    }

    /**
     * Updates {@code param} in place from {@code grad}; {@link #step()} calls it under no-grad for each
     * parameter with a gradient. Tensors kept in {@code state} should be passed through
     * {@link dev.autograd4j.MemoryScope#escape} so that they outlive any scope.
     *
     * @param param the parameter (a leaf, updated in place)
     * @param grad its gradient, detached, of its shape, dtype and device
     * @param state this optimizer's state, keyed by parameter identity; put and read the entry for {@code param}
     */
    protected abstract void update(Tensor param, Tensor grad, Map<Tensor, Object> state);
}
