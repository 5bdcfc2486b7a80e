/**
 * The MNIST example: {@link dev.autograd4j.examples.mnist.MnistTraining} trains a multilayer perceptron
 * ({@link dev.autograd4j.nn.Sequential} of {@link dev.autograd4j.nn.Linear} and ReLU, cross-entropy,
 * {@link dev.autograd4j.optim.Adam} with a cosine schedule) on any device, reading the IDX files with
 * {@link dev.autograd4j.examples.mnist.Idx} and {@link dev.autograd4j.examples.mnist.MnistData} (plain or
 * gzip, or the copy bundled in this module) and writing the loss curve as CSV and SVG with
 * {@link dev.autograd4j.examples.mnist.LossCurve}.
 */
package dev.autograd4j.examples.mnist;
