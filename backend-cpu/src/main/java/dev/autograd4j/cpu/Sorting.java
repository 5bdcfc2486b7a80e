package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import java.util.Arrays;

/**
 * The sort kernel: a stable sort of every row along the last dim, rows in parallel. Each element becomes an
 * order-preserving integer key (floats by their bits with the sign folded, {@code -0.0} as {@code 0.0}, NaN as the
 * largest; descending by complementing the key), so one comparison of keys serves every dtype. Float32 and bool
 * rows pack key and position into one long and sort those (the position breaks ties: stable); float64 and int64
 * rows run a merge sort of positions by their 64-bit keys.
 */
final class Sorting {
    private Sorting() {
    }

    /** Rows of at most this length sort by insertion. */
    private static final int INSERTION = 24;

    static void sort(CpuStorage x, Layout xLayout, boolean descending, CpuStorage values, Layout valuesLayout,
                     CpuStorage indices, Layout indicesLayout) {
        int rank = xLayout.rank();
        int n = xLayout.shape()[rank - 1];
        int numel = xLayout.numel();
        if (numel == 0) {
            return;
        }
        int rows = numel / n;
        int xs = xLayout.strides()[rank - 1], vs = valuesLayout.strides()[rank - 1];
        int is = indicesLayout.strides()[rank - 1];
        long cost = (long) n * (32 - Integer.numberOfLeadingZeros(n) + 1) * 4;
        Parallel.forRange(rows, cost, (from, to) -> {
            long[] keys = new long[n];
            int[] pos = new int[n];
            int[] tmpPos = new int[n];
            long[] tmpKeys = new long[n];
            for (int r = from; r < to; r++) {
                int xo = Strided.rowOffset(xLayout, r);
                int vo = Strided.rowOffset(valuesLayout, r);
                int io = Strided.rowOffset(indicesLayout, r);
                sortRow(x, xo, xs, n, descending, keys, pos, tmpKeys, tmpPos);
                long[] ix = indices.l();
                for (int i = 0; i < n; i++) {
                    ix[io + i * is] = pos[i];
                }
                copyRow(x, xo, xs, values, vo, vs, pos, n);
            }
        });
    }

    /** A float's bits as an int whose signed order is the float order (NaN largest, -0.0 == 0.0). */
    static int floatKey(float v) {
        int bits = Float.floatToIntBits(v == 0 ? 0f : v); // canonical NaN, above +inf
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** A double's bits as a long whose signed order is the double order (NaN largest, -0.0 == 0.0). */
    static long doubleKey(double v) {
        long bits = Double.doubleToLongBits(v == 0 ? 0.0 : v);
        return bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
    }

    private static void sortRow(CpuStorage x, int xo, int xs, int n, boolean descending, long[] keys, int[] pos,
                                long[] tmpKeys, int[] tmpPos) {
        if (x.dtype == DType.FLOAT32 || x.dtype == DType.BOOL) {
            float[] f = x.dtype == DType.FLOAT32 ? x.f() : null;
            boolean[] b = f == null ? (boolean[]) x.data : null;
            for (int i = 0; i < n; i++) {
                int k = f != null ? floatKey(f[xo + i * xs]) : (b[xo + i * xs] ? 1 : 0);
                if (descending) {
                    k = ~k;
                }
                keys[i] = ((long) k << 32) | i;
            }
            Arrays.sort(keys, 0, n);
            for (int i = 0; i < n; i++) {
                pos[i] = (int) keys[i];
            }
            return;
        }
        if (x.dtype == DType.FLOAT64) {
            double[] d = x.d();
            for (int i = 0; i < n; i++) {
                keys[i] = doubleKey(d[xo + i * xs]);
            }
        } else {
            long[] l = x.l();
            for (int i = 0; i < n; i++) {
                keys[i] = l[xo + i * xs];
            }
        }
        for (int i = 0; i < n; i++) {
            if (descending) {
                keys[i] = ~keys[i];
            }
            pos[i] = i;
        }
        mergeSort(keys, pos, tmpKeys, tmpPos, 0, n);
    }

    /** Stable sort of (keys, pos)[from, to) by keys. */
    private static void mergeSort(long[] keys, int[] pos, long[] tk, int[] tp, int from, int to) {
        if (to - from <= INSERTION) {
            for (int i = from + 1; i < to; i++) {
                long k = keys[i];
                int p = pos[i];
                int j = i - 1;
                while (j >= from && keys[j] > k) {
                    keys[j + 1] = keys[j];
                    pos[j + 1] = pos[j];
                    j--;
                }
                keys[j + 1] = k;
                pos[j + 1] = p;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(keys, pos, tk, tp, from, mid);
        mergeSort(keys, pos, tk, tp, mid, to);
        if (keys[mid - 1] <= keys[mid]) {
            return; // already in order
        }
        System.arraycopy(keys, from, tk, from, to - from);
        System.arraycopy(pos, from, tp, from, to - from);
        int i = from, j = mid, o = from;
        while (i < mid && j < to) {
            if (tk[j] < tk[i]) { // strictly less: ties take the left run first (stable)
                keys[o] = tk[j];
                pos[o++] = tp[j++];
            } else {
                keys[o] = tk[i];
                pos[o++] = tp[i++];
            }
        }
        while (i < mid) {
            keys[o] = tk[i];
            pos[o++] = tp[i++];
        }
        while (j < to) {
            keys[o] = tk[j];
            pos[o++] = tp[j++];
        }
    }

    private static void copyRow(CpuStorage x, int xo, int xs, CpuStorage out, int oo, int os, int[] pos, int n) {
        switch (x.dtype) {
            case FLOAT32 -> {
                float[] a = x.f(), o = out.f();
                for (int i = 0; i < n; i++) {
                    o[oo + i * os] = a[xo + pos[i] * xs];
                }
            }
            case FLOAT64 -> {
                double[] a = x.d(), o = out.d();
                for (int i = 0; i < n; i++) {
                    o[oo + i * os] = a[xo + pos[i] * xs];
                }
            }
            case INT64 -> {
                long[] a = x.l(), o = out.l();
                for (int i = 0; i < n; i++) {
                    o[oo + i * os] = a[xo + pos[i] * xs];
                }
            }
            case BOOL -> {
                boolean[] a = (boolean[]) x.data, o = (boolean[]) out.data;
                for (int i = 0; i < n; i++) {
                    o[oo + i * os] = a[xo + pos[i] * xs];
                }
            }
        }
    }
}
