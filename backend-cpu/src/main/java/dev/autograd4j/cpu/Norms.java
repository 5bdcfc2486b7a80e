package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.NormShape;

/**
 * The fused normalization kernels ({@code Backend.normForward}, {@code normBackward}): batch, layer and group
 * norm, one statistics row at a time (a channel's {@code n * s} values for batch norm, a sample's group for group
 * and layer norm), on the storages' arrays in place: the forward reads a row twice for its mean and variance (in
 * double) and once more to write the output, the backward once for its two sums and once to write the input
 * gradient (the row stays in cache between passes). {@link NormStats} has the passes: sums in double in an order
 * fixed by the row's shape, so the bits do not depend on the JIT tier or the thread count (a row is never split
 * between threads). The weight and bias gradients of group and layer norm are per channel across rows: a second
 * pass over channel ranges, each channel summed sample after sample.
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
        boolean perChannel = sh.perChannel(), f32 = x.dtype == DType.FLOAT32;
        double[] wv = perChannel ? values(w, sh.c()) : null, bv = perChannel ? values(b, sh.c()) : null;
        Object we = perChannel ? null : expanded(sh, w), be = perChannel ? null : expanded(sh, b);
        Parallel.forRange(rows, 6L * len, (from, to) -> {
            double[] lanes = NormStats.scratch();
            for (int r = from; r < to; r++) {
                Row row = new Row(sh, r);
                int xb = xo + row.base;
                double m, v;
                if (f32) {
                    float[] a = x.f();
                    m = NormStats.sum(a, xb, row.segs, row.len, row.stride, lanes) / len;
                    v = NormStats.squaredDeviations(a, xb, row.segs, row.len, row.stride, m, lanes) / len;
                } else {
                    double[] a = x.d();
                    m = NormStats.sum(a, xb, row.segs, row.len, row.stride) / len;
                    v = NormStats.squaredDeviations(a, xb, row.segs, row.len, row.stride, m) / len;
                }
                double rs = 1.0 / Math.sqrt(v + eps);
                mean.set(r, m);
                rstd.set(r, rs);
                if (var != null) {
                    var.set(r, v);
                }
                int wo = perChannel ? 0 : (r % sh.groups()) * len;
                if (perChannel) {
                    double scale = wv == null ? rs : rs * wv[r], shift = bv == null ? 0.0 : bv[r];
                    if (f32) { // x * alpha + beta in float, alpha and beta rounded once (as PyTorch's CPU kernel)
                        NormStats.affine(x.f(), xb, out.f(), row.base, row.segs, row.len, row.stride, (float) scale,
                                (float) (shift - m * scale));
                    } else {
                        NormStats.normalize(x.d(), xb, out.d(), row.base, row.segs, row.len, row.stride, m, scale,
                                shift);
                    }
                } else if (f32) {
                    NormStats.affineWeighted(x.f(), xb, out.f(), row.base, len, (float) rs, (float) (-m * rs),
                            (float[]) we, (float[]) be, wo);
                } else {
                    NormStats.normalizeWeighted(x.d(), xb, out.d(), row.base, len, m, rs, (double[]) we,
                            (double[]) be, wo);
                }
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
        boolean perChannel = sh.perChannel(), f32 = x.dtype == DType.FLOAT32;
        double[] means = values(mean, rows), rstds = values(rstd, rows);
        double[] wv = perChannel ? values(w, sh.c()) : null;
        Object we = perChannel ? null : expanded(sh, w);
        if (dx != null || perChannel) {
            Parallel.forRange(rows, 8L * len, (from, to) -> {
                double[] res = new double[2];
                for (int r = from; r < to; r++) {
                    Row row = new Row(sh, r);
                    int gb = go + row.base, xb = xo + row.base, wo = perChannel ? 0 : (r % sh.groups()) * len;
                    double m = means[r], rs = rstds[r];
                    // res: sum(g * w) and sum(g * w * (x - m)), w the weight (group and layer norm) or 1
                    if (f32) {
                        NormStats.gradientSums(g.f(), gb, x.f(), xb, row.segs, row.len, row.stride, m, (float[]) we,
                                wo, res);
                    } else {
                        NormStats.gradientSums(g.d(), gb, x.d(), xb, row.segs, row.len, row.stride, m, (double[]) we,
                                wo, res);
                    }
                    if (perChannel) { // one channel: sum(g) and sum(g * xhat) are the bias's and weight's gradients
                        if (dw != null) {
                            dw.set(r, res[1] * rs);
                        }
                        if (db != null) {
                            db.set(r, res[0]);
                        }
                        if (dx == null) {
                            continue;
                        }
                    }
                    // dx = (g w - mean(g w) - xhat mean(g w xhat)) rs, xhat = (x - m) rs
                    double m1 = res[0] / len, k = rs * rs * res[1] / len;
                    double scale = perChannel && wv != null ? rs * wv[r] : rs;
                    if (f32) {
                        NormStats.inputGradient(g.f(), gb, x.f(), xb, dx.f(), row.base, row.segs, row.len,
                                row.stride, (float[]) we, wo, (float) m, (float) k, (float) m1, (float) scale);
                    } else {
                        NormStats.inputGradient(g.d(), gb, x.d(), xb, dx.d(), row.base, row.segs, row.len,
                                row.stride, (double[]) we, wo, m, k, m1, scale);
                    }
                }
            });
        }
        if (!perChannel && (dw != null || db != null)) {
            affineGrads(sh, g, go, x, xo, means, rstds, dw, db);
        }
    }

    /**
     * Where row {@code r} lies, from a storage's view start: {@code segs} segments of {@code len} elements, segment
     * k from {@code base + k * stride} (batch norm: a channel, one segment per sample; otherwise one contiguous
     * segment).
     */
    private static final class Row {
        final int base;
        final int segs;
        final int len;
        final int stride;

        Row(NormShape sh, int r) {
            if (sh.perChannel()) {
                base = r * sh.s();
                segs = sh.n();
                len = sh.s();
                stride = sh.c() * sh.s();
            } else {
                base = r * sh.rowLength();
                segs = 1;
                len = sh.rowLength();
                stride = len;
            }
        }
    }

    /**
     * Group and layer norm: the weight (or bias) per element of a row, one row per group ({@code [groups,
     * rowLength]}: a channel's value repeated over its {@code s} positions), as the storage's float[] or double[];
     * the storage's own array when {@code s} is 1 (layer norm); null for a null storage.
     */
    private static Object expanded(NormShape sh, CpuStorage st) {
        if (st == null) {
            return null;
        }
        boolean f32 = st.dtype == DType.FLOAT32;
        int s = sh.s(), c = sh.c();
        if (s == 1) {
            return f32 ? st.f() : st.d();
        }
        if (f32) {
            float[] src = st.f(), e = new float[c * s];
            for (int ch = 0; ch < c; ch++) {
                java.util.Arrays.fill(e, ch * s, ch * s + s, src[ch]);
            }
            return e;
        }
        double[] src = st.d(), e = new double[c * s];
        for (int ch = 0; ch < c; ch++) {
            java.util.Arrays.fill(e, ch * s, ch * s + s, src[ch]);
        }
        return e;
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
}
