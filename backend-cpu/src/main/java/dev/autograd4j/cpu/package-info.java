/**
 * The pure-Java CPU backend, an implementation of {@link dev.autograd4j.spi.Backend} found through
 * {@link java.util.ServiceLoader}: tensors are primitive arrays, kernels walk strided layouts (views
 * never copy), large work is split across cores, and matrix products use a packed, blocked GEMM, with
 * Vector API kernels when {@code --add-modules jdk.incubator.vector} is given and plain Java loops
 * otherwise. It is the default device and needs nothing beyond the JDK. Users reach it through
 * {@link dev.autograd4j.Tensor} and {@code Device.cpu()}; only {@link dev.autograd4j.cpu.CpuBackend} is
 * public, for the service registration.
 */
package dev.autograd4j.cpu;
