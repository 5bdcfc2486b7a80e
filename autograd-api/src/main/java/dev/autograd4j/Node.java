package dev.autograd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A recorded operation in the backward graph: a tensor's {@code gradFn}, like PyTorch's
 * {@code torch.autograd.graph.Node}. It keeps the edges to the nodes of its inputs, what each input
 * looks like (to check the gradients flowing to it), and the backward formula, which is dropped once
 * used unless the graph is retained. Nodes are made by the library as ops run (and by
 * {@link CustomFunction#apply}); users only inspect them. Leaves that require grad get an
 * {@code AccumulateGrad} node, reached through {@link #nextFunctions()}.
 */
public final class Node {
    /** Computes the gradients of a node's inputs from the gradient of its output. */
    @FunctionalInterface
    interface BackwardFormula {
        /**
         * One entry per input, aligned with the node's inputs; null where none flows. Entries whose
         * {@code needsInputGrad} is false may be left null, so frozen inputs cost no backward work.
         */
        Tensor[] apply(Tensor gradOutput, boolean[] needsInputGrad);
    }

    private final String name;
    final Node[] next;
    final int[][] inputShapes;
    final DType[] inputDtypes;
    final Device[] inputDevices;
    private volatile BackwardFormula formula;
    /** Tensors the formula reads, the version each had when saved, and what made it (for messages). */
    private volatile Tensor[] saved;
    private int[] savedVersions;
    private String[] savedOrigins;
    /** The leaf this node accumulates into; null for operation nodes. */
    final Tensor leaf;
    /**
     * Tensor hooks: run on the gradient arriving here, before the formula (or the accumulation). Copy on
     * write, so a backward pass in one thread can read it while another thread registers a hook.
     */
    private volatile List<java.util.function.UnaryOperator<Tensor>> preHooks = List.of();
    /** The tensor that {@link Tensor#retainGrad()} made keep the gradient arriving here, after the hooks ran. */
    private volatile Tensor retainer;
    /** Where the forward call that made this node came from, recorded in anomaly mode. */
    Throwable forwardTrace;
    /** Sequence number: later nodes run first among ready ones, as PyTorch orders them. */
    final long sequence;
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private Node(String name, Node[] next, int[][] shapes, DType[] dtypes, Device[] devices, BackwardFormula formula,
                 Tensor leaf) {
        this.name = name;
        this.next = next;
        this.inputShapes = shapes;
        this.inputDtypes = dtypes;
        this.inputDevices = devices;
        this.formula = formula;
        this.leaf = leaf;
        this.sequence = SEQUENCE.incrementAndGet();
    }

    static Node operation(String name, Tensor[] inputs, Tensor[] saved, BackwardFormula formula) {
        int n = inputs.length;
        Node[] next = new Node[n];
        int[][] shapes = new int[n][];
        DType[] dtypes = new DType[n];
        Device[] devices = new Device[n];
        for (int i = 0; i < n; i++) {
            Tensor in = inputs[i];
            if (in == null || !in.requiresGrad()) {
                continue;
            }
            next[i] = in.gradFn() != null ? in.gradFn() : in.gradAccumulator();
            shapes[i] = in.shapeUnsafe();
            dtypes[i] = in.dtype();
            devices[i] = in.device();
        }
        Node node = new Node(name, next, shapes, dtypes, devices, formula, null);
        if (Autograd.isAnomalyDetectionEnabled()) {
            node.forwardTrace = new Throwable("Traceback of forward call that caused the error (" + name + ")");
        }
        int count = 0;
        for (Tensor t : saved) {
            if (t != null && t.isInference()) {
                throw new IllegalStateException("Inference tensors cannot be saved for backward. To work around you "
                        + "can make a clone to get a normal tensor and use it in autograd.");
            }
            count += t == null ? 0 : 1;
        }
        Tensor[] kept = new Tensor[count];
        node.savedVersions = new int[count];
        node.savedOrigins = new String[count];
        int i = 0;
        for (Tensor t : saved) {
            if (t != null) {
                kept[i] = t;
                node.savedVersions[i] = t.version();
                // a saved result has no gradFn yet: it is this node's output
                node.savedOrigins[i++] = t.gradFn() != null ? ", which is output 0 of " + t.gradFn().name() + ","
                        : t.isLeaf() && t.requiresGrad() ? "" : ", which is output 0 of " + name + ",";
            }
        }
        node.saved = kept;
        return node;
    }

    /** Adds a hook; the returned handle removes it. Safe while another thread runs a backward pass. */
    Autograd.HookHandle addPreHook(java.util.function.UnaryOperator<Tensor> hook) {
        synchronized (this) {
            List<java.util.function.UnaryOperator<Tensor>> added = new ArrayList<>(preHooks);
            added.add(hook);
            preHooks = List.copyOf(added);
        }
        return () -> {
            synchronized (this) {
                List<java.util.function.UnaryOperator<Tensor>> left = new ArrayList<>(preHooks);
                left.remove(hook);
                preHooks = List.copyOf(left);
            }
        };
    }

    /**
     * Post-accumulate-grad hooks of an {@code AccumulateGrad} node ({@link Tensor#registerPostAccumulateGradHook}),
     * run with the leaf after its {@code grad} has been accumulated. Copy on write, as the pre-hooks.
     */
    private volatile List<java.util.function.Consumer<Tensor>> postAccumulateHooks = List.of();

    /** Adds a post-accumulate-grad hook; the returned handle removes it. */
    Autograd.HookHandle addPostAccumulateHook(java.util.function.Consumer<Tensor> hook) {
        synchronized (this) {
            List<java.util.function.Consumer<Tensor>> added = new ArrayList<>(postAccumulateHooks);
            added.add(hook);
            postAccumulateHooks = List.copyOf(added);
        }
        return () -> {
            synchronized (this) {
                List<java.util.function.Consumer<Tensor>> left = new ArrayList<>(postAccumulateHooks);
                left.remove(hook);
                postAccumulateHooks = List.copyOf(left);
            }
        };
    }

    /** Runs the post-accumulate-grad hooks in registration order with the leaf whose grad was just accumulated. */
    void applyPostAccumulateHooks() {
        for (var hook : postAccumulateHooks) {
            hook.accept(leaf);
        }
    }

    /** Makes {@code tensor} (null: none) keep the gradient arriving here; see {@link Tensor#retainGrad()}. */
    void setRetainer(Tensor tensor) {
        retainer = tensor;
    }

    /**
     * Runs the hooks in order (a hook returning null keeps the gradient it was given), then records the
     * result in the retaining tensor's {@code grad}, as PyTorch runs retains_grad hooks after tensor hooks.
     *
     * @throws IllegalStateException when a hook changes the gradient's size, dtype or device
     */
    Tensor applyPreHooks(Tensor grad) {
        for (var hook : preHooks) {
            Tensor replaced = hook.apply(grad);
            if (replaced != null) {
                checkHookResult(grad, replaced);
                grad = replaced;
            }
        }
        Tensor keeper = retainer;
        if (keeper != null) {
            Engine.retainGradient(keeper, grad);
        }
        return grad;
    }

    /** PyTorch's check_variable_result: a hook may change the values of a gradient, nothing else. */
    private static void checkHookResult(Tensor original, Tensor result) {
        String hookName = "hook"; // Java lambdas have no __name__
        Device was = original.device();
        Device got = result.device();
        if (original.dtype() != result.dtype() || was.type() != got.type()) {
            throw new IllegalStateException("hook '" + hookName + "' has changed the type of value (was "
                    + typeString(original) + " got " + typeString(result) + ")");
        }
        if (!was.equals(got)) {
            throw new IllegalStateException("hook '" + hookName + "' has changed the device of value (was " + was
                    + " got " + got + ")");
        }
        if (!java.util.Arrays.equals(original.shapeUnsafe(), result.shapeUnsafe())) {
            throw new IllegalStateException("hook '" + hookName + "' has changed the size of value");
        }
    }

    /** ATen's {@code Tensor::toString()}: dispatch key and scalar type, e.g. {@code CPUFloatType}. */
    private static String typeString(Tensor t) {
        return (t.device().isCuda() ? "CUDA" : "CPU") + t.dtype().scalarTypeName() + "Type";
    }

    /**
     * The tensors this node saved for its backward formula, like PyTorch's {@code _saved_*} attributes.
     *
     * @return an unmodifiable list; empty for nodes that save nothing and once the graph is freed by a
     *         backward pass without {@code retainGraph}
     */
    public List<Tensor> savedTensors() {
        Tensor[] kept = saved;
        return kept == null ? List.of() : List.of(kept);
    }

    /**
     * The leaf an {@code AccumulateGrad} node accumulates into, like PyTorch's {@code variable} attribute.
     *
     * @return the leaf tensor, or null for operation nodes
     */
    public Tensor variable() {
        return leaf;
    }

    /** PyTorch's check that no saved tensor was modified in place since it was saved. */
    void checkSavedVersions() {
        Tensor[] kept = saved;
        if (kept == null) {
            return;
        }
        for (int i = 0; i < kept.length; i++) {
            int now = kept[i].version();
            if (now != savedVersions[i]) {
                Tensor t = kept[i];
                String type = (t.device().isCuda() ? "torch.cuda." : "torch.") + t.dtype().scalarTypeName() + "Tensor";
                throw new IllegalStateException("one of the variables needed for gradient computation has been "
                        + "modified by an inplace operation: [" + type + " " + t.shape() + "]" + savedOrigins[i]
                        + " is at version " + now + "; expected version " + savedVersions[i] + " instead. Hint: "
                        + "enable anomaly detection to find the operation that failed to compute its gradient.");
            }
        }
    }

    static Node accumulator(Tensor leaf) {
        return new Node("AccumulateGrad", new Node[0], new int[0][], new DType[0], new Device[0], null, leaf);
    }

    /**
     * PyTorch's name for this node, e.g. {@code AddBackward0}, {@code AccumulateGrad}, or
     * {@code MyExpBackward} for a {@link CustomFunction}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The nodes this one sends gradients to, one per input in input order, like PyTorch's
     * {@code next_functions}: the input's {@code gradFn}, its {@code AccumulateGrad} node if it is a leaf
     * that requires grad, or null where the input needs no gradient.
     *
     * @return an unmodifiable list (empty for {@code AccumulateGrad} nodes)
     */
    public List<Node> nextFunctions() {
        List<Node> out = new ArrayList<>(next.length);
        Collections.addAll(out, next);
        return Collections.unmodifiableList(out);
    }

    boolean isAccumulator() {
        return leaf != null;
    }

    boolean[] needsInputGrad() {
        boolean[] needs = new boolean[next.length];
        for (int i = 0; i < next.length; i++) {
            needs[i] = next[i] != null;
        }
        return needs;
    }

    BackwardFormula formulaOrThrow() {
        BackwardFormula f = formula;
        if (f == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access "
                    + "saved tensors after they have already been freed). Saved intermediate values of the graph are "
                    + "freed when you call .backward() or autograd.grad(). Specify retainGraph=true if you need to "
                    + "backward through the graph a second time or if you need to access saved tensors after calling "
                    + "backward.");
        }
        return f;
    }

    /**
     * Frees the formula and, with it, the tensors it saved, once a backward pass that does not retain the
     * graph has used it. As in PyTorch, a node that saved no tensor keeps its formula: walking it again
     * needs nothing that was freed.
     */
    void release() {
        Tensor[] kept = saved;
        if (kept != null && kept.length > 0) {
            formula = null;
            saved = null;
        }
    }

    /**
     * The name in angle brackets, as PyTorch prints {@code grad_fn=<AddBackward0>}.
     *
     * @return e.g. {@code <AddBackward0>}
     */
    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
