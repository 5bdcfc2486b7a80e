package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.UnaryOp;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link Blocks}: every element exactly once, in whole blocks, at any thread count; and the float32 elementwise
 * kernels that use it give the same bits at 1, 2 and 3 threads, for odd sizes and operands at offsets.
 */
class BlocksTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static void withThreads(int threads, Runnable body) {
        int before = CpuSettings.GLOBAL.threads();
        try {
            CpuSettings.GLOBAL.setThreads(threads);
            body.run();
        } finally {
            CpuSettings.GLOBAL.setThreads(before);
        }
    }

    @Test
    void everyElementOnceInWholeBlocksAtAnyThreadCount() {
        for (int t = 1; t <= 3; t++) {
            int threads = t;
            for (int block : new int[] {64, 128, Blocks.BLOCK}) {
                for (int n : new int[] {0, 1, 63, 64, 65, 1000, 3 * 64 + 1, 40_000, 3 * Blocks.BLOCK + 17}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    int b = block, size = n;
                    withThreads(threads, () -> Blocks.run(size, b, (from, to) -> {
                        // with one thread (or one block) the whole range comes at once: every range starts and
                        // ends at block boundaries, the end of the last one excepted, so only it has a partial vector
                        assertEquals(0, from % b, "a range starts at a block boundary");
                        assertTrue(to == size || to % b == 0, "a range ends at a block boundary or at n");
                        assertTrue(threads == 1 || size <= b || to - from <= b, "one block at a time");
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    }));
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen.get(i), "element " + i + " of " + n + ", block " + block + ", "
                                + threads + " threads");
                    }
                }
            }
        }
    }

    @Test
    void aThreadDoneWithItsShareTakesTheBlocksOfASlowOne() {
        Thread caller = Thread.currentThread();
        int block = 64, blocks = 8, n = blocks * block;
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        boolean[] callerRanSecondShare = new boolean[1];
        withThreads(2, () -> Blocks.run(n, block, (from, to) -> {
            if (Thread.currentThread() != caller) {
                try {
                    Thread.sleep(20); // a worker descheduled or woken late
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (from >= n / 2) {
                callerRanSecondShare[0] = true;
            }
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        }));
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "element " + i);
        }
        assertTrue(callerRanSecondShare[0], "the caller took blocks of the slow worker's share");
    }

    @Test
    void smallRangesRunInlineOnTheCaller() {
        Thread caller = Thread.currentThread();
        withThreads(2, () -> Blocks.run(Blocks.INLINE - 1, (from, to) -> {
            assertEquals(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(Blocks.INLINE - 1, to);
        }));
    }

    @Test
    void aFailingBlockReachesTheCaller() {
        withThreads(2, () -> {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Blocks.run(10 * Blocks.BLOCK, (from, to) -> {
                        if (from == 5 * Blocks.BLOCK) {
                            throw new IllegalStateException("block 5");
                        }
                    }));
            assertTrue(e.getMessage().contains("block 5"), e.getMessage());
        });
    }

    private static float[] gaussian(int n, long seed, float scale) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * scale;
        }
        return x;
    }

    /** out[oOff..] = op(a[aOff..], b[bOff..]) over n elements through the backend (contiguous at offsets). */
    private static float[] binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, int oOff, int n) {
        float[] out = new float[oOff + n];
        java.util.Arrays.fill(out, Float.NaN);
        int[] shape = {n};
        int[] strides = {1};
        CPU.binary(op, new CpuStorage(DType.FLOAT32, a), new Layout(shape, strides, aOff),
                new CpuStorage(DType.FLOAT32, b), new Layout(shape, strides, bOff), new CpuStorage(DType.FLOAT32, out),
                new Layout(shape, strides, oOff));
        return out;
    }

    private static float[] unary(UnaryOp op, float[] x, int xOff, int oOff, int n) {
        float[] out = new float[oOff + n];
        java.util.Arrays.fill(out, Float.NaN);
        int[] shape = {n};
        int[] strides = {1};
        CPU.unary(op, new CpuStorage(DType.FLOAT32, x), new Layout(shape, strides, xOff),
                new CpuStorage(DType.FLOAT32, out), new Layout(shape, strides, oOff), 0, 0);
        return out;
    }

    @Test
    void binaryOpsGiveTheScalarBitsAtOffsetsAndAnyThreadCount() {
        int n = 3 * Blocks.BLOCK + 1_001; // several blocks, the last one partial and ending in a partial vector
        float[] a = gaussian(n + 7, 1, 3), b = gaussian(n + 5, 2, 3);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
            for (int threads = 1; threads <= 3; threads++) {
                float[][] got = new float[1][];
                withThreads(threads, () -> got[0] = binary(op, a, 7, b, 5, 3, n));
                for (int i = 0; i < 3; i++) {
                    assertTrue(Float.isNaN(got[0][i]), "nothing written before the output's offset");
                }
                for (int i = 0; i < n; i++) {
                    float expected = (float) op.apply(a[7 + i], b[5 + i]);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got[0][3 + i]),
                            op + " element " + i + ", " + threads + " threads");
                }
            }
        }
    }

    @Test
    void unaryOpsGiveTheSameBitsAtOffsetsAndAnyThreadCount() {
        for (int n : new int[] {Blocks.INLINE + 1, 2 * Blocks.BLOCK + 63, 5 * Blocks.BLOCK + 1}) {
            float[] x = gaussian(n + 9, n, 20);
            for (UnaryOp op : new UnaryOp[] {UnaryOp.SIGMOID, UnaryOp.EXP, UnaryOp.RELU, UnaryOp.NEG}) {
                float[][] one = new float[1][];
                withThreads(1, () -> one[0] = unary(op, x, 9, 2, n));
                for (int threads = 2; threads <= 3; threads++) {
                    float[][] got = new float[1][];
                    withThreads(threads, () -> got[0] = unary(op, x, 9, 2, n));
                    assertArrayEquals(one[0], got[0], op + " n=" + n + ", " + threads + " threads");
                }
                // the same values as at offset 0: no element depends on where its block starts in the array
                float[][] plain = new float[1][];
                float[] shifted = java.util.Arrays.copyOfRange(x, 9, 9 + n);
                withThreads(2, () -> plain[0] = unary(op, shifted, 0, 0, n));
                assertArrayEquals(plain[0], java.util.Arrays.copyOfRange(one[0], 2, 2 + n), op + " n=" + n);
            }
        }
    }
}
