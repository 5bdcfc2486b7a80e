package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradChecks.awayFromZero;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.check2;
import static dev.autograd4j.conformance.GradChecks.distinct;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static dev.autograd4j.conformance.GradChecks.uniform;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** gradcheck of every differentiable op, on every device, in float64. */
@DisplayNameGeneration(ConformanceNames.class)
class GradCheckOpsTest {

    /** Runs a case and prefixes any failure with its name, for assertAll. */
    static Executable named(String name, Executable body) {
        return () -> {
            try {
                body.execute();
            } catch (AssertionError | RuntimeException e) {
                AssertionError wrapped = new AssertionError(name + ": " + e, e);
                throw wrapped;
            }
        };
    }

    static void all(List<Executable> cases) {
        assertAll(cases.stream());
    }

    static final int[][][] BROADCAST_PAIRS = {
        {{3, 4}, {3, 4}},
        {{3, 1, 4}, {2, 4}},
        {{2, 4}, {3, 1, 4}},
        {{4}, {3, 4}},
        {{3, 4}, {4}},
        {{}, {3, 4}},
        {{3, 4}, {}},
        {{3, 1}, {1, 4}},
    };

    static void binaryOverShapes(Device d, String name, BiFunction<Tensor, Tensor, Tensor> op, boolean positiveRhs) {
        List<Executable> cases = new ArrayList<>();
        int seed = 100;
        for (int[][] pair : BROADCAST_PAIRS) {
            int s = seed++;
            cases.add(named(name + " " + Arrays.toString(pair[0]) + " op " + Arrays.toString(pair[1]), () -> {
                Tensor a = randn(d, s, pair[0]);
                Tensor b = positiveRhs ? awayFromZero(d, s + 50, 0.5, 2.0, pair[1]) : randn(d, s + 50, pair[1]);
                check2(op, a, b);
            }));
        }
        all(cases);
    }

    // ------------------------------------------------------------------ arithmetic

    @AllDevices
    void add(Device d) {
        binaryOverShapes(d, "add", Tensor::add, false);
    }

    @AllDevices
    void sub(Device d) {
        binaryOverShapes(d, "sub", Tensor::sub, false);
    }

    @AllDevices
    void mul(Device d) {
        binaryOverShapes(d, "mul", Tensor::mul, false);
    }

    @AllDevices
    void div(Device d) {
        binaryOverShapes(d, "div", Tensor::div, true);
    }

    @AllDevices
    void scalarOperands(Device d) {
        Tensor x = randn(d, 1, 3, 4);
        Tensor s = leaf(d, new double[] {0.8});
        all(List.of(
                named("add(2.5)", () -> check1(t -> t.add(2.5), x)),
                named("sub(1.5)", () -> check1(t -> t.sub(1.5), x)),
                named("rsub(1.5)", () -> check1(t -> t.rsub(1.5), x)),
                named("mul(-2)", () -> check1(t -> t.mul(-2.0), x)),
                named("div(3)", () -> check1(t -> t.div(3.0), x)),
                named("0-d add(2.5)", () -> check1(t -> t.add(2.5), s)),
                named("0-d mul(-2)", () -> check1(t -> t.mul(-2.0), s)),
                named("0-d div(3)", () -> check1(t -> t.div(3.0), s)),
                named("0-d rsub", () -> check1(t -> t.rsub(1.0), s))));
    }

    @AllDevices
    void sameTensorBothOperands(Device d) {
        Tensor x = awayFromZero(d, 2, 0.5, 2, 3, 4);
        all(List.of(
                named("x+x", () -> check1(t -> t.add(t), x)),
                named("x-x", () -> check1(t -> t.sub(t).add(t.mul(0.5)), x)),
                named("x*x", () -> check1(t -> t.mul(t), x)),
                named("x/x.t().t()", () -> check1(t -> t.exp().div(t), x))));
    }

    // ------------------------------------------------------------------ unary

    /**
     * One unary op of the table: its name (the test case reads {@code "<name> float64 <device>"}), the
     * function gradchecked, and where its 3x4 float64 input is drawn from (seeded by the name, so adding
     * a line changes no other case's input).
     */
    record Unary(String name, Function<Tensor, Tensor> f, Domain domain, String node) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Unary unary(String name, Function<Tensor, Tensor> f, Domain domain) {
        return new Unary(name, f, domain, null);
    }

    /** A table line that also pins the name of the op's node (PyTorch's {@code grad_fn} name). */
    static Unary unary(String name, Function<Tensor, Tensor> f, Domain domain, String node) {
        return new Unary(name, f, domain, node);
    }

    /** The unary ops, one line each: {@code unary(name, function, domain[, node name])}. */
    static final List<Unary> UNARY = List.of(
            unary("neg", Tensor::neg, Domain.REAL),
            unary("exp", Tensor::exp, Domain.REAL),
            unary("log", Tensor::log, Domain.POSITIVE),
            unary("log1p", Tensor::log1p, Domain.ABOVE_MINUS_ONE),
            unary("sqrt", Tensor::sqrt, Domain.POSITIVE),
            unary("pow(2)", t -> t.pow(2), Domain.REAL),
            unary("pow(3)", t -> t.pow(3), Domain.REAL),
            unary("pow(0.5)", t -> t.pow(0.5), Domain.POSITIVE),
            unary("pow(-1.5)", t -> t.pow(-1.5), Domain.POSITIVE),
            unary("pow(1)", t -> t.pow(1), Domain.REAL),
            unary("pow(0)", t -> t.pow(0).mul(t), Domain.REAL),
            unary("abs", Tensor::abs, Domain.NON_ZERO),
            unary("relu", Tensor::relu, Domain.NON_ZERO),
            unary("sigmoid", Tensor::sigmoid, Domain.REAL),
            unary("tanh", Tensor::tanh, Domain.REAL),
            unary("sigmoid large", Tensor::sigmoid, Domain.awayFromZero(5, 20)),
            unary("tanh large", Tensor::tanh, Domain.awayFromZero(3, 8)),
            unary("sign", Tensor::sign, Domain.NON_ZERO, "SignBackward0"),
            unary("floor", Tensor::floor, Domain.NON_INTEGER, "FloorBackward0"),
            unary("ceil", Tensor::ceil, Domain.NON_INTEGER, "CeilBackward0"),
            unary("round", Tensor::round, Domain.NON_INTEGER, "RoundBackward0"),
            unary("trunc", Tensor::trunc, Domain.NON_INTEGER, "TruncBackward0"),
            unary("erf", Tensor::erf, Domain.REAL, "ErfBackward0"),
            unary("erfc", Tensor::erfc, Domain.REAL, "ErfcBackward0"),
            unary("expm1", Tensor::expm1, Domain.REAL, "Expm1Backward0"),
            unary("log2", Tensor::log2, Domain.POSITIVE, "Log2Backward0"),
            unary("log10", Tensor::log10, Domain.POSITIVE, "Log10Backward0"),
            unary("rsqrt", Tensor::rsqrt, Domain.POSITIVE, "RsqrtBackward0"),
            unary("square", Tensor::square, Domain.REAL, "PowBackward0"),
            unary("gelu", Tensor::gelu, Domain.REAL, "GeluBackward0"),
            unary("geluTanh", Tensor::geluTanh, Domain.REAL, "GeluBackward0"),
            unary("leakyRelu(0.1)", t -> t.leakyRelu(0.1), Domain.NON_ZERO, "LeakyReluBackward0"),
            unary("elu(0.7)", t -> t.elu(0.7), Domain.NON_ZERO, "EluBackward0"),
            unary("selu", Tensor::selu, Domain.NON_ZERO, "EluBackward0"),
            unary("softplus(1, 20)", t -> t.softplus(1, 20), Domain.REAL, "SoftplusBackward0"),
            unary("softplus(2, 1)", t -> t.softplus(2, 1), Domain.avoiding(0.5), "SoftplusBackward0"),
            unary("silu", Tensor::silu, Domain.REAL, "SiluBackward0"),
            unary("mish", Tensor::mish, Domain.REAL, "MishBackward0"),
            unary("hardsigmoid", Tensor::hardsigmoid, Domain.avoiding(-3, 3), "HardsigmoidBackward0"),
            unary("hardtanh(-1, 1)", t -> t.hardtanh(-1, 1), Domain.avoiding(-1, 1), "HardtanhBackward0"),
            unary("exp node", Tensor::exp, Domain.REAL, "ExpBackward0"),
            unary("log1p node", Tensor::log1p, Domain.ABOVE_MINUS_ONE, "Log1PBackward0"),
            unary("sigmoid node", Tensor::sigmoid, Domain.REAL, "SigmoidBackward0"));

    static Stream<Arguments> unaryCases() {
        return Devices.all().flatMap(d -> UNARY.stream().map(op -> Arguments.of(op, d)));
    }

    @ParameterizedTest(name = "{0} float64 {1}")
    @MethodSource("unaryCases")
    void unary(Unary op, Device d) {
        Tensor x = op.domain().sample(d, op.name().hashCode(), 3, 4);
        check1(op.f(), x);
        if (op.node() != null) {
            assertEquals(op.node(), op.f().apply(x).gradFn().name());
        }
    }

    /** A float64 leaf of normals scaled by {@code scale}, none within {@code margin} of any of the bounds. */
    static Tensor avoiding(Device d, long seed, double scale, double margin, double[] bounds, int... shape) {
        Random rnd = new Random(seed);
        int n = Shape.of(shape).numel();
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            boolean ok;
            do {
                v[k] = rnd.nextGaussian() * scale;
                ok = true;
                for (double b : bounds) {
                    ok &= Math.abs(v[k] - b) > margin;
                }
            } while (!ok);
        }
        return leaf(d, v, shape);
    }

    @AllDevices
    void clamp(Device d) {
        Tensor x = avoiding(d, 9, 1.0, 0.05, new double[] {-0.5, 0.3}, 4, 5);
        all(List.of(
                named("clamp(-0.5, 0.3)", () -> check1(t -> t.clamp(-0.5, 0.3), x)),
                named("clampMin(-0.5)", () -> check1(t -> t.clampMin(-0.5), x)),
                named("clampMax(0.3)", () -> check1(t -> t.clampMax(0.3), x))));
        // values and gradients pinned down directly as well
        Tensor v = leaf(d, new double[] {-2, -0.4, 0.1, 0.9}, 4);
        Tensor c = v.clamp(-0.5, 0.3);
        assertArrayEquals(new double[] {-0.5, -0.4, 0.1, 0.3}, c.toDoubleArray(), 0);
        c.backward(Tensor.of(new double[] {1, 2, 3, 4}, 4).to(d));
        assertArrayEquals(new double[] {0, 2, 3, 0}, v.grad().toDoubleArray(), 0);
    }

    /** Two leaves whose broadcast pairs are never within {@code margin} of each other. */
    static Tensor[] untied(Device d, long seed, int[] sa, int[] sb, double margin) {
        for (long s = seed; ; s += 1000) {
            Tensor a = randn(d, s, sa);
            Tensor b = randn(d, s + 1, sb);
            double minGap = a.sub(b).abs().min().item();
            if (minGap > margin) {
                return new Tensor[] {a, b};
            }
        }
    }

    @AllDevices
    void maximumMinimum(Device d) {
        List<Executable> cases = new ArrayList<>();
        int[][][] pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 1, 3}, {4, 1}}, {{}, {3}}};
        for (int[][] p : pairs) {
            Tensor[] ab = untied(d, 20 + p[0].length, p[0], p[1], 0.01);
            String shapes = Arrays.toString(p[0]) + " vs " + Arrays.toString(p[1]);
            cases.add(named("maximum " + shapes, () -> check2(Tensor::maximum, ab[0], ab[1])));
            cases.add(named("minimum " + shapes, () -> check2(Tensor::minimum, ab[0], ab[1])));
        }
        all(cases);
    }

    // ------------------------------------------------------------------ matrix products

    @AllDevices
    void matmul(Device d) {
        int[][][] cases = {
            {{4}, {4}},
            {{4}, {4, 3}},
            {{3, 4}, {4}},
            {{3, 4}, {4, 5}},
            {{2, 3, 4}, {4, 5}},
            {{3, 4}, {2, 4, 5}},
            {{2, 1, 3, 4}, {5, 4, 2}},
            {{4}, {2, 4, 3}},
            {{2, 3, 4}, {4}},
            {{2, 3, 4}, {2, 4, 2}},
            {{1, 4}, {4, 1}},
        };
        List<Executable> list = new ArrayList<>();
        int seed = 30;
        for (int[][] c : cases) {
            int s = seed++;
            list.add(named("matmul " + Arrays.toString(c[0]) + " x " + Arrays.toString(c[1]),
                    () -> check2(Tensor::matmul, randn(d, s, c[0]), randn(d, s + 50, c[1]))));
        }
        // transposed (non-contiguous) operands
        list.add(named("matmul a.t() x b.t()", () -> check2((a, b) -> a.t().matmul(b.t()),
                randn(d, 60, 4, 3), randn(d, 61, 5, 4))));
        list.add(named("matmul batched transpose", () -> check2((a, b) -> a.transpose(1, 2).matmul(b),
                randn(d, 62, 2, 4, 3), randn(d, 63, 2, 4, 5))));
        all(list);
    }

    @AllDevices
    void mmBmmDotMv(Device d) {
        all(List.of(
                named("mm", () -> check2(Tensor::mm, randn(d, 1, 3, 4), randn(d, 2, 4, 5))),
                named("mm transposed", () -> check2((a, b) -> a.t().mm(b), randn(d, 3, 4, 3), randn(d, 4, 4, 2))),
                named("bmm", () -> check2(Tensor::bmm, randn(d, 5, 2, 3, 4), randn(d, 6, 2, 4, 5))),
                named("dot", () -> check2(Tensor::dot, randn(d, 7, 5), randn(d, 8, 5))),
                named("dot same", () -> check1(t -> t.dot(t), randn(d, 9, 5))),
                named("mv", () -> check2(Tensor::mv, randn(d, 10, 3, 4), randn(d, 11, 4))),
                named("mv transposed", () -> check2((a, v) -> a.t().mv(v), randn(d, 12, 4, 3), randn(d, 13, 4)))));
    }

    // ------------------------------------------------------------------ reductions

    /** PyTorch reduces every dim for an empty dim list: {@code x.sum(dim=[])} is the total (SumBackward1). */
    @AllDevices
    void anEmptyDimListReducesEveryDim(Device d) {
        Tensor v = Tensor.of(new double[] {1, 2, 3}, 3).to(d).requiresGrad(true);
        Tensor s = v.sum(new int[0], false);
        org.junit.jupiter.api.Assertions.assertEquals(0, s.dim());
        org.junit.jupiter.api.Assertions.assertEquals(6.0, s.item());
        org.junit.jupiter.api.Assertions.assertEquals("SumBackward1", s.gradFn().name());
        org.junit.jupiter.api.Assertions.assertEquals("SumBackward1", v.sum(new int[0]).gradFn().name());
        org.junit.jupiter.api.Assertions.assertEquals("SumBackward0", v.sum().gradFn().name());
        Tensor m = randn(d, 41, 2, 3);
        Tensor kept = m.sum(new int[0], true);
        org.junit.jupiter.api.Assertions.assertEquals(Shape.of(1, 1), kept.shape());
        org.junit.jupiter.api.Assertions.assertEquals(m.sum().item(), kept.item(), 1e-12);
        Tensor mean = m.mean(new int[0], false);
        org.junit.jupiter.api.Assertions.assertEquals(0, mean.dim());
        org.junit.jupiter.api.Assertions.assertEquals(m.mean().item(), mean.item(), 1e-12);
        org.junit.jupiter.api.Assertions.assertEquals("MeanBackward1", mean.gradFn().name());
        org.junit.jupiter.api.Assertions.assertEquals(Shape.of(1, 1), m.mean(new int[0], true).shape());
        s.backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 1, 1}, v.grad().toDoubleArray());
    }

    @AllDevices
    void sumAndMean(Device d) {
        Tensor x = randn(d, 40, 2, 3, 4);
        List<Executable> cases = new ArrayList<>();
        cases.add(named("sum()", () -> check1(Tensor::sum, x)));
        cases.add(named("mean()", () -> check1(Tensor::mean, x)));
        int[][] dimSets = {{0}, {1}, {2}, {-1}, {-2}, {0, 2}, {-3, -1}, {0, 1, 2}, {2, 0}};
        for (int[] dims : dimSets) {
            for (boolean keep : new boolean[] {false, true}) {
                String tag = Arrays.toString(dims) + " keepDim=" + keep;
                cases.add(named("sum" + tag, () -> check1(t -> t.sum(dims, keep), x)));
                cases.add(named("mean" + tag, () -> check1(t -> t.mean(dims, keep), x)));
            }
            cases.add(named("sum(varargs)" + Arrays.toString(dims), () -> check1(t -> t.sum(dims), x)));
            cases.add(named("mean(varargs)" + Arrays.toString(dims), () -> check1(t -> t.mean(dims), x)));
        }
        Tensor s = leaf(d, new double[] {1.5});
        cases.add(named("sum of 0-d", () -> check1(Tensor::sum, s)));
        cases.add(named("mean of 0-d", () -> check1(Tensor::mean, s)));
        cases.add(named("sum of transposed", () -> check1(t -> t.transpose(0, 2).sum(new int[] {0}, false), x)));
        for (boolean keep : new boolean[] {false, true}) {
            cases.add(named("sum(dims=[]) keepDim=" + keep, () -> check1(t -> t.sum(new int[0], keep), x)));
            cases.add(named("mean(dims=[]) keepDim=" + keep, () -> check1(t -> t.mean(new int[0], keep), x)));
        }
        all(cases);
    }

    @AllDevices
    void maxMinOverDim(Device d) {
        Tensor x = distinct(d, 41, 2, 3, 4);
        List<Executable> cases = new ArrayList<>();
        for (int dim : new int[] {0, 1, 2, -1, -3}) {
            for (boolean keep : new boolean[] {false, true}) {
                String tag = "(" + dim + ", keepDim=" + keep + ")";
                cases.add(named("max" + tag, () -> check1(t -> t.max(dim, keep).values(), x)));
                cases.add(named("min" + tag, () -> check1(t -> t.min(dim, keep).values(), x)));
            }
        }
        cases.add(named("max()", () -> check1(Tensor::max, x)));
        cases.add(named("min()", () -> check1(Tensor::min, x)));
        cases.add(named("max() of transposed", () -> check1(t -> t.transpose(0, 2).max(), x)));
        cases.add(named("max(dim) of permuted", () -> check1(t -> t.permute(2, 0, 1).max(1, false).values(), x)));
        cases.add(named("max() of 0-d", () -> check1(Tensor::max, leaf(d, new double[] {0.3}))));
        all(cases);
        // indices agree with the values
        Tensor.ValuesIndices vi = x.max(1, false);
        long[] idx = vi.indices().toLongArray();
        double[] xs = x.toDoubleArray();
        double[] vs = vi.values().toDoubleArray();
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                assertEquals(xs[i * 12 + (int) idx[i * 4 + k] * 4 + k], vs[i * 4 + k], 0);
            }
        }
    }

    @AllDevices
    void softmaxAndLogSoftmax(Device d) {
        Tensor x = randn(d, 42, 2, 3, 4);
        Tensor big;
        try (var g = dev.autograd4j.Autograd.noGrad()) {
            big = x.mul(50.0).detach().requiresGrad(true);
        }
        List<Executable> cases = new ArrayList<>();
        for (int dim : new int[] {0, 1, 2, -1}) {
            cases.add(named("softmax(" + dim + ")", () -> check1(t -> t.softmax(dim), x)));
            cases.add(named("logSoftmax(" + dim + ")", () -> check1(t -> t.logSoftmax(dim), x)));
            cases.add(named("softmax(" + dim + ") x50", () -> check1(t -> t.softmax(dim), big)));
            cases.add(named("logSoftmax(" + dim + ") x50", () -> check1(t -> t.logSoftmax(dim), big)));
        }
        cases.add(named("softmax of transposed", () -> check1(t -> t.transpose(0, 2).softmax(1), x)));
        cases.add(named("logSoftmax of 1-D", () -> check1(t -> t.logSoftmax(0), randn(d, 43, 5))));
        cases.add(named("huge logits finite", () -> {
            Tensor h = leaf(d, new double[] {1000, -1000, 0, 1000}, 4);
            Tensor ls = h.logSoftmax(0);
            for (double v : ls.toDoubleArray()) {
                assertTrue(Double.isFinite(v) || v == Double.NEGATIVE_INFINITY, Arrays.toString(ls.toDoubleArray()));
            }
            assertEquals(-Math.log(2), ls.toDoubleArray()[0], 1e-12);
            for (double v : h.softmax(0).toDoubleArray()) {
                assertTrue(Double.isFinite(v));
            }
            ls.select(0, 0).backward();
            for (double v : h.grad().toDoubleArray()) {
                assertTrue(Double.isFinite(v), Arrays.toString(h.grad().toDoubleArray()));
            }
        }));
        all(cases);
    }

    // ------------------------------------------------------------------ selection and joining

    @AllDevices
    void where(Device d) {
        Tensor cond = Tensor.of(new boolean[] {true, false, true}, 3, 1).to(d);
        Tensor cond2 = Tensor.of(new boolean[] {true, false, false, true, false, true, true, false, true, false, false, true},
                3, 4).to(d);
        all(List.of(
                named("where [3,1] [3,4] [4]", () -> check2((a, b) -> Tensor.where(cond, a, b),
                        randn(d, 50, 3, 4), randn(d, 51, 4))),
                named("where [3,4] [] [3,1]", () -> check2((a, b) -> Tensor.where(cond2, a, b),
                        randn(d, 52), randn(d, 53, 3, 1))),
                named("where [3,1] [2,1,4] [3,4]", () -> check2((a, b) -> Tensor.where(cond, a, b),
                        randn(d, 54, 2, 1, 4), randn(d, 55, 3, 4))),
                named("a.where(cond, b)", () -> check2((a, b) -> a.where(cond2, b),
                        randn(d, 56, 3, 4), randn(d, 57, 3, 4)))));
    }

    @AllDevices
    void catAndStack(Device d) {
        Tensor a = randn(d, 60, 2, 3);
        Tensor b = randn(d, 61, 2, 3);
        Tensor c = randn(d, 62, 4, 3);
        Tensor e = randn(d, 63, 2, 1);
        all(List.of(
                named("cat dim 0", () -> check(in -> Tensor.cat(0, in.get(0), in.get(1), in.get(2)), a, b, c)),
                named("cat dim 1", () -> check(in -> Tensor.cat(1, in.get(0), in.get(1), in.get(2)), a, e, b)),
                named("cat dim -1 list", () -> check(in -> Tensor.cat(in, -1), a, e)),
                named("cat of transposed", () -> check(in -> Tensor.cat(0, in.get(0).t(), in.get(1).t()), a, b)),
                named("cat same tensor", () -> check1(t -> Tensor.cat(0, t, t.mul(2.0), t), a)),
                named("stack dim 0", () -> check(in -> Tensor.stack(0, in.get(0), in.get(1)), a, b)),
                named("stack dim 1", () -> check(in -> Tensor.stack(1, in.get(0), in.get(1)), a, b)),
                named("stack dim 2", () -> check(in -> Tensor.stack(in, 2), a, b)),
                named("stack dim -1", () -> check(in -> Tensor.stack(-1, in.get(0), in.get(1)), a, b)),
                named("stack of 0-d", () -> check(in -> Tensor.stack(0, in.get(0), in.get(1)),
                        leaf(d, new double[] {1.0}), leaf(d, new double[] {2.0})))));
    }

    // ------------------------------------------------------------------ views

    @AllDevices
    void views(Device d) {
        Tensor x = randn(d, 70, 2, 3, 4);
        Tensor col = randn(d, 71, 3, 1);
        Tensor m = randn(d, 72, 3, 4);
        // a non-linear tail so that a wrong index mapping in a view's backward changes the result
        Function<Tensor, Tensor> tail = t -> t.mul(t).add(t.exp());
        all(List.of(
                named("reshape", () -> check1(t -> tail.apply(t.reshape(6, 4)), x)),
                named("reshape -1", () -> check1(t -> tail.apply(t.reshape(4, -1)), x)),
                named("reshape to 1-D", () -> check1(t -> tail.apply(t.reshape(-1)), x)),
                named("view", () -> check1(t -> tail.apply(t.view(3, 8)), x)),
                named("reshape of transposed", () -> check1(t -> tail.apply(t.transpose(0, 2).reshape(4, 6)), x)),
                named("transpose", () -> check1(t -> tail.apply(t.transpose(0, 2)), x)),
                named("transpose negative", () -> check1(t -> tail.apply(t.transpose(-1, -2)), x)),
                named("t", () -> check1(t -> tail.apply(t.t()), m)),
                named("t of 1-D", () -> check1(t -> tail.apply(t.t()), randn(d, 73, 4))),
                named("permute", () -> check1(t -> tail.apply(t.permute(2, 0, 1)), x)),
                named("permute negative", () -> check1(t -> tail.apply(t.permute(-1, 1, 0)), x)),
                named("squeeze", () -> check1(t -> tail.apply(t.squeeze()), col)),
                named("squeeze(1)", () -> check1(t -> tail.apply(t.squeeze(1)), col)),
                named("squeeze(-1)", () -> check1(t -> tail.apply(t.squeeze(-1)), col)),
                named("squeeze(0) no-op", () -> check1(t -> tail.apply(t.squeeze(0)), col)),
                named("unsqueeze(0)", () -> check1(t -> tail.apply(t.unsqueeze(0)), m)),
                named("unsqueeze(-1)", () -> check1(t -> tail.apply(t.unsqueeze(-1)), m)),
                named("unsqueeze(1)", () -> check1(t -> tail.apply(t.unsqueeze(1)), m)),
                named("expand", () -> check1(t -> tail.apply(t.expand(2, 3, 4)), col)),
                named("expand -1", () -> check1(t -> tail.apply(t.expand(-1, 5)), col)),
                named("expand 0-d", () -> check1(t -> tail.apply(t.expand(2, 3)), leaf(d, new double[] {0.4}))),
                named("narrow", () -> check1(t -> tail.apply(t.narrow(2, 1, 2)), x)),
                named("narrow dim 0", () -> check1(t -> tail.apply(t.narrow(0, 1, 1)), x)),
                named("narrow negative dim", () -> check1(t -> tail.apply(t.narrow(-2, 0, 2)), x)),
                named("select", () -> check1(t -> tail.apply(t.select(1, 2)), x)),
                named("select negative index", () -> check1(t -> tail.apply(t.select(2, -1)), x)),
                named("select to 0-d", () -> check1(t -> tail.apply(t.select(0, 1)), randn(d, 74, 3))),
                named("contiguous", () -> check1(t -> tail.apply(t.transpose(0, 1).contiguous()), x)),
                named("contiguous view", () -> check1(t -> tail.apply(t.permute(2, 0, 1).contiguous().view(4, 6)), x)),
                named("copy", () -> check1(t -> tail.apply(t.t().copy()), m)),
                named("flatten", () -> check1(t -> tail.apply(t.flatten()), x)),
                named("flatten(1, 2)", () -> check1(t -> tail.apply(t.flatten(1, 2)), x)),
                named("flatten(0, 1) of permuted", () -> check1(t -> tail.apply(t.permute(1, 0, 2).flatten(0, 1)), x)),
                named("overlapping views", () -> check1(t -> t.narrow(1, 0, 2).mul(t.narrow(1, 1, 2)).add(t.select(1, 0)
                        .unsqueeze(1)), x))));
    }

    @AllDevices
    void toDtypeRoundTrip(Device d) {
        Tensor x = randn(d, 80, 3, 4);
        Tensor y = x.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, y.dtype());
        assertTrue(y.requiresGrad());
        Tensor z = y.mul(2.0).to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, z.dtype());
        double[] xs = x.toDoubleArray();
        double[] zs = z.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(2 * (double) (float) xs[i], zs[i], 0);
        }
        z.backward(Tensor.full(Shape.of(3, 4), 3.0, DType.FLOAT64, d));
        assertEquals(DType.FLOAT64, x.grad().dtype());
        for (double g : x.grad().toDoubleArray()) {
            assertEquals(6.0, g, 0);
        }
        x.setGrad(null);
        // a loose gradcheck through float32 (eps large enough for float32 resolution)
        check(in -> in.get(0).to(DType.FLOAT32).exp().to(DType.FLOAT64),
                GradChecks.FAST.withEps(1e-3).withTolerance(1e-3, 1e-2), x);
    }

    // ------------------------------------------------------------------ graph shapes

    @AllDevices
    void sharedInputAndDiamond(Device d) {
        Tensor x = randn(d, 90, 3, 4);
        check1(t -> t.mul(t).add(t), x);
        // diamond: a feeds b and c, which join again
        check1(t -> {
            Tensor a = t.exp();
            Tensor b = a.mul(2.0).sigmoid();
            Tensor c = a.tanh();
            return b.mul(c).add(a);
        }, x);
        // exact values for x*x + x
        Tensor v = leaf(d, new double[] {1, -2, 0.5}, 3);
        v.mul(v).add(v).sum().backward();
        assertArrayEquals(new double[] {3, -3, 2}, v.grad().toDoubleArray(), 1e-15);
        // accumulation across two backward calls
        v.mul(v).add(v).sum().backward();
        assertArrayEquals(new double[] {6, -6, 4}, v.grad().toDoubleArray(), 1e-15);
    }

    @AllDevices
    void longChainDoesNotOverflowTheStack(Device d) {
        int n = 100_000;
        Tensor x = leaf(d, new double[] {1.0, -2.0, 0.5}, 3);
        Tensor y = x;
        for (int i = 0; i < n; i++) {
            y = y.mul(1.0000001);
        }
        y.sum().backward();
        double expected = 1.0;
        for (int i = 0; i < n; i++) {
            expected *= 1.0000001;
        }
        for (double g : x.grad().toDoubleArray()) {
            assertEquals(expected, g, 1e-12);
        }
        Tensor x2 = leaf(d, new double[] {3.0, 4.0}, 2);
        Tensor y2 = x2;
        for (int i = 0; i < n; i++) {
            y2 = y2.add(0.0);
        }
        y2.mul(y2).sum().backward();
        assertArrayEquals(new double[] {6.0, 8.0}, x2.grad().toDoubleArray(), 0);
    }

    // ------------------------------------------------------------------ PyTorch's conventions at kinks and ties

    static double[] gradOf(Device d, double[] xs, Function<Tensor, Tensor> f) {
        Tensor x = leaf(d, xs, xs.length);
        f.apply(x).sum().backward();
        return x.grad().toDoubleArray();
    }

    @AllDevices
    void gradientsAtKinksAndTiesFollowPyTorch(Device d) {
        all(List.of(
                named("relu'(0) = 0", () -> assertArrayEquals(new double[] {0, 0, 1},
                        gradOf(d, new double[] {-1, 0, 2}, Tensor::relu), 0)),
                named("abs'(0) = 0", () -> assertArrayEquals(new double[] {-1, 0, 1},
                        gradOf(d, new double[] {-1, 0, 2}, Tensor::abs), 0)),
                named("sign' = 0", () -> assertArrayEquals(new double[] {0, 0, 0},
                        gradOf(d, new double[] {-1, 0, 2}, Tensor::sign), 0)),
                named("clamp passes gradient at the bounds", () -> assertArrayEquals(new double[] {0, 1, 1, 1, 0},
                        gradOf(d, new double[] {-1, -0.5, 0, 0.3, 1}, t -> t.clamp(-0.5, 0.3)), 0)),
                named("clampMin at the bound", () -> assertArrayEquals(new double[] {0, 1, 1},
                        gradOf(d, new double[] {-1, -0.5, 0}, t -> t.clampMin(-0.5)), 0)),
                named("clampMax at the bound", () -> assertArrayEquals(new double[] {1, 1, 0},
                        gradOf(d, new double[] {0, 0.3, 1}, t -> t.clampMax(0.3)), 0)),
                named("pow(0) has zero gradient, even at 0", () -> assertArrayEquals(new double[] {0, 0, 0},
                        gradOf(d, new double[] {0, 2, -1}, t -> t.pow(0)), 0)),
                named("pow(2) at 0", () -> assertArrayEquals(new double[] {0, 4},
                        gradOf(d, new double[] {0, 2}, t -> t.pow(2)), 0)),
                named("max() splits ties evenly", () -> assertArrayEquals(new double[] {0, 0.5, 0.5},
                        gradOf(d, new double[] {1, 3, 3}, Tensor::max), 0)),
                named("min() splits ties evenly", () -> assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                        gradOf(d, new double[] {2, 2, 2}, Tensor::min), 1e-15)),
                named("max(dim) gives the tie's gradient to the returned index", () -> {
                    Tensor x = leaf(d, new double[] {1, 3, 3, 0}, 1, 4);
                    Tensor.ValuesIndices vi = x.max(1, false);
                    vi.values().sum().backward();
                    double[] expected = new double[4];
                    expected[(int) vi.indices().toLongArray()[0]] = 1;
                    assertEquals(1, vi.indices().toLongArray()[0], "PyTorch returns the first maximal index");
                    assertArrayEquals(expected, x.grad().toDoubleArray(), 0);
                }),
                named("maximum splits ties in half", () -> {
                    Tensor a = leaf(d, new double[] {1, 2, 5}, 3);
                    Tensor b = leaf(d, new double[] {1, 3, 4}, 3);
                    a.maximum(b).sum().backward();
                    assertArrayEquals(new double[] {0.5, 0, 1}, a.grad().toDoubleArray(), 0);
                    assertArrayEquals(new double[] {0.5, 1, 0}, b.grad().toDoubleArray(), 0);
                }),
                named("minimum splits ties in half", () -> {
                    Tensor a = leaf(d, new double[] {1, 2, 5}, 3);
                    Tensor b = leaf(d, new double[] {1, 3, 4}, 3);
                    a.minimum(b).sum().backward();
                    assertArrayEquals(new double[] {0.5, 1, 0}, a.grad().toDoubleArray(), 0);
                    assertArrayEquals(new double[] {0.5, 0, 1}, b.grad().toDoubleArray(), 0);
                }),
                named("softmax/logSoftmax with -inf logits stay finite", () -> {
                    Tensor x = leaf(d, new double[] {Double.NEGATIVE_INFINITY, 0, 1}, 3);
                    Tensor y = x.softmax(0);
                    assertEquals(0.0, y.toDoubleArray()[0], 0);
                    y.mul(leaf(d, new double[] {1, 2, 3}, 3).detach()).sum().backward();
                    for (double g : x.grad().toDoubleArray()) {
                        assertTrue(Double.isFinite(g), Arrays.toString(x.grad().toDoubleArray()));
                    }
                    Tensor x2 = leaf(d, new double[] {Double.NEGATIVE_INFINITY, 0, 1}, 3);
                    x2.logSoftmax(0).select(0, 2).backward();
                    for (double g : x2.grad().toDoubleArray()) {
                        assertTrue(Double.isFinite(g), Arrays.toString(x2.grad().toDoubleArray()));
                    }
                    assertEquals(0.0, x2.grad().toDoubleArray()[0], 0);
                })));
    }

    @AllDevices
    void emptyTensors(Device d) {
        all(List.of(
                named("sum of [0,3]", () -> {
                    Tensor x = randn(d, 1, 0, 3);
                    Tensor s = x.sum();
                    assertEquals(0.0, s.item(), 0);
                    s.backward();
                    assertEquals(Shape.of(0, 3), x.grad().shape());
                }),
                named("empty [2,0] is contiguous (as in PyTorch)", () -> assertTrue(
                        Tensor.zeros(Shape.of(2, 0), DType.FLOAT64, d).isContiguous())),
                named("randn of [2,0]", () -> assertEquals(0,
                        Tensor.randn(Shape.of(2, 0), DType.FLOAT64, d, new Generator(1)).numel())),
                named("matmul [2,0] x [0,3]", () -> check2(Tensor::matmul,
                        Tensor.zeros(Shape.of(2, 0), DType.FLOAT64, d).requiresGrad(true), randn(d, 3, 0, 3))),
                named("view of [2,0]", () -> assertEquals(Shape.of(0, 2),
                        Tensor.zeros(Shape.of(2, 0), DType.FLOAT64, d).view(0, 2).shape())),
                named("matmul [2,0] x [0,3] values", () -> {
                    Tensor out = Tensor.zeros(Shape.of(2, 0), DType.FLOAT64, d)
                            .matmul(Tensor.zeros(Shape.of(0, 3), DType.FLOAT64, d));
                    assertEquals(Shape.of(2, 3), out.shape());
                    assertArrayEquals(new double[6], out.toDoubleArray(), 0);
                }),
                named("sum(dim 0) of [0,3]", () -> check1(t -> t.sum(new int[] {0}, false).add(t.sum(0).exp()),
                        randn(d, 4, 0, 3))),
                named("cat with an empty part", () -> check2((a, b) -> Tensor.cat(0, a, b).exp(),
                        randn(d, 5, 0, 3), randn(d, 6, 2, 3)))));
    }

    @AllDevices
    void backwardWithStridedGradient(Device d) {
        Tensor x = randn(d, 7, 3, 4);
        Tensor g = Tensor.randn(Shape.of(4, 3), DType.FLOAT64, d, new Generator(8)).t();
        x.exp().backward(g);
        double[] xs = x.toDoubleArray(), gs = g.toDoubleArray(), got = x.grad().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(gs[i] * Math.exp(xs[i]), got[i], 1e-12);
        }
        Tensor y = randn(d, 9, 3, 4);
        Tensor ge = Tensor.of(new double[] {1, 2, 3, 4}, 1, 4).to(d).expand(3, 4);
        y.mul(y).backward(ge);
        double[] ys = y.toDoubleArray(), gy = y.grad().toDoubleArray();
        for (int i = 0; i < ys.length; i++) {
            assertEquals(2 * ys[i] * (i % 4 + 1), gy[i], 1e-12);
        }
    }
}
