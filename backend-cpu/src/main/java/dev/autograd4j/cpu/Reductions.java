package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;

/**
 * Reduction of the trailing dims of a layout. Sums accumulate in double (float32 inputs too), so
 * long sums do not drift, in an order fixed by the shape (never by the thread count): see {@link #segmentSums};
 * max and min let NaN win and report the first winner's flat index.
 */
final class Reductions {
    private Reductions() {
    }

    static void reduce(ReduceOp op, CpuStorage x, Layout xl, int reducedDims, CpuStorage out, Layout ol,
                       CpuStorage indices, Layout il) {
        int rank = xl.rank(), keptRank = rank - reducedDims;
        int[] shape = xl.shape(), strides = xl.strides();
        int[] inShape = java.util.Arrays.copyOfRange(shape, keptRank, rank);
        int[] inStrides = java.util.Arrays.copyOfRange(strides, keptRank, rank);
        int inner = 1;
        for (int s : inShape) {
            inner *= s;
        }
        int outer = ol.numel();
        final int innerCount = inner;
        int[] outShape = java.util.Arrays.copyOf(shape, keptRank);
        int[] outStrides = java.util.Arrays.copyOf(strides, keptRank);
        if (op == ReduceOp.SUM && x.dtype == DType.INT64) {
            // exact, wrapping on overflow as PyTorch's int64 sum
            long[] a = x.l(), o = out.l();
            Parallel.forRange(outer, Math.max(1, innerCount), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int base = xl.offset() + offsetOf(r, outShape, outStrides);
                    long acc = 0;
                    for (int k = 0; k < innerCount; k++) {
                        acc += a[base + offsetOf(k, inShape, inStrides)];
                    }
                    o[outputIndex(r, ol)] = acc;
                }
            });
            return;
        }
        if (x.dtype == DType.INT64) {
            // max / min compared as longs: through double, values past 2^53 would round
            long[] a = x.l(), o = out.l();
            boolean max = op == ReduceOp.MAX;
            Parallel.forRange(outer, Math.max(1, innerCount), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int base = xl.offset() + offsetOf(r, outShape, outStrides);
                    long best = a[base];
                    int bestAt = 0;
                    for (int k = 1; k < innerCount; k++) {
                        long v = a[base + offsetOf(k, inShape, inStrides)];
                        if (max ? v > best : v < best) {
                            best = v;
                            bestAt = k;
                        }
                    }
                    o[outputIndex(r, ol)] = best;
                    if (indices != null) {
                        indices.set(outputIndex(r, il), bestAt);
                    }
                }
            });
            return;
        }
        if (op == ReduceOp.SUM && reducedDims == 1 && innerCount > 1 && outer >= 16 && inStrides[0] != 1
                && (x.dtype == DType.FLOAT32 || x.dtype == DType.FLOAT64) && ol.isContiguous()
                && java.util.Arrays.equals(Layout.contiguous(outShape).strides(), outStrides)) {
            columnSums(x, xl.offset(), inStrides[0], innerCount, outer, out, ol.offset());
            return;
        }
        if (op == ReduceOp.SUM && (x.dtype == DType.FLOAT32 || x.dtype == DType.FLOAT64)
                && segmentSums(x, xl.offset(), inShape, inStrides, innerCount, outShape, outStrides, outer, out, ol)) {
            return;
        }
        Parallel.forRange(outer, Math.max(1, innerCount), (from, to) -> {
            int[] idx = new int[inShape.length];
            for (int o = from; o < to; o++) {
                int base = xl.offset() + offsetOf(o, outShape, outStrides);
                int oi = outputIndex(o, ol);
                if (op == ReduceOp.SUM) {
                    out.set(oi, sum(x, base, inShape, inStrides, innerCount, idx));
                } else {
                    long[] where = new long[1];
                    double best = extreme(op == ReduceOp.MAX, x, base, inShape, inStrides, innerCount, idx, where);
                    out.set(oi, best);
                    if (indices != null) {
                        indices.set(outputIndex(o, il), where[0]);
                    }
                }
            }
        });
    }

    /** Storage offset of the o-th (row-major) element of a shape with strides. */
    private static int offsetOf(int o, int[] shape, int[] strides) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            int i = o % shape[d];
            o /= shape[d];
            off += i * strides[d];
        }
        return off;
    }

    private static int outputIndex(int o, Layout l) {
        return l.offset() + offsetOf(o, l.shape(), l.strides());
    }

    private static double sum(CpuStorage x, int base, int[] shape, int[] strides, int count, int[] idx) {
        if (count == 0) {
            return 0;
        }
        java.util.Arrays.fill(idx, 0);
        int last = shape.length - 1;
        if (last < 0) {
            return x.get(base);
        }
        int rowLen = shape[last], rowStride = strides[last];
        double acc = 0;
        int off = base;
        for (int done = 0; done < count; done += rowLen) {
            acc += rowSum(x, off, rowStride, rowLen);
            // advance to the next row (odometer over the leading reduced dims)
            for (int d = last - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return acc;
    }

    /**
     * Sums over a leading dim whose kept dims are contiguous (a bias gradient: [batch, features] summed over the
     * batch): row after row into one accumulator per column, which reads memory in order. Each column is still
     * summed first row to last from 0.0 in double, so the bits are those of {@link #rowSum}.
     */
    private static void columnSums(CpuStorage x, int base, int stride, int rows, int cols, CpuStorage out, int oo) {
        Parallel.forRange(cols, rows, (from, to) -> {
            double[] acc = new double[to - from];
            int n = to - from;
            if (x.dtype == DType.FLOAT32) {
                float[] a = x.f();
                for (int i = 0, off = base + from; i < rows; i++, off += stride) {
                    for (int j = 0; j < n; j++) {
                        acc[j] += a[off + j];
                    }
                }
                float[] o = out.f();
                for (int j = 0; j < n; j++) {
                    o[oo + from + j] = (float) acc[j];
                }
            } else {
                double[] a = x.d();
                for (int i = 0, off = base + from; i < rows; i++, off += stride) {
                    for (int j = 0; j < n; j++) {
                        acc[j] += a[off + j];
                    }
                }
                double[] o = out.d();
                for (int j = 0; j < n; j++) {
                    o[oo + from + j] = acc[j];
                }
            }
        });
    }

    private static double rowSum(CpuStorage x, int off, int stride, int n) {
        double acc = 0;
        if (x.dtype == DType.FLOAT32) {
            float[] a = x.f();
            for (int i = 0; i < n; i++, off += stride) {
                acc += a[off];
            }
        } else if (x.dtype == DType.FLOAT64) {
            double[] a = x.d();
            for (int i = 0; i < n; i++, off += stride) {
                acc += a[off];
            }
        } else {
            for (int i = 0; i < n; i++, off += stride) {
                acc += x.get(off);
            }
        }
        return acc;
    }

    /** Elements per block of a {@link #segmentSums} sum: blocks are summed separately, then in order. */
    static final int BLOCK = 1 << 14;

    /**
     * Sums whose reduced elements, their dims merged where memory allows, end in a contiguous dim of at least
     * {@link LaneSums#LANES} elements (batch norm's statistics over N, H, W; a whole tensor): the reduced elements
     * of one output, row after row, are cut into segments of at most {@link #BLOCK} contiguous elements and the
     * segments grouped into blocks of at most {@link #BLOCK} elements (at least one segment each). Each block is
     * a {@link LaneSums} sum, the blocks of an output are added first to last; blocks run in parallel. The blocks
     * depend on the shape only, so the bits do not depend on the thread count. False (nothing done) otherwise.
     */
    private static boolean segmentSums(CpuStorage x, int xOff, int[] inShape, int[] inStrides, int count,
                                       int[] outShape, int[] outStrides, int outer, CpuStorage out, Layout ol) {
        if (count == 0 || outer == 0) {
            return false;
        }
        // merge the reduced dims where one steps exactly over the next; drop dims of size 1
        int[] shape = new int[inShape.length], strides = new int[inShape.length];
        int rank = 0;
        for (int d = 0; d < inShape.length; d++) {
            if (inShape[d] == 1) {
                continue;
            }
            if (rank > 0 && strides[rank - 1] == inStrides[d] * inShape[d]) {
                shape[rank - 1] *= inShape[d];
                strides[rank - 1] = inStrides[d];
            } else {
                shape[rank] = inShape[d];
                strides[rank] = inStrides[d];
                rank++;
            }
        }
        if (rank == 0 || strides[rank - 1] != 1 || shape[rank - 1] < LaneSums.LANES) {
            return false;
        }
        int rowLen = shape[rank - 1], rows = count / rowLen;
        int pieces = (rowLen + BLOCK - 1) / BLOCK, segments = rows * pieces;
        int[] segOff = new int[segments], segLen = new int[segments];
        int[] idx = new int[rank];
        for (int r = 0, off = 0, s = 0; r < rows; r++) {
            for (int q = 0; q < pieces; q++, s++) {
                segOff[s] = off + q * BLOCK;
                segLen[s] = Math.min(BLOCK, rowLen - q * BLOCK);
            }
            for (int d = rank - 2; d >= 0; d--) { // odometer over the leading reduced dims
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        int[] starts = new int[segments + 1];
        int blocks = 0;
        for (int s = 0, inBlock = 0; s < segments; s++) {
            if (s == 0 || inBlock + segLen[s] > BLOCK) {
                starts[blocks++] = s;
                inBlock = 0;
            }
            inBlock += segLen[s];
        }
        starts[blocks] = segments;
        final int nb = blocks;
        double[] partial = nb > 1 ? new double[outer * nb] : null;
        float[] af = x.dtype == DType.FLOAT32 ? x.f() : null;
        double[] ad = af == null ? x.d() : null;
        Parallel.forRange(outer * nb, Math.min(count, BLOCK), (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / nb, b = t % nb;
                int base = xOff + offsetOf(o, outShape, outStrides);
                double v = af != null ? LaneSums.sum(af, base, segOff, segLen, starts[b], starts[b + 1])
                        : LaneSums.sum(ad, base, segOff, segLen, starts[b], starts[b + 1]);
                if (partial == null) {
                    out.set(outputIndex(o, ol), v);
                } else {
                    partial[t] = v;
                }
            }
        });
        if (partial != null) {
            for (int o = 0; o < outer; o++) {
                double acc = 0;
                for (int b = 0; b < nb; b++) {
                    acc += partial[o * nb + b];
                }
                out.set(outputIndex(o, ol), acc);
            }
        }
        return true;
    }

    private static double extreme(boolean max, CpuStorage x, int base, int[] shape, int[] strides, int count,
                                  int[] idx, long[] where) {
        java.util.Arrays.fill(idx, 0);
        double best = Double.NaN;
        long bestAt = 0;
        int off = base;
        int last = shape.length - 1;
        for (int t = 0; t < count; t++) {
            double v = x.get(off);
            if (t == 0 || (best == best && (v != v || (max ? v > best : v < best)))) {
                best = v;
                bestAt = t;
            }
            for (int d = last; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        where[0] = bestAt;
        return best;
    }
}
