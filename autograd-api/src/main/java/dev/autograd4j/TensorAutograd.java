package dev.autograd4j;

import java.util.function.UnaryOperator;

/**
 * The autograd entry points of {@link Tensor} that act on the graph rather than on the tensor's own state:
 * {@code backward}, tensor hooks and {@code detach_()}. The state itself (requiresGrad, grad, gradFn,
 * retainGrad) lives in {@link Tensor}; the walk is {@code Engine}'s. Only {@code Tensor} implements it.
 */
public sealed interface TensorAutograd permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /** Computes the gradient of this scalar with respect to the graph's leaves, like {@code loss.backward()}. */
    default void backward() {
        Engine.backward(self(), null, false, false);
    }

    /**
     * Backward with an explicit gradient of this tensor (needed for non-scalars).
     *
     * @param gradient the gradient of some scalar with respect to this tensor, of its shape
     */
    default void backward(Tensor gradient) {
        Engine.backward(self(), gradient, false, false);
    }

    /**
     * Backward that may keep the graph for another pass.
     *
     * @param gradient this tensor's gradient, or null for a scalar
     * @param retainGraph keep the saved tensors so backward can run through the graph again
     */
    default void backward(Tensor gradient, boolean retainGraph) {
        Engine.backward(self(), gradient, retainGraph, false);
    }

    /**
     * Backward that can record itself, for higher-order gradients.
     *
     * @param gradient this tensor's gradient, or null for a scalar
     * @param retainGraph keep the graph for another pass (PyTorch's default is {@code createGraph}); false frees
     *     the graph walked even with {@code createGraph}, as in PyTorch
     * @param createGraph record the backward pass, so the gradients can be differentiated again
     */
    default void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(self(), gradient, retainGraph, createGraph);
    }

    /**
     * Registers a hook called with this tensor's gradient each time it is computed, like
     * {@code tensor.register_hook}. A hook may replace the values, not the shape, dtype or device (PyTorch's
     * "hook 'hook' has changed the size of value"). Hooks may be registered while other threads run backward.
     *
     * @param hook returns a replacement gradient, or null to keep it
     * @return a handle whose {@code remove()} unregisters the hook
     * @throws IllegalStateException when this tensor does not require grad
     */
    default Autograd.HookHandle registerHook(UnaryOperator<Tensor> hook) {
        Tensor x = self();
        if (!x.requiresGrad()) {
            throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        }
        Node fn = x.gradFn();
        return (fn != null ? fn : x.gradAccumulator()).addPreHook(hook);
    }

    /**
     * Registers a hook called with this leaf after its {@code grad} has been accumulated in a backward pass, like
     * {@code torch.Tensor.register_post_accumulate_grad_hook}: the hook sees the summed {@code grad} (it runs once
     * per backward pass that reaches the leaf, after every path into it was added) and returns nothing. Optimizers
     * that step inside backward, and {@code DistributedDataParallel}, which starts communicating a bucket of
     * gradients as soon as its last gradient is ready, use it. Not called by {@link Autograd#grad}, which
     * accumulates nothing.
     *
     * @param hook called with this tensor
     * @return a handle whose {@code remove()} unregisters the hook
     * @throws IllegalStateException when this tensor is not a leaf or does not require grad
     */
    default Autograd.HookHandle registerPostAccumulateGradHook(java.util.function.Consumer<Tensor> hook) {
        Tensor x = self();
        java.util.Objects.requireNonNull(hook, "hook must not be null");
        if (!x.requiresGrad()) {
            throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        }
        if (x.gradFn() != null) {
            throw new IllegalStateException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        }
        return x.gradAccumulator().addPostAccumulateHook(hook);
    }

    /**
     * Detaches this tensor from the graph in place, like {@code tensor.detach_()}: it becomes a leaf that does
     * not require grad (its {@code grad} is kept).
     *
     * @return this tensor
     * @throws IllegalStateException on a view, which shares its history with its base (use
     *     {@link Tensor#detach()})
     */
    default Tensor detach_() {
        Tensor x = self();
        if (x.isView()) {
            throw new IllegalStateException("Can't detach views in-place. Use detach() instead. If you are using "
                    + "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, "
                    + "gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. "
                    + "To fix this error, please refer to the Optimizer.zero_grad() function in "
                    + "torch/optim/optimizer.py as the solution.");
        }
        x.detachState();
        return x;
    }
}
