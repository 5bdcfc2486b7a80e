package dev.autograd4j.cpu;

/**
 * The row passes of {@link Norms}, on the storages' arrays directly. A row is {@code segs} segments of {@code len}
 * contiguous elements, segment k from {@code base + k * stride} (a channel of batch norm: one segment per sample;
 * a group or layer norm row: one segment).
 *
 * <p>The forward's float32 statistics are double sums in a fixed order: each segment's whole blocks of
 * {@link #LANES} elements go to {@link #LANES} accumulators (the even elements of a block to the first half in
 * order, the odd ones to the second half, as a vector unit widening floats to doubles holds them), the elements
 * after the last whole block of a segment to one more accumulator in order; the result is the accumulators first
 * to last, then that one. The order depends only on the row's shape, so the bits are the same on every JIT tier
 * and thread count (a row never splits between threads), and {@link NormVector} (when the Vector API is there)
 * gives the same bits as the plain loops here. The backward's two gradient sums are plain loops with four
 * interleaved accumulators each: a Vector API twin (one loop, four accumulators) was compiled well by C2 in some W6
 * runs and 3x slower in others (3% to 21% of the profile over five runs, the plain loop 6.5% to 9%). The elementwise passes of float32 rows run in float (the per-row constants rounded once,
 * as PyTorch's CPU kernels do), as plain loops over contiguous runs that C2 vectorizes. Float64 rows run in double
 * with four interleaved accumulators combined in a fixed order.
 */
final class NormStats {
    /** Whether the float32 sums take the Vector API path. */
    static final boolean VECTOR = VectorKernels.ENABLED && NormVector.usable();
    /** Accumulators of the float32 sums: the vector path's float lanes, or 16 without it. */
    static final int LANES = VECTOR ? NormVector.LANES : 16;

    private NormStats() {
    }

    /** A scratch array for the sums of one thread. */
    static double[] scratch() {
        return new double[LANES];
    }

    // ------------------------------------------------------------------ float32 statistics

    /** The sum of the row's elements. */
    static double sum(float[] a, int base, int segs, int len, int stride, double[] lanes) {
        return VECTOR ? NormVector.sum(a, base, segs, len, stride, lanes)
                : sumPlain(a, base, segs, len, stride, lanes, LANES);
    }

    /** The sum of {@code (a - m)^2} over the row. */
    static double squaredDeviations(float[] a, int base, int segs, int len, int stride, double m, double[] lanes) {
        return VECTOR ? NormVector.squaredDeviations(a, base, segs, len, stride, m, lanes)
                : squaredDeviationsPlain(a, base, segs, len, stride, m, lanes, LANES);
    }

    /**
     * {@code sum(g * w)} into {@code res[0]} and {@code sum(g * w * (x - m))} into {@code res[1]} over the row (g and
     * x in the same geometry), w per element from {@code w[wo + j]} (j counting the row's elements, segment after
     * segment), or 1 when w is null. Four interleaved accumulators for each sum, in plain Java on every path: a
     * Vector API version (as {@link NormVector}'s) measured slower inside W6 than this loop.
     */
    static void gradientSums(float[] g, int gBase, float[] x, int xBase, int segs, int len, int stride, double m,
                             float[] w, int wo, double[] res) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        for (int k = 0; k < segs; k++) {
            int go = gBase + k * stride, xo = xBase + k * stride, wk = wo + k * len, i = 0;
            if (w == null) {
                for (; i + 3 < len; i += 4) {
                    double g0 = g[go + i], g1 = g[go + i + 1], g2 = g[go + i + 2], g3 = g[go + i + 3];
                    s0 += g0;
                    s1 += g1;
                    s2 += g2;
                    s3 += g3;
                    p0 += g0 * (x[xo + i] - m);
                    p1 += g1 * (x[xo + i + 1] - m);
                    p2 += g2 * (x[xo + i + 2] - m);
                    p3 += g3 * (x[xo + i + 3] - m);
                }
            } else {
                for (; i + 3 < len; i += 4) {
                    double g0 = (double) g[go + i] * w[wk + i], g1 = (double) g[go + i + 1] * w[wk + i + 1];
                    double g2 = (double) g[go + i + 2] * w[wk + i + 2], g3 = (double) g[go + i + 3] * w[wk + i + 3];
                    s0 += g0;
                    s1 += g1;
                    s2 += g2;
                    s3 += g3;
                    p0 += g0 * (x[xo + i] - m);
                    p1 += g1 * (x[xo + i + 1] - m);
                    p2 += g2 * (x[xo + i + 2] - m);
                    p3 += g3 * (x[xo + i + 3] - m);
                }
            }
            for (; i < len; i++) {
                double gv = w == null ? g[go + i] : (double) g[go + i] * w[wk + i];
                s0 += gv;
                p0 += gv * (x[xo + i] - m);
            }
        }
        res[0] = (s0 + s1) + (s2 + s3);
        res[1] = (p0 + p1) + (p2 + p3);
    }

    /** {@link #sum} in plain Java with {@code lanes} accumulators (even); the reference for the vector version. */
    static double sumPlain(float[] a, int base, int segs, int len, int stride, double[] acc, int lanes) {
        java.util.Arrays.fill(acc, 0, lanes, 0.0);
        int half = lanes / 2, full = len - len % lanes;
        double rest = 0;
        for (int k = 0; k < segs; k++) {
            int off = base + k * stride, i = 0;
            for (; i < full; i += lanes) {
                for (int j = 0; j < half; j++) {
                    acc[j] += a[off + i + 2 * j];
                    acc[half + j] += a[off + i + 2 * j + 1];
                }
            }
            for (; i < len; i++) {
                rest += a[off + i];
            }
        }
        return combine(acc, 0, lanes, rest);
    }

    /** {@link #squaredDeviations} in plain Java, as {@link #sumPlain}. */
    static double squaredDeviationsPlain(float[] a, int base, int segs, int len, int stride, double m, double[] acc,
                                         int lanes) {
        java.util.Arrays.fill(acc, 0, lanes, 0.0);
        int half = lanes / 2, full = len - len % lanes;
        double rest = 0;
        for (int k = 0; k < segs; k++) {
            int off = base + k * stride, i = 0;
            for (; i < full; i += lanes) {
                for (int j = 0; j < half; j++) {
                    double e = a[off + i + 2 * j] - m, o = a[off + i + 2 * j + 1] - m;
                    acc[j] += e * e;
                    acc[half + j] += o * o;
                }
            }
            for (; i < len; i++) {
                double d = a[off + i] - m;
                rest += d * d;
            }
        }
        return combine(acc, 0, lanes, rest);
    }

    /** acc[from, from + count) first to last, then rest. */
    static double combine(double[] acc, int from, int count, double rest) {
        double s = 0;
        for (int q = from; q < from + count; q++) {
            s += acc[q];
        }
        return s + rest;
    }

    // ------------------------------------------------------------------ float32 elementwise passes

    /** {@code o = x * a + b} over the row (o in x's geometry from oBase). */
    static void affine(float[] x, int xBase, float[] o, int oBase, int segs, int len, int stride, float a, float b) {
        for (int k = 0; k < segs; k++) {
            int xo = xBase + k * stride, oo = oBase + k * stride;
            for (int i = 0; i < len; i++) {
                o[oo + i] = x[xo + i] * a + b;
            }
        }
    }

    /** {@code o = (x * a + b) * w + bias} over a contiguous row, w and bias per element (either may be null). */
    static void affineWeighted(float[] x, int xo, float[] o, int oo, int len, float a, float b, float[] w,
                               float[] bias, int wo) {
        if (w != null && bias != null) {
            for (int i = 0; i < len; i++) {
                o[oo + i] = (x[xo + i] * a + b) * w[wo + i] + bias[wo + i];
            }
        } else if (w != null) {
            for (int i = 0; i < len; i++) {
                o[oo + i] = (x[xo + i] * a + b) * w[wo + i];
            }
        } else if (bias != null) {
            for (int i = 0; i < len; i++) {
                o[oo + i] = (x[xo + i] * a + b) + bias[wo + i];
            }
        } else {
            affine(x, xo, o, oo, 1, len, 0, a, b);
        }
    }

    /**
     * The input gradient {@code dx = (g * w - (x - m) * k - m1) * s} over the row (g, x and dx in one geometry), w
     * per element as in {@link #gradientSums} or 1 when null.
     */
    static void inputGradient(float[] g, int gBase, float[] x, int xBase, float[] dx, int dBase, int segs, int len,
                              int stride, float[] w, int wo, float m, float k, float m1, float s) {
        for (int q = 0; q < segs; q++) {
            int go = gBase + q * stride, xo = xBase + q * stride, d = dBase + q * stride, wk = wo + q * len;
            if (w == null) {
                for (int i = 0; i < len; i++) {
                    dx[d + i] = (g[go + i] - (x[xo + i] - m) * k - m1) * s;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    dx[d + i] = (g[go + i] * w[wk + i] - (x[xo + i] - m) * k - m1) * s;
                }
            }
        }
    }

    // ------------------------------------------------------------------ float64

    /** The sum of the row's elements (float64). */
    static double sum(double[] a, int base, int segs, int len, int stride) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int k = 0; k < segs; k++) {
            int off = base + k * stride, i = 0;
            for (; i + 3 < len; i += 4) {
                a0 += a[off + i];
                a1 += a[off + i + 1];
                a2 += a[off + i + 2];
                a3 += a[off + i + 3];
            }
            for (; i < len; i++) {
                a0 += a[off + i];
            }
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** The sum of {@code (a - m)^2} over the row (float64). */
    static double squaredDeviations(double[] a, int base, int segs, int len, int stride, double m) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int k = 0; k < segs; k++) {
            int off = base + k * stride, i = 0;
            for (; i + 3 < len; i += 4) {
                double d0 = a[off + i] - m, d1 = a[off + i + 1] - m, d2 = a[off + i + 2] - m, d3 = a[off + i + 3] - m;
                a0 += d0 * d0;
                a1 += d1 * d1;
                a2 += d2 * d2;
                a3 += d3 * d3;
            }
            for (; i < len; i++) {
                double d = a[off + i] - m;
                a0 += d * d;
            }
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** {@link #gradientSums} in float64: {@code sum(g * w)} and {@code sum(g * w * (x - m))} into res. */
    static void gradientSums(double[] g, int gBase, double[] x, int xBase, int segs, int len, int stride, double m,
                             double[] w, int wo, double[] res) {
        double s0 = 0, s1 = 0, p0 = 0, p1 = 0;
        for (int k = 0; k < segs; k++) {
            int go = gBase + k * stride, xo = xBase + k * stride, wk = wo + k * len, i = 0;
            for (; i + 1 < len; i += 2) {
                double ga = w == null ? g[go + i] : g[go + i] * w[wk + i];
                double gb = w == null ? g[go + i + 1] : g[go + i + 1] * w[wk + i + 1];
                s0 += ga;
                s1 += gb;
                p0 += ga * (x[xo + i] - m);
                p1 += gb * (x[xo + i + 1] - m);
            }
            for (; i < len; i++) {
                double gv = w == null ? g[go + i] : g[go + i] * w[wk + i];
                s0 += gv;
                p0 += gv * (x[xo + i] - m);
            }
        }
        res[0] = s0 + s1;
        res[1] = p0 + p1;
    }

    /** {@code o = (x - m) * scale + shift} over the row (float64). */
    static void normalize(double[] x, int xBase, double[] o, int oBase, int segs, int len, int stride, double m,
                          double scale, double shift) {
        for (int k = 0; k < segs; k++) {
            int xo = xBase + k * stride, oo = oBase + k * stride;
            for (int i = 0; i < len; i++) {
                o[oo + i] = (x[xo + i] - m) * scale + shift;
            }
        }
    }

    /** {@code o = (x - m) * (rs * w) + bias} over a contiguous row (float64), w and bias per element or null. */
    static void normalizeWeighted(double[] x, int xo, double[] o, int oo, int len, double m, double rs, double[] w,
                                  double[] bias, int wo) {
        for (int i = 0; i < len; i++) {
            double scale = w == null ? rs : rs * w[wo + i], shift = bias == null ? 0.0 : bias[wo + i];
            o[oo + i] = (x[xo + i] - m) * scale + shift;
        }
    }

    /** {@link #inputGradient} in float64: {@code dx = (g * w - (x - m) * k - m1) * s}. */
    static void inputGradient(double[] g, int gBase, double[] x, int xBase, double[] dx, int dBase, int segs, int len,
                              int stride, double[] w, int wo, double m, double k, double m1, double s) {
        for (int q = 0; q < segs; q++) {
            int go = gBase + q * stride, xo = xBase + q * stride, d = dBase + q * stride, wk = wo + q * len;
            for (int i = 0; i < len; i++) {
                double gv = w == null ? g[go + i] : g[go + i] * w[wk + i];
                dx[d + i] = (gv - (x[xo + i] - m) * k - m1) * s;
            }
        }
    }
}
