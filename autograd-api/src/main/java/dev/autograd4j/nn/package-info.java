/**
 * Neural-network building blocks in the shape of {@code torch.nn}: {@link dev.autograd4j.nn.Module}
 * (parameters, children, train/eval, device moves, freezing, state dicts saved in the
 * {@link dev.autograd4j.nn.StateDict} format), layers ({@link dev.autograd4j.nn.Linear},
 * {@link dev.autograd4j.nn.Sequential}, activations, {@link dev.autograd4j.nn.Dropout},
 * {@link dev.autograd4j.nn.Flatten}) and loss modules ({@link dev.autograd4j.nn.Loss} and its
 * subclasses). Layers and losses are thin wrappers over {@link dev.autograd4j.Tensor} ops and
 * {@link dev.autograd4j.Functional}, so their gradients come from the same graph; feed
 * {@link dev.autograd4j.nn.Module#parameters()} to an optimizer from {@link dev.autograd4j.optim}.
 *
 * <p><b>Importing {@code Module}.</b> Every Java file implicitly imports {@code java.lang.*}, which has
 * a {@code java.lang.Module} since Java 9. After {@code import dev.autograd4j.nn.*;} a bare
 * {@code Module} is therefore ambiguous and fails to compile ("reference to Module is ambiguous"). Add
 * a single-type import, which takes precedence over both on-demand imports:
 *
 * <pre>{@code
 * import dev.autograd4j.nn.*;
 * import dev.autograd4j.nn.Module;
 * }</pre>
 *
 * The class keeps PyTorch's name on purpose.
 */
package dev.autograd4j.nn;
