package dev.autograd4j.cpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Self-scheduled blocks for memory-bound elementwise kernels: [0, n) is cut into blocks of {@link #BLOCK} elements
 * and every thread of a {@link Parallel#forRange} call takes the next free block from a shared counter until none
 * is left. With a fixed half each, a worker woken late (tens of microseconds on a virtual machine) or descheduled by
 * another process kept the caller waiting for its whole half; here the caller takes the blocks the worker has not
 * reached, so the call ends at most one block after the slower thread arrives.
 *
 * <p>Which thread runs a block never changes a result: the blocks are the same for every thread count (multiples
 * of 64 elements, so of every vector length, and only the last one ends in a partial vector), and each element's
 * result depends on that element alone.
 */
final class Blocks {
    /** Elements per block: 64 KiB of float, 256 blocks for W4's 4M elements; a multiple of 64. */
    static final int BLOCK = 16_384;
    /** Below this many elements the call runs inline, as {@link Parallel#forRange}'s threshold for cost 1. */
    static final int INLINE = 32_768;
    /** The longest {@link #awaitOthers} spins: a few blocks' time, so a descheduled thread is not spun for. */
    private static final long SPIN_NANOS = 50_000;

    private Blocks() {
    }

    /**
     * Runs body over [0, n) in blocks of {@link #BLOCK} elements, shared among the threads of
     * {@link Parallel#forRange}; inline on the caller below {@link #INLINE} elements or with one thread.
     */
    static void run(int n, Parallel.RangeBody body) {
        if (n < INLINE) {
            body.run(0, n);
            return;
        }
        run(n, BLOCK, body);
    }

    /**
     * {@link #run(int, Parallel.RangeBody)} with a given block size (a multiple of 64; tests use small ones) and no
     * inline threshold: inline only with one thread or one block.
     */
    static void run(int n, int block, Parallel.RangeBody body) {
        int blocks = (int) (((long) n + block - 1) / block);
        int threads = Math.min(Parallel.threads(), blocks);
        if (threads < 2) {
            body.run(0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger(), inBlocks = new AtomicInteger();
        // one item per thread, each costed as the whole range, so forRange never runs it inline for its size
        Parallel.forRange(threads, Math.max(n, INLINE), (first, last) -> {
            inBlocks.incrementAndGet();
            try {
                for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                    int from = b * block;
                    body.run(from, Math.min(n, from + block));
                }
            } finally {
                inBlocks.decrementAndGet();
            }
            awaitOthers(inBlocks);
        });
    }

    /**
     * Spins while another thread still runs its last block (a few microseconds), at most {@link #SPIN_NANOS}: the
     * caller that finished first would otherwise park in {@link Parallel#forRange} and be woken by the worker, which
     * costs tens of microseconds on a virtual machine, as much as a tenth of W4's pass. A thread that has not
     * started yet (still being woken) is not waited for here.
     */
    private static void awaitOthers(AtomicInteger inBlocks) {
        if (inBlocks.get() == 0) {
            return;
        }
        long start = System.nanoTime();
        while (inBlocks.get() != 0 && System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
        }
    }
}
