/**
 * The user-facing API, shaped like {@code torch} and {@code torch.autograd}: {@link dev.autograd4j.Tensor}
 * (creation, pointwise ops, reductions, views, linear algebra, each with its derivative), its element
 * types ({@link dev.autograd4j.DType}), sizes ({@link dev.autograd4j.Shape}) and devices
 * ({@link dev.autograd4j.Device}); grad mode, {@code backward} and {@code grad}
 * ({@link dev.autograd4j.Autograd}); the recorded graph ({@link dev.autograd4j.Node}) and user-defined
 * operations ({@link dev.autograd4j.CustomFunction}); losses and activations as functions
 * ({@link dev.autograd4j.Functional}, the counterpart of {@code torch.nn.functional}); seeded randomness
 * ({@link dev.autograd4j.Generator}); and deterministic release of device memory
 * ({@link dev.autograd4j.MemoryScope}).
 *
 * <p>Every op checks its arguments, runs a kernel through the {@link dev.autograd4j.spi} interface of the
 * tensor's backend, and records a {@link dev.autograd4j.Node} when grad mode is on and an input requires
 * grad. Backends ({@code backend-cpu}, {@code backend-cuda}) never see the graph. Layers and optimizers
 * built on this package live in {@link dev.autograd4j.nn} and {@link dev.autograd4j.optim}; debugging tools
 * in {@code dev.autograd4j.debug}.
 */
package dev.autograd4j;
