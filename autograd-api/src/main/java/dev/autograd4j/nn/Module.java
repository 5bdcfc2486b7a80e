package dev.autograd4j.nn;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every layer and model, like {@code torch.nn.Module}: it owns named {@link Parameter}s and
 * named child modules (registered in order with {@link #registerParameter} and {@link #registerModule}),
 * a training flag ({@link #train()} / {@link #eval()}), and a state dict of all parameters by dotted name
 * ({@code "0.weight"}, {@code "body.2.bias"}) that can be saved to and loaded from a file
 * ({@link #save(Path)}, {@link #load(Path)}; the format is described in {@link StateDict}).
 *
 * <p>Freezing: {@link #requiresGrad(boolean) requiresGrad(false)} on a module (or on a single parameter
 * tensor) makes its parameters receive no gradient; the backward pass does no work for them and
 * optimizers leave them untouched.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Applies the module to one input. Modules with other arities (losses) define their own forward. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-input forward");
    }

    // ------------------------------------------------------------------ registration

    /** Registers {@code tensor} (a leaf) as parameter {@code name}; it is made to require grad. */
    protected final Parameter registerParameter(String name, Tensor tensor) {
        checkName(name);
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists in " + getClass().getSimpleName());
        }
        Parameter p = new Parameter(name, tensor.requiresGrad(true));
        params.put(name, p);
        return p;
    }

    /** Registers (or, when the name exists, replaces) child module {@code name}; returns the module. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) {
            throw new IllegalArgumentException("module '" + name + "' must not be null");
        }
        if (params.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists as a parameter");
        }
        children.put(name, module);
        return module;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module and parameter names must be non-empty and contain no '.', got '"
                    + name + "'");
        }
    }

    // ------------------------------------------------------------------ traversal

    /** Every parameter tensor of this module and its descendants (frozen ones included), in registration order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The parameter tensors that require grad: what to hand an optimizer when fine-tuning part of a model. */
    public final List<Tensor> trainableParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : parameters()) {
            if (t.requiresGrad()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Parameters by dotted name ({@code "0.weight"}), in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        for (Parameter p : params.values()) {
            out.put(prefix + p.name(), p.data());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    /** The parameters this module registered itself (not its children's). */
    public final Map<String, Parameter> ownParameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** Direct children by name. */
    public final Map<String, Module> namedChildren() {
        return java.util.Collections.unmodifiableMap(children);
    }

    public final List<Module> children() {
        return new ArrayList<>(children.values());
    }

    /** This module and all descendants, depth first, by dotted name ({@code ""} for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(prefix + e.getKey() + ".", out);
        }
    }

    // ------------------------------------------------------------------ modes

    public Module train() {
        return train(true);
    }

    /** Sets training mode on this module and its descendants (affects {@link Dropout}). */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Freezes ({@code false}) or unfreezes every parameter of this module and its descendants. */
    public Module requiresGrad(boolean requires) {
        for (Tensor t : parameters()) {
            t.requiresGrad(requires);
        }
        return this;
    }

    /** Clears ({@code setToNone}) or zeroes the gradients of all parameters. */
    public void zeroGrad(boolean setToNone) {
        for (Tensor t : parameters()) {
            Tensor g = t.grad();
            if (g == null) {
                continue;
            }
            if (setToNone) {
                t.setGrad(null);
            } else {
                try (var s = Autograd.noGrad()) {
                    g.zero_();
                }
            }
        }
    }

    public void zeroGrad() {
        zeroGrad(true);
    }

    // ------------------------------------------------------------------ device and dtype

    /**
     * Moves every parameter (and its gradient) to {@code device}. Parameters on another device are
     * replaced by new leaf tensors with the same {@code requiresGrad}; create optimizers after moving.
     */
    public Module to(Device device) {
        return convert(t -> t.to(device));
    }

    /** Casts every floating-point parameter (and its gradient) to {@code dtype}, like {@code module.double()}. */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("nn.Module.to only accepts floating point dtypes, but got " + dtype);
        }
        return convert(t -> t.dtype().isFloatingPoint() ? t.to(dtype) : t);
    }

    private Module convert(java.util.function.UnaryOperator<Tensor> fn) {
        for (Module m : namedModules().values()) {
            for (Parameter p : m.params.values()) {
                Tensor old = p.data();
                Tensor moved;
                Tensor grad = old.grad();
                try (var g = Autograd.noGrad()) {
                    moved = fn.apply(old.detach());
                    if (grad != null) {
                        grad = fn.apply(grad);
                    }
                }
                if (moved.device().equals(old.device()) && moved.dtype() == old.dtype()) {
                    continue;
                }
                moved.requiresGrad(old.requiresGrad());
                moved.setGrad(grad);
                p.replace(moved);
            }
        }
        return this;
    }

    // ------------------------------------------------------------------ state dict

    /** Every parameter by dotted name, detached (sharing storage with the parameters). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> out.put(k, v.detach()));
        return out;
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies {@code state}'s tensors into the parameters of the same name, in place (the parameter
     * tensors stay the same objects, so existing optimizers keep working; values are cast and moved to
     * each parameter's dtype and device). Shapes must match. With {@code strict}, the names must match
     * exactly too. On any error nothing is copied and the exception lists every missing, unexpected and
     * mis-shaped entry, in PyTorch's wording.
     *
     * @return the missing and unexpected keys (both empty after a successful strict load)
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!src.shape().equals(e.getValue().shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + src.shape()
                        + " from checkpoint, the shape in current model is " + e.getValue().shape() + ".");
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        List<String> report = new ArrayList<>();
        if (strict && !unexpected.isEmpty()) {
            report.add("Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        }
        if (strict && !missing.isEmpty()) {
            report.add("Missing key(s) in state_dict: " + quoted(missing) + ".");
        }
        report.addAll(errors);
        if (!report.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName()
                    + ":\n\t" + String.join("\n\t", report));
        }
        try (var g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) {
                    e.getValue().copy_(src.detach());
                }
            }
        }
        return new LoadResult(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(k).append('"');
        }
        return sb.toString();
    }

    /** Keys that did not line up in a non-strict {@link #loadStateDict(Map, boolean)}. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /** Writes {@link #stateDict()} to {@code file} in the {@link StateDict} format. */
    public void save(Path file) throws IOException {
        StateDict.save(stateDict(), file);
    }

    /** Reads a {@link StateDict} file and loads it strictly into this module. */
    public void load(Path file) throws IOException {
        try {
            loadStateDict(StateDict.load(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ printing

    /** The one-line description inside the parentheses, e.g. {@code in_features=4, out_features=2, bias=true}. */
    protected String extraRepr() {
        return "";
    }

    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) {
            return name + "(" + extraRepr() + ")";
        }
        StringBuilder sb = new StringBuilder(name).append("(");
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            sb.append("\n  ").append(extra);
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            String child = e.getValue().toString().replace("\n", "\n  ");
            sb.append("\n  (").append(e.getKey()).append("): ").append(child);
        }
        return sb.append("\n)").toString();
    }

    static String shapeString(int[] dims) {
        return Arrays.toString(dims);
    }
}
