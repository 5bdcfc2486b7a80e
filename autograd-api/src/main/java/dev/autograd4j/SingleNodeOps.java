package dev.autograd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The common ops that PyTorch records as one node (var/std, logsumexp, prod, cumsum/cumprod, flip, roll,
 * tril/triu, repeat, addmm/baddbmm, lerp, clamp with tensor bounds). Each forward runs from existing ops without
 * recording; then one node with PyTorch's CPU {@code grad_fn} name is recorded, whose backward formula is written
 * in tensor ops (so double backward works). The family interfaces ({@link TensorReductions}, {@link TensorViews},
 * {@link TensorLinalg}, {@link TensorPointwiseTernary}) check their arguments and delegate here.
 */
final class SingleNodeOps {
    private SingleNodeOps() {
    }

    /** r itself, or a copy of it when it shares x's storage (a forward result must be a tensor of its own). */
    private static Tensor fresh(Tensor r, Tensor x) {
        return r.storageUnsafe() == x.storageUnsafe() ? r.contiguousCopy() : r;
    }

    private static int[] keptShape(Tensor x, int[] dims) {
        int[] s = x.shapeUnsafe().clone();
        for (int d : dims) {
            s[d] = 1;
        }
        return s;
    }

    private static long count(Tensor x, int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= x.shapeUnsafe()[d];
        }
        return n;
    }

    // ------------------------------------------------------------------ reductions

    /** var (VarBackward0) or, with {@code std}, its square root (StdBackward0), over the normalized dims nd. */
    static Tensor varStd(Tensor x, int[] nd, double correction, boolean keepDim, boolean std) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor centered = x.sub(x.mean(nd, true));
            out = centered.square().sum(nd, keepDim).div(Math.max(0, count(x, nd) - correction));
            if (std) {
                out = out.sqrt();
            }
        }
        int[] kept = keptShape(x, nd);
        double dof = count(x, nd) - correction;
        Tensor result = out;
        return Tensor.record(std ? "StdBackward0" : "VarBackward0", out, Tensor.saved(x, std ? out : null),
                (g, needs) -> {
                    Tensor gk = g.reshape(kept);
                    if (std) { // std_backward: var_backward(grad / (2 * result)), 0 where the result is 0
                        Tensor rk = result.reshape(kept);
                        gk = gk.div(rk.mul(2.0)).where(rk.ne(0L), Kernels.scalarLike(g, 0.0));
                    }
                    // var_backward: 2 / (N - correction) * grad * (x - mean(x))
                    return new Tensor[] {gk.mul(x.sub(x.mean(nd, true))).mul(2.0 / dof)};
                }, x);
    }

    /** logsumexp over the normalized dims nd of a floating x (LogsumexpBackward0). */
    static Tensor logsumexp(Tensor x, int[] nd, boolean keepDim, int[] dropped) {
        int[] kept = keptShape(x, nd);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor max;
            if (x.numel() == 0) {
                max = Tensor.zeros(Shape.of(kept), x.dtype(), x.device());
            } else {
                Tensor m = x.amax(nd, true);
                max = m.where(m.isfinite(), Kernels.scalarLike(m, 0.0));
            }
            out = x.sub(max).exp().sum(nd, true).log().add(max);
            out = keepDim ? out : out.reshape(dropped);
        }
        Tensor result = out;
        // logsumexp_backward: grad * exp(x - result)
        return Tensor.record("LogsumexpBackward0", out, Tensor.saved(x, out), (g, needs) -> new Tensor[] {
            g.reshape(kept).mul(x.sub(result.reshape(kept)).exp())}, x);
    }

    /** The product over dim d of x (not 0-d), by a halving tree of pairwise products, recording nothing. */
    private static Tensor prodForward(Tensor x, int d, boolean keepDim) {
        try (var g = Autograd.noGrad()) {
            int n = x.size(d);
            Tensor r;
            if (n == 0) {
                r = Tensor.ones(Shape.of(keptShape(x, new int[] {d})), x.dtype(), x.device());
            } else {
                r = x;
                while (n > 1) {
                    int half = n / 2;
                    Tensor pairs = r.narrow(d, 0, half).mul(r.narrow(d, half, half));
                    r = n % 2 == 0 ? pairs : Tensor.cat(List.of(pairs, r.narrow(d, 2 * half, 1)), d);
                    n = r.size(d);
                }
            }
            return fresh(keepDim ? r : r.squeeze(d), x);
        }
    }

    /** Products of the elements before each one along d (1 for the first): an exclusive cumprod. */
    private static Tensor exclusiveCumprod(Tensor x, int d) {
        int[] s = x.shapeUnsafe().clone();
        s[d] = 1;
        Tensor one = Tensor.ones(Shape.of(s), x.dtype(), x.device());
        return Tensor.cat(List.of(one, x.cumprod(d).narrow(d, 0, x.size(d) - 1)), d);
    }

    /**
     * The gradient of prod over d: {@code gk * prod_{j != i} x_j}, as the product of the exclusive cumprods from
     * both ends (PyTorch's prod_safe_zeros_backward), exact where elements are zero.
     */
    private static Tensor prodGrad(Tensor gk, Tensor x, int d) {
        if (x.size(d) == 0) {
            return Tensor.zeros(x.shape(), gk.dtype(), x.device());
        }
        Tensor left = exclusiveCumprod(x, d);
        Tensor right = exclusiveCumprod(x.flip(d), d).flip(d);
        return gk.mul(left.mul(right));
    }

    /** prod over dim of x (ProdBackward1); x already int64 for bool. */
    static Tensor prod(Tensor x, int dim, boolean keepDim) {
        if (x.dim() == 0) {
            Shape.normalizeDim(dim, 0);
            Tensor out;
            try (var g = Autograd.noGrad()) {
                out = x.copy();
            }
            return Tensor.record("ProdBackward1", out, (g, needs) -> new Tensor[] {g}, x);
        }
        int d = Shape.normalizeDim(dim, x.dim());
        Tensor out = prodForward(x, d, keepDim);
        return Tensor.record("ProdBackward1", out, Tensor.saved(x), (g, needs) -> new Tensor[] {
            prodGrad(keepDim ? g : g.unsqueeze(d), x, d)}, x);
    }

    /** prod of all elements of x (ProdBackward0); x already int64 for bool. */
    static Tensor prodAll(Tensor x) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = prodForward(x.reshape(-1), 0, false);
        }
        int[] shape = x.shapeUnsafe();
        return Tensor.record("ProdBackward0", out, Tensor.saved(x), (g, needs) -> new Tensor[] {
            prodGrad(g.reshape(1), x.reshape(-1), 0).reshape(shape)}, x);
    }

    /** The reverse cumulative sum along d: {@code out[i] = sum_{k >= i} t[k]}. */
    private static Tensor reverseCumsum(Tensor t, int d) {
        return t.flip(d).cumsum(d).flip(d);
    }

    /** cumsum (CumsumBackward0) or cumprod (CumprodBackward0) over dim; x already int64 for bool. */
    static Tensor scan(Tensor x, int dim, boolean product) {
        String node = product ? "CumprodBackward0" : "CumsumBackward0";
        if (x.dim() == 0) {
            Shape.normalizeDim(dim, 0);
            Tensor out;
            try (var g = Autograd.noGrad()) {
                out = x.copy();
            }
            return Tensor.record(node, out, (g, needs) -> new Tensor[] {g}, x);
        }
        int d = Shape.normalizeDim(dim, x.dim());
        Tensor out;
        try (var g = Autograd.noGrad()) {
            // a Hillis-Steele scan: ceil(log2(n)) steps, each adding (multiplying) a shifted copy
            int n = x.size(d);
            Tensor r = x;
            for (int k = 1; k < n; k *= 2) {
                int[] padShape = r.shapeUnsafe().clone();
                padShape[d] = k;
                Tensor pad = Tensor.full(Shape.of(padShape), product ? 1 : 0, r.dtype(), r.device());
                Tensor shifted = Tensor.cat(List.of(pad, r.narrow(d, 0, n - k)), d);
                r = product ? r.mul(shifted) : r.add(shifted);
            }
            out = fresh(r, x);
        }
        if (!product) {
            return Tensor.record(node, out, (g, needs) -> new Tensor[] {reverseCumsum(g, d)}, x);
        }
        Tensor result = out;
        return Tensor.record(node, out, Tensor.saved(x, out), (g, needs) -> {
            if (Autograd.isGradEnabled()) {
                return new Tensor[] {cumprodGradDifferentiable(g, x, d)};
            }
            // before the first zero of a line: sum_{k >= i} g_k out_k / x_i; at the first zero: the same sum with
            // that zero taken as 1 (so every later product skips it); after it: 0
            Tensor isZero = x.eq(0L);
            Tensor zerosSoFar = isZero.to(DType.INT64).cumsum(d);
            Tensor before = zerosSoFar.eq(0L);
            Tensor first = zerosSoFar.eq(1L).where(isZero, Tensor.zeros(Shape.of(), DType.BOOL, x.device()));
            Tensor one = Kernels.scalarLike(x, 1.0), zero = Kernels.scalarLike(g, 0.0);
            Tensor safeX = x.where(before, one);
            Tensor grad = reverseCumsum(g.mul(result), d).div(safeX).where(before, zero);
            Tensor skipFirst = one.expand(x.shapeUnsafe()).where(first, x).cumprod(d);
            Tensor atFirst = reverseCumsum(g.mul(skipFirst), d);
            return new Tensor[] {atFirst.where(first, grad)};
        }, x);
    }

    /**
     * The gradient of cumprod as a function that is differentiable at zeros too (for createGraph, as PyTorch's
     * O(n^2) branch of cumprod_backward): {@code grad_i = sum_{k >= i} g_k * C[i][k]}, where
     * {@code C[i][k] = prod_{j <= k, j != i} x_j} is the cumprod of x with its i-th element replaced by 1.
     */
    private static Tensor cumprodGradDifferentiable(Tensor g, Tensor x, int d) {
        int n = x.size(d);
        Tensor xm = x.movedim(d, -1), gm = g.movedim(d, -1);
        Tensor i = Tensor.arange(0, n, 1, DType.INT64, x.device()).reshape(n, 1);
        Tensor j = Tensor.arange(0, n, 1, DType.INT64, x.device()).reshape(1, n);
        Tensor others = Tensor.where(i.eq(j), Kernels.scalarLike(x, 1.0), xm.unsqueeze(-2)).cumprod(-1);
        Tensor terms = others.mul(gm.unsqueeze(-2)).where(j.ge(i), Kernels.scalarLike(g, 0.0));
        return terms.sum(new int[] {-1}, false).movedim(-1, d);
    }

    // ------------------------------------------------------------------ shape ops

    /** flip over the normalized dims nd (FlipBackward0). */
    static Tensor flip(Tensor x, int[] nd) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor r = x;
            for (int d : nd) {
                int n = r.size(d);
                if (n > 1) {
                    List<Tensor> pieces = new ArrayList<>(n);
                    for (int i = n - 1; i >= 0; i--) {
                        pieces.add(r.narrow(d, i, 1));
                    }
                    r = Tensor.cat(pieces, d);
                }
            }
            out = fresh(r, x);
        }
        return Tensor.record("FlipBackward0", out, (g, needs) -> new Tensor[] {g.flip(nd)}, x);
    }

    /** roll by shifts over the normalized dims nd, or of the flattened tensor when nd is empty (RollBackward0). */
    static Tensor roll(Tensor x, int[] shifts, int[] nd) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            if (nd.length == 0 && shifts.length == 1) {
                out = rollDims(x.flatten(), shifts, new int[] {0}).reshape(x.shapeUnsafe());
            } else {
                out = rollDims(x, shifts, nd);
            }
            out = fresh(out, x);
        }
        int[] back = new int[shifts.length];
        for (int i = 0; i < shifts.length; i++) {
            back[i] = -shifts[i];
        }
        return Tensor.record("RollBackward0", out, (g, needs) -> new Tensor[] {g.roll(back, nd)}, x);
    }

    private static Tensor rollDims(Tensor x, int[] shifts, int[] nd) {
        Tensor r = x;
        for (int i = 0; i < nd.length; i++) {
            int d = nd[i];
            int n = x.size(d);
            int s = n == 0 ? 0 : Math.floorMod(shifts[i], n);
            if (s != 0) {
                r = Tensor.cat(List.of(r.narrow(d, n - s, s), r.narrow(d, 0, n - s)), d);
            }
        }
        return r;
    }

    /** tril (TrilBackward0) or triu (TriuBackward0) of the last two dims; x has at least 2 dims. */
    static Tensor triangle(Tensor x, int diagonal, boolean lower) {
        int rows = x.size(-2), cols = x.size(-1);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor i = Tensor.arange(0, rows, 1, DType.INT64, x.device()).reshape(rows, 1);
            Tensor j = Tensor.arange(0, cols, 1, DType.INT64, x.device()).reshape(1, cols);
            Tensor diff = j.sub(i);
            Tensor mask = lower ? diff.le((long) diagonal) : diff.ge((long) diagonal);
            out = x.where(mask, Tensor.zeros(Shape.of(), x.dtype(), x.device()));
        }
        return Tensor.record(lower ? "TrilBackward0" : "TriuBackward0", out, (g, needs) -> new Tensor[] {
            lower ? g.tril(diagonal) : g.triu(diagonal)}, x);
    }

    /**
     * repeat (RepeatBackward0): a broadcast of interleaved size-1 dims, then a copy. The gradient sums the copies:
     * the result's dims split into (repeat, size) pairs, the repeat dims summed away.
     */
    static Tensor repeat(Tensor x, int[] inter, int[] expanded, int[] outShape) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = fresh(x.reshape(inter).expand(expanded).reshape(outShape), x);
        }
        int r = outShape.length;
        if (r == 0) {
            return Tensor.record("RepeatBackward0", out, (g, needs) -> new Tensor[] {g}, x);
        }
        int[] repeatDims = new int[r];
        for (int i = 0; i < r; i++) {
            repeatDims[i] = 2 * i;
        }
        int[] shape = x.shapeUnsafe();
        return Tensor.record("RepeatBackward0", out, (g, needs) -> new Tensor[] {
            g.reshape(expanded).sum(repeatDims, false).reshape(shape)}, x);
    }

    // ------------------------------------------------------------------ linalg

    /**
     * addmm (AddmmBackward0) or baddbmm (BaddbmmBackward0): {@code beta * self + alpha * product}, the product of
     * a and b computed by {@code mm}/{@code bmm}; with beta 0 self is ignored (its gradient is 0).
     */
    static Tensor addProduct(Tensor self, Tensor a, Tensor b, double beta, double alpha, boolean batched,
                             java.util.function.UnaryOperator<Tensor> scaledSum) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = fresh(fresh(scaledSum.apply(batched ? a.bmm(b) : a.mm(b)), a), self);
        }
        int[] selfShape = self.shapeUnsafe();
        return Tensor.record(batched ? "BaddbmmBackward0" : "AddmmBackward0", out, Tensor.saved(a, b),
                (g, needs) -> new Tensor[] {
                    needs[0] ? g.mul(beta).sumToShape(selfShape) : null,
                    needs[1] ? (batched ? g.bmm(b.transpose(1, 2)) : g.mm(b.t())).mul(alpha) : null,
                    needs[2] ? (batched ? a.transpose(1, 2).bmm(g) : a.t().mm(g)).mul(alpha) : null},
                self, a, b);
    }

    // ------------------------------------------------------------------ pointwise

    /** lerp with a scalar weight (LerpBackward0); forward is the unrecorded value. */
    static Tensor lerp(Tensor x, Tensor end, double weight, java.util.function.Supplier<Tensor> forward) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = fresh(fresh(forward.get(), x), end);
        }
        int[] xs = x.shapeUnsafe(), es = end.shapeUnsafe();
        return Tensor.record("LerpBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? g.mul(1 - weight).sumToShape(xs) : null,
            needs[1] ? g.mul(weight).sumToShape(es) : null}, x, end);
    }

    /** lerp with a tensor of weights (LerpBackward1); forward is the unrecorded value. */
    static Tensor lerp(Tensor x, Tensor end, Tensor weight, java.util.function.Supplier<Tensor> forward) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = fresh(fresh(fresh(forward.get(), x), end), weight);
        }
        int[] xs = x.shapeUnsafe(), es = end.shapeUnsafe(), ws = weight.shapeUnsafe();
        return Tensor.record("LerpBackward1", out, Tensor.saved(x, end, weight), (g, needs) -> new Tensor[] {
            needs[0] ? g.mul(weight.rsub(1.0)).sumToShape(xs) : null,
            needs[1] ? g.mul(weight).sumToShape(es) : null,
            needs[2] ? g.mul(end.sub(x)).sumToShape(ws) : null}, x, end, weight);
    }

    /**
     * clamp with tensor bounds (ClampBackward0), PyTorch's clamp_backward and clamp_backward_min_max: this
     * tensor's gradient where {@code min <= x <= max}; min's where {@code x < min} (and {@code min < max}); max's
     * where {@code x > max} (or {@code max < min}).
     */
    static Tensor clamp(Tensor x, Tensor min, Tensor max, Tensor forward) {
        Tensor out = fresh(forward, x);
        int[] xs = x.shapeUnsafe();
        int[] mins = min == null ? null : min.shapeUnsafe(), maxs = max == null ? null : max.shapeUnsafe();
        return Tensor.record("ClampBackward0", out, Tensor.saved(x, min, max), (g, needs) -> {
            Tensor zero = Kernels.scalarLike(g, 0.0);
            Tensor gx = null, gmin = null, gmax = null;
            if (needs[0]) {
                gx = g;
                if (min != null) {
                    gx = gx.where(x.ge(min), zero);
                }
                if (max != null) {
                    gx = gx.where(x.le(max), zero);
                }
                gx = gx.sumToShape(xs);
            }
            if (min != null && needs[1]) {
                gmin = g.where(x.lt(min), zero);
                if (max != null) {
                    gmin = gmin.where(min.lt(max), zero);
                }
                gmin = gmin.sumToShape(mins);
            }
            if (max != null && needs[2]) {
                gmax = min == null ? g.where(x.gt(max), zero)
                        : g.where(x.gt(max), g.where(max.lt(min), zero));
                gmax = gmax.sumToShape(maxs);
            }
            return new Tensor[] {gx, gmin, gmax};
        }, x, min, max);
    }
}
