package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.NormShape;

/**
 * The fused normalization kernels ({@code Backend.normForward}, {@code normBackward}): batch, layer and group
 * norm, one statistics row at a time. A row (a channel's {@code n * s} values for batch norm, a sample's group
 * for group and layer norm) is gathered into a double buffer, its statistics taken there, and the result written
 * back, so each element is read from memory once per pass instead of once per composite op. Sums run in four
 * interleaved double accumulators combined in a fixed order (so the latency of one long add chain does not bound
 * them, and the bits do not depend on the JIT tier or the thread count: a row is never split between threads).
 * The weight and bias gradients of group and layer norm are per channel across rows: a second pass over channel
 * ranges, each channel summed sample after sample.
 */
final class Norms {
    private Norms() {
    }

    static void forward(NormShape sh, CpuStorage x, int xo, CpuStorage w, CpuStorage b, double eps, CpuStorage out,
                        CpuStorage mean, CpuStorage rstd, CpuStorage var) {
        int rows = sh.rows(), len = sh.rowLength();
        if (rows == 0 || len == 0) {
            return;
        }
        double[] wv = values(w, sh.c()), bv = values(b, sh.c());
        Parallel.forRange(rows, 6L * len, (from, to) -> {
            double[] buf = new double[len];
            for (int r = from; r < to; r++) {
                load(sh, r, x, xo, buf);
                double m = sum(buf, len) / len;
                double v = squaredDeviations(buf, len, m) / len;
                double rs = 1.0 / Math.sqrt(v + eps);
                mean.set(r, m);
                rstd.set(r, rs);
                if (var != null) {
                    var.set(r, v);
                }
                int segments = segments(sh), s = sh.s(), ch0 = channel(sh, r, 0);
                boolean perChannel = sh.perChannel();
                if (s == 1 && !perChannel) { // layer norm: element j is channel ch0 + j
                    for (int j = 0; j < len; j++) {
                        double scale = wv == null ? rs : rs * wv[ch0 + j], shift = bv == null ? 0.0 : bv[ch0 + j];
                        buf[j] = (buf[j] - m) * scale + shift;
                    }
                } else {
                    for (int k = 0, j = 0; k < segments; k++) {
                        int ch = perChannel ? ch0 : ch0 + k;
                        double scale = wv == null ? rs : rs * wv[ch], shift = bv == null ? 0.0 : bv[ch];
                        for (int t = 0; t < s; t++, j++) {
                            buf[j] = (buf[j] - m) * scale + shift;
                        }
                    }
                }
                store(sh, r, buf, out, 0);
            }
        });
    }

    static void backward(NormShape sh, CpuStorage g, int go, CpuStorage x, int xo, CpuStorage mean, CpuStorage rstd,
                         CpuStorage w, CpuStorage dx, CpuStorage dw, CpuStorage db) {
        int rows = sh.rows(), len = sh.rowLength();
        if (rows == 0 || len == 0) {
            if (dw != null) {
                fillZero(dw, sh.c());
            }
            if (db != null) {
                fillZero(db, sh.c());
            }
            return;
        }
        boolean perChannel = sh.perChannel();
        double[] wv = values(w, sh.c()), means = values(mean, rows), rstds = values(rstd, rows);
        if (dx != null || perChannel) {
            Parallel.forRange(rows, 8L * len, (from, to) -> {
                double[] bx = new double[len], bg = new double[len];
                int segments = segments(sh), s = sh.s();
                for (int r = from; r < to; r++) {
                    load(sh, r, x, xo, bx);
                    load(sh, r, g, go, bg);
                    double m = means[r], rs = rstds[r];
                    for (int j = 0; j < len; j++) {
                        bx[j] = (bx[j] - m) * rs; // xhat
                    }
                    if (perChannel) {
                        // one channel: sum(g) and sum(g * xhat) are the bias's and weight's gradients
                        double sg = sum(bg, len), sgx = dot(bg, bx, len);
                        if (dw != null) {
                            dw.set(r, sgx);
                        }
                        if (db != null) {
                            db.set(r, sg);
                        }
                        if (dx != null) {
                            double m1 = sg / len, m2 = sgx / len, scale = wv == null ? rs : rs * wv[r];
                            for (int j = 0; j < len; j++) {
                                bg[j] = (bg[j] - m1 - bx[j] * m2) * scale;
                            }
                            store(sh, r, bg, dx, 0);
                        }
                        continue;
                    }
                    if (wv != null) {
                        int ch0 = channel(sh, r, 0);
                        for (int k = 0, j = 0; k < segments; k++) {
                            double wc = wv[ch0 + k];
                            for (int t = 0; t < s; t++, j++) {
                                bg[j] *= wc; // gx
                            }
                        }
                    }
                    double m1 = sum(bg, len) / len, m2 = dot(bg, bx, len) / len;
                    for (int j = 0; j < len; j++) {
                        bg[j] = (bg[j] - m1 - bx[j] * m2) * rs;
                    }
                    store(sh, r, bg, dx, 0);
                }
            });
        }
        if (!perChannel && (dw != null || db != null)) {
            affineGrads(sh, g, go, x, xo, means, rstds, dw, db);
        }
    }

    /** Group and layer norm: per channel, {@code sum(g * xhat)} and {@code sum(g)} over samples, in sample order. */
    private static void affineGrads(NormShape sh, CpuStorage g, int go, CpuStorage x, int xo, double[] means,
                                    double[] rstds, CpuStorage dw, CpuStorage db) {
        int n = sh.n(), c = sh.c(), s = sh.s(), groups = sh.groups(), cg = c / groups;
        Parallel.forRange(c, 4L * n * s, (from, to) -> {
            int width = to - from;
            double[] accW = new double[width], accB = new double[width];
            boolean f32 = x.dtype == DType.FLOAT32;
            float[] xf = f32 ? x.f() : null, gf = f32 ? g.f() : null;
            double[] xd = f32 ? null : x.d(), gd = f32 ? null : g.d();
            for (int ni = 0; ni < n; ni++) {
                if (s == 1 && groups == 1) { // layer norm: one statistics row per sample, a row of channels
                    double m = means[ni], rs = rstds[ni];
                    int base = ni * c;
                    if (f32) {
                        for (int ch = from; ch < to; ch++) {
                            double gv = gf[go + base + ch];
                            accW[ch - from] += gv * ((xf[xo + base + ch] - m) * rs);
                            accB[ch - from] += gv;
                        }
                    } else {
                        for (int ch = from; ch < to; ch++) {
                            double gv = gd[go + base + ch];
                            accW[ch - from] += gv * ((xd[xo + base + ch] - m) * rs);
                            accB[ch - from] += gv;
                        }
                    }
                    continue;
                }
                for (int ch = from; ch < to; ch++) {
                    int r = ni * groups + ch / cg;
                    double m = means[r], rs = rstds[r];
                    int base = ni * c * s + ch * s;
                    double aw = 0, ab = 0;
                    for (int t = 0; t < s; t++) {
                        double xv = f32 ? xf[xo + base + t] : xd[xo + base + t];
                        double gv = f32 ? gf[go + base + t] : gd[go + base + t];
                        aw += gv * ((xv - m) * rs);
                        ab += gv;
                    }
                    accW[ch - from] += aw;
                    accB[ch - from] += ab;
                }
            }
            for (int ch = from; ch < to; ch++) {
                if (dw != null) {
                    dw.set(ch, accW[ch - from]);
                }
                if (db != null) {
                    db.set(ch, accB[ch - from]);
                }
            }
        });
    }

    /** The first {@code count} values of st as doubles, or null for a null storage. */
    private static double[] values(CpuStorage st, int count) {
        if (st == null) {
            return null;
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = st.get(i);
        }
        return v;
    }

    private static void fillZero(CpuStorage st, int count) {
        for (int i = 0; i < count; i++) {
            st.set(i, 0.0);
        }
    }

    /** Segments of one statistics row: samples (batch norm) or the group's channels, each {@code s} long. */
    private static int segments(NormShape sh) {
        return sh.perChannel() ? sh.n() : sh.c() / sh.groups();
    }

    /** The channel of segment {@code k} of row {@code r}. */
    private static int channel(NormShape sh, int r, int k) {
        if (sh.perChannel()) {
            return r;
        }
        int cg = sh.c() / sh.groups();
        return (r % sh.groups()) * cg + k;
    }

    /** The element offset (from the storage's view start) of segment {@code k} of row {@code r}. */
    private static int segmentStart(NormShape sh, int r, int k) {
        int s = sh.s();
        return sh.perChannel() ? k * sh.c() * s + r * s : r * sh.rowLength() + k * s;
    }

    /** Row {@code r} of st (from element {@code off}) into buf, in row order. */
    private static void load(NormShape sh, int r, CpuStorage st, int off, double[] buf) {
        int s = sh.s();
        if (!sh.perChannel()) { // the row is contiguous
            int start = off + r * sh.rowLength();
            int len = sh.rowLength();
            if (st.dtype == DType.FLOAT32) {
                float[] a = st.f();
                for (int j = 0; j < len; j++) {
                    buf[j] = a[start + j];
                }
            } else {
                System.arraycopy(st.d(), start, buf, 0, len);
            }
            return;
        }
        int segments = sh.n();
        for (int k = 0, j = 0; k < segments; k++, j += s) {
            int start = off + segmentStart(sh, r, k);
            if (st.dtype == DType.FLOAT32) {
                float[] a = st.f();
                for (int t = 0; t < s; t++) {
                    buf[j + t] = a[start + t];
                }
            } else {
                System.arraycopy(st.d(), start, buf, j, s);
            }
        }
    }

    /** buf into row {@code r} of st (from element {@code off}), rounded to the storage's dtype. */
    private static void store(NormShape sh, int r, double[] buf, CpuStorage st, int off) {
        int s = sh.s();
        int segments = sh.perChannel() ? sh.n() : 1;
        int segLen = sh.perChannel() ? s : sh.rowLength();
        for (int k = 0, j = 0; k < segments; k++, j += segLen) {
            int start = off + (sh.perChannel() ? segmentStart(sh, r, k) : r * sh.rowLength());
            if (st.dtype == DType.FLOAT32) {
                float[] a = st.f();
                for (int t = 0; t < segLen; t++) {
                    a[start + t] = (float) buf[j + t];
                }
            } else {
                System.arraycopy(buf, j, st.d(), start, segLen);
            }
        }
    }

    /** The sum of buf[0, n), four interleaved accumulators combined as (a0 + a1) + (a2 + a3). */
    private static double sum(double[] buf, int n) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            a0 += buf[i];
            a1 += buf[i + 1];
            a2 += buf[i + 2];
            a3 += buf[i + 3];
        }
        for (; i < n; i++) {
            a0 += buf[i];
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** The sum of (buf[i] - m)^2 over [0, n), accumulated as {@link #sum}. */
    private static double squaredDeviations(double[] buf, int n, double m) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double d0 = buf[i] - m, d1 = buf[i + 1] - m, d2 = buf[i + 2] - m, d3 = buf[i + 3] - m;
            a0 += d0 * d0;
            a1 += d1 * d1;
            a2 += d2 * d2;
            a3 += d3 * d3;
        }
        for (; i < n; i++) {
            double d = buf[i] - m;
            a0 += d * d;
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** The sum of a[i] * b[i] over [0, n), accumulated as {@link #sum}. */
    private static double dot(double[] a, double[] b, int n) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            a0 += a[i] * b[i];
            a1 += a[i + 1] * b[i + 1];
            a2 += a[i + 2] * b[i + 2];
            a3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            a0 += a[i] * b[i];
        }
        return (a0 + a1) + (a2 + a3);
    }
}
