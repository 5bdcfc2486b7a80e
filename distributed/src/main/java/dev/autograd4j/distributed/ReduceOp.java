package dev.autograd4j.distributed;

/** How {@link Collective#allReduce} combines the ranks' values, as {@code torch.distributed.ReduceOp}. */
public enum ReduceOp {
    /** The element-wise sum over all ranks. */
    SUM,
    /** The element-wise sum divided by the world size (NCCL's and PyTorch's {@code AVG}). */
    AVG
}
