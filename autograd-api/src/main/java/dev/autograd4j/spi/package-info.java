/**
 * The backend service-provider interface: what a tensor engine implements to run autograd4j's ops on its
 * device. A backend implements {@link dev.autograd4j.spi.Backend} (allocation, host transfers, strided
 * copy, fill, the elementwise ops of {@link dev.autograd4j.spi.UnaryOp} and
 * {@link dev.autograd4j.spi.BinaryOp}, the reductions of {@link dev.autograd4j.spi.ReduceOp}, matrix
 * products, random numbers by {@link dev.autograd4j.spi.CounterRandom}'s formula) over its own
 * {@link dev.autograd4j.spi.Storage}, each compute method taking storage plus
 * {@link dev.autograd4j.spi.Layout} so views never copy, and registers it for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.autograd4j.spi.Backend}.
 *
 * <p>Backends know nothing of gradients: {@link dev.autograd4j} checks shapes, dtypes and devices, calls
 * the backend, and records the graph. Users do not need this package; it is for backend authors (the
 * built-in ones are {@code dev.autograd4j.cpu} and {@code dev.autograd4j.cuda}), who check their work
 * with the conformance suite.
 */
package dev.autograd4j.spi;
