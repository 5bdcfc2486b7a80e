package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Window2d;
import java.util.Arrays;

/**
 * The im2col and col2im kernels of convolution, pooling, unfold and fold. Both split the work over the
 * {@code B * C} planes of the image: im2col writes the {@code kernelH * kernelW} rows of its plane, col2im sums
 * into its own plane, so threads never share an output element (no atomics, deterministic sums). With a
 * horizontal stride of 1, a row of window positions is one array copy.
 */
final class Windows {
    /** Whether 2 x 2 max pooling runs {@code VectorPooling}: the Vector API is on, with 512-bit vectors. */
    static final boolean VECTOR_POOL = VectorKernels.ENABLED && Gemm.kernelName().startsWith("Vector API (512");
    /** Whether float col2im with a horizontal stride of 1 runs {@code VectorWindows}. */
    static final boolean VECTOR_WINDOWS = VectorKernels.ENABLED;

    private Windows() {
    }

    static void im2col(CpuStorage x, Layout xLayout, Window2d g, double padValue, CpuStorage out, Layout outLayout) {
        int[] s = xLayout.shape();
        int planes = s[0] * s[1];
        int xo = xLayout.offset(), oo = outLayout.offset();
        int hw = g.height() * g.width(), plane = g.taps() * g.positions();
        if (x.dtype == DType.FLOAT32) {
            float[] a = x.f(), o = out.f();
            float pad = (float) padValue;
            Parallel.forRange(planes, plane, (from, to) -> {
                for (int p = from; p < to; p++) {
                    im2colF(a, xo + p * hw, o, oo + p * plane, g, pad);
                }
            });
        } else if (x.dtype == DType.FLOAT64) {
            double[] a = x.d(), o = out.d();
            Parallel.forRange(planes, plane, (from, to) -> {
                for (int p = from; p < to; p++) {
                    im2colD(a, xo + p * hw, o, oo + p * plane, g, padValue);
                }
            });
        } else {
            throw new IllegalArgumentException("im2col: unsupported dtype " + x.dtype);
        }
    }

    static void col2im(CpuStorage cols, Layout colsLayout, Window2d g, CpuStorage out, Layout outLayout) {
        int[] s = outLayout.shape();
        int planes = s[0] * s[1];
        int co = colsLayout.offset(), oo = outLayout.offset();
        int hw = g.height() * g.width(), plane = g.taps() * g.positions();
        if (cols.dtype == DType.FLOAT32) {
            float[] c = cols.f(), o = out.f();
            boolean vector = VECTOR_WINDOWS && g.strideW() == 1;
            Parallel.forRange(planes, plane, (from, to) -> {
                float[] tmp = vector ? VectorWindows.scratch() : null;
                for (int p = from; p < to; p++) {
                    if (vector && VectorWindows.readsInside(co + p * plane, g, c.length)) {
                        VectorWindows.col2imF(c, co + p * plane, o, oo + p * hw, g, tmp);
                    } else {
                        col2imF(c, co + p * plane, o, oo + p * hw, g);
                    }
                }
            });
        } else if (cols.dtype == DType.FLOAT64) {
            double[] c = cols.d(), o = out.d();
            Parallel.forRange(planes, plane, (from, to) -> {
                for (int p = from; p < to; p++) {
                    col2imD(c, co + p * plane, o, oo + p * hw, g);
                }
            });
        } else {
            throw new IllegalArgumentException("col2im: unsupported dtype " + cols.dtype);
        }
    }

    static void maxPool2d(CpuStorage x, Layout xLayout, Window2d g, CpuStorage out, Layout outLayout,
                          CpuStorage taps, Layout tapsLayout) {
        int[] s = xLayout.shape();
        int planes = s[0] * s[1];
        int xo = xLayout.offset(), oo = outLayout.offset(), to = tapsLayout.offset();
        int hw = g.height() * g.width(), positions = g.positions();
        long[] tp = taps.l();
        if (x.dtype != DType.FLOAT32 && x.dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("max_pool2d: unsupported dtype " + x.dtype);
        }
        double[] xd = x.dtype == DType.FLOAT64 ? x.d() : null, od = xd == null ? null : out.d();
        float[] xf = x.dtype == DType.FLOAT32 ? x.f() : null, of = xf == null ? null : out.f();
        int[] tapOffset = new int[g.taps()]; // offset of each tap from the window's corner, inside the input
        for (int t = 0; t < g.taps(); t++) {
            tapOffset[t] = (t / g.kernelW()) * g.dilationH() * g.width() + (t % g.kernelW()) * g.dilationW();
        }
        int spanH = (g.kernelH() - 1) * g.dilationH(), spanW = (g.kernelW() - 1) * g.dilationW();
        if (xf != null && g.padTop() == 0 && g.padLeft() == 0 && (g.outH() - 1) * g.strideH() + spanH < g.height()
                && (g.outW() - 1) * g.strideW() + spanW < g.width()) {
            // every window inside the image: no bounds tests, float compares
            Parallel.forRange(planes, (long) g.taps() * positions, (from, until) -> {
                for (int p = from; p < until; p++) {
                    maxPoolInsideF(xf, xo + p * hw, of, oo + p * positions, tp, to + p * positions, g, tapOffset);
                }
            });
            return;
        }
        Parallel.forRange(planes, (long) g.taps() * positions, (from, until) -> {
            for (int p = from; p < until; p++) {
                int src = xo + p * hw;
                for (int oh = 0; oh < g.outH(); oh++) {
                    int h0 = oh * g.strideH() - g.padTop();
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int w0 = ow * g.strideW() - g.padLeft();
                        int at = p * positions + oh * g.outW() + ow;
                        boolean inside = h0 >= 0 && w0 >= 0 && h0 + spanH < g.height() && w0 + spanW < g.width();
                        int corner = src + h0 * g.width() + w0;
                        double best = Double.NEGATIVE_INFINITY;
                        int win = 0;
                        for (int t = 0; t < tapOffset.length; t++) {
                            double v;
                            if (inside) {
                                v = xf != null ? xf[corner + tapOffset[t]] : xd[corner + tapOffset[t]];
                            } else {
                                int h = h0 + (t / g.kernelW()) * g.dilationH();
                                int w = w0 + (t % g.kernelW()) * g.dilationW();
                                v = h < 0 || h >= g.height() || w < 0 || w >= g.width() ? Double.NEGATIVE_INFINITY
                                        : xf != null ? xf[src + h * g.width() + w] : xd[src + h * g.width() + w];
                            }
                            if (t == 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                win = t;
                            }
                        }
                        if (of != null) {
                            of[oo + at] = (float) best;
                        } else {
                            od[oo + at] = best;
                        }
                        tp[to + at] = win;
                    }
                }
            }
        });
    }

    /**
     * One 2 x 2 window whose rows start at {@code r0} and {@code r1}: its max into o[oi] and the winning tap
     * (0..3, row-major) into taps[ti]; the first tap, then each later one that is greater or NaN, as the general
     * loop. Shared by the unrolled plane loop here and the vector kernel's leftover columns.
     */
    static void maxOf2x2(float[] x, int r0, int r1, float[] o, long[] taps, int oi, int ti) {
        float best = x[r0], v;
        int win = 0;
        v = x[r0 + 1];
        if (v > best || v != v) {
            best = v;
            win = 1;
        }
        v = x[r1];
        if (v > best || v != v) {
            best = v;
            win = 2;
        }
        v = x[r1 + 1];
        if (v > best || v != v) {
            best = v;
            win = 3;
        }
        o[oi] = best;
        taps[ti] = win;
    }

    /**
     * Max pooling of one float plane whose windows all lie inside it: the first tap, then each later one that is
     * greater or NaN (so NaN wins, the last NaN), as the general loop; a 2 x 2 window without dilation unrolled.
     */
    private static void maxPoolInsideF(float[] x, int src, float[] o, int dst, long[] taps, int tapsAt, Window2d g,
                                       int[] tapOffset) {
        int outH = g.outH(), outW = g.outW(), sh = g.strideH(), sw = g.strideW(), width = g.width();
        if (g.kernelH() == 2 && g.kernelW() == 2 && g.dilationH() == 1 && g.dilationW() == 1) {
            if (VECTOR_POOL && sh == 2 && sw == 2) {
                VectorPooling.maxPool2x2(x, src, o, dst, taps, tapsAt, outH, outW, width);
                return;
            }
            for (int oh = 0; oh < outH; oh++) {
                int r0 = src + oh * sh * width, r1 = r0 + width, at = oh * outW;
                for (int ow = 0, c = 0; ow < outW; ow++, c += sw) {
                    maxOf2x2(x, r0 + c, r1 + c, o, taps, dst + at + ow, tapsAt + at + ow);
                }
            }
            return;
        }
        int n = tapOffset.length;
        for (int oh = 0; oh < outH; oh++) {
            int row = src + oh * sh * width, at = oh * outW;
            for (int ow = 0; ow < outW; ow++) {
                int corner = row + ow * sw;
                float best = x[corner];
                int win = 0;
                for (int t = 1; t < n; t++) {
                    float v = x[corner + tapOffset[t]];
                    if (v > best || v != v) {
                        best = v;
                        win = t;
                    }
                }
                o[dst + at + ow] = best;
                taps[tapsAt + at + ow] = win;
            }
        }
    }

    static void maxPool2dBackward(CpuStorage grad, Layout gradLayout, CpuStorage taps, Layout tapsLayout, Window2d g,
                                  CpuStorage out, Layout outLayout) {
        int[] s = outLayout.shape();
        int planes = s[0] * s[1];
        int go = gradLayout.offset(), to = tapsLayout.offset(), oo = outLayout.offset();
        int hw = g.height() * g.width(), positions = g.positions();
        long[] tp = taps.l();
        double[] gd = grad.dtype == DType.FLOAT64 ? grad.d() : null, od = gd == null ? null : out.d();
        float[] gf = grad.dtype == DType.FLOAT32 ? grad.f() : null, of = gf == null ? null : out.f();
        int[] tapH = new int[g.taps()], tapW = new int[g.taps()]; // a tap's place in its window
        for (int t = 0; t < g.taps(); t++) {
            tapH[t] = (t / g.kernelW()) * g.dilationH();
            tapW[t] = (t % g.kernelW()) * g.dilationW();
        }
        int outH = g.outH(), outW = g.outW(), height = g.height(), width = g.width();
        Parallel.forRange(planes, positions + hw, (from, until) -> { // each plane is one thread's
            for (int p = from; p < until; p++) {
                int dst = oo + p * hw;
                if (of != null) {
                    Arrays.fill(of, dst, dst + hw, 0f);
                } else {
                    Arrays.fill(od, dst, dst + hw, 0d);
                }
                // the window positions in order, as the general definition adds them; no division per position
                for (int oh = 0, l = 0; oh < outH; oh++) {
                    int h0 = oh * g.strideH() - g.padTop();
                    for (int ow = 0; ow < outW; ow++, l++) {
                        int t = (int) tp[to + p * positions + l];
                        int h = h0 + tapH[t], w = ow * g.strideW() - g.padLeft() + tapW[t];
                        if (h < 0 || h >= height || w < 0 || w >= width) {
                            continue; // an all -inf window whose first tap is padding: no input element won
                        }
                        if (of != null) {
                            of[dst + h * width + w] += gf[go + p * positions + l];
                        } else {
                            od[dst + h * width + w] += gd[go + p * positions + l];
                        }
                    }
                }
            }
        });
    }

    /** The first window position {@code ow} whose column {@code w0 + ow * sw} is at least 0. */
    private static int firstInside(int w0, int sw, int outW) {
        return w0 >= 0 ? 0 : Math.min(outW, (-w0 + sw - 1) / sw);
    }

    /** One past the last window position whose column {@code w0 + ow * sw} is below width (at least lo). */
    private static int endInside(int w0, int sw, int width, int outW, int lo) {
        int hi = w0 >= width ? 0 : Math.min(outW, (width - 1 - w0) / sw + 1);
        return Math.max(lo, hi);
    }

    static void im2colF(float[] a, int src, float[] o, int dst, Window2d g, float pad) {
        int outH = g.outH(), outW = g.outW(), sw = g.strideW(), width = g.width(), positions = g.positions();
        for (int ki = 0; ki < g.kernelH(); ki++) {
            for (int kj = 0; kj < g.kernelW(); kj++) {
                int row = dst + (ki * g.kernelW() + kj) * positions;
                int w0 = kj * g.dilationW() - g.padLeft();
                int lo = firstInside(w0, sw, outW), hi = endInside(w0, sw, width, outW, lo);
                for (int oh = 0; oh < outH; oh++) {
                    int h = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                    int at = row + oh * outW;
                    if (h < 0 || h >= g.height()) {
                        Arrays.fill(o, at, at + outW, pad);
                        continue;
                    }
                    int line = src + h * width + w0;
                    for (int ow = 0; ow < lo; ow++) { // a loop: Arrays.fill's checks cost more than these few
                        o[at + ow] = pad;
                    }
                    if (sw == 1) {
                        if (hi > lo) { // a tap wholly in the padding: line + lo may lie outside the array
                            System.arraycopy(a, line + lo, o, at + lo, hi - lo);
                        }
                    } else {
                        for (int ow = lo; ow < hi; ow++) {
                            o[at + ow] = a[line + ow * sw];
                        }
                    }
                    for (int ow = hi; ow < outW; ow++) {
                        o[at + ow] = pad;
                    }
                }
            }
        }
    }

    private static void im2colD(double[] a, int src, double[] o, int dst, Window2d g, double pad) {
        int outH = g.outH(), outW = g.outW(), sw = g.strideW(), width = g.width(), positions = g.positions();
        for (int ki = 0; ki < g.kernelH(); ki++) {
            for (int kj = 0; kj < g.kernelW(); kj++) {
                int row = dst + (ki * g.kernelW() + kj) * positions;
                int w0 = kj * g.dilationW() - g.padLeft();
                int lo = firstInside(w0, sw, outW), hi = endInside(w0, sw, width, outW, lo);
                for (int oh = 0; oh < outH; oh++) {
                    int h = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                    int at = row + oh * outW;
                    if (h < 0 || h >= g.height()) {
                        Arrays.fill(o, at, at + outW, pad);
                        continue;
                    }
                    int line = src + h * width + w0;
                    Arrays.fill(o, at, at + lo, pad);
                    for (int ow = lo; ow < hi; ow++) {
                        o[at + ow] = a[line + ow * sw];
                    }
                    Arrays.fill(o, at + hi, at + outW, pad);
                }
            }
        }
    }

    static void col2imF(float[] c, int src, float[] o, int dst, Window2d g) {
        int outH = g.outH(), outW = g.outW(), sw = g.strideW(), width = g.width(), positions = g.positions();
        Arrays.fill(o, dst, dst + g.height() * width, 0f);
        for (int ki = 0; ki < g.kernelH(); ki++) {
            for (int kj = 0; kj < g.kernelW(); kj++) {
                int row = src + (ki * g.kernelW() + kj) * positions;
                int w0 = kj * g.dilationW() - g.padLeft();
                int lo = firstInside(w0, sw, outW), hi = endInside(w0, sw, width, outW, lo);
                for (int oh = 0; oh < outH; oh++) {
                    int h = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                    if (h < 0 || h >= g.height()) {
                        continue;
                    }
                    int line = dst + h * width + w0, at = row + oh * outW;
                    if (sw == 1) {
                        addRow(c, at + lo, o, line + lo, hi - lo);
                    } else {
                        for (int ow = lo; ow < hi; ow++) {
                            o[line + ow * sw] += c[at + ow];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code o[to + i] += c[from + i]} for {@code i < len}: a unit-stride row, unrolled by four (col2im's rows are
     * as short as the image, 7 to 28 here, too short for C2's vector loop); each element still gets one add.
     */
    private static void addRow(float[] c, int from, float[] o, int to, int len) {
        int i = 0;
        for (; i + 3 < len; i += 4) {
            o[to + i] += c[from + i];
            o[to + i + 1] += c[from + i + 1];
            o[to + i + 2] += c[from + i + 2];
            o[to + i + 3] += c[from + i + 3];
        }
        for (; i < len; i++) {
            o[to + i] += c[from + i];
        }
    }

    private static void col2imD(double[] c, int src, double[] o, int dst, Window2d g) {
        int outH = g.outH(), outW = g.outW(), sw = g.strideW(), width = g.width(), positions = g.positions();
        Arrays.fill(o, dst, dst + g.height() * width, 0d);
        for (int ki = 0; ki < g.kernelH(); ki++) {
            for (int kj = 0; kj < g.kernelW(); kj++) {
                int row = src + (ki * g.kernelW() + kj) * positions;
                int w0 = kj * g.dilationW() - g.padLeft();
                int lo = firstInside(w0, sw, outW), hi = endInside(w0, sw, width, outW, lo);
                for (int oh = 0; oh < outH; oh++) {
                    int h = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                    if (h < 0 || h >= g.height()) {
                        continue;
                    }
                    int line = dst + h * width + w0, at = row + oh * outW;
                    for (int ow = lo; ow < hi; ow++) {
                        o[line + ow * sw] += c[at + ow];
                    }
                }
            }
        }
    }
}
