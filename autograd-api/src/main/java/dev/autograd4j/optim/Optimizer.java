package dev.autograd4j.optim;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The base of every optimizer, like {@code torch.optim.Optimizer}, over one group of parameters with
 * one learning rate. {@link #step()} updates, in place and under {@link Autograd#noGrad()} (so no
 * graph is recorded), every parameter whose {@code grad} is not null; parameters without a gradient
 * (frozen ones, or ones the loss did not reach) are skipped and keep their values bit for bit.
 * {@link #zeroGrad()} sets the gradients to null, as PyTorch 2 does.
 *
 * <p>{@link #stateDict()} and {@link #loadStateDict} save and restore everything a step depends on, like
 * PyTorch's {@code Optimizer.state_dict()}, as a flat map of tensors that {@code StateDict.save} can write:
 * {@code "state.<i>.<name>"} for the per-parameter state of parameter {@code i} (its index in
 * {@link #parameters()}; e.g. {@code state.0.exp_avg}, {@code state.0.step}), {@code "param_groups.0.<name>"}
 * for the hyperparameters ({@code lr}, {@code weight_decay}, ...) as 0-dimensional float64 tensors, and
 * {@code "step_count"}. A run resumed from it continues bit for bit.
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

    /** The prefix of per-parameter entries in {@link #stateDict()}. */
    private static final String STATE = "state.";
    /** The prefix of hyperparameter entries in {@link #stateDict()}. */
    private static final String GROUP = "param_groups.0.";

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
     * A snapshot of this optimizer's state, like {@code Optimizer.state_dict()}: per-parameter state as
     * {@code "state.<i>.<name>"} (copies, of each parameter's dtype and device; scalar counters such as
     * {@code step} as 0-dimensional float64), the hyperparameters as {@code "param_groups.0.<name>"} and
     * {@code "step_count"}, all as 0-dimensional float64 tensors. Parameters that never got a gradient have
     * no entries. The map can be written with {@code StateDict.save}.
     *
     * @return a new map, in a stable order
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var g = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Object s = state.get(params.get(i));
                if (s == null) {
                    continue;
                }
                Map<String, Tensor> entries = new LinkedHashMap<>();
                saveParamState(s, entries);
                for (Map.Entry<String, Tensor> e : entries.entrySet()) {
                    out.put(STATE + i + "." + e.getKey(), e.getValue().detach().copy());
                }
            }
            Map<String, Double> hyper = new LinkedHashMap<>();
            hyper.put("lr", lr);
            saveHyperparameters(hyper);
            hyper.forEach((k, v) -> out.put(GROUP + k, scalar64(v)));
            out.put("step_count", scalar64(stepCount));
        }
        return out;
    }

    /**
     * Restores a state saved by {@link #stateDict()} (of an optimizer of the same kind over parameters of the
     * same shapes, in the same order), like {@code Optimizer.load_state_dict()}: the per-parameter state is
     * copied to each parameter's dtype and device, and the hyperparameters (learning rate included) replace
     * this optimizer's. State of parameters missing from the map is cleared.
     *
     * @param stateDict the map, e.g. from {@code StateDict.load}
     * @throws IllegalArgumentException if an entry's name is unknown, its parameter index is out of range,
     *         a state tensor's shape differs from its parameter's, a hyperparameter is missing or invalid
     * @throws NullPointerException if {@code stateDict} is null
     */
    public final void loadStateDict(Map<String, Tensor> stateDict) {
        java.util.Objects.requireNonNull(stateDict, "stateDict must not be null");
        Map<Integer, Map<String, Tensor>> perParam = new TreeMap<>();
        Map<String, Double> hyper = new LinkedHashMap<>();
        Double steps = null;
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(STATE)) {
                int dot = key.indexOf('.', STATE.length());
                int index;
                try {
                    index = dot < 0 ? -1 : Integer.parseInt(key.substring(STATE.length(), dot));
                } catch (NumberFormatException ex) {
                    index = -1;
                }
                if (index < 0 || index >= params.size()) {
                    throw new IllegalArgumentException("optimizer state entry \"" + key + "\" does not name one of the "
                            + params.size() + " parameter(s)");
                }
                perParam.computeIfAbsent(index, k -> new LinkedHashMap<>()).put(key.substring(dot + 1), e.getValue());
            } else if (key.startsWith(GROUP)) {
                hyper.put(key.substring(GROUP.length()), e.getValue().item());
            } else if (key.equals("step_count")) {
                steps = e.getValue().item();
            } else {
                throw new IllegalArgumentException("unexpected entry \"" + key + "\" in an optimizer state dict");
            }
        }
        Double newLr = hyper.remove("lr");
        if (newLr == null) {
            throw new IllegalArgumentException("optimizer state dict has no \"param_groups.0.lr\"");
        }
        checkLr(newLr);
        Map<Tensor, Object> restored = new IdentityHashMap<>();
        try (var g = Autograd.noGrad()) {
            for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) {
                Tensor p = params.get(e.getKey());
                Map<String, Tensor> local = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> t : e.getValue().entrySet()) {
                    Tensor v = t.getValue();
                    if (v.dim() > 0 && !v.shape().equals(p.shape())) {
                        throw new IllegalArgumentException("optimizer state \"state." + e.getKey() + "." + t.getKey()
                                + "\" has shape " + v.shape() + " but parameter " + e.getKey() + " has shape "
                                + p.shape());
                    }
                    Tensor moved = v.dim() == 0 ? v : v.detach().to(p.device()).to(p.dtype()).copy();
                    local.put(t.getKey(), v.dim() == 0 ? v : MemoryScope.escape(moved));
                }
                restored.put(p, loadParamState(p, local));
            }
        }
        loadHyperparameters(hyper);
        if (!hyper.isEmpty()) {
            throw new IllegalArgumentException("unexpected hyperparameters " + hyper.keySet() + " in a state dict for "
                    + getClass().getSimpleName());
        }
        state.clear();
        state.putAll(restored);
        this.lr = newLr;
        this.stepCount = steps == null ? 0 : (long) (double) steps;
    }

    /**
     * Writes one parameter's state for {@link #stateDict()}: tensors of the parameter's shape, and counters as
     * 0-dimensional tensors (e.g. {@code step}). Optimizers that keep per-parameter state override it (the
     * default refuses, so that state is never silently dropped).
     *
     * @param paramState the object {@link #update} keeps for the parameter
     * @param out where to put the entries, by name (e.g. {@code exp_avg})
     * @throws UnsupportedOperationException if this optimizer does not support state dicts
     */
    protected void saveParamState(Object paramState, Map<String, Tensor> out) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support stateDict()");
    }

    /**
     * Rebuilds one parameter's state from the entries {@link #saveParamState} wrote; tensors of the
     * parameter's shape arrive already copied to its dtype and device and escaped from any scope.
     *
     * @param param the parameter
     * @param entries the entries by name
     * @return the state object {@link #update} expects for the parameter
     * @throws IllegalArgumentException if an entry is missing
     * @throws UnsupportedOperationException if this optimizer does not support state dicts
     */
    protected Object loadParamState(Tensor param, Map<String, Tensor> entries) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support loadStateDict()");
    }

    /**
     * Adds this optimizer's hyperparameters besides {@code lr} (PyTorch's names, booleans as 0 or 1) for
     * {@link #stateDict()}; the default adds none.
     *
     * @param out where to put them
     */
    protected void saveHyperparameters(Map<String, Double> out) {
    }

    /**
     * Restores the hyperparameters {@link #saveHyperparameters} wrote, taking each out of {@code in} (with
     * {@link #hyper}); whatever is left afterwards is reported as unexpected. The default takes none.
     *
     * @param in the hyperparameters besides {@code lr}, by name (modifiable)
     * @throws IllegalArgumentException if one is missing or invalid
     */
    protected void loadHyperparameters(Map<String, Double> in) {
    }

    /**
     * Reads a required entry of a parameter's state.
     *
     * @param entries the entries
     * @param name the entry's name
     * @return the tensor
     * @throws IllegalArgumentException if it is missing
     */
    protected static Tensor required(Map<String, Tensor> entries, String name) {
        Tensor t = entries.get(name);
        if (t == null) {
            throw new IllegalArgumentException("optimizer state dict lacks \"" + name + "\" for a parameter");
        }
        return t;
    }

    /**
     * Reads a required hyperparameter.
     *
     * @param in the hyperparameters
     * @param name its name
     * @return its value
     * @throws IllegalArgumentException if it is missing
     */
    protected static double hyper(Map<String, Double> in, String name) {
        Double v = in.remove(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state dict lacks \"param_groups.0." + name + "\"");
        }
        return v;
    }

    /**
     * A 0-dimensional float64 tensor on the CPU holding {@code value} exactly.
     *
     * @param value the value
     * @return a new tensor
     */
    protected static Tensor scalar64(double value) {
        return Tensor.full(Shape.of(), value, DType.FLOAT64, Device.cpu());
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
