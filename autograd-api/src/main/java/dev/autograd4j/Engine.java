package dev.autograd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The backward pass: an iterative walk (deep graphs must not overflow the Java stack) that runs each
 * node once all gradients flowing into it have been summed, newest node first among ready ones.
 * In {@code backward} mode the leaves' {@code grad} accumulates; in {@code grad} mode the gradients
 * of the requested inputs are returned and no {@code grad} is touched.
 */
final class Engine {
    /** The final callbacks of the backward pass running in this thread (null outside one); see queueCallback. */
    private static final ThreadLocal<List<Runnable>> CALLBACKS = new ThreadLocal<>();

    private Engine() {
    }

    static void backward(Tensor root, Tensor gradient, boolean retainGraph, boolean createGraph) {
        run(new Tensor[] {root}, new Tensor[] {gradient}, retainGraph, createGraph, null, false);
    }

    /**
     * {@code torch.autograd.backward}: several roots; with {@code inputs} non-null only their {@code grad}
     * accumulates (non-leaves among them retain their gradient).
     */
    static void backward(Tensor[] roots, Tensor[] gradients, boolean retainGraph, boolean createGraph,
                         Tensor[] inputs) {
        if (inputs != null) {
            requireGrad(inputs);
            for (Tensor input : inputs) {
                input.retainGrad(); // a no-op on leaves, as PyTorch's run_backward does
            }
        }
        run(roots, gradients, retainGraph, createGraph, inputs, true);
    }

    private static void requireGrad(Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad()) {
                throw new IllegalArgumentException("One of the differentiated Tensors (input " + i
                        + ") does not require grad");
            }
        }
    }

    /** {@code torch.autograd.grad}: gradients of the outputs with respect to inputs, one per input. */
    static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                         boolean createGraph, boolean allowUnused) {
        requireGrad(inputs);
        Tensor[] result = run(outputs, gradOutputs == null ? new Tensor[outputs.length] : gradOutputs, retainGraph,
                createGraph, inputs, false);
        for (int i = 0; i < result.length; i++) {
            if (result[i] == null && !allowUnused) {
                throw new IllegalStateException("One of the differentiated Tensors (input " + i + ") appears to not "
                        + "have been used in the graph. Set allowUnused=true if this is the desired behavior.");
            }
        }
        return result;
    }

    private static Tensor rootGradient(int index, Tensor root, Tensor gradient) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("element " + index
                    + " of tensors does not require grad and does not have a grad_fn");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs");
            }
            return Tensor.full(root.shape(), 1.0, root.dtype(), root.device());
        }
        if (!Arrays.equals(gradient.shapeUnsafe(), root.shapeUnsafe())) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output[" + index + "] has a shape of torch.Size("
                    + gradient.shape() + ") and output[" + index + "] has a shape of torch.Size(" + root.shape() + ").");
        }
        if (!gradient.device().equals(root.device())) {
            throw new IllegalArgumentException("invalid gradient at index " + index + " - expected device "
                    + root.device() + " but got " + gradient.device());
        }
        return gradient.dtype() == root.dtype() ? gradient : gradient.to(root.dtype());
    }

    private static Node nodeOf(Tensor t) {
        return t.gradFn() != null ? t.gradFn() : t.gradAccumulator();
    }

    /**
     * Runs the graph from the roots. With {@code captured} null, leaves accumulate; otherwise only the nodes
     * leading to the captured tensors run, and the gradient reaching each captured tensor's node is returned
     * (null where none arrived) or, with {@code accumulate}, accumulated into the captured leaves (captured
     * non-leaves retain theirs through their retain-grad hook).
     */
    private static Tensor[] run(Tensor[] roots, Tensor[] gradients, boolean retainGraph, boolean createGraph,
                                Tensor[] captured, boolean accumulate) {
        Map<Node, Tensor> buffers = new IdentityHashMap<>();
        Node[] starts = new Node[roots.length];
        for (int i = 0; i < roots.length; i++) {
            Tensor g = rootGradient(i, roots[i], gradients[i]);
            starts[i] = nodeOf(roots[i]);
            Tensor previous = buffers.get(starts[i]);
            buffers.put(starts[i], previous == null ? g : previous.add(g));
        }
        Map<Node, Integer> captureIndex = new IdentityHashMap<>();
        if (captured != null) {
            for (int i = 0; i < captured.length; i++) {
                captureIndex.put(nodeOf(captured[i]), i);
            }
        }
        Tensor[] results = captured == null ? null : new Tensor[captured.length];
        Map<Node, int[]> dependencies = countDependencies(starts);
        // grad mode: only nodes with a requested input below them run (PyTorch's exec_info)
        java.util.Set<Node> needed = captured == null ? null : neededNodes(dependencies.keySet(), captureIndex.keySet());
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Long.compare(b.sequence, a.sequence));
        for (Node s : starts) {
            if (dependencies.get(s)[0] == 0 && !ready.contains(s)) {
                ready.add(s);
            }
        }
        boolean anomaly = Autograd.isAnomalyDetectionEnabled();
        List<Runnable> outerCallbacks = CALLBACKS.get();
        List<Runnable> callbacks = new ArrayList<>();
        CALLBACKS.set(callbacks);
        try {
            walk(ready, buffers, dependencies, needed, captureIndex, results, retainGraph, createGraph, accumulate,
                    captured, anomaly);
            // the pass's final callbacks, in the order queued (a callback may queue more), as exec_post_processing
            for (int i = 0; i < callbacks.size(); i++) {
                callbacks.get(i).run();
            }
        } finally {
            CALLBACKS.set(outerCallbacks);
        }
        return results;
    }

    /**
     * {@link Autograd#queueCallback}: adds a callback to the backward pass running in this thread.
     *
     * @throws IllegalStateException outside a backward pass
     */
    static void queueCallback(Runnable callback) {
        List<Runnable> callbacks = CALLBACKS.get();
        if (callbacks == null) {
            throw new IllegalStateException("Final callbacks can only be installed during backward pass.");
        }
        callbacks.add(callback);
    }

    private static void walk(PriorityQueue<Node> ready, Map<Node, Tensor> buffers, Map<Node, int[]> dependencies,
                             java.util.Set<Node> needed, Map<Node, Integer> captureIndex, Tensor[] results,
                             boolean retainGraph, boolean createGraph, boolean accumulate, Tensor[] captured,
                             boolean anomaly) {
        try (var mode = Autograd.setGradEnabled(createGraph)) {
            while (!ready.isEmpty()) {
                Node node = ready.poll();
                Tensor grad = buffers.remove(node);
                Integer capture = captureIndex.get(node);
                boolean run = needed == null || needed.contains(node);
                if (!run && capture == null) {
                    continue; // grad(): nothing requested lies below, so neither run nor free it (nor its hooks)
                }
                if (grad != null) {
                    grad = node.applyPreHooks(grad);
                }
                if (capture != null && grad != null && !accumulate) {
                    results[capture] = createGraph ? grad : grad.detach();
                }
                if (!run && !(accumulate && node.isAccumulator())) {
                    continue;
                }
                if (node.isAccumulator()) {
                    if (grad != null && (captured == null || accumulate)) {
                        accumulateGrad(node.leaf, grad, createGraph);
                        node.applyPostAccumulateHooks();
                    }
                    continue;
                }
                Tensor[] inputGrads = new Tensor[node.next.length];
                if (grad != null) {
                    Node.BackwardFormula formula = node.formulaOrThrow();
                    node.checkSavedVersions();
                    inputGrads = formula.apply(grad, node.needsInputGrad());
                    if (anomaly || node.forwardTrace != null) {
                        checkNan(node, inputGrads);
                    }
                }
                if (!retainGraph) {
                    node.release();
                }
                for (int i = 0; i < node.next.length; i++) {
                    Node next = node.next[i];
                    if (next == null) {
                        continue;
                    }
                    Tensor g = i < inputGrads.length ? inputGrads[i] : null;
                    if (g != null) {
                        g = validate(node, i, g);
                        Tensor previous = buffers.get(next);
                        buffers.put(next, previous == null ? g : previous.add(g));
                    }
                    if (--dependencies.get(next)[0] == 0) {
                        ready.add(next);
                    }
                }
            }
        }
    }

    /**
     * PyTorch's AccumulateGrad: adds a gradient into a leaf's {@code grad} under the leaf's lock, so backward
     * passes running in several threads into one leaf lose no update.
     */
    static void accumulateGrad(Tensor leaf, Tensor g, boolean createGraph) {
        if (!createGraph) {
            g = g.detach();
        }
        synchronized (leaf) {
            Tensor grad = leaf.gradUnsafe();
            if (grad == null) {
                // A private copy: the incoming gradient may be shared with other leaves or the caller.
                grad = createGraph ? g : g.contiguousCopy();
            } else if (createGraph || grad.requiresGrad()) {
                grad = createGraph ? grad.add(g) : addNoGrad(grad.detach(), g);
            } else {
                // in place, as PyTorch's AccumulateGrad does outside grad mode: no new memory per backward
                try (var noGrad = Autograd.noGrad()) {
                    grad.add_(g);
                }
            }
            leaf.gradUnsafe(grad);
        }
    }

    /** The retain-grad action ({@link Tensor#retainGrad()}): accumulates a detached copy under the tensor's lock. */
    static void retainGradient(Tensor t, Tensor g) {
        synchronized (t) {
            Tensor previous = t.gradUnsafe();
            t.gradUnsafe(previous == null ? g.detach().contiguousCopy() : addNoGrad(previous, g.detach()));
        }
    }

    private static Tensor addNoGrad(Tensor a, Tensor b) {
        try (var off = Autograd.noGrad()) {
            return a.add(b);
        }
    }

    /**
     * Anomaly mode: a gradient with NaN names the node and the forward call that made it. Infinite values pass,
     * as in PyTorch's engine.
     */
    private static void checkNan(Node node, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            Tensor g = grads[i];
            if (g == null || g.numel() == 0) {
                continue;
            }
            boolean hasNan;
            try (var off = Autograd.noGrad()) {
                hasNan = g.isnan().to(g.dtype()).sum().item() > 0;
            }
            if (hasNan) {
                IllegalStateException e = new IllegalStateException("Function '" + node.name()
                        + "' returned nan values in its " + i + "th output.");
                if (node.forwardTrace != null) {
                    e.initCause(node.forwardTrace);
                }
                throw e;
            }
        }
    }

    /** The nodes from which some captured node is reachable (strictly below), i.e. those grad() must run. */
    private static java.util.Set<Node> neededNodes(java.util.Set<Node> reachable, java.util.Set<Node> captured) {
        Map<Node, java.util.List<Node>> parents = new IdentityHashMap<>();
        for (Node n : reachable) {
            for (Node next : n.next) {
                if (next != null) {
                    parents.computeIfAbsent(next, k -> new java.util.ArrayList<>()).add(n);
                }
            }
        }
        java.util.Set<Node> needed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>(captured);
        while (!stack.isEmpty()) {
            for (Node parent : parents.getOrDefault(stack.pop(), java.util.List.of())) {
                if (needed.add(parent)) {
                    stack.push(parent);
                }
            }
        }
        return needed;
    }

    /** Counts, for each reachable node, the edges that point to it (iteratively). */
    private static Map<Node, int[]> countDependencies(Node[] starts) {
        Map<Node, int[]> deps = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node s : starts) {
            if (!deps.containsKey(s)) {
                deps.put(s, new int[] {0});
                stack.push(s);
            }
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            for (Node next : node.next) {
                if (next == null) {
                    continue;
                }
                int[] count = deps.get(next);
                if (count == null) {
                    deps.put(next, new int[] {1});
                    stack.push(next);
                } else {
                    count[0]++;
                }
            }
        }
        return deps;
    }

    /** True when {@code target} broadcasts to {@code shape}, so a gradient of shape can be summed back to it. */
    private static boolean isSummableTo(int[] shape, int[] target) {
        try {
            return Arrays.equals(Shape.broadcast(target, shape), shape);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** PyTorch's validate_outputs: the gradient must fit the input it flows to. */
    private static Tensor validate(Node node, int index, Tensor g) {
        int[] expected = node.inputShapes[index];
        if (!Arrays.equals(g.shapeUnsafe(), expected)) {
            if (!isSummableTo(g.shapeUnsafe(), expected)) {
                throw new IllegalStateException("Function " + node.name() + " returned an invalid gradient at index "
                        + index + " - got " + g.shape() + " but expected shape compatible with "
                        + Arrays.toString(expected));
            }
            g = g.sumToShape(expected);
        }
        if (!g.device().equals(node.inputDevices[index])) {
            throw new IllegalStateException("Function " + node.name() + " returned an invalid gradient at index "
                    + index + " - expected device " + node.inputDevices[index] + " but got " + g.device());
        }
        if (g.dtype() != node.inputDtypes[index]) {
            g = g.to(node.inputDtypes[index]);
        }
        return g;
    }
}
