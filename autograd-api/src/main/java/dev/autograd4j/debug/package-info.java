/**
 * Debugging tools that live beside the API, never on the hot path: {@link dev.autograd4j.debug.GradCheck}
 * (analytic gradients against finite differences, like {@code torch.autograd.gradcheck} and
 * {@code gradgradcheck}), {@link dev.autograd4j.debug.GraphViz} (the backward graph as Graphviz DOT, like
 * torchviz's {@code make_dot}) and {@link dev.autograd4j.debug.ShadowMode} (every kernel on a non-CPU tensor
 * also run on the CPU and compared, to find a wrong GPU kernel; it installs itself as a decorating backend
 * while open). They are built on the public API; nothing in {@code dev.autograd4j} depends on this package,
 * and ordinary ops pay nothing for them unless one is in use.
 */
package dev.autograd4j.debug;
