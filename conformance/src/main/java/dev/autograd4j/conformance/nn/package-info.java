/** Conformance tests of {@code nn} and {@code optim}: modules, state dicts, optimizers, fine-tuning. */
package dev.autograd4j.conformance.nn;
