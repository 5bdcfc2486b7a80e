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

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
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
}
