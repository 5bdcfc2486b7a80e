package dev.autograd4j.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import dev.autograd4j.oracle.DifferentialFuzzer.Ctx;
import dev.autograd4j.oracle.DifferentialFuzzer.Var;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The differential fuzzer's op table: one {@link OpDef} per public op of {@link Tensor} that libtorch (through
 * DJL) can express. An entry has its name, a weight (how often it is drawn), how many results it has, a drawer
 * that picks operands and parameters (creating new inputs with broadcasting, mixed-dtype or matching shapes as
 * needed), how to run it on each side, and a template for each script ({0} {1} {2}: operands, {i0}..: ints,
 * {d0} {d1}: doubles, {A}: an int array, {k}: a boolean).
 *
 * <p>Where DJL has no binding, the libtorch side composes PyTorch's formula from bound ops (marked "emulated");
 * such entries only draw float operands, where the composition is exact, and the Python template still prints the
 * real PyTorch call.
 */
final class FuzzOps {
    private FuzzOps() {
    }

    /** A drawn op: its operands (indices of program values) and parameters. */
    record Call(OpDef op, int[] in, int[] ints, double[] dbls, int[] intArr, boolean flag) {
        String format(String template, String[] names, boolean python) {
            String s = template;
            for (int i = 0; i < names.length; i++) {
                s = s.replace("{" + i + "}", names[i]);
            }
            if (ints != null) {
                for (int i = 0; i < ints.length; i++) {
                    s = s.replace("{i" + i + "}", Integer.toString(ints[i]));
                }
            }
            if (dbls != null) {
                for (int i = 0; i < dbls.length; i++) {
                    s = s.replace("{d" + i + "}", Double.toString(dbls[i]));
                }
            }
            if (intArr != null) {
                String a = Arrays.stream(intArr).mapToObj(Integer::toString).collect(Collectors.joining(", "));
                s = s.replace("{A}", python ? "[" + a + "]" : "new int[] {" + a + "}");
                s = s.replace("{V}", python ? "(" + a + (intArr.length == 1 ? ",)" : ")") : a);
            }
            return s.replace("{k}", python ? (flag ? "True" : "False") : Boolean.toString(flag));
        }
    }

    /** What a drawer returns: operands and parameters, or null when the op does not apply now. */
    record Args(int[] in, int[] ints, double[] dbls, int[] intArr, boolean flag) {
        static Args of(int... in) {
            return new Args(in, null, null, null, false);
        }

        Args ints(int... v) {
            return new Args(in, v, dbls, intArr, flag);
        }

        Args dbls(double... v) {
            return new Args(in, ints, v, intArr, flag);
        }

        Args arr(int[] v) {
            return new Args(in, ints, dbls, v, flag);
        }

        Args flag(boolean v) {
            return new Args(in, ints, dbls, intArr, v);
        }
    }

    interface Drawer {
        Args draw(Ctx c);
    }

    interface JFn {
        Tensor[] run(Tensor[] x, Call c);
    }

    interface TFn {
        NDArray[] run(NDManager m, NDArray[] x, Call c);
    }

    interface J1 {
        Tensor run(Tensor[] x, Call c);
    }

    interface T1 {
        NDArray run(NDManager m, NDArray[] x, Call c);
    }

    /** One op of the table. */
    record OpDef(String name, int weight, int outputs, boolean scalarOperand, Drawer draw, JFn java, TFn torch,
                 String javaTemplate, String pyTemplate) {
    }

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    /** A Python float scalar as libtorch sees it: a 0-d tensor of the lowest dtype that keeps promotion exact. */
    static NDArray k(NDManager m, NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? m.create(v) : m.create((float) v);
    }

    static NDArray one(NDManager m, NDArray x, Function<NDArray, NDArray> f) {
        return f.apply(x);
    }

    private static OpDef op(String name, int weight, Drawer d, J1 j, T1 t, String jt, String pyt) {
        return new OpDef(name, weight, 1, false, d, (x, c) -> new Tensor[] {j.run(x, c)},
                (m, x, c) -> new NDArray[] {t.run(m, x, c)}, jt, pyt);
    }

    private static OpDef scalarOp(String name, int weight, Drawer d, J1 j, T1 t, String jt, String pyt) {
        return new OpDef(name, weight, 1, true, d, (x, c) -> new Tensor[] {j.run(x, c)},
                (m, x, c) -> new NDArray[] {t.run(m, x, c)}, jt, pyt);
    }

    // ------------------------------------------------------------------ drawers

    static final Drawer ANY = c -> Args.of(c.pick());
    static final Drawer FLOAT = c -> {
        int v = c.pick(Var::floating);
        return v < 0 ? null : Args.of(v);
    };

    static boolean broadcasts(int[] a, int[] b) {
        for (int i = 1; i <= Math.min(a.length, b.length); i++) {
            int x = a[a.length - i], y = b[b.length - i];
            if (x != y && x != 1 && y != 1) {
                return false;
            }
        }
        return true;
    }

    /** Two operands that broadcast: an existing value and a new input, or two existing values. */
    static final Drawer BINARY = c -> {
        int a = c.pick();
        int b;
        if (c.rnd.nextInt(4) == 0) {
            int[] sa = c.var(a).shape();
            b = c.pick(v -> broadcasts(v.shape(), sa));
        } else {
            b = c.newInput(c.broadcastable(c.var(a).shape()), c.partnerDtype(c.var(a).dtype()));
        }
        return c.rnd.nextBoolean() ? Args.of(a, b) : Args.of(b, a);
    };

    static final Drawer SCALAR = c -> Args.of(c.pick()).dbls(c.scalar());

    static final Drawer WHERE = c -> {
        int a = c.pick();
        int[] sa = c.var(a).shape();
        int b = c.newInput(c.broadcastable(sa), c.partnerDtype(c.var(a).dtype()));
        int cond = c.pick(v -> v.dtype() == DType.BOOL && broadcasts(v.shape(), sa));
        if (cond < 0 || c.rnd.nextBoolean()) {
            cond = c.newInput(c.broadcastable(sa), DType.BOOL);
        }
        return Args.of(cond, a, b);
    };

    static final Drawer DIM = c -> {
        int v = c.pick();
        return Args.of(v).ints(c.dim(c.var(v).rank()));
    };

    static final Drawer DIM_KEEP = c -> {
        int v = c.pick();
        return Args.of(v).ints(c.dim(c.var(v).rank())).flag(c.rnd.nextBoolean());
    };

    static final Drawer DIMS_KEEP = c -> {
        int v = c.pick();
        int r = c.var(v).rank();
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < Math.max(r, 1); d++) {
            if (c.rnd.nextBoolean()) {
                dims.add(c.rnd.nextBoolean() || r == 0 ? d : d - r);
            }
        }
        java.util.Collections.shuffle(dims, c.rnd);
        if (dims.isEmpty() && c.rnd.nextInt(3) != 0 && r > 0) {
            dims.add(c.dim(r));
        }
        return Args.of(v).arr(dims.stream().mapToInt(Integer::intValue).toArray()).flag(c.rnd.nextBoolean());
    };

    static int norm(int d, int rank) {
        return d < 0 ? d + Math.max(rank, 1) : d;
    }

    static final Drawer RESHAPE = c -> {
        int v = c.pick();
        int[] s = c.var(v).shape();
        int numel = Arrays.stream(s).reduce(1, (x, y) -> x * y);
        List<Integer> t = new ArrayList<>();
        if (numel == 0) {
            t.add(0);
            t.add(c.size());
            java.util.Collections.shuffle(t, c.rnd);
        } else {
            int left = numel;
            while (left > 1) {
                List<Integer> divs = new ArrayList<>();
                for (int d = 2; d <= left; d++) {
                    if (left % d == 0) {
                        divs.add(d);
                    }
                }
                int d = divs.get(c.rnd.nextInt(divs.size()));
                t.add(d);
                left /= d;
            }
            if (c.rnd.nextInt(3) == 0) {
                t.add(c.rnd.nextInt(t.size() + 1), 1);
            }
            if (!t.isEmpty() && c.rnd.nextInt(3) == 0) {
                t.set(c.rnd.nextInt(t.size()), -1);
            }
        }
        return Args.of(v).arr(t.stream().mapToInt(Integer::intValue).toArray());
    };

    static final Drawer FLATTEN = c -> {
        int v = c.pick();
        int r = Math.max(c.var(v).rank(), 1);
        int a = c.rnd.nextInt(r), b = c.rnd.nextInt(r);
        return Args.of(v).ints(Math.min(a, b), Math.max(a, b) - (c.rnd.nextBoolean() ? r : 0));
    };

    static final Drawer TWO_DIMS = c -> {
        int v = c.pick();
        int r = c.var(v).rank();
        return Args.of(v).ints(c.dim(r), c.dim(r));
    };

    static final Drawer PERMUTE = c -> {
        int v = c.pick();
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < c.var(v).rank(); i++) {
            p.add(i);
        }
        java.util.Collections.shuffle(p, c.rnd);
        return Args.of(v).arr(p.stream().mapToInt(Integer::intValue).toArray());
    };

    static final Drawer UNSQUEEZE = c -> {
        int v = c.pick();
        int r = c.var(v).rank() + 1;
        return Args.of(v).ints(c.rnd.nextInt(2 * r) - r);
    };

    static final Drawer EXPAND = c -> {
        int v = c.pick();
        int[] s = c.var(v).shape();
        int extra = c.rnd.nextInt(3) == 0 ? 1 : 0;
        int[] t = new int[s.length + extra];
        for (int i = 0; i < extra; i++) {
            t[i] = 1 + c.rnd.nextInt(3);
        }
        for (int i = 0; i < s.length; i++) {
            t[extra + i] = s[i] == 1 && c.rnd.nextBoolean() ? 2 + c.rnd.nextInt(2) : s[i];
        }
        return Args.of(v).arr(t);
    };

    static final Drawer NARROW = c -> {
        int v = c.pick(x -> x.rank() > 0);
        if (v < 0) {
            return null;
        }
        int r = c.var(v).rank();
        int d = c.dim(r);
        int size = c.var(v).shape()[norm(d, r)];
        int start = c.rnd.nextInt(size + 1);
        return Args.of(v).ints(d, start, c.rnd.nextInt(size - start + 1));
    };

    static final Drawer SELECT = c -> {
        int v = c.pick(x -> x.rank() > 0 && Arrays.stream(x.shape()).allMatch(s -> s > 0));
        if (v < 0) {
            return null;
        }
        int r = c.var(v).rank();
        int d = c.dim(r);
        int size = c.var(v).shape()[norm(d, r)];
        return Args.of(v).ints(d, c.rnd.nextInt(2 * size) - size);
    };

    static final Drawer MATMUL = c -> {
        int a = c.pick(x -> x.rank() >= 1 && x.rank() <= 3);
        if (a < 0) {
            return null;
        }
        int[] sa = c.var(a).shape();
        int kk = sa[sa.length - 1];
        int form = c.rnd.nextInt(3);
        int[] sb = form == 0 ? new int[] {kk} : form == 1 ? new int[] {kk, c.size()}
                : new int[] {c.rnd.nextBoolean() ? 1 : 2, kk, c.size()};
        int b = c.newInput(sb, c.partnerDtype(c.var(a).dtype()));
        return c.rnd.nextInt(4) == 0 && sa.length == 1 ? Args.of(a, a) : Args.of(a, b);
    };

    static Drawer shapes(int ra, int rb, boolean sameBatch) {
        return c -> {
            int[] sa = new int[ra];
            for (int i = 0; i < ra; i++) {
                sa[i] = c.size();
            }
            int a = c.pick(x -> x.rank() == ra);
            if (a < 0 || c.rnd.nextBoolean()) {
                a = c.newInput(sa, c.randomDtype().equals(DType.BOOL) ? DType.FLOAT64 : DType.FLOAT32);
            }
            sa = c.var(a).shape();
            int[] sb = new int[rb];
            if (rb == 1) {
                sb[0] = sa[sa.length - 1];
            } else {
                sb[rb - 2] = sa[sa.length - 1];
                sb[rb - 1] = c.size();
                if (sameBatch) {
                    sb[0] = sa[0];
                }
            }
            return Args.of(a, c.newInput(sb, c.partnerDtype(c.var(a).dtype())));
        };
    }

    static final Drawer CAT = c -> {
        int a = c.pick(x -> x.rank() > 0);
        if (a < 0) {
            return null;
        }
        int[] sa = c.var(a).shape();
        int d = c.dim(sa.length);
        int[] sb = sa.clone();
        sb[norm(d, sa.length)] = c.rnd.nextInt(3);
        int b = c.rnd.nextInt(5) == 0 ? a : c.newInput(sb, c.partnerDtype(c.var(a).dtype()));
        return c.rnd.nextBoolean() ? Args.of(a, b).ints(d) : Args.of(b, a).ints(d);
    };

    static final Drawer STACK = c -> {
        int a = c.pick();
        int[] sa = c.var(a).shape();
        int b = c.rnd.nextInt(5) == 0 ? a : c.newInput(sa, c.partnerDtype(c.var(a).dtype()));
        int r = sa.length + 1;
        return Args.of(a, b).ints(c.rnd.nextInt(2 * r) - r);
    };

    static final Drawer CLAMP = c -> {
        double lo = c.scalar();
        return Args.of(c.pick()).dbls(lo, lo + Math.abs(c.scalar()));
    };

    /** Finite values only (the emulations of copy_-like in-place ops multiply the target by 0). */
    static boolean finite(Var v) {
        if (!v.floating()) {
            return true;
        }
        for (double d : v.j.toDoubleArray()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A differentiable copy: DJL's clone (JniUtils.clone) detaches from the graph, so numbers are copied as -(-x)
     * (exact; JniUtils.requiresGrad cannot tell, it answers false for every non-leaf), bools by clone.
     */
    static NDArray copy(NDArray x) {
        return x.getDataType() == DataType.BOOLEAN ? JniUtils.clone(pt(x)) : JniUtils.neg(JniUtils.neg(pt(x)));
    }

    static final OpDef COPY = op("copy", 2, ANY, (x, c) -> x[0].copy(), (m, x, c) -> copy(x[0]),
            "{0}.copy()", "{0}.clone()");

    /**
     * The target of an in-place op: an existing value (a leaf's view, a graph tensor, a view), or a fresh copy,
     * or a view (narrow, select, transpose, expand) of a fresh copy; the copy and the view are steps of their own.
     */
    static int inPlaceTarget(Ctx c, boolean floatOnly) {
        int mode = c.rnd.nextInt(3);
        int t = floatOnly ? c.pick(v -> v.floating() && finite(v)) : c.pick();
        if (t < 0) {
            return -1;
        }
        if (mode == 0) {
            return t;
        }
        c.exec(new Call(COPY, new int[] {t}, null, null, null, false));
        if (c.mismatch != null) {
            return -1;
        }
        t = c.vars.size() - 1;
        if (mode == 2 && c.var(t).rank() > 0) {
            OpDef view = new OpDef[] {byName("narrow"), byName("select"), byName("transpose"), byName("expand")}
                    [c.rnd.nextInt(4)];
            Args a = null;
            for (int i = 0; i < 5 && (a == null || a.in()[0] != t); i++) {
                a = view.draw().draw(c);
            }
            if (a == null || a.in()[0] != t) {
                return t;
            }
            int before = c.vars.size();
            c.exec(new Call(view, a.in(), a.ints(), a.dbls(), a.intArr(), a.flag()));
            if (c.mismatch != null) {
                return -1;
            }
            return c.vars.size() > before ? c.vars.size() - 1 : t;
        }
        return t;
    }

    static Drawer inPlace(boolean withTensor, boolean withScalar, boolean floatOnly) {
        return c -> {
            int t = inPlaceTarget(c, floatOnly);
            if (t < 0) {
                return null;
            }
            Args a;
            if (withTensor) {
                int[] st = c.var(t).shape();
                int[] so = c.broadcastable(st);
                if (c.rnd.nextInt(3) == 0) {
                    so = so.length <= st.length ? so : st;
                }
                int o = c.rnd.nextInt(6) == 0 ? t : c.rnd.nextInt(6) == 0 ? c.pick(v -> broadcasts(v.shape(), st))
                        : c.newInput(so, c.partnerDtype(c.var(t).dtype()));
                a = Args.of(t, o);
            } else {
                a = Args.of(t);
            }
            return withScalar ? a.dbls(new double[] {2.0, -1.0, 0.5}[c.rnd.nextInt(3)], 1.5) : a;
        };
    }

    /**
     * clamp's values with hardtanh's and hardsigmoid's gradient: 1 strictly inside (lo, hi), 0 at the bounds
     * (clamp's gradient is 1 at its bounds). The clamped branch is computed on a detached clone.
     */
    static NDArray strictClamp(NDManager m, NDArray x, double lo, double hi) {
        NDArray inside = x.gt(k(m, x, lo)).logicalAnd(x.lt(k(m, x, hi)));
        return JniUtils.where(pt(inside), pt(x), JniUtils.clip(JniUtils.clone(pt(x)), lo, hi));
    }

    /**
     * hardtanh: clamp's values with hardtanh_backward's gradient as PyTorch's scalar CPU kernel computes it, 0 where
     * {@code x <= lo || x >= hi}, else the gradient, so a NaN input passes it (hardsigmoid's kernel zeroes NaN).
     */
    static NDArray hardtanhLike(NDManager m, NDArray x, double lo, double hi) {
        NDArray inside = x.lte(k(m, x, lo)).logicalOr(x.gte(k(m, x, hi))).logicalNot();
        return JniUtils.where(pt(inside), pt(x), JniUtils.clip(JniUtils.clone(pt(x)), lo, hi));
    }

    static NDArray emulateWrite(NDManager m, NDArray target, NDArray value) {
        // a copy, as the value may alias the target; expanded first, so a shape error leaves the target untouched
        NDArray v = JniUtils.broadcast(pt(copy(value)), target.getShape());
        return target.muli(k(m, target, 0.0)).addi(v);
    }

    static final List<OpDef> TABLE = new ArrayList<>();

    static OpDef byName(String name) {
        for (OpDef d : TABLE) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static void unary(String name, Drawer d, J1 j, T1 t, String jt, String pyt) {
        TABLE.add(op(name, 2, d, j, t, jt, pyt));
    }

    static {
        // ---- arithmetic, tensor with tensor (broadcasting, mixed dtypes)
        TABLE.add(op("add", 6, BINARY, (x, c) -> x[0].add(x[1]), (m, x, c) -> x[0].add(x[1]), "{0}.add({1})", "{0}.add({1})"));
        TABLE.add(op("sub", 4, BINARY, (x, c) -> x[0].sub(x[1]), (m, x, c) -> x[0].sub(x[1]), "{0}.sub({1})", "{0}.sub({1})"));
        TABLE.add(op("mul", 6, BINARY, (x, c) -> x[0].mul(x[1]), (m, x, c) -> x[0].mul(x[1]), "{0}.mul({1})", "{0}.mul({1})"));
        TABLE.add(op("div", 4, BINARY, (x, c) -> x[0].div(x[1]), (m, x, c) -> x[0].div(x[1]), "{0}.div({1})", "{0}.div({1})"));
        TABLE.add(op("maximum", 2, BINARY, (x, c) -> x[0].maximum(x[1]), (m, x, c) -> JniUtils.max(pt(x[0]), pt(x[1])),
                "{0}.maximum({1})", "torch.maximum({0}, {1})"));
        TABLE.add(op("minimum", 2, BINARY, (x, c) -> x[0].minimum(x[1]), (m, x, c) -> JniUtils.min(pt(x[0]), pt(x[1])),
                "{0}.minimum({1})", "torch.minimum({0}, {1})"));
        // ---- arithmetic with a Java double (a Python float)
        TABLE.add(scalarOp("add(scalar)", 3, SCALAR, (x, c) -> x[0].add(c.dbls()[0]),
                (m, x, c) -> x[0].add(k(m, x[0], c.dbls()[0])), "{0}.add({d0})", "{0}.add({d0})"));
        TABLE.add(scalarOp("sub(scalar)", 2, SCALAR, (x, c) -> x[0].sub(c.dbls()[0]),
                (m, x, c) -> x[0].sub(k(m, x[0], c.dbls()[0])), "{0}.sub({d0})", "{0}.sub({d0})"));
        TABLE.add(scalarOp("rsub(scalar)", 1, SCALAR, (x, c) -> x[0].rsub(c.dbls()[0]),
                (m, x, c) -> k(m, x[0], c.dbls()[0]).sub(x[0]), "{0}.rsub({d0})", "torch.rsub({0}, {d0})"));
        TABLE.add(scalarOp("mul(scalar)", 3, SCALAR, (x, c) -> x[0].mul(c.dbls()[0]),
                (m, x, c) -> x[0].mul(k(m, x[0], c.dbls()[0])), "{0}.mul({d0})", "{0}.mul({d0})"));
        TABLE.add(scalarOp("div(scalar)", 2, SCALAR, (x, c) -> x[0].div(c.dbls()[0]),
                (m, x, c) -> x[0].div(k(m, x[0], c.dbls()[0])), "{0}.div({d0})", "{0}.div({d0})"));
        TABLE.add(scalarOp("pow(scalar)", 2, c -> Args.of(c.pick()).dbls(new double[] {2, 3, 0.5, -1, 0, 1.5}[c.rnd.nextInt(6)]),
                (x, c) -> x[0].pow(c.dbls()[0]), (m, x, c) -> x[0].pow(k(m, x[0], c.dbls()[0])), "{0}.pow({d0})",
                "{0}.pow({d0})"));
        TABLE.add(scalarOp("pow(scalar, tensor)", 1, c -> Args.of(c.pick()).dbls(new double[] {2, 0.5, 3}[c.rnd.nextInt(3)]),
                (x, c) -> Tensor.pow(c.dbls()[0], x[0]), (m, x, c) -> k(m, x[0], c.dbls()[0]).pow(x[0]),
                "Tensor.pow({d0}, {0})", "torch.pow({d0}, {0})"));
        // ---- unary math and activations (libtorch's own kernels: any dtype; emulated ones: float only)
        unary("neg", ANY, (x, c) -> x[0].neg(), (m, x, c) -> JniUtils.neg(pt(x[0])), "{0}.neg()", "{0}.neg()");
        unary("abs", ANY, (x, c) -> x[0].abs(), (m, x, c) -> JniUtils.abs(pt(x[0])), "{0}.abs()", "{0}.abs()");
        unary("sign", ANY, (x, c) -> x[0].sign(), (m, x, c) -> JniUtils.sign(pt(x[0])), "{0}.sign()", "{0}.sign()");
        unary("square", ANY, (x, c) -> x[0].square(), (m, x, c) -> JniUtils.square(pt(x[0])), "{0}.square()", "{0}.square()");
        unary("exp", ANY, (x, c) -> x[0].exp(), (m, x, c) -> JniUtils.exp(pt(x[0])), "{0}.exp()", "{0}.exp()");
        unary("log", ANY, (x, c) -> x[0].log(), (m, x, c) -> JniUtils.log(pt(x[0])), "{0}.log()", "{0}.log()");
        unary("log2", ANY, (x, c) -> x[0].log2(), (m, x, c) -> JniUtils.log2(pt(x[0])), "{0}.log2()", "{0}.log2()");
        unary("log10", ANY, (x, c) -> x[0].log10(), (m, x, c) -> JniUtils.log10(pt(x[0])), "{0}.log10()", "{0}.log10()");
        unary("sqrt", ANY, (x, c) -> x[0].sqrt(), (m, x, c) -> JniUtils.sqrt(pt(x[0])), "{0}.sqrt()", "{0}.sqrt()");
        unary("sin", ANY, (x, c) -> x[0].sin(), (m, x, c) -> JniUtils.sin(pt(x[0])), "{0}.sin()", "{0}.sin()");
        unary("cos", ANY, (x, c) -> x[0].cos(), (m, x, c) -> JniUtils.cos(pt(x[0])), "{0}.cos()", "{0}.cos()");
        unary("tanh", ANY, (x, c) -> x[0].tanh(), (m, x, c) -> JniUtils.tanh(pt(x[0])), "{0}.tanh()", "{0}.tanh()");
        unary("sigmoid", ANY, (x, c) -> x[0].sigmoid(), (m, x, c) -> JniUtils.sigmoid(pt(x[0])), "{0}.sigmoid()", "{0}.sigmoid()");
        unary("erf", ANY, (x, c) -> x[0].erf(), (m, x, c) -> JniUtils.erf(pt(x[0])), "{0}.erf()", "{0}.erf()");
        unary("floor", ANY, (x, c) -> x[0].floor(), (m, x, c) -> JniUtils.floor(pt(x[0])), "{0}.floor()", "{0}.floor()");
        unary("ceil", ANY, (x, c) -> x[0].ceil(), (m, x, c) -> JniUtils.ceil(pt(x[0])), "{0}.ceil()", "{0}.ceil()");
        unary("round", ANY, (x, c) -> x[0].round(), (m, x, c) -> JniUtils.round(pt(x[0])), "{0}.round()", "{0}.round()");
        unary("trunc", ANY, (x, c) -> x[0].trunc(), (m, x, c) -> JniUtils.trunc(pt(x[0])), "{0}.trunc()", "{0}.trunc()");
        unary("reciprocal", ANY, (x, c) -> x[0].reciprocal(), (m, x, c) -> k(m, x[0], 1.0).div(x[0]),
                "{0}.reciprocal()", "{0}.reciprocal()");
        unary("relu", ANY, (x, c) -> x[0].relu(), (m, x, c) -> JniUtils.relu(pt(x[0])), "{0}.relu()", "{0}.relu()");
        unary("selu", ANY, (x, c) -> x[0].selu(), (m, x, c) -> JniUtils.selu(pt(x[0])), "{0}.selu()", "torch.selu({0})");
        unary("gelu", ANY, (x, c) -> x[0].gelu(), (m, x, c) -> JniUtils.gelu(pt(x[0])), "{0}.gelu()", "F.gelu({0})");
        unary("softplus", ANY, (x, c) -> x[0].softplus(1, 20), (m, x, c) -> JniUtils.softPlus(pt(x[0])),
                "{0}.softplus(1, 20)", "F.softplus({0}, beta=1, threshold=20)");
        unary("leakyRelu", c -> Args.of(c.pick()).dbls(new double[] {0.01, 0.1, 0.2}[c.rnd.nextInt(3)]),
                (x, c) -> x[0].leakyRelu(c.dbls()[0]), (m, x, c) -> JniUtils.leakyRelu(pt(x[0]), c.dbls()[0]),
                "{0}.leakyRelu({d0})", "F.leaky_relu({0}, {d0})");
        unary("elu", c -> Args.of(c.pick()).dbls(new double[] {1.0, 0.5}[c.rnd.nextInt(2)]),
                (x, c) -> x[0].elu(c.dbls()[0]), (m, x, c) -> JniUtils.elu(pt(x[0]), c.dbls()[0]),
                "{0}.elu({d0})", "F.elu({0}, {d0})");
        unary("clamp", CLAMP, (x, c) -> x[0].clamp(c.dbls()[0], c.dbls()[1]),
                (m, x, c) -> JniUtils.clip(pt(x[0]), c.dbls()[0], c.dbls()[1]), "{0}.clamp({d0}, {d1})", "{0}.clamp({d0}, {d1})");
        unary("clampMin", SCALAR, (x, c) -> x[0].clampMin(c.dbls()[0]),
                (m, x, c) -> JniUtils.clip(pt(x[0]), c.dbls()[0], Double.POSITIVE_INFINITY), "{0}.clampMin({d0})",
                "{0}.clamp(min={d0})");
        unary("clampMax", SCALAR, (x, c) -> x[0].clampMax(c.dbls()[0]),
                (m, x, c) -> JniUtils.clip(pt(x[0]), Double.NEGATIVE_INFINITY, c.dbls()[0]), "{0}.clampMax({d0})",
                "{0}.clamp(max={d0})");
        unary("isnan", ANY, (x, c) -> x[0].isnan(), (m, x, c) -> JniUtils.isNaN(pt(x[0])), "{0}.isnan()", "{0}.isnan()");
        unary("isinf", ANY, (x, c) -> x[0].isinf(), (m, x, c) -> JniUtils.isInf(pt(x[0])), "{0}.isinf()", "{0}.isinf()");
        unary("isfinite", ANY, (x, c) -> x[0].isfinite(),
                (m, x, c) -> JniUtils.logicalNot(JniUtils.logicalOr(JniUtils.isNaN(pt(x[0])), JniUtils.isInf(pt(x[0])))),
                "{0}.isfinite()", "{0}.isfinite()");
        // emulated from PyTorch's formulas: float inputs only
        unary("rsqrt", FLOAT, (x, c) -> x[0].rsqrt(), (m, x, c) -> k(m, x[0], 1.0).div(x[0].sqrt()), "{0}.rsqrt()", "{0}.rsqrt()");
        unary("expm1", FLOAT, (x, c) -> x[0].expm1(), (m, x, c) -> x[0].exp().sub(k(m, x[0], 1.0)), "{0}.expm1()", "{0}.expm1()");
        unary("log1p", FLOAT, (x, c) -> x[0].log1p(), (m, x, c) -> x[0].add(k(m, x[0], 1.0)).log(), "{0}.log1p()", "{0}.log1p()");
        unary("erfc", FLOAT, (x, c) -> x[0].erfc(), (m, x, c) -> k(m, x[0], 1.0).sub(JniUtils.erf(pt(x[0]))), "{0}.erfc()", "{0}.erfc()");
        unary("geluTanh", FLOAT, (x, c) -> x[0].geluTanh(),
                (m, x, c) -> x[0].mul(k(m, x[0], 0.5)).mul(x[0].pow(k(m, x[0], 3.0)).mul(k(m, x[0], 0.044715))
                        .add(x[0]).mul(k(m, x[0], Math.sqrt(2 / Math.PI))).tanh().add(k(m, x[0], 1.0))),
                "{0}.geluTanh()", "F.gelu({0}, approximate='tanh')");
        unary("silu", FLOAT, (x, c) -> x[0].silu(), (m, x, c) -> x[0].mul(JniUtils.sigmoid(pt(x[0]))), "{0}.silu()", "F.silu({0})");
        unary("mish", FLOAT, (x, c) -> x[0].mish(), (m, x, c) -> x[0].mul(JniUtils.softPlus(pt(x[0])).tanh()), "{0}.mish()", "F.mish({0})");
        unary("hardsigmoid", FLOAT, (x, c) -> x[0].hardsigmoid(),
                (m, x, c) -> strictClamp(m, x[0].div(k(m, x[0], 6.0)).add(k(m, x[0], 0.5)), 0.0, 1.0),
                "{0}.hardsigmoid()", "F.hardsigmoid({0})");
        unary("hardtanh", c -> {
            int v = c.pick(Var::floating);
            return v < 0 ? null : Args.of(v).dbls(-1.0, 1.0);
        }, (x, c) -> x[0].hardtanh(c.dbls()[0], c.dbls()[1]),
                (m, x, c) -> hardtanhLike(m, x[0], c.dbls()[0], c.dbls()[1]), "{0}.hardtanh({d0}, {d1})", "F.hardtanh({0}, {d0}, {d1})");
        // ---- comparisons and where
        for (String[] cmp : new String[][] {{"eq", "eq"}, {"ne", "ne"}, {"lt", "lt"}, {"le", "le"}, {"gt", "gt"}, {"ge", "ge"}}) {
            String n = cmp[0];
            TABLE.add(op(n, 1, BINARY, (x, c) -> compare(n, x[0], x[1]), (m, x, c) -> compare(n, x[0], x[1]),
                    "{0}." + n + "({1})", "{0}." + n + "({1})"));
            TABLE.add(scalarOp(n + "(scalar)", 1, SCALAR, (x, c) -> compare(n, x[0], c.dbls()[0]),
                    (m, x, c) -> compare(n, x[0], k(m, x[0], c.dbls()[0])), "{0}." + n + "({d0})", "{0}." + n + "({d0})"));
        }
        TABLE.add(op("where", 3, WHERE, (x, c) -> Tensor.where(x[0], x[1], x[2]),
                (m, x, c) -> JniUtils.where(pt(x[0]), pt(x[1]), pt(x[2])), "Tensor.where({0}, {1}, {2})", "torch.where({0}, {1}, {2})"));
        // ---- reductions
        TABLE.add(op("sum()", 2, ANY, (x, c) -> x[0].sum(), (m, x, c) -> JniUtils.sum(pt(x[0])), "{0}.sum()", "{0}.sum()"));
        TABLE.add(op("sum(dims, keepDim)", 4, DIMS_KEEP, (x, c) -> x[0].sum(c.intArr(), c.flag()),
                (m, x, c) -> JniUtils.sum(pt(x[0]), Arrays.stream(c.intArr()).mapToLong(i -> i).toArray(), c.flag()),
                "{0}.sum({A}, {k})", "{0}.sum({A}, keepdim={k})"));
        TABLE.add(op("mean()", 2, ANY, (x, c) -> x[0].mean(), (m, x, c) -> JniUtils.mean(pt(x[0])), "{0}.mean()", "{0}.mean()"));
        TABLE.add(op("mean(dims, keepDim)", 3, DIMS_KEEP, (x, c) -> x[0].mean(c.intArr(), c.flag()),
                (m, x, c) -> mean(x[0], c.intArr(), c.flag()), "{0}.mean({A}, {k})", "{0}.mean({A}, keepdim={k})"));
        TABLE.add(op("max()", 1, ANY, (x, c) -> x[0].max(), (m, x, c) -> JniUtils.max(pt(x[0])), "{0}.max()", "{0}.max()"));
        TABLE.add(op("min()", 1, ANY, (x, c) -> x[0].min(), (m, x, c) -> JniUtils.min(pt(x[0])), "{0}.min()", "{0}.min()"));
        TABLE.add(new OpDef("max(dim, keepDim)", 2, 2, false, DIM_KEEP, (x, c) -> {
            Tensor.ValuesIndices r = x[0].max(c.ints()[0], c.flag());
            return new Tensor[] {r.values(), r.indices()};
        }, (m, x, c) -> new NDArray[] {JniUtils.max(pt(x[0]), c.ints()[0], c.flag()),
            JniUtils.argMax(pt(x[0]), c.ints()[0], c.flag())}, "{0}.max({i0}, {k})", "{0}.max({i0}, keepdim={k})"));
        TABLE.add(new OpDef("min(dim, keepDim)", 2, 2, false, DIM_KEEP, (x, c) -> {
            Tensor.ValuesIndices r = x[0].min(c.ints()[0], c.flag());
            return new Tensor[] {r.values(), r.indices()};
        }, (m, x, c) -> new NDArray[] {JniUtils.min(pt(x[0]), c.ints()[0], c.flag()),
            JniUtils.argMin(pt(x[0]), c.ints()[0], c.flag())}, "{0}.min({i0}, {k})", "{0}.min({i0}, keepdim={k})"));
        TABLE.add(op("argmax(dim)", 1, DIM, (x, c) -> x[0].argmax(c.ints()[0]),
                (m, x, c) -> JniUtils.argMax(pt(x[0]), c.ints()[0], false), "{0}.argmax({i0})", "{0}.argmax({i0})"));
        TABLE.add(op("softmax", 3, DIM, (x, c) -> x[0].softmax(c.ints()[0]),
                (m, x, c) -> JniUtils.softmax(pt(x[0]), c.ints()[0], x[0].getDataType()), "{0}.softmax({i0})", "{0}.softmax({i0})"));
        TABLE.add(op("logSoftmax", 3, DIM, (x, c) -> x[0].logSoftmax(c.ints()[0]),
                (m, x, c) -> JniUtils.logSoftmax(pt(x[0]), c.ints()[0], x[0].getDataType()), "{0}.logSoftmax({i0})",
                "{0}.log_softmax({i0})"));
        // ---- views
        TABLE.add(op("reshape", 3, RESHAPE, (x, c) -> x[0].reshape(c.intArr()),
                (m, x, c) -> JniUtils.reshape(pt(x[0]), Arrays.stream(c.intArr()).mapToLong(i -> i).toArray()),
                "{0}.reshape({V})", "{0}.reshape({V})"));
        TABLE.add(op("flatten()", 1, ANY, (x, c) -> x[0].flatten(), (m, x, c) -> JniUtils.flatten(pt(x[0]), 0, -1),
                "{0}.flatten()", "{0}.flatten()"));
        TABLE.add(op("flatten(start, end)", 1, FLATTEN, (x, c) -> x[0].flatten(c.ints()[0], c.ints()[1]),
                (m, x, c) -> JniUtils.flatten(pt(x[0]), c.ints()[0], c.ints()[1]), "{0}.flatten({i0}, {i1})", "{0}.flatten({i0}, {i1})"));
        TABLE.add(op("transpose", 3, TWO_DIMS, (x, c) -> x[0].transpose(c.ints()[0], c.ints()[1]),
                (m, x, c) -> JniUtils.transpose(pt(x[0]), c.ints()[0], c.ints()[1]), "{0}.transpose({i0}, {i1})",
                "{0}.transpose({i0}, {i1})"));
        TABLE.add(op("t", 1, ANY, (x, c) -> x[0].t(), (m, x, c) -> {
            long r = x[0].getShape().dimension();
            if (r > 2) {
                throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + r + "D");
            }
            return r < 2 ? JniUtils.transpose(pt(x[0]), 0, -1) : JniUtils.transpose(pt(x[0]), 0, 1);
        }, "{0}.t()", "{0}.t()"));
        TABLE.add(op("permute", 2, PERMUTE, (x, c) -> x[0].permute(c.intArr()),
                (m, x, c) -> JniUtils.permute(pt(x[0]), Arrays.stream(c.intArr()).mapToLong(i -> i).toArray()),
                "{0}.permute({V})", "{0}.permute({V})"));
        TABLE.add(op("squeeze()", 1, ANY, (x, c) -> x[0].squeeze(), (m, x, c) -> JniUtils.squeeze(pt(x[0])), "{0}.squeeze()", "{0}.squeeze()"));
        TABLE.add(op("squeeze(dim)", 1, DIM, (x, c) -> x[0].squeeze(c.ints()[0]),
                (m, x, c) -> JniUtils.squeeze(pt(x[0]), c.ints()[0]), "{0}.squeeze({i0})", "{0}.squeeze({i0})"));
        TABLE.add(op("unsqueeze", 2, UNSQUEEZE, (x, c) -> x[0].unsqueeze(c.ints()[0]),
                (m, x, c) -> JniUtils.unsqueeze(pt(x[0]), c.ints()[0]), "{0}.unsqueeze({i0})", "{0}.unsqueeze({i0})"));
        TABLE.add(op("expand", 2, EXPAND, (x, c) -> x[0].expand(c.intArr()),
                (m, x, c) -> JniUtils.broadcast(pt(x[0]), new ai.djl.ndarray.types.Shape(
                        Arrays.stream(c.intArr()).mapToLong(i -> i).toArray())), "{0}.expand({V})", "{0}.expand({V})"));
        TABLE.add(op("narrow", 3, NARROW, (x, c) -> x[0].narrow(c.ints()[0], c.ints()[1], c.ints()[2]),
                (m, x, c) -> JniUtils.slice(pt(x[0]), c.ints()[0], c.ints()[1], c.ints()[1] + c.ints()[2], 1),
                "{0}.narrow({i0}, {i1}, {i2})", "{0}.narrow({i0}, {i1}, {i2})"));
        TABLE.add(op("select", 3, SELECT, (x, c) -> x[0].select(c.ints()[0], c.ints()[1]), (m, x, c) -> {
            int dim = c.ints()[0];
            long size = x[0].getShape().get(norm(dim, x[0].getShape().dimension()));
            long i = c.ints()[1] < 0 ? c.ints()[1] + size : c.ints()[1];
            return JniUtils.squeeze(JniUtils.slice(pt(x[0]), dim, i, i + 1, 1), dim);
        }, "{0}.select({i0}, {i1})", "{0}.select({i0}, {i1})"));
        TABLE.add(COPY);
        // ---- matmul family
        TABLE.add(op("matmul", 4, MATMUL, (x, c) -> x[0].matmul(x[1]), (m, x, c) -> JniUtils.matmul(pt(x[0]), pt(x[1])),
                "{0}.matmul({1})", "{0}.matmul({1})"));
        TABLE.add(op("mm", 1, shapes(2, 2, false), (x, c) -> x[0].mm(x[1]), (m, x, c) -> JniUtils.matmul(pt(x[0]), pt(x[1])),
                "{0}.mm({1})", "{0}.mm({1})"));
        TABLE.add(op("bmm", 1, shapes(3, 3, true), (x, c) -> x[0].bmm(x[1]), (m, x, c) -> JniUtils.bmm(pt(x[0]), pt(x[1])),
                "{0}.bmm({1})", "{0}.bmm({1})"));
        TABLE.add(op("dot", 1, shapes(1, 1, false), (x, c) -> x[0].dot(x[1]), (m, x, c) -> JniUtils.dot(pt(x[0]), pt(x[1])),
                "{0}.dot({1})", "{0}.dot({1})"));
        TABLE.add(op("mv", 1, shapes(2, 1, false), (x, c) -> x[0].mv(x[1]), (m, x, c) -> JniUtils.matmul(pt(x[0]), pt(x[1])),
                "{0}.mv({1})", "{0}.mv({1})"));
        // ---- joins
        TABLE.add(op("cat", 2, CAT, (x, c) -> Tensor.cat(List.of(x[0], x[1]), c.ints()[0]),
                (m, x, c) -> JniUtils.cat(new PtNDArray[] {pt(x[0]), pt(x[1])}, c.ints()[0]),
                "Tensor.cat(List.of({0}, {1}), {i0})", "torch.cat([{0}, {1}], {i0})"));
        TABLE.add(op("stack", 2, STACK, (x, c) -> Tensor.stack(List.of(x[0], x[1]), c.ints()[0]),
                (m, x, c) -> JniUtils.stack(new PtNDArray[] {pt(x[0]), pt(x[1])}, c.ints()[0]),
                "Tensor.stack(List.of({0}, {1}), {i0})", "torch.stack([{0}, {1}], {i0})"));
        // ---- in-place, on existing values, fresh copies and views of fresh copies
        TABLE.add(op("add_", 3, inPlace(true, false, false), (x, c) -> x[0].add_(x[1]), (m, x, c) -> x[0].addi(x[1]),
                "{0}.add_({1})", "{0}.add_({1})"));
        TABLE.add(op("add_(alpha)", 1, inPlace(true, true, false), (x, c) -> x[0].add_(x[1], c.dbls()[0]),
                (m, x, c) -> x[0].addi(x[1].mul(k(m, x[1], c.dbls()[0]))), "{0}.add_({1}, {d0})", "{0}.add_({1}, alpha={d0})"));
        TABLE.add(op("sub_", 2, inPlace(true, false, false), (x, c) -> x[0].sub_(x[1]), (m, x, c) -> x[0].subi(x[1]),
                "{0}.sub_({1})", "{0}.sub_({1})"));
        TABLE.add(op("mul_", 2, inPlace(true, false, false), (x, c) -> x[0].mul_(x[1]), (m, x, c) -> x[0].muli(x[1]),
                "{0}.mul_({1})", "{0}.mul_({1})"));
        TABLE.add(op("div_", 2, inPlace(true, false, false), (x, c) -> x[0].div_(x[1]), (m, x, c) -> x[0].divi(x[1]),
                "{0}.div_({1})", "{0}.div_({1})"));
        TABLE.add(scalarOp("add_(scalar)", 2, inPlace(false, true, false), (x, c) -> x[0].add_(c.dbls()[0]),
                (m, x, c) -> x[0].addi(k(m, x[0], c.dbls()[0])), "{0}.add_({d0})", "{0}.add_({d0})"));
        TABLE.add(scalarOp("sub_(scalar)", 1, inPlace(false, true, false), (x, c) -> x[0].sub_(c.dbls()[0]),
                (m, x, c) -> x[0].subi(k(m, x[0], c.dbls()[0])), "{0}.sub_({d0})", "{0}.sub_({d0})"));
        TABLE.add(scalarOp("mul_(scalar)", 2, inPlace(false, true, false), (x, c) -> x[0].mul_(c.dbls()[0]),
                (m, x, c) -> x[0].muli(k(m, x[0], c.dbls()[0])), "{0}.mul_({d0})", "{0}.mul_({d0})"));
        TABLE.add(scalarOp("div_(scalar)", 1, inPlace(false, true, false), (x, c) -> x[0].div_(c.dbls()[0]),
                (m, x, c) -> x[0].divi(k(m, x[0], c.dbls()[0])), "{0}.div_({d0})", "{0}.div_({d0})"));
        // emulated as target.mul_(0).add_(value) (same values, same gradients): float targets only
        TABLE.add(op("clamp_", 1, inPlace(false, true, true), (x, c) -> x[0].clamp_(-c.dbls()[1], c.dbls()[1]),
                (m, x, c) -> emulateWrite(m, x[0], JniUtils.clip(pt(copy(x[0])), -c.dbls()[1], c.dbls()[1])),
                "{0}.clamp_(-{d1}, {d1})", "{0}.clamp_(-{d1}, {d1})"));
        TABLE.add(op("relu_", 1, inPlace(false, false, true), (x, c) -> x[0].relu_(),
                (m, x, c) -> emulateWrite(m, x[0], JniUtils.relu(pt(copy(x[0])))), "{0}.relu_()", "{0}.relu_()"));
        TABLE.add(op("fill_", 1, inPlace(false, true, true), (x, c) -> x[0].fill_(c.dbls()[0]),
                (m, x, c) -> emulateWrite(m, x[0], k(m, x[0], c.dbls()[0])), "{0}.fill_({d0})", "{0}.fill_({d0})"));
        TABLE.add(op("zero_", 1, inPlace(false, false, true), (x, c) -> x[0].zero_(),
                (m, x, c) -> x[0].muli(k(m, x[0], 0.0)), "{0}.zero_()", "{0}.zero_()"));
        TABLE.add(op("copy_", 2, inPlace(true, false, true), (x, c) -> x[0].copy_(x[1]),
                (m, x, c) -> emulateWrite(m, x[0], x[1]), "{0}.copy_({1})", "{0}.copy_({1})"));
    }

    static Tensor compare(String n, Tensor a, Tensor b) {
        return switch (n) {
            case "eq" -> a.eq(b);
            case "ne" -> a.ne(b);
            case "lt" -> a.lt(b);
            case "le" -> a.le(b);
            case "gt" -> a.gt(b);
            default -> a.ge(b);
        };
    }

    static Tensor compare(String n, Tensor a, double b) {
        return switch (n) {
            case "eq" -> a.eq(b);
            case "ne" -> a.ne(b);
            case "lt" -> a.lt(b);
            case "le" -> a.le(b);
            case "gt" -> a.gt(b);
            default -> a.ge(b);
        };
    }

    static NDArray compare(String n, NDArray a, NDArray b) {
        return switch (n) {
            case "eq" -> a.eq(b);
            case "ne" -> a.neq(b);
            case "lt" -> a.lt(b);
            case "le" -> a.lte(b);
            case "gt" -> a.gt(b);
            default -> a.gte(b);
        };
    }

    /** mean over several dims, one dim at a time (libtorch's mean over a dim list is not bound in DJL). */
    static NDArray mean(NDArray x, int[] dims, boolean keep) {
        if (dims.length == 0) {
            return JniUtils.mean(pt(x));
        }
        int r = x.getShape().dimension();
        int[] sorted = Arrays.stream(dims).map(d -> norm(d, r)).sorted().toArray();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("dim " + sorted[i] + " appears multiple times in the list of dims");
            }
        }
        NDArray out = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            out = JniUtils.mean(pt(out), r == 0 ? dims[i] : sorted[i], keep);
        }
        return out;
    }

    private static int totalWeight() {
        return TABLE.stream().mapToInt(OpDef::weight).sum();
    }

    /** Draws one op and its operands; null when the drawn op does not apply to the program's values. */
    static Call draw(Ctx c) {
        int r = c.rnd.nextInt(totalWeight());
        for (OpDef d : TABLE) {
            r -= d.weight();
            if (r < 0) {
                Args a = d.draw().draw(c);
                if (c.mismatch != null) {
                    return null;
                }
                return a == null || Arrays.stream(a.in()).anyMatch(i -> i < 0) ? null
                        : new Call(d, a.in(), a.ints(), a.dbls(), a.intArr(), a.flag());
            }
        }
        throw new IllegalStateException();
    }
}
