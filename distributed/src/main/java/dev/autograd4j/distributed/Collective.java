package dev.autograd4j.distributed;

import dev.autograd4j.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A group of {@link #worldSize()} ranks that exchange tensors, as a {@code torch.distributed} process group.
 *
 * <p>Every rank must call the same collectives in the same order with tensors of the same shapes and dtypes;
 * a call returns on a rank once that rank's part is done. A rank that fails or vanishes makes the other ranks'
 * calls throw {@link CollectiveException} naming it, within the implementation's timeout, never hang.
 */
public interface Collective extends AutoCloseable {

    /**
     * This process's (or thread's) rank.
     *
     * @return a number in {@code [0, worldSize())}
     */
    int rank();

    /**
     * The number of ranks in the group.
     *
     * @return at least 1
     */
    int worldSize();

    /**
     * Reduces the tensors element-wise over all ranks, in place: afterwards every rank holds the same values.
     * The tensors are flattened into buckets, so many small tensors cost few messages.
     *
     * @param tensors contiguous tensors, the same shapes and dtypes on every rank
     * @param op sum or average
     * @throws CollectiveException when a rank fails, vanishes or disagrees on the shapes
     */
    void allReduce(List<Tensor> tensors, ReduceOp op);

    /**
     * Starts {@link #allReduce} and returns at once; the tensors must not be read, written or released (by a
     * {@link dev.autograd4j.MemoryScope}) until the future completes. Collectives still run in the order they were
     * started.
     *
     * @param tensors contiguous tensors, the same shapes and dtypes on every rank
     * @param op sum or average
     * @return completes when the tensors hold the reduced values, or exceptionally with a
     *     {@link CollectiveException}
     */
    default CompletableFuture<Void> allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        try {
            allReduce(tensors, op);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Copies rank {@code root}'s values into the tensors of every other rank, in place.
     *
     * @param tensors contiguous tensors, the same shapes and dtypes on every rank
     * @param root the rank whose values win
     * @throws CollectiveException when a rank fails, vanishes or disagrees on the shapes
     */
    void broadcast(List<Tensor> tensors, int root);

    /**
     * Returns once every rank has entered it.
     *
     * @throws CollectiveException when a rank fails or vanishes
     */
    void barrier();

    /**
     * Fails the group on behalf of this rank: every other rank's current or next collective throws a
     * {@link CollectiveException} that names this rank and carries {@code cause}'s message (and, in one JVM, the
     * cause itself); then this rank leaves the group as {@link #close()} does. Call it when the training code of
     * this rank throws, so the other ranks fail at once instead of waiting for the timeout. The default just
     * closes.
     *
     * @param cause why this rank gives up
     */
    default void abort(Throwable cause) {
        close();
    }

    /** Leaves the group and frees its sockets, threads or communicators; idempotent. */
    @Override
    void close();
}
