package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Children applied in order, each to the previous one's output, named {@code "0"}, {@code "1"}, ... as in
 * {@code torch.nn.Sequential} (so parameters are {@code "0.weight"}, {@code "2.bias"}, ...).
 *
 * <pre>{@code
 * var model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * }</pre>
 */
public class Sequential extends Module {
    private int size;

    /**
     * A sequence of {@code modules}, in order.
     *
     * @param modules the layers (none for an empty sequence, the identity)
     * @throws IllegalArgumentException if a module is null
     */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a module, like {@code Sequential.append}.
     *
     * @param module the layer to run last
     * @return this sequence
     * @throws IllegalArgumentException if {@code module} is null
     */
    public Sequential add(Module module) {
        registerModule(Integer.toString(size++), module);
        return this;
    }

    /**
     * The module at {@code index}, like {@code sequential[index]}.
     *
     * @param index the position; negative counts from the end
     * @return the module
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     *         ({@code index 3 is out of range for Sequential of size 3})
     */
    public Module get(int index) {
        return namedChildren().get(Integer.toString(checkIndex(index)));
    }

    /**
     * Replaces the module at {@code index} (e.g. a new head for fine-tuning), like
     * {@code sequential[index] = module}.
     *
     * @param index the position; negative counts from the end
     * @param module the new layer
     * @return the module that was there
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalArgumentException if {@code module} is null
     */
    public Module set(int index, Module module) {
        Module old = get(index);
        registerModule(Integer.toString(checkIndex(index)), module);
        return old;
    }

    /**
     * The number of modules, like {@code len(sequential)}.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    private int checkIndex(int index) {
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for Sequential of size " + size);
        }
        return i;
    }

    /**
     * Runs each module on the previous one's output.
     *
     * @param input the first module's input
     * @return the last module's output ({@code input} itself when empty)
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : children()) {
            x = m.forward(x);
        }
        return x;
    }
}
