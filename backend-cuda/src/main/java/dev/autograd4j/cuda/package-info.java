/**
 * The CUDA backend, an implementation of {@link dev.autograd4j.spi.Backend} found through
 * {@link java.util.ServiceLoader}: JCuda's driver API with one context and one stream per device,
 * kernels loaded lazily from the PTX the {@code native} module builds, a caching device-memory allocator,
 * and matrix products through cuBLAS. Discovery is cheap and never throws: without a driver or a device
 * the backend says so in one log line and is simply not available. Users reach it through
 * {@link dev.autograd4j.Tensor} and {@code Device.cuda(0)}; the public types here are
 * {@link dev.autograd4j.cuda.CudaBackend} (for the service registration and memory statistics) and
 * {@link dev.autograd4j.cuda.CudaOutOfMemoryError}.
 */
package dev.autograd4j.cuda;
