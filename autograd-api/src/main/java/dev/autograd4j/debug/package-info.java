/**
 * Debugging tools that live beside the API, never on the hot path: {@link dev.autograd4j.debug.GradCheck}
 * (finite-difference gradient checks, {@code torch.autograd.gradcheck} and {@code gradgradcheck}) and
 * {@link dev.autograd4j.debug.GraphViz} (pictures of the backward graph, as torchviz's {@code make_dot}).
 * Nothing in {@code dev.autograd4j} depends on this package.
 */
package dev.autograd4j.debug;
