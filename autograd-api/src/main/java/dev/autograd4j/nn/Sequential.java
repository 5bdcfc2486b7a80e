package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * Children applied in order, named {@code "0"}, {@code "1"}, ... as in {@code torch.nn.Sequential}
 * (so parameters are {@code "0.weight"}, {@code "2.bias"}, ...).
 */
public class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module; returns this. */
    public Sequential add(Module module) {
        registerModule(Integer.toString(size++), module);
        return this;
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        return namedChildren().get(Integer.toString(checkIndex(index)));
    }

    /** Replaces the module at {@code index} (e.g. a new head for fine-tuning); returns the old one. */
    public Module set(int index, Module module) {
        Module old = get(index);
        registerModule(Integer.toString(checkIndex(index)), module);
        return old;
    }

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

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : children()) {
            x = m.forward(x);
        }
        return x;
    }
}
