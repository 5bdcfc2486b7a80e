package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;

/**
 * The gather and scatter-add kernels. Both walk the index's shape with the data operand viewed over that shape
 * with stride 0 along {@code dim}; the index then adds {@code index[p] * stride(dim)} to its offset. Gather writes
 * each output position once, so it runs in parallel; scatter-add may hit one output element from many positions,
 * so its threads own disjoint ranges of the output along dim (race-free, the summation order of one thread).
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
        int last = indexLayout.rank() - 1;
        if (last > 0 && dim != last && indexLayout.strides()[last] == 0 && indexLayout.numel() > 0) {
            gatherRows(x, ls, dim, size, ds, ix, out);
            return;
        }
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

    /**
     * Gather where the index is constant along its last dim (an expanded index: embedding lookups, the forward of
     * {@code indexSelect}): one index read per row, then a row copy, rows in parallel.
     */
    private static void gatherRows(CpuStorage x, Layout[] ls, int dim, int size, int ds, long[] ix, CpuStorage out) {
        Layout xl = ls[0], il = ls[1], ol = ls[2];
        int last = il.rank() - 1;
        int len = il.shape()[last];
        int xs = xl.strides()[last], os = ol.strides()[last];
        int rows = il.numel() / len;
        Parallel.forRange(rows, len, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = Strided.rowOffset(xl, r) + checked(ix[Strided.rowOffset(il, r)], dim, size) * ds;
                int oo = Strided.rowOffset(ol, r);
                if (xs == 1 && os == 1) {
                    System.arraycopy(x.data, xo, out.data, oo, len);
                    continue;
                }
                switch (x.dtype) {
                    case FLOAT32 -> {
                        float[] a = x.f(), o = out.f();
                        for (int i = 0; i < len; i++) {
                            o[oo + i * os] = a[xo + i * xs];
                        }
                    }
                    case FLOAT64 -> {
                        double[] a = x.d(), o = out.d();
                        for (int i = 0; i < len; i++) {
                            o[oo + i * os] = a[xo + i * xs];
                        }
                    }
                    case INT64 -> {
                        long[] a = x.l(), o = out.l();
                        for (int i = 0; i < len; i++) {
                            o[oo + i * os] = a[xo + i * xs];
                        }
                    }
                    case BOOL -> {
                        boolean[] a = (boolean[]) x.data, o = (boolean[]) out.data;
                        for (int i = 0; i < len; i++) {
                            o[oo + i * os] = a[xo + i * xs];
                        }
                    }
                }
            }
        });
    }

    /** Adds {@code len} source elements to {@code len} output elements, each side with its own stride. */
    private interface RowAdd {
        void add(int at, int outStride, int si, int srcStride, int len);
    }

    private static RowAdd rowAdd(CpuStorage src, CpuStorage out) {
        return switch (out.dtype) {
            case FLOAT32 -> {
                float[] s = src.f(), o = out.f();
                yield (at, os, si, ss, len) -> {
                    for (int i = 0; i < len; i++, at += os, si += ss) {
                        o[at] += s[si];
                    }
                };
            }
            case FLOAT64 -> {
                double[] s = src.d(), o = out.d();
                yield (at, os, si, ss, len) -> {
                    for (int i = 0; i < len; i++, at += os, si += ss) {
                        o[at] += s[si];
                    }
                };
            }
            case INT64 -> {
                long[] s = src.l(), o = out.l();
                yield (at, os, si, ss, len) -> {
                    for (int i = 0; i < len; i++, at += os, si += ss) {
                        o[at] += s[si];
                    }
                };
            }
            case BOOL -> (at, os, si, ss, len) -> {
                for (int i = 0; i < len; i++, at += os, si += ss) {
                    out.set(at, out.get(at) + src.get(si));
                }
            };
        };
    }

    /**
     * Scatter-add, deterministic on any number of threads: the output's entries along {@code dim} are split into
     * ranges, one per thread; every thread walks the whole index in order and adds only the contributions whose
     * target lies in its range. Each output element is so written by one thread, its contributions summed in index
     * order, exactly as on one thread. Where the index is constant along its last dim (an expanded index, as the
     * gradient of {@code indexSelect} or an embedding lookup has), a whole row is added per index read.
     */
    static void scatterAdd(CpuStorage src, Layout srcLayout, int dim, CpuStorage index, Layout indexLayout,
                           CpuStorage out, Layout outLayout) {
        int n = indexLayout.numel();
        if (n == 0) {
            return;
        }
        int size = outLayout.shape()[dim];
        RowAdd add = rowAdd(src, out);
        // every range re-reads the index: worth it only when the adds dominate, i.e. for enough work per range
        Parallel.forRange(size, Math.max(1, n / Math.max(1, size)) * 4, (from, to) ->
                scatterAddRange(src, srcLayout, dim, index, indexLayout, outLayout, add, from, to));
    }

    /** Scatter-add of the contributions whose target along dim is in [from, to), in index order. */
    private static void scatterAddRange(CpuStorage src, Layout srcLayout, int dim, CpuStorage index,
                                        Layout indexLayout, Layout outLayout, RowAdd add, int from, int to) {
        int[] shape = indexLayout.shape();
        int rank = shape.length;
        int size = outLayout.shape()[dim];
        int ds = outLayout.strides()[dim];
        int[] ss = srcLayout.strides(), is = indexLayout.strides(), os = outLayout.strides().clone();
        os[dim] = 0;
        long[] ix = index.l();
        int last = rank - 1;
        int len = shape[last];
        int ssl = ss[last], isl = is[last], osl = os[last];
        int[] pos = new int[rank];
        int si = srcLayout.offset(), ii = indexLayout.offset(), oi = outLayout.offset();
        int rows = indexLayout.numel() / len;
        for (int r = 0; r < rows; r++) {
            if (isl == 0) { // one target for the whole row
                int j = checked(ix[ii], dim, size);
                if (j >= from && j < to) {
                    add.add(oi + j * ds, osl, si, ssl, len);
                }
            } else {
                for (int i = 0, iii = ii; i < len; i++, iii += isl) {
                    int j = checked(ix[iii], dim, size);
                    if (j >= from && j < to) {
                        add.add(oi + j * ds + i * osl, 0, si + i * ssl, 0, 1);
                    }
                }
            }
            // odometer over the index's leading dims, last of them fastest
            for (int d = last - 1; d >= 0; d--) {
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
