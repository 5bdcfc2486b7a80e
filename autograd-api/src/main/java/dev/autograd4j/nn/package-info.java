/**
 * Neural-network building blocks in the shape of {@code torch.nn}: {@link dev.autograd4j.nn.Module}
 * (parameters, children, train/eval, device moves, freezing, state dicts saved in the
 * {@link dev.autograd4j.nn.StateDict} format), layers ({@link dev.autograd4j.nn.Linear},
 * {@link dev.autograd4j.nn.Sequential}, activations, {@link dev.autograd4j.nn.Dropout},
 * {@link dev.autograd4j.nn.Flatten}) and loss modules over {@link dev.autograd4j.Functional}.
 */
package dev.autograd4j.nn;
