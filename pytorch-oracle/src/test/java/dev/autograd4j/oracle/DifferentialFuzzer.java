package dev.autograd4j.oracle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A seeded differential fuzzer: random programs of 2-8 ops from {@link FuzzOps#TABLE}, run step by step through
 * autograd4j and through libtorch (DJL), comparing after every op which side raised, the result's shape, dtype
 * and values, then (when nothing differed) every live value again (in-place writes through views) and the
 * gradients of the float inputs after backpropagating {@code sum(out_i * w_i)} over the unused outputs.
 *
 * <p>Programs are reproducible from {@code (seed, index)}; a program stops at its first mismatch, and its
 * {@link Result#script()} prints both the Java calls and the PyTorch calls up to there.
 */
final class DifferentialFuzzer {

    /** What differed. */
    enum Kind { ONLY_AUTOGRAD4J_RAISED, ONLY_TORCH_RAISED, SHAPE, DTYPE, VALUES, REQUIRES_GRAD, LATER_VALUES,
        BACKWARD_RAISED, GRAD }

    /** One difference, with what the allow-list matches on. */
    record Mismatch(Kind kind, String op, String detail, String javaMessage, String torchMessage,
                    List<String> inputDtypes, boolean scalarOperand, boolean emptyDims) {
        @Override
        public String toString() {
            return kind + " in " + op + " " + inputDtypes + ": " + detail
                    + (javaMessage != null ? "\n  autograd4j raised: " + javaMessage : "")
                    + (torchMessage != null ? "\n  torch raised: " + torchMessage : "");
        }
    }

    /** One program's outcome. */
    record Result(long seed, int index, List<String> opsDrawn, Mismatch mismatch, int bothRaised,
                  int messageDiffers, String script) {
    }

    /** A value of the program: the same tensor on both sides. */
    static final class Var {
        final String name;
        final Tensor j;
        final NDArray t;
        boolean used;
        final boolean input;

        Var(String name, Tensor j, NDArray t, boolean input) {
            this.name = name;
            this.j = j;
            this.t = t;
            this.input = input;
        }

        int[] shape() {
            return Arrays.stream(t.getShape().getShape()).mapToInt(l -> (int) l).toArray();
        }

        int rank() {
            return t.getShape().dimension();
        }

        DType dtype() {
            return fromDjl(t.getDataType());
        }

        boolean floating() {
            DType d = dtype();
            return d == DType.FLOAT32 || d == DType.FLOAT64;
        }
    }

    /** A leaf: the tensor created from data, before the view that may make its program input non-contiguous. */
    record Leaf(String name, Tensor j, NDArray t, boolean grad) {
    }

    static DType fromDjl(DataType d) {
        return switch (d) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case INT64 -> DType.INT64;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalStateException("dtype " + d);
        };
    }

    static DataType toDjl(DType d) {
        return switch (d) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    static String pyDtype(DType d) {
        return switch (d) {
            case FLOAT32 -> "torch.float32";
            case FLOAT64 -> "torch.float64";
            case INT64 -> "torch.int64";
            case BOOL -> "torch.bool";
        };
    }

    /** The program being built and run: random source, values, both scripts, the first mismatch. */
    static final class Ctx {
        final Random rnd;
        final NDManager m;
        final List<Var> vars = new ArrayList<>();
        final List<Leaf> leaves = new ArrayList<>();
        final List<String> java = new ArrayList<>();
        final List<String> py = new ArrayList<>();
        final List<String> opsDrawn = new ArrayList<>();
        Mismatch mismatch;
        int bothRaised;
        int messageDiffers;
        private int names;

        Ctx(Random rnd, NDManager m) {
            this.rnd = rnd;
            this.m = m;
        }

        String fresh(String prefix) {
            return prefix + names++;
        }

        Var var(int i) {
            return vars.get(i);
        }

        /** A random value, recent ones more likely; -1 when none matches. */
        int pick(java.util.function.Predicate<Var> ok) {
            List<Integer> c = new ArrayList<>();
            for (int i = 0; i < vars.size(); i++) {
                if (ok.test(vars.get(i))) {
                    c.add(i);
                }
            }
            if (c.isEmpty()) {
                return -1;
            }
            if (rnd.nextInt(3) == 0) {
                return c.get(c.size() - 1);
            }
            return c.get(rnd.nextInt(c.size()));
        }

        int pick() {
            return pick(v -> true);
        }

        DType randomDtype() {
            int r = rnd.nextInt(20);
            return r < 9 ? DType.FLOAT32 : r < 15 ? DType.FLOAT64 : r < 18 ? DType.INT64 : DType.BOOL;
        }

        /** Mostly like's dtype, sometimes another one (PyTorch promotes, autograd4j refuses today). */
        DType partnerDtype(DType like) {
            return rnd.nextInt(5) == 0 ? randomDtype() : like;
        }

        int dim(int rank) {
            return rank == 0 ? (rnd.nextBoolean() ? 0 : -1) : rnd.nextInt(2 * rank) - rank;
        }

        int size() {
            int r = rnd.nextInt(20);
            return r == 0 ? 0 : r < 6 ? 1 : r < 12 ? 2 : r < 17 ? 3 : 4;
        }

        int[] randomShape() {
            int rank = new int[] {0, 1, 1, 2, 2, 2, 3, 3, 4}[rnd.nextInt(9)];
            int[] s = new int[rank];
            for (int i = 0; i < rank; i++) {
                s[i] = size();
            }
            return s;
        }

        /** A shape that broadcasts with s (and, rarely, one that does not). */
        int[] broadcastable(int[] s) {
            if (rnd.nextInt(25) == 0) {
                return randomShape();
            }
            int keep = rnd.nextInt(s.length + 1);
            int extra = rnd.nextInt(4) == 0 ? 1 : 0;
            int[] r = new int[keep + extra];
            for (int i = 0; i < extra; i++) {
                r[i] = rnd.nextBoolean() ? 1 : 2;
            }
            for (int i = 0; i < keep; i++) {
                int d = s[s.length - keep + i];
                r[extra + i] = rnd.nextInt(3) == 0 ? 1 : d;
            }
            return r;
        }

        /** A new program input of this (visible) shape: a leaf, sometimes seen through a transpose or a narrow. */
        int newInput(int[] shape, DType dtype) {
            int trick = shape.length >= 2 && rnd.nextInt(4) == 0 ? 1 : shape.length >= 1 && rnd.nextInt(5) == 0 ? 2 : 0;
            int[] base = shape.clone();
            int extraStart = 0;
            if (trick == 1) {
                int n = base.length;
                base[n - 1] = shape[n - 2];
                base[n - 2] = shape[n - 1];
            } else if (trick == 2) {
                extraStart = rnd.nextInt(2);
                base[0] = shape[0] + extraStart + rnd.nextInt(2);
            }
            int numel = 1;
            for (int d : base) {
                numel *= d;
            }
            String leafName = fresh("in");
            boolean grad = (dtype == DType.FLOAT32 || dtype == DType.FLOAT64) && rnd.nextInt(5) != 0;
            Tensor jl;
            NDArray tl;
            String jData;
            String pyData;
            ai.djl.ndarray.types.Shape dshape = new ai.djl.ndarray.types.Shape(
                    Arrays.stream(base).mapToLong(i -> i).toArray());
            switch (dtype) {
                case FLOAT32, FLOAT64 -> {
                    double[] d = new double[numel];
                    for (int i = 0; i < numel; i++) {
                        d[i] = Math.round(rnd.nextGaussian() * (rnd.nextInt(8) == 0 ? 4000 : 1000)) / 1000.0;
                    }
                    if (dtype == DType.FLOAT32) {
                        float[] f = new float[numel];
                        for (int i = 0; i < numel; i++) {
                            f[i] = (float) d[i];
                        }
                        jl = Tensor.of(f, base.length == 0 ? new int[] {1} : base);
                        tl = numel == 0 ? m.zeros(dshape, DataType.FLOAT32) : m.create(f, dshape);
                        jData = "new float[] {" + Arrays.stream(d).mapToObj(v -> v + "f").collect(Collectors.joining(", ")) + "}";
                    } else {
                        jl = Tensor.of(d, base.length == 0 ? new int[] {1} : base);
                        tl = numel == 0 ? m.zeros(dshape, DataType.FLOAT64) : m.create(d, dshape);
                        jData = "new double[] {" + Arrays.stream(d).mapToObj(Double::toString).collect(Collectors.joining(", ")) + "}";
                    }
                    pyData = Arrays.stream(d).mapToObj(Double::toString).collect(Collectors.joining(", "));
                }
                case INT64 -> {
                    long[] l = new long[numel];
                    for (int i = 0; i < numel; i++) {
                        l[i] = rnd.nextInt(11) - 5;
                    }
                    jl = Tensor.of(l, base.length == 0 ? new int[] {1} : base);
                    tl = numel == 0 ? m.zeros(dshape, DataType.INT64) : m.create(l, dshape);
                    jData = "new long[] {" + Arrays.stream(l).mapToObj(v -> v + "L").collect(Collectors.joining(", ")) + "}";
                    pyData = Arrays.stream(l).mapToObj(Long::toString).collect(Collectors.joining(", "));
                }
                default -> {
                    boolean[] b = new boolean[numel];
                    StringBuilder jb = new StringBuilder();
                    StringBuilder pb = new StringBuilder();
                    for (int i = 0; i < numel; i++) {
                        b[i] = rnd.nextBoolean();
                        jb.append(i == 0 ? "" : ", ").append(b[i]);
                        pb.append(i == 0 ? "" : ", ").append(b[i] ? "True" : "False");
                    }
                    jl = Tensor.of(b, base.length == 0 ? new int[] {1} : base);
                    tl = numel == 0 ? m.zeros(dshape, DataType.BOOLEAN) : m.create(b, dshape);
                    jData = "new boolean[] {" + jb + "}";
                    pyData = pb.toString();
                }
            }
            String jShape = Arrays.stream(base).mapToObj(Integer::toString).collect(Collectors.joining(", "));
            String jMake = "Tensor.of(" + jData + (base.length == 0 ? ").reshape().detach()" : ", " + jShape + ")");
            if (base.length == 0) {
                jl = jl.reshape().detach();
            }
            if (grad) {
                jl.requiresGrad(true);
                tl.setRequiresGradient(true);
                jMake += ".requiresGrad(true)";
            }
            java.add("Tensor " + leafName + " = " + jMake + ";");
            py.add(leafName + " = torch.tensor([" + pyData + "], dtype=" + pyDtype(dtype) + ").reshape(("
                    + jShape + (base.length == 1 ? "," : "") + "))" + (grad ? ".requires_grad_()" : ""));
            leaves.add(new Leaf(leafName, jl, tl, grad));
            String name = fresh("v");
            Tensor jv;
            NDArray tv;
            String view;
            if (trick == 1) {
                int n = base.length;
                jv = jl.transpose(n - 2, n - 1);
                tv = ai.djl.pytorch.jni.JniUtils.transpose((ai.djl.pytorch.engine.PtNDArray) tl, n - 2, n - 1);
                view = ".transpose(" + (n - 2) + ", " + (n - 1) + ")";
            } else if (trick == 2) {
                jv = jl.narrow(0, extraStart, shape[0]);
                tv = ai.djl.pytorch.jni.JniUtils.slice((ai.djl.pytorch.engine.PtNDArray) tl, 0, extraStart,
                        extraStart + shape[0], 1);
                view = ".narrow(0, " + extraStart + ", " + shape[0] + ")";
            } else {
                jv = jl;
                tv = tl;
                view = "";
            }
            java.add("Tensor " + name + " = " + leafName + view + ";");
            py.add(name + " = " + leafName + view);
            vars.add(new Var(name, jv, tv, true));
            return vars.size() - 1;
        }

        int newInput() {
            return newInput(randomShape(), randomDtype());
        }

        /** A scalar operand (a Java double, a Python float): a few simple values and some random ones. */
        double scalar() {
            double[] simple = {0.5, -1.5, 2.0, 3.0, -0.25, 1.0, 0.0};
            return rnd.nextInt(3) == 0 ? Math.round(rnd.nextGaussian() * 100) / 100.0 : simple[rnd.nextInt(simple.length)];
        }

        /** Runs one op on both sides and compares the results. */
        void exec(FuzzOps.Call call) {
            FuzzOps.OpDef op = call.op();
            opsDrawn.add(op.name());
            Tensor[] jin = new Tensor[call.in().length];
            NDArray[] tin = new NDArray[call.in().length];
            List<String> dtypes = new ArrayList<>();
            for (int i = 0; i < jin.length; i++) {
                Var v = vars.get(call.in()[i]);
                v.used = true;
                jin[i] = v.j;
                tin[i] = v.t;
                dtypes.add(v.dtype().toString());
            }
            String[] outNames = new String[op.outputs()];
            for (int i = 0; i < outNames.length; i++) {
                outNames[i] = fresh("v");
            }
            String[] names = Arrays.stream(call.in()).mapToObj(i -> vars.get(i).name).toArray(String[]::new);
            if (outNames.length == 1) {
                java.add("Tensor " + outNames[0] + " = " + call.format(op.javaTemplate(), names, false) + ";");
                py.add(outNames[0] + " = " + call.format(op.pyTemplate(), names, true));
            } else {
                String tmp = fresh("r");
                java.add("var " + tmp + " = " + call.format(op.javaTemplate(), names, false) + ";");
                java.add("Tensor " + outNames[0] + " = " + tmp + ".values(), " + outNames[1] + " = " + tmp + ".indices();");
                py.add(outNames[0] + ", " + outNames[1] + " = " + call.format(op.pyTemplate(), names, true));
            }
            NDArray[] tout = null;
            Tensor[] jout = null;
            String tErr = null;
            String jErr = null;
            try {
                tout = op.torch().run(m, tin, call);
            } catch (RuntimeException e) {
                tErr = torchMessage(e);
            }
            try {
                jout = op.java().run(jin, call);
            } catch (RuntimeException e) {
                jErr = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            boolean scalarOp = op.scalarOperand();
            boolean emptyDims = op.name().matches("(sum|mean)\\(dims.*") && call.intArr().length == 0;
            if (tErr != null && jErr != null) {
                bothRaised++;
                if (!messagesAgree(jErr, tErr)) {
                    messageDiffers++;
                }
                java.add("// both raised: autograd4j " + jErr.replace('\n', ' '));
                py.add("# both raised: " + tErr.replace('\n', ' '));
                return;
            }
            if (tErr != null || jErr != null) {
                mismatch = new Mismatch(tErr != null ? Kind.ONLY_TORCH_RAISED : Kind.ONLY_AUTOGRAD4J_RAISED, op.name(),
                        "", jErr, tErr, dtypes, scalarOp, emptyDims);
                return;
            }
            for (int i = 0; i < tout.length; i++) {
                String what = compare(jout[i], tout[i], float32Upstream());
                if (what != null) {
                    Kind k = what.startsWith("shape") ? Kind.SHAPE : what.startsWith("dtype") ? Kind.DTYPE
                            : what.startsWith("requiresGrad") ? Kind.REQUIRES_GRAD : Kind.VALUES;
                    mismatch = new Mismatch(k, op.name(), outNames[i] + ": " + what, null, null, dtypes, scalarOp,
                            emptyDims);
                    return;
                }
                vars.add(new Var(outNames[i], jout[i], tout[i], false));
            }
        }

        /** After the last op: every live value again, then backward of sum(out * w) and the inputs' gradients. */
        void finish() {
            for (Var v : vars) {
                String what = compare(v.j, v.t, float32Upstream());
                if (what != null) {
                    mismatch = new Mismatch(Kind.LATER_VALUES, "(after the program) " + v.name, what, null, null,
                            List.of(v.dtype().toString()), false, false);
                    return;
                }
            }
            Tensor jLoss = null;
            List<Tensor> jTerms = new ArrayList<>();
            NDArray tLoss = null;
            StringBuilder jl = new StringBuilder();
            StringBuilder pl = new StringBuilder();
            for (Var v : vars) {
                if (v.used || !v.floating() || !v.j.requiresGrad()) {
                    continue;
                }
                int n = v.j.numel();
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = Math.round(rnd.nextGaussian() * 100) / 100.0;
                }
                int[] shape = v.shape();
                String wName = fresh("w");
                String jShape = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
                Tensor jw;
                NDArray tw;
                ai.djl.ndarray.types.Shape ds = v.t.getShape();
                if (v.dtype() == DType.FLOAT32) {
                    float[] f = new float[n];
                    for (int i = 0; i < n; i++) {
                        f[i] = (float) w[i];
                    }
                    jw = Tensor.of(f, shape.length == 0 ? new int[] {1} : shape);
                    tw = n == 0 ? m.zeros(ds, DataType.FLOAT32) : m.create(f, ds);
                } else {
                    jw = Tensor.of(w, shape.length == 0 ? new int[] {1} : shape);
                    tw = n == 0 ? m.zeros(ds, DataType.FLOAT64) : m.create(w, ds);
                }
                String data = Arrays.stream(w).mapToObj(Double::toString).collect(Collectors.joining(", "));
                java.add("Tensor " + wName + " = Tensor.of(new double[] {" + data + "}"
                        + (shape.length == 0 ? ").reshape()" : ", " + jShape + ")") + ".to(" + v.name + ".dtype());");
                py.add(wName + " = torch.tensor([" + data + "], dtype=" + v.name + ".dtype).reshape((" + jShape
                        + (shape.length == 1 ? "," : "") + "))");
                if (shape.length == 0) {
                    jw = jw.reshape();
                }
                Tensor jt = v.j.mul(jw).sum();
                NDArray tt = v.t.mul(tw).sum();
                jTerms.add(jt);
                jLoss = jt;
                tLoss = tLoss == null ? tt : tLoss.add(tt);
                jl.append(v.name).append(".mul(").append(wName).append(").sum().backward(Tensor.scalar(1).to(")
                        .append(v.name).append(".dtype()), true);\n");
                pl.append(pl.length() == 0 ? "" : " + ").append("(").append(v.name).append(" * ").append(wName)
                        .append(").sum()");
            }
            if (jLoss == null) {
                return;
            }
            java.add("// the terms of loss (of different dtypes: autograd4j adds no float32 to float64), one at a time");
            java.add(jl.toString().strip());
            py.add("loss = " + pl);
            py.add("loss.backward()");
            String tErr = null;
            String jErr = null;
            try {
                try (GradientCollector gc = currentCollector) {
                    currentCollector = null;
                    gc.backward(tLoss);
                }
            } catch (RuntimeException e) {
                tErr = torchMessage(e);
            }
            try {
                for (Tensor t : jTerms) {
                    t.backward(Tensor.onesLike(t), true);
                }
            } catch (RuntimeException e) {
                jErr = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (tErr != null || jErr != null) {
                if (tErr == null || jErr == null) {
                    mismatch = new Mismatch(Kind.BACKWARD_RAISED, "backward" + inPlaceNote(), "", jErr, tErr,
                            List.of(), false, false);
                } else {
                    bothRaised++;
                }
                return;
            }
            for (Leaf l : leaves) {
                if (!l.grad()) {
                    continue;
                }
                Tensor jg = l.j().grad();
                NDArray tg = torchGrad(l.t());
                java.add("// compare " + l.name() + ".grad()");
                py.add("print(" + l.name() + ".grad)");
                if (jg == null && tg != null && Arrays.stream(Oracle.djlDoubles(tg)).allMatch(d -> d == 0)) {
                    tg = null; // DJL attaches a zero gradient where PyTorch leaves .grad None
                }
                if ((jg == null) != (tg == null)) {
                    mismatch = new Mismatch(Kind.GRAD, "grad of " + l.name() + inPlaceNote(), "autograd4j grad "
                            + (jg == null ? "null" : "set") + ", torch grad " + (tg == null ? "None" : "set"),
                            null, null, List.of(), false, false);
                    return;
                }
                if (jg == null) {
                    continue;
                }
                String what = compare(jg, tg, float32Upstream());
                if (what != null) {
                    mismatch = new Mismatch(Kind.GRAD, "grad of " + l.name() + inPlaceNote(), what, null, null,
                            List.of(l.j().dtype().toString()), false, false);
                    return;
                }
            }
        }

        GradientCollector currentCollector;

        /** Whether any value of the program so far is float32 (see {@link #compare(Tensor, NDArray, boolean)}). */
        boolean float32Upstream() {
            return vars.stream().anyMatch(v -> v.dtype() == DType.FLOAT32);
        }

        /** Marks mismatches after an in-place op: DJL's in-place ops are not recorded by libtorch's autograd. */
        String inPlaceNote() {
            return opsDrawn.stream().anyMatch(o -> o.matches("[a-z]+_.*")) ? " (after in-place)" : "";
        }
    }

    static NDArray torchGrad(NDArray leaf) {
        try {
            NDArray g = leaf.getGradient();
            g.getShape();
            return g;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** libtorch's message without DJL's wrapping and the C++ backtrace. */
    static String torchMessage(RuntimeException e) {
        String s = String.valueOf(e.getMessage());
        int cut = s.indexOf("\nException raised from");
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        return s.strip();
    }

    /** Loose agreement: one side's first words in the other's message. */
    static boolean messagesAgree(String java, String torch) {
        String j = java.substring(java.indexOf(':') + 1).strip().toLowerCase(Locale.ROOT);
        String t = torch.toLowerCase(Locale.ROOT);
        String head = j.length() > 30 ? j.substring(0, 30) : j;
        return !head.isEmpty() && t.contains(head);
    }

    static double rtol(DType d) {
        return d == DType.FLOAT32 ? 1e-4 : 1e-9;
    }

    static double atol(DType d) {
        return d == DType.FLOAT32 ? 1e-5 : 1e-10;
    }

    /** Null when equal; else what differs. */
    static String compare(Tensor j, NDArray t) {
        return compare(j, t, false);
    }

    /**
     * Null when equal; else what differs. {@code float32Upstream}: the program holds float32 values, so a float64
     * result may carry float32 rounding (the sides' float32 kernels differ by an ulp) and is compared at float32's
     * tolerance.
     */
    static String compare(Tensor j, NDArray t, boolean float32Upstream) {
        int[] ts = Arrays.stream(t.getShape().getShape()).mapToInt(l -> (int) l).toArray();
        if (!Arrays.equals(ts, j.shape().toArray())) {
            return "shape: torch " + Arrays.toString(ts) + ", autograd4j " + j.shape();
        }
        DType td = fromDjl(t.getDataType());
        if (td != j.dtype()) {
            return "dtype: torch " + td + ", autograd4j " + j.dtype();
        }
        if (j.numel() == 0) {
            return null;
        }
        if (td == DType.INT64 || td == DType.BOOL) {
            long[] e = t.toType(DataType.INT64, false).toLongArray();
            long[] a = j.to(DType.INT64).toLongArray();
            return Arrays.equals(e, a) ? null : "values: torch " + Arrays.toString(e) + ", autograd4j " + Arrays.toString(a);
        }
        double[] e = Oracle.djlDoubles(t);
        double[] a = j.toDoubleArray();
        double scale = 1;
        for (double v : e) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < e.length; i++) {
            boolean ok;
            if (Double.isNaN(e[i]) || Double.isNaN(a[i]) || Double.isInfinite(e[i]) || Double.isInfinite(a[i])) {
                ok = Double.compare(e[i], a[i]) == 0 || (Double.isNaN(e[i]) && Double.isNaN(a[i]));
            } else {
                DType tol = float32Upstream ? DType.FLOAT32 : td;
                ok = Math.abs(a[i] - e[i]) <= atol(tol) * scale + rtol(tol) * Math.abs(e[i]);
            }
            if (!ok) {
                return "values: [" + i + "] torch " + e[i] + ", autograd4j " + a[i] + " (torch "
                        + abbreviate(e) + ", autograd4j " + abbreviate(a) + ")";
            }
        }
        return null;
    }

    private static String abbreviate(double[] d) {
        String s = Arrays.toString(d.length > 12 ? Arrays.copyOf(d, 12) : d);
        return d.length > 12 ? s.replace("]", ", ...]") : s;
    }

    static long programSeed(long seed, int index) {
        return new SplittableRandom(seed).split().nextLong() ^ (0x9E3779B97F4A7C15L * (index + 1));
    }

    /** Runs program {@code index} of {@code seed}. */
    static Result run(long seed, int index) {
        Random rnd = new Random(programSeed(seed, index));
        try (NDManager m = Oracle.base().newSubManager()) {
            Ctx c = new Ctx(rnd, m);
            c.currentCollector = Engine.getInstance().newGradientCollector();
            try {
                c.java.add("// autograd4j, fuzz program seed=" + seed + " index=" + index);
                c.py.add("# PyTorch, fuzz program seed=" + seed + " index=" + index);
                c.py.add("import torch");
                c.py.add("import torch.nn.functional as F");
                int inputs = 1 + rnd.nextInt(2);
                for (int i = 0; i < inputs; i++) {
                    c.newInput();
                }
                int ops = 2 + rnd.nextInt(7);
                for (int k = 0; k < ops && c.mismatch == null; k++) {
                    FuzzOps.Call call = null;
                    for (int tries = 0; tries < 20 && call == null && c.mismatch == null; tries++) {
                        call = FuzzOps.draw(c);
                    }
                    if (call != null && c.mismatch == null) {
                        c.exec(call);
                    }
                }
                if (c.mismatch == null) {
                    c.finish();
                }
            } finally {
                if (c.currentCollector != null) {
                    c.currentCollector.close();
                }
            }
            String script = "---- Java (autograd4j)\n" + String.join("\n", c.java) + "\n---- Python (PyTorch)\n"
                    + String.join("\n", c.py);
            return new Result(seed, index, c.opsDrawn, c.mismatch, c.bothRaised, c.messageDiffers, script);
        }
    }
}
