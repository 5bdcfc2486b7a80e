package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * A module's named slot for a learnable tensor. The slot holds a leaf {@link Tensor}; that tensor is
 * what {@link Module#parameters()} returns and what optimizers update in place. Moving a module with
 * {@link Module#to(dev.autograd4j.Device)} puts a new leaf into the slot, so build optimizers after moving.
 */
public final class Parameter {
    private final String name;
    private Tensor data;

    Parameter(String name, Tensor data) {
        if (data == null) {
            throw new IllegalArgumentException("parameter '" + name + "' must not be null");
        }
        if (!data.isLeaf()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor (got a result of "
                    + data.gradFn().name() + "); pass tensor.detach()");
        }
        this.name = name;
        this.data = data;
    }

    /** The parameter's name inside the module that registered it (e.g. {@code "weight"}). */
    public String name() {
        return name;
    }

    /** The current leaf tensor. */
    public Tensor data() {
        return data;
    }

    void replace(Tensor newData) {
        this.data = newData;
    }

    public boolean requiresGrad() {
        return data.requiresGrad();
    }

    @Override
    public String toString() {
        return "Parameter " + name + " " + data.shape() + " " + data.dtype() + (data.requiresGrad() ? "" : " (frozen)");
    }
}
