package dev.autograd4j.cpu;

import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;

/**
 * The amax/amin scatter kernel ({@code scatter_reduce} with "amax" or "amin"): walks the index's shape with the
 * output viewed over that shape with stride 0 along {@code dim}, as the scatter-add kernel does, and keeps the
 * larger (smaller) of the element there and the source's. A NaN wins, as in PyTorch. One thread: several
 * positions may hit one output element, and max/min do not care about the order anyway.
 */
final class ScatterReduce {
    private ScatterReduce() {
    }

    static void scatterReduce(ReduceOp op, CpuStorage src, Layout srcLayout, int dim, CpuStorage index,
                              Layout indexLayout, CpuStorage out, Layout outLayout) {
        if (op != ReduceOp.MAX && op != ReduceOp.MIN) {
            throw new IllegalArgumentException("scatterReduce serves MAX and MIN, not " + op);
        }
        boolean max = op == ReduceOp.MAX;
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
            long j = ix[ii];
            if (j < 0 || j >= size) {
                throw new IndexOutOfBoundsException("index " + j + " is out of bounds for dimension " + dim
                        + " with size " + size);
            }
            int at = oi + (int) j * ds;
            switch (out.dtype) {
                case FLOAT32 -> {
                    float[] o = out.f();
                    float v = src.f()[si], c = o[at];
                    if (Float.isNaN(v) || (!Float.isNaN(c) && (max ? v > c : v < c))) {
                        o[at] = v;
                    }
                }
                case FLOAT64 -> {
                    double[] o = out.d();
                    double v = src.d()[si], c = o[at];
                    if (Double.isNaN(v) || (!Double.isNaN(c) && (max ? v > c : v < c))) {
                        o[at] = v;
                    }
                }
                case INT64 -> {
                    long[] o = out.l();
                    long v = src.l()[si];
                    o[at] = max ? Math.max(o[at], v) : Math.min(o[at], v);
                }
                case BOOL -> {
                    double v = src.get(si), c = out.get(at);
                    out.set(at, max ? Math.max(c, v) : Math.min(c, v));
                }
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
