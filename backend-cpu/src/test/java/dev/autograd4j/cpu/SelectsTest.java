package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.CounterRandom;
import dev.autograd4j.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Selects}: {@code where} on float32 rows of every stride pattern (vector and plain paths, odd lengths) moves
 * the chosen bits exactly (NaN payloads, signed zeros); the typed comparisons give Java's operators (NaN compares
 * false, -0 equals 0); the float32 uniform draws are the counter generator's, on any number of threads.
 */
class SelectsTest {
    private static final CpuBackend CPU = new CpuBackend();
    private static final float[] SPECIAL = {Float.NaN, Float.intBitsToFloat(0x7fc01234), 0f, -0f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 1f, -1f, 0.5f};

    private static float[] values(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 3 == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextGaussian();
        }
        return a;
    }

    @Test
    void whereMovesTheChosenBitsForEveryStridePattern() {
        Random rnd = new Random(11);
        int[][] strides = {{1, 1, 1, 1}, {1, 0, 0, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {2, 1, 1, 1}, {1, 2, 0, 1},
            {1, 1, 1, 2}, {0, 1, 1, 1}, {3, 0, 2, 1}};
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 63, 64, 100, 1031}) {
            for (int[] st : strides) {
                int ci = 2, xi = 5, yi = 1, oi = 3;
                boolean[] c = new boolean[ci + n * Math.max(1, st[0]) + 1];
                for (int i = 0; i < c.length; i++) {
                    c[i] = rnd.nextBoolean();
                }
                float[] x = values(rnd, xi + n * st[1] + 1), y = values(rnd, yi + n * st[2] + 1);
                float[] o = new float[oi + n * st[3] + 1];
                Selects.where(c, ci, st[0], x, xi, st[1], y, yi, st[2], o, oi, st[3], n);
                for (int i = 0; i < n; i++) {
                    float want = c[ci + i * st[0]] ? x[xi + i * st[1]] : y[yi + i * st[2]];
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(o[oi + i * st[3]]),
                            "n " + n + " strides " + java.util.Arrays.toString(st) + " element " + i);
                }
            }
        }
    }

    @Test
    void comparisonsAreJavasOperators() {
        Random rnd = new Random(12);
        int n = 203;
        float[] x = values(rnd, n), y = values(rnd, n);
        double[] xd = new double[n], yd = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = x[i];
            yd[i] = y[i];
        }
        y[7] = x[7];
        yd[7] = xd[7];
        for (BinaryOp op : BinaryOp.values()) {
            if (!Selects.serves(op)) {
                continue;
            }
            for (int ys : new int[] {1, 0}) {
                boolean[] o = new boolean[n], od = new boolean[n];
                Selects.compare(op, x, 0, 1, y, 0, ys, o, 0, 1, n);
                Selects.compare(op, xd, 0, 1, yd, 0, ys, od, 0, 1, n);
                for (int i = 0; i < n; i++) {
                    boolean want = op.apply(x[i], y[i * ys]) != 0;
                    assertEquals(want, o[i], op + " float32 " + x[i] + ", " + y[i * ys]);
                    assertEquals(want, od[i], op + " float64 " + x[i] + ", " + y[i * ys]);
                }
            }
        }
    }

    @Test
    void uniformDrawsAreTheCounterGeneratorsOnAnyThreadCount() {
        int n = 100_003;
        Layout l = Layout.contiguous(new int[] {n});
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = CounterRandom.uniformFloat(42, 1000 + i);
        }
        CpuSettings settings = CpuBackend.settings();
        int before = settings.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                settings.setThreads(threads);
                CpuStorage out = CpuStorage.allocate(DType.FLOAT32, n);
                CPU.random(false, out, l, 42, 1000);
                assertArrayEquals(want, out.f(), 0f, threads + " threads");
            }
        } finally {
            settings.setThreads(before);
        }
    }

    /**
     * Seed 7's draw at counter 56,354,554 is 0.99999998292..., which rounds to 1.0f: a float32 draw stays below 1
     * (torch.rand's [0, 1); dropout keeps an element when its draw is at least p, so 1.0f would be wrong too).
     */
    @Test
    void float32DrawsStayBelowOne() {
        long counter = 56_354_554L;
        assertEquals(1f, (float) CounterRandom.uniform(7, counter), "the test's premise: this draw rounds up");
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, 3);
        CPU.random(false, out, Layout.contiguous(new int[] {3}), 7, counter - 1);
        assertEquals(Math.nextDown(1f), out.f()[1]);
        assertEquals((float) CounterRandom.uniform(7, counter - 1), out.f()[0]);
        assertEquals(Math.nextDown(1f), CounterRandom.uniformFloat(7, counter));
    }
}
