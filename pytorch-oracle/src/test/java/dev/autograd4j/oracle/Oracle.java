package dev.autograd4j.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Runs one computation in autograd4j and in libtorch (DJL's PyTorch engine, CPU) on the same inputs, then
 * compares the outputs and, after backpropagating {@code sum(out_i * W_i)} for fixed random {@code W_i}, the
 * gradient of every input that requires one.
 *
 * <p>DJL allows a single gradient collector per JVM, so cases must run sequentially (the module does not enable
 * JUnit's parallel mode).
 */
final class Oracle {
    private Oracle() {
    }

    /** The java side of a case: inputs in, outputs out. */
    interface JFn {
        Tensor[] apply(Tensor[] x);
    }

    /** The libtorch side of a case. {@code m} owns the inputs; anything created should go there. */
    interface DFn {
        NDArray[] apply(NDManager m, NDArray[] x);
    }

    interface JFn1 {
        Tensor apply(Tensor[] x);
    }

    interface DFn1 {
        NDArray apply(NDManager m, NDArray[] x);
    }

    enum Kind { RANDN, UNIFORM, FIXED, LONGS, RAND_LONGS, BOOLS }

    /** How to make one input. Floating inputs require grad unless {@link #noGrad()} is called. */
    static final class Spec {
        final Kind kind;
        final int[] shape;
        double a = 1, b = 0;
        double[] values;
        long[] longs;
        boolean grad;

        Spec(Kind kind, int[] shape, boolean grad) {
            this.kind = kind;
            this.shape = shape;
            this.grad = grad;
        }

        Spec noGrad() {
            grad = false;
            return this;
        }

        int numel() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        boolean floating() {
            return kind == Kind.RANDN || kind == Kind.UNIFORM || kind == Kind.FIXED;
        }

        @Override
        public String toString() {
            return kind + Arrays.toString(shape);
        }
    }

    /** Standard normal times {@code scale}. */
    /**
     * A 0-d constant of like's dtype in like's manager. DJL's scalar overloads (x.mul(2.0)) wrap the number
     * in a temporary tensor freed right after the op, which autograd still reads in backward: garbage
     * reference gradients whenever that memory is reused first. Pass constants through this instead.
     */
    static NDArray k(NDArray like, double value) {
        return like.getManager().create(value).toType(like.getDataType(), false);
    }

    static Spec randn(int... shape) {
        return randnScaled(1, shape);
    }

    static Spec randnScaled(double scale, int... shape) {
        Spec s = new Spec(Kind.RANDN, shape, true);
        s.a = scale;
        return s;
    }

    /** Uniform in [lo, hi). */
    static Spec uniform(double lo, double hi, int... shape) {
        Spec s = new Spec(Kind.UNIFORM, shape, true);
        s.a = lo;
        s.b = hi;
        return s;
    }

    static Spec fixed(double[] values, int... shape) {
        Spec s = new Spec(Kind.FIXED, shape, true);
        s.values = values;
        return s;
    }

    static Spec longs(long[] values, int... shape) {
        Spec s = new Spec(Kind.LONGS, shape, false);
        s.longs = values;
        return s;
    }

    /** Random int64 in [0, bound). */
    static Spec randLongs(int bound, int... shape) {
        Spec s = new Spec(Kind.RAND_LONGS, shape, false);
        s.a = bound;
        return s;
    }

    static Spec bools(int... shape) {
        return new Spec(Kind.BOOLS, shape, false);
    }

    /** One comparison: a name, its inputs and both implementations. */
    record Case(String name, List<Spec> inputs, JFn java, DFn djl, double tolScale) {
        Case tol(double scale) {
            return new Case(name, inputs, java, djl, scale);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case op(String name, List<Spec> inputs, JFn1 java, DFn1 djl) {
        return new Case(name, inputs, x -> new Tensor[] {java.apply(x)},
                (m, x) -> new NDArray[] {djl.apply(m, x)}, 1);
    }

    static Case multi(String name, List<Spec> inputs, JFn java, DFn djl) {
        return new Case(name, inputs, java, djl, 1);
    }

    /** Every case in float32 and float64. */
    static Stream<Arguments> bothDtypes(List<Case> cases) {
        return cases.stream().flatMap(c -> Stream.of(
                Arguments.of(c, DType.FLOAT32), Arguments.of(c, DType.FLOAT64)));
    }

    private static NDManager base;

    static synchronized NDManager base() {
        if (base == null) {
            Engine engine = Engine.getEngine("PyTorch");
            base = engine.newBaseManager();
        }
        return base;
    }

    static double rtol(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-5 : 1e-10;
    }

    static double atol(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-5 : 1e-10;
    }

    /** Input data as doubles (float32 values are rounded to float first so both sides see the same numbers). */
    private static double[] data(Spec s, Random rnd, DType dtype) {
        int n = s.numel();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = switch (s.kind) {
                case RANDN -> rnd.nextGaussian() * s.a;
                case UNIFORM -> s.a + (s.b - s.a) * rnd.nextDouble();
                case FIXED -> s.values[i];
                default -> throw new IllegalStateException();
            };
            if (dtype == DType.FLOAT32) {
                d[i] = (float) d[i];
            }
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static ai.djl.ndarray.types.Shape djlShape(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return new ai.djl.ndarray.types.Shape(l);
    }

    static double[] djlDoubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        if (a.getDataType() == DataType.FLOAT32) {
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    static int[] djlShapeOf(NDArray a) {
        return Arrays.stream(a.getShape().getShape()).mapToInt(l -> (int) l).toArray();
    }

    /** Elementwise |actual - expected| <= atol + rtol |expected|; NaN matches NaN and infinities match by sign. */
    static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": element count");
        List<String> bad = new ArrayList<>();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok;
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                ok = Double.compare(e, a) == 0 || (Double.isNaN(e) && Double.isNaN(a));
            } else {
                double err = Math.abs(a - e);
                ok = err <= atol + rtol * Math.abs(e);
                worst = Math.max(worst, err);
            }
            if (!ok && bad.size() < 6) {
                bad.add("[" + i + "] torch=" + e + " autograd4j=" + a);
            }
            if (!ok && bad.size() == 6) {
                bad.add("...");
            }
        }
        if (!bad.isEmpty()) {
            fail(what + " differs from PyTorch (rtol=" + rtol + ", atol=" + atol + ", max finite err=" + worst + "): "
                    + String.join(", ", bad));
        }
    }

    /** Runs one case in both libraries and compares outputs and gradients. */
    static void check(Case c, DType dtype) {
        Random rnd = new Random(c.name().hashCode() * 31L + dtype.ordinal());
        List<Spec> specs = c.inputs();
        int n = specs.size();
        double[][] floats = new double[n][];
        long[][] longs = new long[n][];
        boolean[][] bools = new boolean[n][];
        for (int i = 0; i < n; i++) {
            Spec s = specs.get(i);
            switch (s.kind) {
                case LONGS -> longs[i] = s.longs;
                case RAND_LONGS -> {
                    longs[i] = new long[s.numel()];
                    for (int k = 0; k < longs[i].length; k++) {
                        longs[i][k] = rnd.nextInt((int) s.a);
                    }
                }
                case BOOLS -> {
                    bools[i] = new boolean[s.numel()];
                    for (int k = 0; k < bools[i].length; k++) {
                        bools[i][k] = rnd.nextBoolean();
                    }
                }
                default -> floats[i] = data(s, rnd, dtype);
            }
        }

        // ---- autograd4j
        Tensor[] jx = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Spec s = specs.get(i);
            if (floats[i] != null) {
                jx[i] = dtype == DType.FLOAT32 ? Tensor.of(toFloat(floats[i]), s.shape) : Tensor.of(floats[i], s.shape);
                if (s.grad) {
                    jx[i].requiresGrad(true);
                }
            } else if (longs[i] != null) {
                jx[i] = Tensor.of(longs[i], s.shape);
            } else {
                jx[i] = Tensor.of(bools[i], s.shape);
            }
        }
        Tensor[] jout = c.java().apply(jx);

        try (NDManager m = base().newSubManager()) {
            NDArray[] dx = new NDArray[n];
            for (int i = 0; i < n; i++) {
                Spec s = specs.get(i);
                ai.djl.ndarray.types.Shape shape = djlShape(s.shape);
                if (floats[i] != null) {
                    dx[i] = dtype == DType.FLOAT32 ? m.create(toFloat(floats[i]), shape) : m.create(floats[i], shape);
                } else if (longs[i] != null) {
                    dx[i] = m.create(longs[i], shape);
                } else {
                    dx[i] = m.create(bools[i], shape);
                }
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                for (int i = 0; i < n; i++) {
                    if (specs.get(i).grad) {
                        dx[i].setRequiresGradient(true);
                    }
                }
                NDArray[] dout = c.djl().apply(m, dx);
                assertEquals(dout.length, jout.length, "number of outputs");

                double rtol = rtol(dtype) * c.tolScale(), atol = atol(dtype) * c.tolScale();
                NDArray dLoss = null;
                Tensor jLoss = null;
                for (int k = 0; k < dout.length; k++) {
                    String what = c.name() + " " + dtype + ": output " + k;
                    assertArrayEquals(djlShapeOf(dout[k]), jout[k].shape().toArray(), what + " shape");
                    boolean isFloat = dout[k].getDataType().isFloating();
                    if (!isFloat) {
                        assertArrayEquals(dout[k].toType(DataType.INT64, false).toLongArray(),
                                jout[k].to(DType.INT64).toLongArray(), what + " values");
                        continue;
                    }
                    assertEquals(dtype, jout[k].dtype(), what + " dtype");
                    assertClose(what + " values", djlDoubles(dout[k]), jout[k].toDoubleArray(), rtol, atol);
                    if (!jout[k].requiresGrad()) {
                        continue;
                    }
                    // fixed random weights so that the upstream gradient is not all ones
                    int[] shape = jout[k].shape().toArray();
                    double[] w = new double[jout[k].numel()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = dtype == DType.FLOAT32 ? (float) (rnd.nextGaussian()) : rnd.nextGaussian();
                    }
                    Tensor jw = dtype == DType.FLOAT32 ? Tensor.of(toFloat(w), shape) : Tensor.of(w, shape);
                    NDArray dw = dtype == DType.FLOAT32 ? m.create(toFloat(w), djlShape(shape))
                            : m.create(w, djlShape(shape));
                    Tensor jTerm = jout[k].mul(jw).sum();
                    NDArray dTerm = dout[k].mul(dw).sum();
                    jLoss = jLoss == null ? jTerm : jLoss.add(jTerm);
                    dLoss = dLoss == null ? dTerm : dLoss.add(dTerm);
                }
                if (dLoss == null) {
                    return;
                }
                gc.backward(dLoss);
                jLoss.backward();
                for (int i = 0; i < n; i++) {
                    if (!specs.get(i).grad) {
                        continue;
                    }
                    String what = c.name() + " " + dtype + ": grad of input " + i + " " + specs.get(i);
                    Tensor jg = jx[i].grad();
                    assertNotNull(jg, what + " is null in autograd4j");
                    NDArray dg = dx[i].getGradient();
                    assertArrayEquals(djlShapeOf(dg), jg.shape().toArray(), what + " shape");
                    assertEquals(dtype, jg.dtype(), what + " dtype");
                    assertClose(what, djlDoubles(dg), jg.toDoubleArray(), rtol, atol);
                }
            }
        }
    }
}
