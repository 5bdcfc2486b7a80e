/**
 * Debugging tools that live beside the API, never on the hot path: gradient checking (analytic gradients
 * against finite differences, like {@code torch.autograd.gradcheck} and {@code gradgradcheck}), graph
 * export (the backward graph as Graphviz DOT, like torchviz's {@code make_dot}), and shadow mode (every
 * kernel on a non-CPU tensor also run on the CPU and compared, to find a wrong GPU kernel). They are built
 * on the public API of {@link dev.autograd4j}; ordinary ops pay nothing for them unless one is in use.
 */
package dev.autograd4j.debug;
