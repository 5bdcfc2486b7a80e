/**
 * A {@link dev.autograd4j.distributed.Collective} over NCCL for CUDA tensors:
 * {@link dev.autograd4j.distributed.nccl.NcclCollective}, through {@code org.bytedeco:cuda}. Optional and found
 * at run time: it needs the bytedeco JNI natives (classifier jars), the CUDA backend and {@code libnccl.so.2};
 * {@link dev.autograd4j.distributed.nccl.NcclCollective#isAvailable()} says whether they are there, and
 * {@link dev.autograd4j.distributed.nccl.NcclCollective#unavailableReason()} what is missing.
 */
package dev.autograd4j.distributed.nccl;
