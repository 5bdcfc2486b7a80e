package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Float sums (batch norm's statistics over N, H, W; whole tensors; rows) in the blocked lane order of
 * {@link Reductions}: the same bits at any thread count, and close to the exact sum.
 */
class ReductionsTest {
    private static final CpuBackend CPU = new CpuBackend();

    /** {shape..., -1, reduced dims...}. */
    private static final int[][] CASES = {
        {64, 16, 28, 28, -1, 0, 2, 3}, {64, 128, 7, 7, -1, 0, 2, 3}, {3, 100_003, -1, 1}, {200_000, -1, 0},
        {8, 33, 40, -1, 0, 2}, {5, 70_001, -1, 0, 1}, {4, 50, 3, -1, 1}, {6, 40_000, -1, 1}};

    private static double[] sum(DType dtype, int[] shape, int[] dims, Object data) {
        Layout walk = Layout.contiguous(shape).reducedDimsLast(dims);
        int[] outShape = Arrays.copyOf(walk.shape(), walk.rank() - dims.length);
        int outN = 1;
        for (int s : outShape) {
            outN *= s;
        }
        CpuStorage out = CpuStorage.allocate(dtype, outN);
        CPU.reduce(ReduceOp.SUM, new CpuStorage(dtype, data), walk, dims.length, out, Layout.contiguous(outShape),
                null, null);
        double[] r = new double[outN];
        for (int i = 0; i < outN; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    @Test
    void threadCountDoesNotChangeTheBitsAndSumsAreAccurate() {
        int before = CpuBackend.settings().threads();
        try {
            for (int[] c : CASES) {
                int split = 0;
                while (c[split] != -1) {
                    split++;
                }
                int[] shape = Arrays.copyOf(c, split), dims = Arrays.copyOfRange(c, split + 1, c.length);
                int n = 1;
                for (int s : shape) {
                    n *= s;
                }
                Random rnd = new Random(n);
                float[] f = new float[n];
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = f[i] = (float) (rnd.nextGaussian() + 0.5);
                }
                double[][] rf = new double[3][], rd = new double[3][];
                for (int t = 1; t <= 3; t++) {
                    CpuBackend.settings().setThreads(t);
                    rf[t - 1] = sum(DType.FLOAT32, shape, dims, f);
                    rd[t - 1] = sum(DType.FLOAT64, shape, dims, d);
                }
                String what = Arrays.toString(shape) + " over " + Arrays.toString(dims);
                for (int t = 1; t < 3; t++) {
                    assertTrue(Arrays.equals(rf[0], rf[t]), "float32 " + what + " with " + (t + 1) + " threads");
                    assertTrue(Arrays.equals(rd[0], rd[t]), "float64 " + what + " with " + (t + 1) + " threads");
                }
                // against a compensated sum of the same elements, in the order of a plain nested loop
                double[] exact = exact(shape, dims, d);
                assertEquals(exact.length, rd[0].length, what);
                for (int o = 0; o < exact.length; o++) {
                    assertEquals(exact[o], rd[0][o], 1e-9 * Math.max(1, Math.abs(exact[o])), what + " float64 " + o);
                    assertEquals((float) exact[o], rf[0][o], 1e-6 * Math.max(1, Math.abs(exact[o])),
                            what + " float32 " + o);
                }
            }
        } finally {
            CpuBackend.settings().setThreads(before);
        }
    }

    /** Kahan sums over the reduced dims, by output (the kept dims in order). */
    private static double[] exact(int[] shape, int[] dims, double[] x) {
        Layout walk = Layout.contiguous(shape).reducedDimsLast(dims);
        int kept = walk.rank() - dims.length, outN = 1, inN = 1;
        for (int i = 0; i < walk.rank(); i++) {
            if (i < kept) {
                outN *= walk.shape()[i];
            } else {
                inN *= walk.shape()[i];
            }
        }
        double[] sums = new double[outN], comp = new double[outN];
        int[] idx = new int[walk.rank()];
        for (int e = 0; e < outN * inN; e++) {
            int rem = e, off = walk.offset(), o = e / inN;
            for (int d = walk.rank() - 1; d >= 0; d--) {
                idx[d] = rem % walk.shape()[d];
                rem /= walk.shape()[d];
                off += idx[d] * walk.strides()[d];
            }
            double y = x[off] - comp[o], t = sums[o] + y;
            comp[o] = (t - sums[o]) - y;
            sums[o] = t;
        }
        return sums;
    }
}
