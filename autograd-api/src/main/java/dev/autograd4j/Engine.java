package dev.autograd4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The backward pass: an iterative walk (deep graphs must not overflow the Java stack) that runs each
 * node once all gradients flowing into it have been summed, newest node first among ready ones.
 */
final class Engine {
    private Engine() {
    }

    static void backward(Tensor root, Tensor gradient, boolean retainGraph, boolean createGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs");
            }
            gradient = Tensor.full(root.shape(), 1.0, root.dtype(), root.device());
        } else {
            if (!Arrays.equals(gradient.shapeUnsafe(), root.shapeUnsafe())) {
                throw new IllegalArgumentException("Mismatch in shape: grad_output[0] has a shape of torch.Size("
                        + gradient.shape() + ") and output[0] has a shape of torch.Size(" + root.shape() + ").");
            }
            if (!gradient.device().equals(root.device())) {
                throw new IllegalArgumentException("invalid gradient at index 0 - expected device " + root.device()
                        + " but got " + gradient.device());
            }
            if (gradient.dtype() != root.dtype()) {
                gradient = gradient.to(root.dtype());
            }
        }
        Node start = root.gradFn() != null ? root.gradFn() : root.gradAccumulator();
        run(start, gradient, retainGraph, createGraph);
    }

    private static void run(Node start, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Map<Node, int[]> dependencies = countDependencies(start);
        Map<Node, Tensor> buffers = new IdentityHashMap<>();
        buffers.put(start, gradient);
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Long.compare(b.sequence, a.sequence));
        ready.add(start);
        try (var mode = Autograd.setGradEnabled(createGraph)) {
            while (!ready.isEmpty()) {
                Node node = ready.poll();
                Tensor grad = buffers.remove(node);
                if (node.isAccumulator()) {
                    if (grad != null) {
                        node.leaf.accumulateGrad(grad, createGraph);
                    }
                    continue;
                }
                Node.BackwardFormula formula = node.formulaOrThrow();
                node.checkSavedVersions();
                Tensor[] inputGrads = grad == null ? new Tensor[node.next.length] : formula.apply(grad, node.needsInputGrad());
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

    /** Counts, for each reachable node, the edges that point to it (iteratively). */
    private static Map<Node, int[]> countDependencies(Node start) {
        Map<Node, int[]> deps = new IdentityHashMap<>();
        deps.put(start, new int[] {0});
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(start);
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
