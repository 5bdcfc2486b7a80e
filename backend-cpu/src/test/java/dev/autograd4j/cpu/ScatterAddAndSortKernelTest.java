package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU scatter-add and sort kernels on many threads give exactly (bit for bit) what one thread gives: threads
 * own disjoint output ranges of scatter-add, so every element is summed in index order; sort rows are independent.
 */
class ScatterAddAndSortKernelTest {

    private static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        CpuSettings settings = CpuBackend.settings();
        int before = settings.threads();
        settings.setThreads(threads);
        try {
            return body.get();
        } finally {
            settings.setThreads(before);
        }
    }

    /** out[index[i][c]][c] += src[i][c], float32, by a plain loop in index order. */
    private static float[] reference(float[] src, long[] index, boolean expanded, int rows, int cols, int size) {
        float[] out = new float[size * cols];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                int j = (int) index[expanded ? i : i * cols + c];
                out[j * cols + c] += src[i * cols + c];
            }
        }
        return out;
    }

    private static float[] scatter(float[] src, long[] index, boolean expanded, int rows, int cols, int size) {
        CpuStorage s = new CpuStorage(DType.FLOAT32, src.clone());
        CpuStorage ix = new CpuStorage(DType.INT64, index.clone());
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, size * cols);
        Layout indexLayout = expanded ? new Layout(new int[] {rows, cols}, new int[] {1, 0}, 0)
                : Layout.contiguous(new int[] {rows, cols});
        Indexing.scatterAdd(s, Layout.contiguous(new int[] {rows, cols}), 0, ix, indexLayout, out,
                Layout.contiguous(new int[] {size, cols}));
        return out.f();
    }

    @Test
    void scatterAddIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(1);
        int rows = 20000, cols = 16, size = 300;
        float[] src = new float[rows * cols];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) rnd.nextGaussian();
        }
        for (boolean expanded : new boolean[] {true, false}) {
            long[] index = new long[expanded ? rows : rows * cols];
            for (int i = 0; i < index.length; i++) {
                index[i] = rnd.nextInt(size);
            }
            float[] want = reference(src, index, expanded, rows, cols, size);
            for (int threads : new int[] {1, 2, 3, 8}) {
                float[] got = withThreads(threads, () -> scatter(src, index, expanded, rows, cols, size));
                assertArrayEquals(want, got, 0f, "threads " + threads + ", expanded index " + expanded);
            }
        }
    }

    @Test
    void gatherWithAnExpandedIndexCopiesRows() {
        Random rnd = new Random(3);
        int rows = 5000, cols = 7, size = 40;
        long[] table = new long[size * cols];
        for (int i = 0; i < table.length; i++) {
            table[i] = (1L << 60) + rnd.nextInt(); // beyond 2^53: copied exactly
        }
        long[] index = new long[rows];
        long[] full = new long[rows * cols];
        for (int i = 0; i < rows; i++) {
            index[i] = rnd.nextInt(size);
            java.util.Arrays.fill(full, i * cols, (i + 1) * cols, index[i]);
        }
        Layout out = Layout.contiguous(new int[] {rows, cols});
        for (Layout tl : new Layout[] {Layout.contiguous(new int[] {size, cols}),
            new Layout(new int[] {size, cols}, new int[] {1, size}, 0)}) { // a transposed view: strided rows
            CpuStorage t = new CpuStorage(DType.INT64, table);
            CpuStorage fast = CpuStorage.allocate(DType.INT64, rows * cols);
            CpuStorage plain = CpuStorage.allocate(DType.INT64, rows * cols);
            Indexing.gather(t, tl, 0, new CpuStorage(DType.INT64, index),
                    new Layout(new int[] {rows, cols}, new int[] {1, 0}, 0), fast, out);
            Indexing.gather(t, tl, 0, new CpuStorage(DType.INT64, full), out, plain, out);
            assertArrayEquals(plain.l(), fast.l());
        }
    }

    @Test
    void sortIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(2);
        int rows = 500, n = 200;
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(50);
        }
        Layout l = Layout.contiguous(new int[] {rows, n});
        long[] first = null;
        for (int threads : new int[] {1, 4}) {
            long[] idx = withThreads(threads, () -> {
                CpuStorage v = CpuStorage.allocate(DType.FLOAT64, rows * n);
                CpuStorage i = CpuStorage.allocate(DType.INT64, rows * n);
                Sorting.sort(new CpuStorage(DType.FLOAT64, x), l, true, v, l, i, l);
                return i.l();
            });
            if (first == null) {
                first = idx;
            } else {
                assertArrayEquals(first, idx);
            }
        }
    }
}
