package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/**
 * A module's named slot for a learnable tensor, the counterpart of {@code torch.nn.Parameter} (which is a
 * tensor subclass; here the tensor is held, not extended). Made by {@link Module#registerParameter}.
 * The slot holds a leaf {@link Tensor}; that tensor is what {@link Module#parameters()} returns and what
 * optimizers update in place. Moving a module with {@link Module#to(dev.autograd4j.Device)} puts a new
 * leaf into the slot, so build optimizers after moving.
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

    /**
     * The parameter's name inside the module that registered it.
     *
     * @return e.g. {@code "weight"}
     */
    public String name() {
        return name;
    }

    /**
     * The tensor in the slot.
     *
     * @return the current leaf tensor
     */
    public Tensor data() {
        return data;
    }

    void replace(Tensor newData) {
        this.data = newData;
    }

    /**
     * Whether the parameter is trainable (not frozen).
     *
     * @return the current tensor's {@code requiresGrad}
     */
    public boolean requiresGrad() {
        return data.requiresGrad();
    }

    /**
     * A one-line description.
     *
     * @return e.g. {@code Parameter weight [2, 4] torch.float32}, with {@code (frozen)} when it needs no grad
     */
    @Override
    public String toString() {
        return "Parameter " + name + " " + data.shape() + " " + data.dtype() + (data.requiresGrad() ? "" : " (frozen)");
    }
}
