package dev.autograd4j.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Blocks with stealing for memory-bound elementwise kernels: [0, n) is cut into blocks of {@link #BLOCK} elements,
 * each thread of a {@link Parallel#forRange} call owns a contiguous share of them and streams it in order (as the
 * fixed halves before), and a thread done with its share takes the free blocks of the others. With a fixed half
 * each, a worker woken late (tens of microseconds on a virtual machine) or descheduled by another process kept the
 * caller waiting for its whole half; here the caller takes over the blocks the worker has not reached, so the call
 * ends at most one block after the slower thread.
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
    /** Ints between two threads' cursors: one cache line each (16 ints of 4 bytes). */
    private static final int PAD = 16;

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
        // thread t owns the blocks [start(t), start(t + 1)) and streams them in order from its own cursor (with a
        // fixed half each, as before, when all threads run from the start); a thread done with its own blocks takes
        // the next free blocks of the others through their cursors
        AtomicIntegerArray cursors = new AtomicIntegerArray(threads * PAD);
        for (int t = 1; t < threads; t++) {
            cursors.set(t * PAD, start(t, blocks, threads));
        }
        AtomicInteger inBlocks = new AtomicInteger();
        // one item per thread, each costed as the whole range, so forRange never runs it inline for its size
        Parallel.forRange(threads, Math.max(n, INLINE), (first, last) -> {
            inBlocks.incrementAndGet();
            try {
                for (int k = 0; k < threads; k++) {
                    int owner = (first + k) % threads, end = start(owner + 1, blocks, threads);
                    for (int b = cursors.getAndIncrement(owner * PAD); b < end;
                         b = cursors.getAndIncrement(owner * PAD)) {
                        int from = b * block;
                        body.run(from, Math.min(n, from + block));
                    }
                }
            } finally {
                inBlocks.decrementAndGet();
            }
            awaitOthers(inBlocks);
        });
    }

    /** The first block of thread t's share (t = threads: the end). */
    private static int start(int t, int blocks, int threads) {
        return (int) ((long) t * blocks / threads);
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
