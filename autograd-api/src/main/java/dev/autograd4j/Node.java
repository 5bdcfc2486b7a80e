package dev.autograd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A recorded operation in the backward graph: a tensor's {@code gradFn}. It keeps the edges to the
 * nodes of its inputs, what each input looks like (to check the gradients flowing to it), and the
 * backward formula, which is dropped once used unless the graph is retained.
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
    private BackwardFormula formula;
    /** The leaf this node accumulates into; null for operation nodes. */
    final Tensor leaf;
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

    static Node operation(String name, Tensor[] inputs, BackwardFormula formula) {
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
        return new Node(name, next, shapes, dtypes, devices, formula, null);
    }

    static Node accumulator(Tensor leaf) {
        return new Node("AccumulateGrad", new Node[0], new int[0][], new DType[0], new Device[0], null, leaf);
    }

    /** PyTorch's name for this node, e.g. {@code AddBackward0}. */
    public String name() {
        return name;
    }

    /** The nodes this one sends gradients to (null entries for inputs that need none), like {@code next_functions}. */
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
        if (formula == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access "
                    + "saved tensors after they have already been freed). Saved intermediate values of the graph are "
                    + "freed when you call .backward() or autograd.grad(). Specify retainGraph=true if you need to "
                    + "backward through the graph a second time or if you need to access saved tensors after calling "
                    + "backward.");
        }
        return formula;
    }

    /** Frees the formula and, with it, the tensors it saved. */
    void release() {
        formula = null;
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
