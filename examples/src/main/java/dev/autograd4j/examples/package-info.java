/**
 * Runnable programs built on the public API only: {@link dev.autograd4j.examples.Demo} (the README's
 * tutorial, the first thing to run) and {@link dev.autograd4j.examples.Benchmark} with its harness
 * {@link dev.autograd4j.examples.BenchmarkHarness} (timings of five workloads, as a table or JSON). The
 * MNIST training example is in {@link dev.autograd4j.examples.mnist}. Not part of the library: nothing
 * depends on this module.
 */
package dev.autograd4j.examples;
