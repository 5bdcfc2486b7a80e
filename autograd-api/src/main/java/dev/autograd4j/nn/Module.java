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
 * ({@code "0.weight"}, {@code "body.2.bias"}) and persistent buffers (non-parameter state such as
 * {@code BatchNorm}'s {@code running_mean}, registered with {@link #registerBuffer}) that can be saved to and loaded from a file
 * ({@link #save(Path)}, {@link #load(Path)}; the format is described in {@link StateDict}).
 *
 * <p>Freezing: {@link #requiresGrad(boolean) requiresGrad(false)} on a module (or on a single parameter
 * tensor) makes its parameters receive no gradient; the backward pass does no work for them and
 * optimizers leave them untouched.
 *
 * <p>A subclass registers its parameters and children in its constructor and overrides
 * {@link #forward(Tensor)}:
 *
 * <pre>{@code
 * class Mlp extends Module {
 *     private final Linear hidden = registerModule("hidden", new Linear(784, 128));
 *     private final Linear out = registerModule("out", new Linear(128, 10));
 *
 *     @Override
 *     public Tensor forward(Tensor x) {
 *         return out.forward(hidden.forward(x).relu());
 *     }
 * }
 * }</pre>
 *
 * <p>The name clashes with {@code java.lang.Module} (Java 9 and later), which every file imports
 * implicitly: after {@code import dev.autograd4j.nn.*;} a bare {@code Module} matches both on-demand
 * imports and fails to compile with "reference to Module is ambiguous". Import this class by name,
 * {@code import dev.autograd4j.nn.Module;} (a single-type import wins over on-demand ones, and may sit
 * beside {@code import dev.autograd4j.nn.*;}), or write {@code dev.autograd4j.nn.Module}. The name is
 * kept because it is PyTorch's.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final java.util.Set<String> nonPersistent = new java.util.HashSet<>();
    private boolean training = true;

    /** A module with no parameters or children, in training mode. */
    protected Module() {
    }

    /**
     * Applies the module to one input, like {@code Module.forward}; call it directly (there is no
     * {@code __call__}, so no forward hooks). Modules with other arities (losses) define their own
     * forward.
     *
     * @param input the input
     * @return the output
     * @throws UnsupportedOperationException unless a subclass overrides it
     *         ({@code MSELoss has no single-input forward})
     */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-input forward");
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers {@code tensor} as parameter {@code name}, like {@code Module.register_parameter} (or
     * assigning an {@code nn.Parameter}); the tensor is made to require grad.
     *
     * @param name a non-empty name without {@code '.'}, not yet used by a parameter or child
     * @param tensor a floating-point leaf tensor
     * @return the parameter's slot
     * @throws IllegalArgumentException if the name is invalid or taken
     *         ({@code attribute 'weight' already exists in Linear}), or {@code tensor} is null or not a leaf
     *         ({@code parameter 'w' must be a leaf tensor (got a result of MulBackward0); pass tensor.detach()})
     */
    protected final Parameter registerParameter(String name, Tensor tensor) {
        checkName(name);
        if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists in " + getClass().getSimpleName());
        }
        Parameter p = new Parameter(name, tensor.requiresGrad(true));
        params.put(name, p);
        return p;
    }

    /**
     * Registers child module {@code name}, or replaces the child of that name, like
     * {@code Module.add_module}. Children keep their registration order.
     *
     * @param <M> the module's type
     * @param name a non-empty name without {@code '.'}, not used by a parameter
     * @param module the child
     * @return {@code module}, so a field can be initialized in one line
     * @throws IllegalArgumentException if the name is invalid or is a parameter's, or {@code module} is null
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) {
            throw new IllegalArgumentException("module '" + name + "' must not be null");
        }
        if (params.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists as a parameter or buffer");
        }
        children.put(name, module);
        return module;
    }

    /**
     * {@link #registerBuffer(String, Tensor, boolean)} with {@code persistent = true}.
     *
     * @param name a non-empty name without {@code '.'}, not used by a parameter or child
     * @param tensor the buffer's value (any dtype), or null for a slot without a value
     * @return {@code tensor}
     * @throws IllegalArgumentException if the name is invalid or taken
     */
    protected final Tensor registerBuffer(String name, Tensor tensor) {
        return registerBuffer(name, tensor, true);
    }

    /**
     * Registers {@code tensor} as buffer {@code name}: state that is not a parameter (no gradient, not handed to
     * optimizers), such as running statistics, like {@code Module.register_buffer(name, tensor, persistent)}.
     * Buffers move with {@link #to(Device)} (floating ones are cast by {@link #to(DType)}); persistent ones are
     * part of the {@link #stateDict()}. Registering a name again replaces that buffer's value.
     *
     * @param name a non-empty name without {@code '.'}, not used by a parameter or child
     * @param tensor the buffer's value (any dtype; stored detached), or null for a slot without a value
     * @param persistent whether the buffer belongs to the state dict
     * @return the stored tensor
     * @throws IllegalArgumentException if the name is invalid or used by a parameter or child
     *         ({@code attribute 'weight' already exists in BatchNorm1d})
     */
    protected final Tensor registerBuffer(String name, Tensor tensor, boolean persistent) {
        checkName(name);
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists in " + getClass().getSimpleName());
        }
        Tensor value = tensor == null ? null : tensor.detach();
        buffers.put(name, value);
        if (persistent) {
            nonPersistent.remove(name);
        } else {
            nonPersistent.add(name);
        }
        return value;
    }

    /**
     * The current value of this module's buffer {@code name} (it is a new tensor after {@link #to(Device)}).
     *
     * @param name a buffer registered by this module
     * @return its tensor, or null if it was registered without a value
     * @throws IllegalArgumentException if there is no such buffer
     */
    protected final Tensor buffer(String name) {
        if (!buffers.containsKey(name)) {
            throw new IllegalArgumentException("'" + getClass().getSimpleName() + "' object has no buffer '" + name + "'");
        }
        return buffers.get(name);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module and parameter names must be non-empty and contain no '.', got '"
                    + name + "'");
        }
    }

    // ------------------------------------------------------------------ traversal

    /**
     * Every parameter tensor of this module and its descendants (frozen ones included), in registration
     * order, depth first, like {@code Module.parameters()}.
     *
     * @return a new list of the current leaf tensors
     */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The parameter tensors that require grad: what to hand an optimizer when fine-tuning part of a model.
     *
     * @return a new list, in {@link #parameters()} order
     */
    public final List<Tensor> trainableParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : parameters()) {
            if (t.requiresGrad()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Parameters by dotted name ({@code "0.weight"}), in registration order, like
     * {@code Module.named_parameters()}.
     *
     * @return a new map of the current leaf tensors
     */
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

    /**
     * Every buffer tensor of this module and its descendants (those without a value skipped), in
     * registration order, depth first, like {@code Module.buffers()}.
     *
     * @return a new list of the current buffer tensors
     */
    public final List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /**
     * Buffers by dotted name ({@code "0.running_mean"}), in registration order, like
     * {@code Module.named_buffers()}; persistent and non-persistent ones, those without a value skipped.
     *
     * @return a new map of the current buffer tensors
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().buffers.forEach((k, v) -> {
                if (v != null) {
                    out.put(prefix + k, v);
                }
            });
        }
        return out;
    }

    /**
     * The parameters this module registered itself (not its children's).
     *
     * @return an unmodifiable live view, by name
     */
    public final Map<String, Parameter> ownParameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /**
     * Direct children by name, in registration order, like {@code Module.named_children()}.
     *
     * @return an unmodifiable live view
     */
    public final Map<String, Module> namedChildren() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /**
     * Direct children in registration order, like {@code Module.children()}.
     *
     * @return a new list
     */
    public final List<Module> children() {
        return new ArrayList<>(children.values());
    }

    /**
     * This module and all descendants, depth first, by dotted name ({@code ""} for this one), like
     * {@code Module.named_modules()}.
     *
     * @return a new map
     */
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

    /**
     * Sets training mode on this module and its descendants, like {@code Module.train()}.
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Sets training ({@code true}) or evaluation mode on this module and its descendants, like
     * {@code Module.train(mode)}; it affects {@link Dropout}. Modules start in training mode.
     *
     * @param mode true for training
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /**
     * Sets evaluation mode on this module and its descendants, like {@code Module.eval()}; same as
     * {@code train(false)}. It does not turn off gradient recording: use {@code Autograd.noGrad()}.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode, like {@code Module.training}.
     *
     * @return true in training mode
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Freezes ({@code false}) or unfreezes every parameter of this module and its descendants, like
     * {@code Module.requires_grad_()}.
     *
     * @param requires whether the parameters should receive gradients
     * @return this module
     */
    public Module requiresGrad(boolean requires) {
        for (Tensor t : parameters()) {
            t.requiresGrad(requires);
        }
        return this;
    }

    /**
     * Clears or zeroes the gradients of every parameter, like {@code Module.zero_grad(set_to_none)}.
     *
     * @param setToNone true to set each {@code grad} to null, false to fill it with zeros in place
     */
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

    /** Sets every parameter's gradient to null, like {@code Module.zero_grad()} in PyTorch 2. */
    public void zeroGrad() {
        zeroGrad(true);
    }

    // ------------------------------------------------------------------ device and dtype

    /**
     * Moves every parameter (and its gradient) and every buffer to {@code device}, like {@code Module.to(device)}.
     * Parameters on another device are replaced by new leaf tensors with the same {@code requiresGrad};
     * create optimizers after moving.
     *
     * @param device the target device
     * @return this module
     */
    public Module to(Device device) {
        return convert(t -> t.to(device));
    }

    /**
     * Casts every floating-point parameter (and its gradient) and floating-point buffer to {@code dtype}, like
     * {@code Module.to(dtype)} or {@code module.double()}. Cast parameters are new leaf tensors, as with
     * {@link #to(Device)}; create optimizers after casting.
     *
     * @param dtype a floating-point dtype
     * @return this module
     * @throws IllegalArgumentException if {@code dtype} is not floating point
     *         ({@code nn.Module.to only accepts floating point dtypes, but got torch.int64})
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("nn.Module.to only accepts floating point dtypes, but got " + dtype);
        }
        return convert(t -> t.dtype().isFloatingPoint() ? t.to(dtype) : t);
    }

    private Module convert(java.util.function.UnaryOperator<Tensor> fn) {
        for (Module m : namedModules().values()) {
            for (Map.Entry<String, Tensor> b : m.buffers.entrySet()) {
                if (b.getValue() != null) {
                    try (var g = Autograd.noGrad()) {
                        b.setValue(fn.apply(b.getValue()));
                    }
                }
            }
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

    /**
     * Every parameter and persistent buffer by dotted name, like {@code Module.state_dict()}: per module its
     * parameters, then its buffers, then its children's entries.
     *
     * @return a new map of detached tensors sharing storage with the parameters and buffers
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (Parameter p : params.values()) {
            out.put(prefix + p.name(), p.data().detach());
        }
        for (Map.Entry<String, Tensor> b : buffers.entrySet()) {
            if (b.getValue() != null && !nonPersistent.contains(b.getKey())) {
                out.put(prefix + b.getKey(), b.getValue().detach());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectState(prefix + e.getKey() + ".", out);
        }
    }

    /**
     * {@link #loadStateDict(Map, boolean)} with {@code strict = true}.
     *
     * @param state tensors by dotted name
     * @throws IllegalArgumentException if a name or shape does not match
     */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies {@code state}'s tensors into the parameters and persistent buffers of the same name, in place (the parameter
     * tensors stay the same objects, so existing optimizers keep working; values are cast and moved to
     * each parameter's dtype and device). Shapes must match. With {@code strict}, the names must match
     * exactly too. On any error nothing is copied and the exception lists every missing, unexpected and
     * mis-shaped entry, in PyTorch's wording. Like {@code Module.load_state_dict}.
     *
     * @param state tensors by dotted name (any dtype and device)
     * @param strict whether missing and unexpected names are errors
     * @return the missing and unexpected keys (both empty after a successful strict load)
     * @throws IllegalArgumentException listing the problems
     *         ({@code Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias".})
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        collectState("", own);
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

    /**
     * Keys that did not line up in a non-strict {@link #loadStateDict(Map, boolean)}, like PyTorch's
     * {@code _IncompatibleKeys}.
     *
     * @param missingKeys parameters of the module that the state did not have
     * @param unexpectedKeys names in the state that the module has no parameter for
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /**
     * Writes {@link #stateDict()} to {@code file}, creating parent directories: in the safetensors format
     * when the file name ends with {@code .safetensors} (any case; like
     * {@code safetensors.torch.save_file(model.state_dict(), file)}), otherwise in the {@link StateDict}
     * format (like {@code torch.save(model.state_dict(), file)}, in another format).
     *
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing fails
     */
    public void save(Path file) throws IOException {
        if (SafeTensors.isSafetensorsPath(file)) {
            StateDict.saveSafetensors(stateDict(), file);
        } else {
            StateDict.save(stateDict(), file);
        }
    }

    /**
     * Reads a state dict file and loads it strictly into this module, like
     * {@code model.load_state_dict(torch.load(file))}: a safetensors file when the name ends with
     * {@code .safetensors} (any case; {@link StateDict#loadSafetensors}), otherwise a {@link StateDict} file.
     *
     * @param file a file written by {@link #save(Path)}, or a safetensors file from another program
     * @throws IOException if reading fails or the file is not in the format
     * @throws IllegalArgumentException if the names or shapes do not match (the message starts with the file)
     */
    public void load(Path file) throws IOException {
        try {
            loadStateDict(SafeTensors.isSafetensorsPath(file) ? StateDict.loadSafetensors(file)
                    : StateDict.load(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ printing

    /**
     * The one-line description inside the parentheses of {@link #toString()}, like
     * {@code Module.extra_repr}.
     *
     * @return e.g. {@code in_features=4, out_features=2, bias=true}; empty by default
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * The module tree as PyTorch prints it, e.g.
     * {@code Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=true)\n)}.
     *
     * @return the class name, {@link #extraRepr()} and the children, one per line
     */
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
