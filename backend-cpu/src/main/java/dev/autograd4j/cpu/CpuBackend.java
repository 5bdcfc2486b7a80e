package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.CounterRandom;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.NormShape;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import dev.autograd4j.spi.Window2d;
import java.lang.ref.Reference;

/**
 * The pure-Java backend: primitive arrays, strided loops (views never copy), rows split across
 * cores when the work is large, and a packed, blocked GEMM ({@link Gemm}).
 */
public final class CpuBackend implements Backend {
    /** Elementwise work above which a row is worth splitting (see {@link Parallel}). */
    private static final long SIMPLE = 1, TRANSCENDENTAL = 8;

    /**
     * The CPU backend's settings, shared by every CPU tensor in this process.
     *
     * @return the settings object (threads, vector kernels)
     */
    public static CpuSettings settings() {
        return CpuSettings.GLOBAL;
    }

    @Override
    public Device.Type deviceType() {
        return Device.Type.CPU;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public String describe() {
        return "cpu: " + Gemm.kernelName() + " GEMM, " + Parallel.threads() + " threads";
    }

    /** The storage, checked not to be released (a released one throws instead of reading recycled memory). */
    private static CpuStorage cpu(Storage s) {
        return ((CpuStorage) s).live();
    }

    /**
     * Bytes of pooled arrays held by live CPU tensors (arrays under {@value CpuPool#MIN_POOLED_BYTES} bytes are
     * plain Java arrays and not counted), like {@code torch.cuda.memory_allocated()}.
     *
     * @return the bytes, counted by size class
     */
    public static long memoryAllocated() {
        return CpuPool.GLOBAL.memoryAllocated();
    }

    /**
     * {@link #memoryAllocated()} plus the bytes the pool keeps for reuse (at most
     * {@link CpuSettings#poolCapacityBytes()}), like {@code torch.cuda.memory_reserved()}.
     *
     * @return the bytes
     */
    public static long memoryReserved() {
        return CpuPool.GLOBAL.memoryReserved();
    }

    /** Drops the arrays the pool keeps for reuse, leaving them to the garbage collector. */
    public static void emptyCache() {
        CpuPool.GLOBAL.emptyCache();
    }

    @Override
    public Storage allocate(Device device, DType dtype, int size) {
        return CpuPool.GLOBAL.allocate(dtype, size, true);
    }

    @Override
    public Storage allocateUninitialized(Device device, DType dtype, int size) {
        return CpuPool.GLOBAL.allocate(dtype, size, false);
    }

    @Override
    public Storage fromHost(Device device, DType dtype, Object array) {
        return new CpuStorage(dtype, array);
    }

    @Override
    public Object toHost(Storage storage, Layout layout) {
        CpuStorage out = CpuStorage.allocate(storage.dtype(), layout.numel());
        // a plain array (never pooled): it leaves the backend
        copy(storage, layout, out, Layout.contiguous(layout.shape()));
        return out.data;
    }

    @Override
    public void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
        copyKernel(src, srcLayout, dst, dstLayout);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(dst);
    }

    private void copyKernel(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
        CpuStorage s = cpu(src), d = cpu(dst);
        Layout[] ls = {srcLayout, dstLayout};
        if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT32) {
            float[] x = s.f(), o = d.f();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(x, off[0], o, off[1], n);
                } else {
                    for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                        o[oi] = x[xi];
                    }
                }
            });
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT64) {
            double[] x = s.d(), o = d.d();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(x, off[0], o, off[1], n);
                } else {
                    for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                        o[oi] = x[xi];
                    }
                }
            });
        } else if (s.dtype == DType.INT64 && d.dtype == DType.INT64) {
            long[] x = s.l(), o = d.l();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = x[xi];
                }
            });
        } else if (!castKernel(s, d, ls)) {
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    d.set(oi, s.get(xi));
                }
            });
        }
    }

    /**
     * Typed loops for the dtype conversions training runs every step (a dropout mask from bool, float32 and
     * float64 either way), instead of the generic loop's two virtual calls and a double per element; the values
     * are the same as {@code set(get)}: Java's casts round to nearest as the generic path does.
     */
    private static boolean castKernel(CpuStorage s, CpuStorage d, Layout[] ls) {
        if (s.dtype == DType.BOOL && d.dtype == DType.FLOAT32) {
            boolean[] x = (boolean[]) s.data;
            float[] o = d.f();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = x[xi] ? 1f : 0f;
                }
            });
        } else if (s.dtype == DType.BOOL && d.dtype == DType.FLOAT64) {
            boolean[] x = (boolean[]) s.data;
            double[] o = d.d();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = x[xi] ? 1d : 0d;
                }
            });
        } else if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT64) {
            float[] x = s.f();
            double[] o = d.d();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = x[xi];
                }
            });
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT32) {
            double[] x = s.d();
            float[] o = d.f();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = (float) x[xi];
                }
            });
        } else {
            return false;
        }
        return true;
    }

    @Override
    public void fill(Storage dst, Layout layout, double value) {
        CpuStorage d = cpu(dst);
        Strided.forEach(new Layout[] {layout}, SIMPLE, (n, off, st) -> {
            for (int i = 0, oi = off[0]; i < n; i++, oi += st[0]) {
                d.set(oi, value);
            }
        });
        Reference.reachabilityFence(dst);
    }

    @Override
    public void arange(Storage dst, Layout layout, double start, double step) {
        CpuStorage d = cpu(dst);
        int[] strides = layout.strides();
        int n = layout.numel();
        for (int i = 0; i < n; i++) {
            d.set(layout.offset() + i * strides[0], start + i * step);
        }
        Reference.reachabilityFence(dst);
    }

    @Override
    public void random(boolean normal, Storage dst, Layout layout, long seed, long offset) {
        if (!layout.isContiguous()) {
            throw new IllegalArgumentException("random fill needs a contiguous layout");
        }
        CpuStorage d = cpu(dst);
        int base = layout.offset();
        Parallel.forRange(layout.numel(), 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                d.set(base + i, normal ? CounterRandom.normal(seed, offset + i) : CounterRandom.uniform(seed, offset + i));
            }
        });
        Reference.reachabilityFence(dst);
    }

    @Override
    public boolean addScaled(Storage src, Layout srcLayout, double alpha, Storage dst, Layout dstLayout) {
        boolean done = AddScaled.run(cpu(src), srcLayout, alpha, cpu(dst), dstLayout);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(dst);
        return done;
    }

    @Override
    public void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0, double p1) {
        unaryKernel(op, x, xLayout, out, outLayout, p0, p1);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
    }

    private void unaryKernel(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0,
                             double p1) {
        CpuStorage s = cpu(x), d = cpu(out);
        Layout[] ls = {xLayout, outLayout};
        long cost = op.isCheap() ? SIMPLE : TRANSCENDENTAL;
        if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT32) {
            float[] a = s.f(), o = d.f();
            if (VectorKernels.unary(op, a, xLayout, o, outLayout, p0, p1)) {
                return;
            }
            Strided.forEach(ls, cost, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = (float) op.apply(a[xi], p0, p1);
                }
            });
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT64 && TypedKernels.serves(op)) {
            double[] a = s.d(), o = d.d();
            Strided.forEach(ls, cost, (n, off, st) ->
                    TypedKernels.unary(op, a, off[0], st[0], o, off[1], st[1], n, p0));
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT64) {
            double[] a = s.d(), o = d.d();
            Strided.forEach(ls, cost, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = op.apply(a[xi], p0, p1);
                }
            });
        } else if (s.dtype == DType.INT64 && d.dtype == DType.INT64 && op.hasLongFormula()) {
            long[] a = s.l(), o = d.l();
            Strided.forEach(ls, cost, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    o[oi] = op.applyLong(a[xi]);
                }
            });
        } else {
            Strided.forEach(ls, cost, (n, off, st) -> {
                for (int i = 0, xi = off[0], oi = off[1]; i < n; i++, xi += st[0], oi += st[1]) {
                    d.set(oi, op.apply(s.get(xi), p0, p1));
                }
            });
        }
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out,
                       Layout outLayout) {
        binaryKernel(op, a, aLayout, b, bLayout, out, outLayout);
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(out);
    }

    private void binaryKernel(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out,
                              Layout outLayout) {
        CpuStorage sa = cpu(a), sb = cpu(b), d = cpu(out);
        Layout[] ls = {aLayout, bLayout, outLayout};
        if (op.isComparison() && sa.dtype == DType.FLOAT32) {
            float[] x = sa.f(), y = sb.f();
            boolean[] o = (boolean[]) d.data;
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                        oi += st[2]) {
                    o[oi] = op.apply(x[xi], y[yi]) != 0;
                }
            });
        } else if (op.isComparison() && sa.dtype == DType.FLOAT64) {
            double[] x = sa.d(), y = sb.d();
            boolean[] o = (boolean[]) d.data;
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                        oi += st[2]) {
                    o[oi] = op.apply(x[xi], y[yi]) != 0;
                }
            });
        } else if (d.dtype == DType.FLOAT32 && sa.dtype == DType.FLOAT32) {
            float[] x = sa.f(), y = sb.f(), o = d.f();
            if (VectorKernels.binary(op, x, aLayout, y, bLayout, o, outLayout)) {
                return;
            }
            if (TypedKernels.serves(op)) { // broadcast and strided operands (a bias added to rows, say)
                Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                    if (!VectorKernels.binaryRow(op, x, off[0], st[0], y, off[1], st[1], o, off[2], st[2], n)) {
                        TypedKernels.binary(op, x, off[0], st[0], y, off[1], st[1], o, off[2], st[2], n);
                    }
                });
                return;
            }
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                        oi += st[2]) {
                    o[oi] = (float) op.apply(x[xi], y[yi]);
                }
            });
        } else if (d.dtype == DType.FLOAT64 && sa.dtype == DType.FLOAT64 && TypedKernels.serves(op)) {
            double[] x = sa.d(), y = sb.d(), o = d.d();
            Strided.forEach(ls, SIMPLE, (n, off, st) ->
                    TypedKernels.binary(op, x, off[0], st[0], y, off[1], st[1], o, off[2], st[2], n));
        } else if (d.dtype == DType.FLOAT64 && sa.dtype == DType.FLOAT64) {
            double[] x = sa.d(), y = sb.d(), o = d.d();
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                        oi += st[2]) {
                    o[oi] = op.apply(x[xi], y[yi]);
                }
            });
        } else if (sa.dtype == DType.INT64 && op.hasLongFormula()) {
            long[] x = sa.l(), y = sb.l();
            if (op.isComparison()) {
                boolean[] o = (boolean[]) d.data;
                Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                    for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                            oi += st[2]) {
                        o[oi] = op.applyLong(x[xi], y[yi]) != 0;
                    }
                });
            } else {
                long[] o = d.l();
                Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                    for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                            oi += st[2]) {
                        o[oi] = op.applyLong(x[xi], y[yi]);
                    }
                });
            }
        } else {
            Strided.forEach(ls, SIMPLE, (n, off, st) -> {
                for (int i = 0, xi = off[0], yi = off[1], oi = off[2]; i < n; i++, xi += st[0], yi += st[1],
                        oi += st[2]) {
                    d.set(oi, op.apply(sa.get(xi), sb.get(yi)));
                }
            });
        }
    }

    @Override
    public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
                      Storage out, Layout outLayout) {
        whereKernel(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
        Reference.reachabilityFence(cond);
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(out);
    }

    private void whereKernel(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
                             Storage out, Layout outLayout) {
        boolean[] c = (boolean[]) cpu(cond).data;
        CpuStorage sa = cpu(a), sb = cpu(b), d = cpu(out);
        if (d.dtype == DType.INT64) {
            long[] x = sa.l(), y = sb.l(), o = d.l();
            Strided.forEach(new Layout[] {condLayout, aLayout, bLayout, outLayout}, SIMPLE, (n, off, st) -> {
                for (int i = 0, ci = off[0], xi = off[1], yi = off[2], oi = off[3]; i < n;
                     i++, ci += st[0], xi += st[1], yi += st[2], oi += st[3]) {
                    o[oi] = c[ci] ? x[xi] : y[yi];
                }
            });
            return;
        }
        if (d.dtype == DType.FLOAT32) {
            float[] x = sa.f(), y = sb.f(), o = d.f();
            Strided.forEach(new Layout[] {condLayout, aLayout, bLayout, outLayout}, SIMPLE, (n, off, st) -> {
                if (st[0] == 1 && st[1] == 0 && st[2] == 0 && st[3] == 1) { // scalar choices (dropout's mask)
                    float xv = x[off[1]], yv = y[off[2]];
                    for (int i = 0, ci = off[0], oi = off[3]; i < n; i++) {
                        o[oi + i] = c[ci + i] ? xv : yv;
                    }
                    return;
                }
                for (int i = 0, ci = off[0], xi = off[1], yi = off[2], oi = off[3]; i < n;
                     i++, ci += st[0], xi += st[1], yi += st[2], oi += st[3]) {
                    o[oi] = c[ci] ? x[xi] : y[yi];
                }
            });
            return;
        }
        if (d.dtype == DType.FLOAT64) {
            double[] x = sa.d(), y = sb.d(), o = d.d();
            Strided.forEach(new Layout[] {condLayout, aLayout, bLayout, outLayout}, SIMPLE, (n, off, st) -> {
                for (int i = 0, ci = off[0], xi = off[1], yi = off[2], oi = off[3]; i < n;
                     i++, ci += st[0], xi += st[1], yi += st[2], oi += st[3]) {
                    o[oi] = c[ci] ? x[xi] : y[yi];
                }
            });
            return;
        }
        Strided.forEach(new Layout[] {condLayout, aLayout, bLayout, outLayout}, SIMPLE, (n, off, st) -> {
            for (int i = 0, ci = off[0], xi = off[1], yi = off[2], oi = off[3]; i < n;
                 i++, ci += st[0], xi += st[1], yi += st[2], oi += st[3]) {
                d.set(oi, c[ci] ? sa.get(xi) : sb.get(yi));
            }
        });
    }

    @Override
    public void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                       Storage indices, Layout indicesLayout) {
        Reductions.reduce(op, cpu(x), xLayout, reducedDims, cpu(out), outLayout,
                indices == null ? null : cpu(indices), indicesLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
        Reference.reachabilityFence(indices);
    }

    @Override
    public void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
        Softmax.run(log, cpu(x), xLayout, cpu(out), outLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
    }

    @Override
    public void gather(Storage x, Layout xLayout, int dim, Storage index, Layout indexLayout, Storage out,
                       Layout outLayout) {
        Indexing.gather(cpu(x), xLayout, dim, cpu(index), indexLayout, cpu(out), outLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(out);
    }

    @Override
    public void sort(Storage x, Layout xLayout, boolean descending, Storage values, Layout valuesLayout,
                     Storage indices, Layout indicesLayout) {
        Sorting.sort(cpu(x), xLayout, descending, cpu(values), valuesLayout, cpu(indices), indicesLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(values);
        Reference.reachabilityFence(indices);
    }

    @Override
    public void scatterAdd(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage out,
                           Layout outLayout) {
        Indexing.scatterAdd(cpu(src), srcLayout, dim, cpu(index), indexLayout, cpu(out), outLayout);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(out);
    }

    @Override
    public void scatterReduce(ReduceOp op, Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
                              Storage out, Layout outLayout) {
        ScatterReduce.scatterReduce(op, cpu(src), srcLayout, dim, cpu(index), indexLayout, cpu(out), outLayout);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(out);
    }

    @Override
    public void im2col(Storage x, Layout xLayout, Window2d window, double padValue, Storage out, Layout outLayout) {
        Windows.im2col(cpu(x), xLayout, window, padValue, cpu(out), outLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
    }

    @Override
    public void col2im(Storage cols, Layout colsLayout, Window2d window, Storage out, Layout outLayout) {
        Windows.col2im(cpu(cols), colsLayout, window, cpu(out), outLayout);
        Reference.reachabilityFence(cols);
        Reference.reachabilityFence(out);
    }

    @Override
    public void maxPool2d(Storage x, Layout xLayout, Window2d window, Storage out, Layout outLayout, Storage taps,
                          Layout tapsLayout) {
        Windows.maxPool2d(cpu(x), xLayout, window, cpu(out), outLayout, cpu(taps), tapsLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
        Reference.reachabilityFence(taps);
    }

    @Override
    public void maxPool2dBackward(Storage grad, Layout gradLayout, Storage taps, Layout tapsLayout, Window2d window,
                                  Storage out, Layout outLayout) {
        Windows.maxPool2dBackward(cpu(grad), gradLayout, cpu(taps), tapsLayout, window, cpu(out), outLayout);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(taps);
        Reference.reachabilityFence(out);
    }

    @Override
    public boolean convWeightGradient(Storage x, Layout xLayout, Storage grad, Layout gradLayout, Window2d window,
                                      Storage out, Layout outLayout) {
        boolean done = ConvWeights.weightGradient(cpu(x), xLayout, cpu(grad), gradLayout, window, cpu(out),
                outLayout);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(out);
        return done;
    }

    @Override
    public boolean normForward(NormShape shape, Storage x, int xOffset, Storage weight, Storage bias, double eps,
                               Storage out, Storage mean, Storage rstd, Storage var) {
        Norms.forward(shape, cpu(x), xOffset, weight == null ? null : cpu(weight), bias == null ? null : cpu(bias),
                eps, cpu(out), cpu(mean), cpu(rstd), var == null ? null : cpu(var));
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(weight);
        Reference.reachabilityFence(bias);
        Reference.reachabilityFence(out);
        Reference.reachabilityFence(mean);
        Reference.reachabilityFence(rstd);
        Reference.reachabilityFence(var);
        return true;
    }

    @Override
    public boolean normBackward(NormShape shape, Storage grad, int gradOffset, Storage x, int xOffset, Storage mean,
                                Storage rstd, Storage weight, Storage dx, Storage dweight, Storage dbias) {
        Norms.backward(shape, cpu(grad), gradOffset, cpu(x), xOffset, cpu(mean), cpu(rstd),
                weight == null ? null : cpu(weight), dx == null ? null : cpu(dx),
                dweight == null ? null : cpu(dweight), dbias == null ? null : cpu(dbias));
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(mean);
        Reference.reachabilityFence(rstd);
        Reference.reachabilityFence(weight);
        Reference.reachabilityFence(dx);
        Reference.reachabilityFence(dweight);
        Reference.reachabilityFence(dbias);
        return true;
    }

    @Override
    public boolean softmaxBackward(boolean log, Storage y, int yOffset, Storage grad, int gradOffset, Storage out,
                                   int rows, int n) {
        Softmax.backward(log, cpu(y), yOffset, cpu(grad), gradOffset, cpu(out), rows, n);
        Reference.reachabilityFence(y);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(out);
        return true;
    }

    /** Largest product (multiply-adds) of a batch that is split by whole products rather than inside each. */
    private static final long BATCH_SPLIT_WORK = 256L * 256 * 256;

    @Override
    public void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout) {
        int batches = aLayout.shape()[0], m = aLayout.shape()[1], k = aLayout.shape()[2], n = bLayout.shape()[2];
        int[] as = aLayout.strides(), bs = bLayout.strides(), os = outLayout.strides();
        CpuStorage sa = cpu(a), sb = cpu(b), so = cpu(out);
        long flops = (long) m * n * Math.max(k, 1);
        // many small products: one per task; otherwise each product is parallel inside the GEMM
        Parallel.RangeBody products = (from, to) -> {
            for (int i = from; i < to; i++) {
                int ao = aLayout.offset() + i * as[0], bo = bLayout.offset() + i * bs[0];
                int oo = outLayout.offset() + i * os[0];
                if (so.dtype == DType.FLOAT32) {
                    Gemm.sgemm(m, n, k, sa.f(), ao, as[1], as[2], sb.f(), bo, bs[1], bs[2], so.f(), oo, os[1]);
                } else {
                    Gemm.dgemm(m, n, k, sa.d(), ao, as[1], as[2], sb.d(), bo, bs[1], bs[2], so.d(), oo, os[1]);
                }
            }
        };
        if (flops >= GemmKernel.INLINE_WORK && flops <= BATCH_SPLIT_WORK && batches >= 2 * Parallel.threads()) {
            // attention's products (64 heads of 128 x 128 x 64): whole products per worker, each on one thread,
            // instead of a fork and join inside every product; the same bits (a product's sums do not depend on
            // how it is split)
            Parallel.forRangeInWorkers(batches, products);
        } else {
            Parallel.forRange(batches, flops < GemmKernel.INLINE_WORK ? flops : 1, products);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(out);
    }

    @Override
    public void synchronize(Device device) {
        // CPU kernels finish before they return.
    }
}
