package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;

/**
 * Softmax and log-softmax over the last dim, one row at a time: the maximum, then the sum of {@code exp(x - max)}
 * in double, then the output ({@code (x - max) - log(sum)} or {@code exp(x - max) / sum}, the formulas of
 * {@link dev.autograd4j.spi.Backend#softmax}'s composition), so each row is read three times from cache instead
 * of five passes over the whole tensor through temporaries; softmax keeps each row's exponentials in a buffer, so
 * {@link Math#exp} runs once per element. Scalar {@link Math#exp}/{@link Math#log} only, so the bits do not depend
 * on the JIT tier; float32 rows are computed in double and rounded once.
 */
final class Softmax {
    private Softmax() {
    }

    static void run(boolean log, CpuStorage x, Layout xl, CpuStorage out, Layout ol) {
        int rank = xl.rank();
        int[] shape = xl.shape();
        int n = shape[rank - 1];
        int rows = n == 0 ? 0 : xl.numel() / n;
        int xs = xl.strides()[rank - 1], os = ol.strides()[rank - 1];
        Parallel.forRange(rows, 4L * n, (from, to) -> {
            double[] e = log ? null : new double[n];
            for (int r = from; r < to; r++) {
                int xo = Strided.rowOffset(xl, r), oo = Strided.rowOffset(ol, r);
                if (x.dtype == DType.FLOAT32) {
                    rowF(log, x.f(), xo, xs, out.f(), oo, os, n, e);
                } else {
                    rowD(log, x.d(), xo, xs, out.d(), oo, os, n, e);
                }
            }
        });
    }

    /**
     * The gradient of softmax ({@code y * (g - sum(g * y))}) or log-softmax ({@code g - exp(y) * sum(g)}) over
     * contiguous rows of n: one read of the row for the sum (in double, in index order), one to write.
     */
    static void backward(boolean log, CpuStorage y, int yo, CpuStorage g, int go, CpuStorage out, int rows, int n) {
        Parallel.forRange(rows, 4L * n, (from, to) -> {
            boolean f32 = y.dtype == DType.FLOAT32;
            for (int r = from; r < to; r++) {
                int yr = yo + r * n, gr = go + r * n, or = r * n;
                double sum = 0;
                if (f32) {
                    float[] ya = y.f(), ga = g.f(), oa = out.f();
                    if (log) {
                        for (int i = 0; i < n; i++) {
                            sum += ga[gr + i];
                        }
                        for (int i = 0; i < n; i++) {
                            oa[or + i] = (float) (ga[gr + i] - Math.exp(ya[yr + i]) * sum);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            sum += (double) ga[gr + i] * ya[yr + i];
                        }
                        for (int i = 0; i < n; i++) {
                            oa[or + i] = (float) (ya[yr + i] * (ga[gr + i] - sum));
                        }
                    }
                } else {
                    double[] ya = y.d(), ga = g.d(), oa = out.d();
                    if (log) {
                        for (int i = 0; i < n; i++) {
                            sum += ga[gr + i];
                        }
                        for (int i = 0; i < n; i++) {
                            oa[or + i] = ga[gr + i] - Math.exp(ya[yr + i]) * sum;
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            sum += ga[gr + i] * ya[yr + i];
                        }
                        for (int i = 0; i < n; i++) {
                            oa[or + i] = ya[yr + i] * (ga[gr + i] - sum);
                        }
                    }
                }
            }
        });
    }

    private static void rowF(boolean log, float[] x, int xo, int xs, float[] o, int oo, int os, int n, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0, xi = xo; i < n; i++, xi += xs) {
            max = Math.max(max, x[xi]); // NaN wins, as the max reduction
        }
        double sum = 0;
        if (log) {
            for (int i = 0, xi = xo; i < n; i++, xi += xs) {
                sum += Math.exp(x[xi] - max);
            }
        } else {
            for (int i = 0, xi = xo; i < n; i++, xi += xs) {
                double v = Math.exp(x[xi] - max); // once per element: kept for the output
                e[i] = v;
                sum += v;
            }
        }
        if (log) {
            double logSum = Math.log(sum);
            for (int i = 0, xi = xo, oi = oo; i < n; i++, xi += xs, oi += os) {
                o[oi] = (float) ((x[xi] - max) - logSum);
            }
        } else {
            for (int i = 0, xi = xo, oi = oo; i < n; i++, xi += xs, oi += os) {
                o[oi] = (float) (e[i] / sum);
            }
        }
    }

    private static void rowD(boolean log, double[] x, int xo, int xs, double[] o, int oo, int os, int n, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0, xi = xo; i < n; i++, xi += xs) {
            max = Math.max(max, x[xi]); // NaN wins, as the max reduction
        }
        double sum = 0;
        if (log) {
            for (int i = 0, xi = xo; i < n; i++, xi += xs) {
                sum += Math.exp(x[xi] - max);
            }
        } else {
            for (int i = 0, xi = xo; i < n; i++, xi += xs) {
                double v = Math.exp(x[xi] - max); // once per element: kept for the output
                e[i] = v;
                sum += v;
            }
        }
        if (log) {
            double logSum = Math.log(sum);
            for (int i = 0, xi = xo, oi = oo; i < n; i++, xi += xs, oi += os) {
                o[oi] = (x[xi] - max) - logSum;
            }
        } else {
            for (int i = 0, xi = xo, oi = oo; i < n; i++, xi += xs, oi += os) {
                o[oi] = e[i] / sum;
            }
        }
    }
}
