/** Conformance tests of autograd's features: hooks, custom functions, higher-order gradients, gradcheck itself. */
package dev.autograd4j.conformance.autograd;
