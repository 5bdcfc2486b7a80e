package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;

/**
 * The gather and scatter-add kernels. Both walk the index's shape with the data operand viewed over that shape
 * with stride 0 along {@code dim}; the index then adds {@code index[p] * stride(dim)} to its offset. Gather writes
 * each output position once, so it runs in parallel; scatter-add may hit one output element from many positions,
 * so it runs on one thread (race-free, deterministic summation order).
 */
final class Indexing {
    private Indexing() {
    }

    /** The data operand over the index's shape, stride 0 along dim: {@code index[p] * dimStride} is added to it. */
    private static Layout alongIndex(Layout data, Layout index, int dim) {
        int[] strides = data.strides().clone();
        strides[dim] = 0;
        return new Layout(index.shape(), strides, data.offset());
    }

    private static int checked(long j, int dim, int size) {
        if (j < 0 || j >= size) {
            throw new IndexOutOfBoundsException("index " + j + " is out of bounds for dimension " + dim
                    + " with size " + size);
        }
        return (int) j;
    }

    static void gather(CpuStorage x, Layout xLayout, int dim, CpuStorage index, Layout indexLayout, CpuStorage out,
                       Layout outLayout) {
        int size = xLayout.shape()[dim];
        int ds = xLayout.strides()[dim];
        long[] ix = index.l();
        Layout[] ls = {alongIndex(xLayout, indexLayout, dim), indexLayout, outLayout};
        if (x.dtype == DType.FLOAT32) {
            float[] a = x.f(), o = out.f();
            Strided.forEach(ls, 1, (n, off, st) -> {
                for (int i = 0, xi = off[0], ii = off[1], oi = off[2]; i < n; i++, xi += st[0], ii += st[1],
                        oi += st[2]) {
                    o[oi] = a[xi + checked(ix[ii], dim, size) * ds];
                }
            });
        } else if (x.dtype == DType.FLOAT64) {
            double[] a = x.d(), o = out.d();
            Strided.forEach(ls, 1, (n, off, st) -> {
                for (int i = 0, xi = off[0], ii = off[1], oi = off[2]; i < n; i++, xi += st[0], ii += st[1],
                        oi += st[2]) {
                    o[oi] = a[xi + checked(ix[ii], dim, size) * ds];
                }
            });
        } else if (x.dtype == DType.INT64) {
            long[] a = x.l(), o = out.l();
            Strided.forEach(ls, 1, (n, off, st) -> {
                for (int i = 0, xi = off[0], ii = off[1], oi = off[2]; i < n; i++, xi += st[0], ii += st[1],
                        oi += st[2]) {
                    o[oi] = a[xi + checked(ix[ii], dim, size) * ds];
                }
            });
        } else {
            Strided.forEach(ls, 1, (n, off, st) -> {
                for (int i = 0, xi = off[0], ii = off[1], oi = off[2]; i < n; i++, xi += st[0], ii += st[1],
                        oi += st[2]) {
                    out.set(oi, x.get(xi + checked(ix[ii], dim, size) * ds));
                }
            });
        }
    }

    static void scatterAdd(CpuStorage src, Layout srcLayout, int dim, CpuStorage index, Layout indexLayout,
                           CpuStorage out, Layout outLayout) {
        int[] shape = indexLayout.shape();
        int rank = shape.length;
        int n = indexLayout.numel();
        if (n == 0) {
            return;
        }
        int size = outLayout.shape()[dim];
        int ds = outLayout.strides()[dim];
        int[] ss = srcLayout.strides(), is = indexLayout.strides(), os = outLayout.strides().clone();
        os[dim] = 0;
        long[] ix = index.l();
        int[] pos = new int[rank];
        int si = srcLayout.offset(), ii = indexLayout.offset(), oi = outLayout.offset();
        for (int k = 0; k < n; k++) {
            int at = oi + checked(ix[ii], dim, size) * ds;
            switch (out.dtype) {
                case FLOAT32 -> out.f()[at] += src.f()[si];
                case FLOAT64 -> out.d()[at] += src.d()[si];
                case INT64 -> out.l()[at] += src.l()[si];
                case BOOL -> out.set(at, out.get(at) + src.get(si));
            }
            // odometer over the index's shape, last dim fastest
            for (int d = rank - 1; d >= 0; d--) {
                si += ss[d];
                ii += is[d];
                oi += os[d];
                if (++pos[d] < shape[d]) {
                    break;
                }
                si -= ss[d] * shape[d];
                ii -= is[d] * shape[d];
                oi -= os[d] * shape[d];
                pos[d] = 0;
            }
        }
    }
}
