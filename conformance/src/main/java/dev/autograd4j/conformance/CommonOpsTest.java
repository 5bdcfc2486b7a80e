package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.distinct;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static dev.autograd4j.conformance.GradChecks.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * The common op set of issue 12 (reductions, shape ops, linear algebra, lerp and clamp with tensor bounds):
 * gradcheck in float64 on every device, values at the edges where PyTorch's conventions matter (zeros in
 * products, ties in extremes), and PyTorch's messages for bad dims and sizes.
 */
@DisplayNameGeneration(ConformanceNames.class)
class CommonOpsTest {

    private static final double EPS = 1e-12;

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), EPS);
    }

    // ------------------------------------------------------------------ reductions

    @AllDevices
    void prod(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("all", () -> check1(Tensor::prod, uniform(d, 1, 0.5, 1.5, 3, 4))));
        for (int dim : new int[] {0, 1, -1}) {
            for (boolean keep : new boolean[] {false, true}) {
                cases.add(named("dim " + dim + " keepDim " + keep,
                        () -> check1(x -> x.prod(dim, keep), uniform(d, 2, 0.5, 1.5, 3, 5, 2))));
            }
        }
        cases.add(named("odd size 7", () -> check1(x -> x.prod(1, false), uniform(d, 3, 0.5, 1.5, 2, 7))));
        cases.add(named("one zero", () -> check1(x -> x.prod(0, false),
                leaf(d, new double[] {1.5, 0, -2, 0.5, 3, 0, 0, 1.25}, 4, 2))));
        cases.add(named("gradient with zeros as PyTorch", () -> {
            Tensor x = leaf(d, new double[] {2, 0, 3, 0, 0, 5}, 2, 3);
            Tensor p = x.prod(1, false);
            assertValues(new double[] {0, 0}, p);
            p.sum().backward();
            // one zero: the gradient there is the product of the others; two zeros: all gradients are 0
            assertValues(new double[] {0, 6, 0, 0, 0, 0}, x.grad());
        }));
        cases.add(named("int64 exact", () -> {
            Tensor x = Tensor.of(new long[] {3, 5, 7, 11, 13}, 5).to(d);
            assertEquals(15015L, x.prod().itemLong());
            assertEquals(DType.INT64, Tensor.of(new boolean[] {true, true}, 2).to(d).prod().dtype());
        }));
        cases.add(named("empty dim gives ones", () -> assertValues(new double[] {1, 1},
                Tensor.zeros(dev.autograd4j.Shape.of(2, 0), DType.FLOAT64, d).prod(1, false))));
        all(cases);
    }

    @AllDevices
    void varAndStd(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 10, 3, 4, 3);
        cases.add(named("var all", () -> check1(Tensor::var, x)));
        cases.add(named("std all", () -> check1(Tensor::std, x)));
        for (double correction : new double[] {0, 1, 2}) {
            cases.add(named("var dims 0,2 correction " + correction,
                    () -> check1(t -> t.var(new int[] {0, 2}, correction, false), x)));
            cases.add(named("std dim -1 keepDim correction " + correction,
                    () -> check1(t -> t.std(new int[] {-1}, correction, true), x)));
        }
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {1, 2, 3, 4}, 4).to(d);
            assertEquals(5.0 / 3, v.var().item(), EPS);
            assertEquals(1.25, v.var(new int[] {0}, 0, false).item(), EPS);
            assertEquals(Math.sqrt(5.0 / 3), v.std().item(), EPS);
            assertArrayEquals(new int[] {1}, v.var(new int[] {0}, true).shape().toArray());
        }));
        cases.add(named("N <= correction gives inf or NaN", () -> assertEquals(Double.NaN,
                Tensor.of(new double[] {2}, 1).to(d).var().item())));
        cases.add(named("integer input refused", () -> assertEquals("std and var only support floating point and "
                + "complex dtypes", assertThrows(IllegalArgumentException.class,
                        () -> Tensor.of(new long[] {1, 2}, 2).to(d).var()).getMessage())));
        all(cases);
    }

    @AllDevices
    void norm(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = GradChecks.awayFromZero(d, 20, 0.2, 2, 3, 4);
        for (double p : new double[] {1, 2, 3, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            cases.add(named("p " + p + " all", () -> check1(t -> t.norm(p), distinct(d, 21, 3, 4))));
            cases.add(named("p " + p + " dim 1", () -> check1(t -> t.norm(p, new int[] {1}, false), x)));
            cases.add(named("p " + p + " dims 0 keepDim", () -> check1(t -> t.norm(p, new int[] {0}, true), x)));
        }
        cases.add(named("fro dims 0,1", () -> check1(t -> t.norm("fro", new int[] {0, 1}, false), x)));
        cases.add(named("node", () -> assertEquals("LinalgVectorNormBackward0", x.norm().gradFn().name())));
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {3, -4, 0}, 3).to(d);
            assertEquals(5, v.norm().item(), EPS);
            assertEquals(7, v.norm(1).item(), EPS);
            assertEquals(4, v.norm(Double.POSITIVE_INFINITY).item(), EPS);
            assertEquals(0, v.norm(Double.NEGATIVE_INFINITY).item(), EPS);
            assertEquals(2, v.norm(0).item(), EPS);
        }));
        cases.add(named("gradient 0 at the zero vector, as PyTorch", () -> {
            Tensor z = leaf(d, new double[] {0, 0, 0}, 3);
            z.norm().backward();
            assertValues(new double[] {0, 0, 0}, z.grad());
        }));
        cases.add(named("inf norm splits ties", () -> {
            Tensor t = leaf(d, new double[] {2, -2, 1}, 3);
            t.norm(Double.POSITIVE_INFINITY).backward();
            assertValues(new double[] {0.5, -0.5, 0}, t.grad());
        }));
        all(cases);
    }

    @AllDevices
    void logsumexp(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("dim 1", () -> check1(t -> t.logsumexp(new int[] {1}, false), randn(d, 30, 3, 4))));
        cases.add(named("dims 0,2 keepDim", () -> check1(t -> t.logsumexp(new int[] {0, 2}, true),
                randn(d, 31, 2, 3, 4))));
        cases.add(named("all", () -> check1(t -> t.logsumexp(new int[0], false), randn(d, 32, 3, 4))));
        cases.add(named("large values stay finite", () -> {
            Tensor t = Tensor.of(new double[] {1000, 1000, -1000}, 3).to(d);
            assertEquals(1000 + Math.log(2), t.logsumexp(new int[] {0}, false).item(), 1e-9);
        }));
        cases.add(named("-inf row", () -> assertEquals(Double.NEGATIVE_INFINITY, Tensor.of(new double[] {
            Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 2).to(d).logsumexp(new int[] {0}, false).item())));
        all(cases);
    }

    @AllDevices
    void amaxAmin(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (int[] dims : new int[][] {{}, {0}, {1, 2}, {-1}}) {
            for (boolean keep : new boolean[] {false, true}) {
                String name = java.util.Arrays.toString(dims) + " keepDim " + keep;
                cases.add(named("amax " + name, () -> check1(t -> t.amax(dims, keep), distinct(d, 40, 2, 3, 4))));
                cases.add(named("amin " + name, () -> check1(t -> t.amin(dims, keep), distinct(d, 41, 2, 3, 4))));
            }
        }
        cases.add(named("ties share the gradient", () -> {
            Tensor t = leaf(d, new double[] {1, 3, 3, 2, 0, 0}, 2, 3);
            Tensor m = t.amax(1);
            assertEquals("AmaxBackward0", m.gradFn().name());
            assertValues(new double[] {3, 2}, m);
            m.sum().backward();
            assertValues(new double[] {0, 0.5, 0.5, 1, 0, 0}, t.grad());
            Tensor u = leaf(d, new double[] {1, 3, 3, 2, 0, 0}, 2, 3);
            u.amin(new int[] {1}, true).sum().backward();
            assertValues(new double[] {1, 0, 0, 0, 0.5, 0.5}, u.grad());
        }));
        cases.add(named("empty dim refused", () -> assertEquals("amax(): Expected reduction dim 1 to have non-zero "
                + "size.", assertThrows(IllegalArgumentException.class,
                        () -> Tensor.zeros(dev.autograd4j.Shape.of(2, 0), DType.FLOAT64, d).amax(1)).getMessage())));
        all(cases);
    }

    @AllDevices
    void argminAnyAll(Device d) {
        Tensor t = Tensor.of(new double[] {3, 1, 2, 0, 5, -1}, 2, 3).to(d);
        assertArrayEquals(new long[] {1, 2}, t.argmin(1).toLongArray());
        assertArrayEquals(new long[] {1, 0, 1}, t.argmin(0).toLongArray());
        Tensor z = Tensor.of(new double[] {0, 1, 0, 0, Double.NaN, 2}, 2, 3).to(d);
        assertEquals(DType.BOOL, z.any().dtype());
        assertEquals(1.0, z.any().item());
        assertEquals(0.0, z.all().item());
        assertArrayEquals(new double[] {0, 1, 1}, z.any(0, false).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 0}, z.all(0, false).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, z.all(1, false).add(z.any(1, false).to(DType.INT64)).toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, z.any(1, true).shape().toArray());
        assertEquals(1.0, Tensor.zeros(dev.autograd4j.Shape.of(0), DType.FLOAT64, d).all().item());
        assertEquals(0.0, Tensor.zeros(dev.autograd4j.Shape.of(0), DType.FLOAT64, d).any().item());
        assertEquals(1.0, Tensor.of(new long[] {1, -3}, 2).to(d).all().item());
    }

    @AllDevices
    void cumsumCumprod(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (int dim : new int[] {0, 1, -1}) {
            cases.add(named("cumsum dim " + dim, () -> check1(t -> t.cumsum(dim), randn(d, 50, 5, 7))));
            cases.add(named("cumprod dim " + dim, () -> check1(t -> t.cumprod(dim), uniform(d, 51, 0.5, 1.5, 5, 7))));
        }
        cases.add(named("cumprod with zeros", () -> check1(t -> t.cumprod(0),
                leaf(d, new double[] {1.5, 0, -2, 0.5, 0, 3}, 6))));
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {1, 2, 3, 4, 5}, 5).to(d);
            assertValues(new double[] {1, 3, 6, 10, 15}, v.cumsum(0));
            assertValues(new double[] {1, 2, 6, 24, 120}, v.cumprod(0));
            assertArrayEquals(new long[] {1, 1, 2}, Tensor.of(new boolean[] {true, false, true}, 3).to(d).cumsum(0)
                    .toLongArray());
        }));
        all(cases);
    }

    // ------------------------------------------------------------------ shape ops

    /** Gradchecks f's outputs joined (each piece scaled differently, so that a swapped piece shows). */
    private static Tensor joined(List<Tensor> pieces) {
        Tensor total = null;
        for (int i = 0; i < pieces.size(); i++) {
            Tensor t = pieces.get(i).mul(i + 1.0).sum();
            total = total == null ? t : total.add(t);
        }
        return total;
    }

    @AllDevices
    void splitChunkUnbind(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 60, 5, 4);
        cases.add(named("split 2 dim 0", () -> check1(t -> joined(t.split(2, 0)), x)));
        cases.add(named("split sizes dim 1", () -> check1(t -> joined(t.split(new int[] {1, 3}, 1)), x)));
        cases.add(named("chunk 3 dim -1", () -> check1(t -> joined(t.chunk(3, -1)), x)));
        cases.add(named("unbind dim 1", () -> check1(t -> joined(t.unbind(1)), x)));
        cases.add(named("shapes and views", () -> {
            Tensor v = Tensor.arange(10).to(d);
            List<Tensor> p = v.split(4, 0);
            assertEquals(3, p.size());
            assertArrayEquals(new double[] {8, 9}, p.get(2).toDoubleArray());
            assertEquals(4, v.chunk(4, 0).size()); // PyTorch: chunk(4) of 10 gives sizes 3, 3, 3, 1
            assertEquals(3, v.narrow(0, 0, 6).chunk(4, 0).size()); // and of 6, sizes 2, 2, 2
            assertEquals(4, v.chunk(4, 0).get(2).numel() + v.chunk(4, 0).get(3).numel());
            p.get(0).mul_(0);
            assertEquals(0.0, v.toDoubleArray()[1]); // a view: the write reaches the base
            assertEquals(5, Tensor.zeros(5, 2).unbind(0).size());
        }));
        cases.add(named("messages", () -> {
            assertEquals("split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0)"
                    + ", but got split_sizes=[2, 2]", assertThrows(IllegalArgumentException.class,
                            () -> x.split(new int[] {2, 2}, 0)).getMessage());
            assertEquals("chunk expects `chunks` to be greater than 0, got: 0",
                    assertThrows(IllegalArgumentException.class, () -> x.chunk(0, 0)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> x.split(2, 2));
        }));
        all(cases);
    }

    @AllDevices
    void repeatTileFlipRoll(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 70, 2, 3);
        cases.add(named("repeat 2,1", () -> check1(t -> t.repeat(2, 1), x)));
        cases.add(named("repeat 2,3,2 (new dim)", () -> check1(t -> t.repeat(2, 3, 2), x)));
        cases.add(named("tile 2", () -> check1(t -> t.tile(2), x)));
        cases.add(named("flip 0,1", () -> check1(t -> t.flip(0, 1), x)));
        cases.add(named("flip -1", () -> check1(t -> t.flip(-1), x)));
        cases.add(named("roll 1 dim 1", () -> check1(t -> t.roll(new int[] {1}, new int[] {1}), x)));
        cases.add(named("roll -1,2 dims 0,1", () -> check1(t -> t.roll(new int[] {-1, 2}, new int[] {0, 1}), x)));
        cases.add(named("roll flattened", () -> check1(t -> t.roll(new int[] {4}, new int[0]), x)));
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {1, 2, 3}, 3).to(d);
            assertValues(new double[] {1, 2, 3, 1, 2, 3}, v.repeat(2));
            assertArrayEquals(new int[] {2, 6}, v.repeat(2, 2).shape().toArray());
            assertValues(new double[] {3, 2, 1}, v.flip(0));
            assertValues(new double[] {3, 1, 2}, v.roll(new int[] {1}, new int[] {0}));
            assertValues(new double[] {2, 3, 1}, v.roll(new int[] {-4}, new int[] {0}));
            Tensor m = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(d);
            assertValues(new double[] {1, 2, 1, 2, 3, 4, 3, 4}, m.tile(1, 2));
            assertValues(new double[] {4, 3, 2, 1}, m.flip(0, 1));
            assertEquals("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor",
                    assertThrows(IllegalArgumentException.class, () -> m.repeat(2)).getMessage());
        }));
        all(cases);
    }

    @AllDevices
    void trilTriuDiagonalDiag(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 80, 2, 3, 4);
        for (int k : new int[] {-1, 0, 2}) {
            cases.add(named("tril " + k, () -> check1(t -> t.tril(k), x)));
            cases.add(named("triu " + k, () -> check1(t -> t.triu(k), x)));
            cases.add(named("diagonal " + k + " dims 1,2", () -> check1(t -> t.diagonal(k, 1, 2), x)));
            cases.add(named("diagonal " + k + " dims 2,0", () -> check1(t -> t.diagonal(k, 2, 0), x)));
            cases.add(named("diag of a vector " + k, () -> check1(t -> t.diag(k), randn(d, 81, 3))));
            cases.add(named("diag of a matrix " + k, () -> check1(t -> t.diag(k), randn(d, 82, 3, 4))));
        }
        cases.add(named("diagonal double backward", () -> check1(t -> {
            Tensor g = t.diagonal(1, 0, 1);
            return g.mul(g).sum();
        }, randn(d, 83, 3, 3))));
        cases.add(named("values, views and nodes", () -> {
            Tensor m = Tensor.arange(0, 12, 1, DType.FLOAT64, d).reshape(3, 4);
            assertValues(new double[] {0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0}, m.tril(0));
            assertValues(new double[] {0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11}, m.triu(0));
            assertValues(new double[] {0, 1, 0, 4, 5, 6, 0, 9, 10}, m.narrow(1, 0, 3).tril(1).triu(-1));
            assertValues(new double[] {0, 5, 10}, m.diagonal(0, 0, 1));
            assertValues(new double[] {1, 6, 11}, m.diagonal(1, 0, 1));
            assertValues(new double[] {4, 9}, m.diagonal(-1, 0, 1));
            assertValues(new double[] {0, 1, 0, 0, 0, 2, 0, 0, 0},
                    Tensor.of(new double[] {1, 2}, 2).to(d).diag(1));
            Tensor leafM = randn(d, 84, 3, 3);
            Tensor diagonal = leafM.diagonal(0, 0, 1);
            assertEquals("DiagonalBackward0", diagonal.gradFn().name());
            Tensor base = Tensor.zeros(3, 3).to(DType.FLOAT64).to(d);
            base.diagonal(0, 0, 1).add_(Tensor.of(new double[] {1, 2, 3}, 3).to(d));
            assertValues(new double[] {1, 0, 0, 0, 2, 0, 0, 0, 3}, base); // a view: writes reach the base
            assertEquals("diagonal dimensions cannot be identical 1, -1", assertThrows(IllegalArgumentException.class,
                    () -> m.diagonal(0, 1, -1)).getMessage());
            assertEquals("tril: input tensor must have at least 2 dimensions", assertThrows(
                    IllegalArgumentException.class, () -> Tensor.zeros(3).tril(0)).getMessage());
        }));
        all(cases);
    }

    @AllDevices
    void movedimUnflatten(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 90, 2, 3, 4);
        cases.add(named("movedim 0 -> 2", () -> check1(t -> t.movedim(0, 2), x)));
        cases.add(named("movedim [0,1] -> [2,0]", () -> check1(t -> t.movedim(new int[] {0, 1}, new int[] {2, 0}), x)));
        cases.add(named("unflatten 2 -> [2,2]", () -> check1(t -> t.unflatten(2, 2, -1), x)));
        cases.add(named("shapes", () -> {
            assertArrayEquals(new int[] {3, 4, 2}, x.movedim(0, -1).shape().toArray());
            assertArrayEquals(new int[] {3, 4, 2}, x.movedim(new int[] {1, 2}, new int[] {0, 1}).shape().toArray());
            assertArrayEquals(new int[] {4, 3, 2}, x.movedim(new int[] {0, 2}, new int[] {2, 0}).shape().toArray());
            assertArrayEquals(new int[] {2, 1, 3, 4}, x.unflatten(1, 1, 3).shape().toArray());
            assertEquals("unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the input "
                    + "tensor", assertThrows(IllegalArgumentException.class, () -> x.unflatten(1, 2, 2)).getMessage());
            assertEquals("movedim: repeated dim in `source` ([0, 0])", assertThrows(IllegalArgumentException.class,
                    () -> x.movedim(new int[] {0, 0}, new int[] {1, 2})).getMessage());
        }));
        all(cases);
    }

    // ------------------------------------------------------------------ linear algebra, lerp, clamp

    @AllDevices
    void outerAddmmBaddbmm(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("outer", () -> GradChecks.check2(Tensor::outer, randn(d, 100, 3), randn(d, 101, 4))));
        cases.add(named("addmm beta 0.5 alpha 2", () -> check(in -> in.get(0).addmm(in.get(1), in.get(2), 0.5, 2),
                randn(d, 102, 3, 4), randn(d, 103, 3, 5), randn(d, 104, 5, 4))));
        cases.add(named("addmm broadcast input [4]", () -> check(in -> in.get(0).addmm(in.get(1), in.get(2)),
                randn(d, 105, 4), randn(d, 106, 3, 5), randn(d, 107, 5, 4))));
        cases.add(named("baddbmm", () -> check(in -> in.get(0).baddbmm(in.get(1), in.get(2), 1.5, -0.5),
                randn(d, 108, 2, 3, 4), randn(d, 109, 2, 3, 5), randn(d, 110, 2, 5, 4))));
        cases.add(named("beta 0 ignores NaN input", () -> {
            Tensor nan = Tensor.full(dev.autograd4j.Shape.of(2, 2), Double.NaN, DType.FLOAT64, d);
            Tensor eye = Tensor.eye(2, 2, DType.FLOAT64, d);
            assertValues(new double[] {1, 0, 0, 1}, nan.addmm(eye, eye, 0, 1));
        }));
        cases.add(named("outer of a matrix refused", () -> assertEquals("outer: Expected 1-D argument self, but got "
                + "2-D", assertThrows(IllegalArgumentException.class,
                        () -> Tensor.zeros(2, 2).outer(Tensor.zeros(2))).getMessage())));
        all(cases);
    }

    @AllDevices
    void lerpAndClampWithTensors(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (double w : new double[] {0.25, 0.75, -1.5}) {
            cases.add(named("lerp scalar weight " + w, () -> GradChecks.check2((a, b) -> a.lerp(b, w),
                    randn(d, 120, 3, 4), randn(d, 121, 4))));
        }
        cases.add(named("lerp tensor weight", () -> check(in -> in.get(0).lerp(in.get(1), in.get(2)),
                randn(d, 122, 3, 4), randn(d, 123, 3, 4), uniform(d, 124, -1, 2, 4))));
        cases.add(named("lerp weight 1 is end exactly", () -> {
            Tensor a = Tensor.of(new double[] {0.1, 1e10}, 2).to(d), b = Tensor.of(new double[] {0.3, -7}, 2).to(d);
            assertValues(new double[] {0.3, -7}, a.lerp(b, 1.0));
        }));
        Tensor x = distinct(d, 125, 3, 4);
        Tensor lo = uniform(d, 126, -1.5, 0, 3, 4), hi = uniform(d, 127, 0.1, 1.5, 4);
        cases.add(named("clamp both bounds", () -> check(in -> in.get(0).clamp(in.get(1), in.get(2)), x, lo, hi)));
        cases.add(named("clamp min only", () -> GradChecks.check2((t, m) -> t.clamp(m, null), x, lo)));
        cases.add(named("clamp max only", () -> GradChecks.check2((t, m) -> t.clamp(null, m), x, hi)));
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {-2, 0.5, 3, Double.NaN}, 4).to(d);
            Tensor l = Tensor.of(new double[] {-1, 1, 0, 0}, 4).to(d), h = Tensor.of(new double[] {1, 0, 2, 1}, 4).to(d);
            // min > max gives max, as PyTorch; NaN stays NaN
            assertArrayEquals(new double[] {-1, 0, 2, Double.NaN}, v.clamp(l, h).toDoubleArray());
            assertEquals("torch.clamp: At least one of 'min' or 'max' must not be None",
                    assertThrows(IllegalArgumentException.class, () -> v.clamp((Tensor) null, null)).getMessage());
        }));
        all(cases);
    }

    // ------------------------------------------------------------------ one node per op, as PyTorch's

    /** gradgradcheck of f with the suite's options, raising on a mismatch. */
    private static void gradgrad(GradCheck.Fn f, Tensor... inputs) {
        assertTrue(GradCheck.gradgradcheck(f, GradChecks.FAST.withRaiseException(true), inputs));
    }

    @AllDevices
    void nodeNames(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 200, 3, 4);
        Tensor pos = uniform(d, 201, 0.5, 1.5, 3, 4);
        cases.add(named("reductions", () -> {
            assertEquals("VarBackward0", x.var().gradFn().name());
            assertEquals("VarBackward0", x.var(new int[] {1}, 0, true).gradFn().name());
            assertEquals("StdBackward0", x.std().gradFn().name());
            assertEquals("StdBackward0", x.std(new int[] {0}, false).gradFn().name());
            assertEquals("LogsumexpBackward0", x.logsumexp(new int[] {1}, false).gradFn().name());
            assertEquals("ProdBackward0", x.prod().gradFn().name());
            assertEquals("ProdBackward1", x.prod(1, false).gradFn().name());
            assertEquals("CumsumBackward0", x.cumsum(1).gradFn().name());
            assertEquals("CumprodBackward0", x.cumprod(0).gradFn().name());
        }));
        cases.add(named("shape ops", () -> {
            assertEquals("FlipBackward0", x.flip(0, 1).gradFn().name());
            assertEquals("FlipBackward0", x.flip().gradFn().name());
            assertEquals("RollBackward0", x.roll(new int[] {1}, new int[] {1}).gradFn().name());
            assertEquals("RollBackward0", x.roll(new int[] {5}, new int[0]).gradFn().name());
            assertEquals("TrilBackward0", x.tril(0).gradFn().name());
            assertEquals("TriuBackward0", x.triu(1).gradFn().name());
            assertEquals("RepeatBackward0", x.repeat(2, 1, 3).gradFn().name());
            assertEquals("RepeatBackward0", x.repeat(1, 1).gradFn().name());
            assertEquals("RepeatBackward0", x.tile(2).gradFn().name());
            for (Tensor p : x.split(2, 1)) {
                assertEquals("SplitBackward0", p.gradFn().name());
            }
            for (Tensor p : x.chunk(2, 0)) {
                assertEquals("SplitBackward0", p.gradFn().name());
            }
            for (Tensor p : x.split(new int[] {1, 3}, 1)) {
                assertEquals("SplitWithSizesBackward0", p.gradFn().name());
            }
            List<Tensor> empty = randn(d, 206, 0, 2).chunk(3, 0); // PyTorch: chunks empty pieces
            assertEquals(3, empty.size());
            assertEquals("SplitWithSizesBackward0", empty.get(2).gradFn().name());
            for (Tensor p : x.unbind(0)) {
                assertEquals("UnbindBackward0", p.gradFn().name());
            }
            // as PyTorch's repeat_interleave with an int: unsqueeze, expand, clone, flatten (a view)
            assertEquals("ViewBackward0", x.repeatInterleave(2, 1).gradFn().name());
            // reshape: a view where the strides allow, else _unsafe_view(clone()) as PyTorch's
            assertEquals("ViewBackward0", x.reshape(12).gradFn().name());
            Tensor copied = x.t().reshape(12);
            assertEquals("UnsafeViewBackward0", copied.gradFn().name());
            assertEquals("CloneBackward0", copied.gradFn().nextFunctions().get(0).name());
            assertEquals("UnsafeViewBackward0", x.t().flatten().gradFn().name());
            gradgrad(in -> in[0].t().reshape(2, 6).square(), x);
        }));
        cases.add(named("linear algebra and pointwise", () -> {
            Tensor m = randn(d, 202, 4, 2), b = randn(d, 203, 2, 3, 4);
            assertEquals("AddmmBackward0", randn(d, 204, 2).addmm(x, m).gradFn().name());
            assertEquals("AddmmBackward0", randn(d, 204, 3, 2).addmm(x, m, 0, 2).gradFn().name());
            assertEquals("BaddbmmBackward0", randn(d, 205, 2, 3, 3).baddbmm(b, b.transpose(1, 2), 1, 1).gradFn()
                    .name());
            assertEquals("LerpBackward0", x.lerp(pos, 0.3).gradFn().name());
            assertEquals("LerpBackward1", x.lerp(pos, pos).gradFn().name());
            assertEquals("ClampBackward0", x.clamp(pos.neg(), pos).gradFn().name());
            assertEquals("ClampBackward0", x.clamp(pos.neg(), null).gradFn().name());
            assertEquals("ClampBackward0", x.clamp(null, pos).gradFn().name());
        }));
        cases.add(named("gradgradcheck reductions", () -> {
            gradgrad(in -> in[0].var(new int[] {1}, 1, false), x);
            gradgrad(in -> in[0].std(new int[] {0}, 0, true), x);
            gradgrad(in -> in[0].logsumexp(new int[] {1}, true), x);
            gradgrad(in -> in[0].prod(), pos);
            gradgrad(in -> in[0].prod(1, false), pos);
            gradgrad(in -> in[0].prod(0, false), leaf(d, new double[] {1.5, 0, -2, 0.5, 3, 0, 0, 1.25}, 4, 2));
            gradgrad(in -> in[0].cumsum(1), x);
            gradgrad(in -> in[0].cumprod(1), pos);
            gradgrad(in -> in[0].cumprod(0), leaf(d, new double[] {1.5, 0, -2, 0.5, 0, 3}, 6));
        }));
        cases.add(named("gradgradcheck shape ops", () -> {
            gradgrad(in -> in[0].flip(1).square(), x);
            gradgrad(in -> in[0].roll(new int[] {1, -2}, new int[] {0, 1}).square(), x);
            gradgrad(in -> in[0].tril(0).square(), x);
            gradgrad(in -> in[0].triu(-1).square(), x);
            gradgrad(in -> in[0].repeat(2, 1, 2).square(), x);
            gradgrad(in -> joined(in[0].split(3, 1)).square(), x);
            gradgrad(in -> joined(in[0].split(new int[] {1, 2}, 0)).square(), x);
            gradgrad(in -> joined(in[0].unbind(1)).square(), x);
        }));
        cases.add(named("gradgradcheck linear algebra and pointwise", () -> {
            gradgrad(in -> in[0].addmm(in[1], in[2], 0.5, 2), randn(d, 210, 4), randn(d, 211, 3, 5),
                    randn(d, 212, 5, 4));
            gradgrad(in -> in[0].baddbmm(in[1], in[2], 1.5, -0.5), randn(d, 213, 2, 3, 4), randn(d, 214, 2, 3, 5),
                    randn(d, 215, 2, 5, 4));
            gradgrad(in -> in[0].lerp(in[1], 0.75).square(), x, pos);
            gradgrad(in -> in[0].lerp(in[1], in[2]).square(), x, pos, uniform(d, 216, -1, 2, 4));
            gradgrad(in -> in[0].clamp(in[1], in[2]).square(), distinct(d, 217, 3, 4),
                    uniform(d, 218, -1.5, 0, 3, 4), uniform(d, 219, 0.1, 1.5, 4));
        }));
        cases.add(named("gradients at the edges, as PyTorch", () -> {
            // std_backward: 0 where the deviation is 0
            Tensor c = leaf(d, new double[] {2, 2, 2, 1, 3, 5}, 2, 3);
            c.std(new int[] {1}, false).sum().backward();
            assertValues(new double[] {0, 0, 0, -0.5, 0, 0.5}, c.grad());
            // clamp_backward_min_max: with min == max and x below, neither bound gets the gradient
            Tensor v = leaf(d, new double[] {-2, 0.5}, 2);
            Tensor lo = leaf(d, new double[] {0, 0}, 2), hi = leaf(d, new double[] {0, 1}, 2);
            v.clamp(lo, hi).sum().backward();
            assertValues(new double[] {0, 1}, v.grad());
            assertValues(new double[] {0, 0}, lo.grad());
            assertValues(new double[] {0, 0}, hi.grad());
            // addmm with beta 0: the input's gradient is 0, as maybe_multiply(grad, 0)
            Tensor in = leaf(d, new double[] {1, 2, 3, 4}, 2, 2);
            Tensor eye = Tensor.eye(2, 2, DType.FLOAT64, d);
            in.addmm(eye, eye, 0, 1).sum().backward();
            assertValues(new double[] {0, 0, 0, 0}, in.grad());
        }));
        all(cases);
    }
}
