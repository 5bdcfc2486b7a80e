package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.distinct;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * scatterReduce (sum, mean, amax, amin, with and without the old values), put/put_, maskedSelect and maskedFill
 * with a tensor value (issue 12, item 1): values as PyTorch's (worked out by hand from PyTorch's definitions),
 * gradcheck in float64 on every device (PyTorch's gradients: ties of amax/amin share the gradient, mean divides
 * by the count), node names, and PyTorch's messages for bad input.
 */
@DisplayNameGeneration(ConformanceNames.class)
class ScatterReduceTest {

    private static final double EPS = 1e-12;

    private static Tensor idx(Device d, long[] values, int... shape) {
        return Tensor.of(values, shape).to(d);
    }

    private static Tensor vec(Device d, double... values) {
        return Tensor.of(values, values.length).to(d);
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), EPS);
    }

    /** Runs {@code op}, then a host read, so a deferred device-side failure surfaces too. */
    private static <T extends Throwable> T fails(Class<T> type, Supplier<Tensor> op) {
        return assertThrows(type, () -> op.get().toDoubleArray());
    }

    @AllDevices
    void scatterReduce(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor self = vec(d, 1, 5, 3, 0);
        Tensor index = idx(d, new long[] {0, 0, 2, 2, 1}, 5);
        Tensor src = vec(d, 4, 2, -1, 7, 6);
        Object[][] expected = {
            {"sum", true, new double[] {7, 11, 9, 0}}, {"sum", false, new double[] {6, 6, 6, 0}},
            {"mean", true, new double[] {7 / 3.0, 5.5, 3, 0}}, {"mean", false, new double[] {3, 6, 3, 0}},
            {"amax", true, new double[] {4, 6, 7, 0}}, {"amax", false, new double[] {4, 6, 7, 0}},
            {"amin", true, new double[] {1, 5, -1, 0}}, {"amin", false, new double[] {2, 6, -1, 0}}};
        for (Object[] e : expected) {
            String reduce = (String) e[0];
            boolean include = (Boolean) e[1];
            cases.add(named("values " + reduce + " includeSelf " + include, () -> {
                assertValues((double[]) e[2], self.scatterReduce(0, index, src, reduce, include));
                assertArrayEquals((double[]) e[2], self.to(DType.FLOAT32).scatterReduce(0, index,
                        src.to(DType.FLOAT32), reduce, include).to(DType.FLOAT64).toDoubleArray(), 1e-6);
            }));
        }
        cases.add(named("int64 values, mean floors", () -> {
            Tensor s = idx(d, new long[] {1, 5, 3, 0}, 4);
            Tensor v = idx(d, new long[] {4, 2, -1, 7, 6}, 5);
            assertArrayEquals(new long[] {2, 5, 3, 0}, s.scatterReduce(0, index, v, "mean", true).toLongArray());
            assertArrayEquals(new long[] {4, 6, 7, 0}, s.scatterReduce(0, index, v, "amax", false).toLongArray());
            assertArrayEquals(new long[] {2, 6, -1, 0}, s.scatterReduce(0, index, v, "amin", false).toLongArray());
            assertArrayEquals(new long[] {-2}, idx(d, new long[] {0}, 1).scatterReduce(0, idx(d, new long[] {0, 0}, 2),
                    idx(d, new long[] {-1, -2}, 2), "mean", false).toLongArray());
        }));
        cases.add(named("2-D along dim 1, src larger than index", () -> assertValues(
                new double[] {9, 2, 3, 4, 5, 9},
                Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d).scatterReduce(1,
                        idx(d, new long[] {0, 0, 2, 2}, 2, 2), Tensor.of(new double[] {9, 0, 7, 8, 9, 7, 7, 7}, 2, 4)
                                .to(d), "amax", true))));
        cases.add(named("NaN wins", () -> {
            Tensor r = vec(d, 1, 2).scatterReduce(0, idx(d, new long[] {0, 0, 1}, 3), vec(d, Double.NaN, 3, 1), "amax",
                    true);
            double[] v = r.toDoubleArray();
            assertTrue(Double.isNaN(v[0]));
            assertEquals(2, v[1]);
        }));
        cases.add(named("many repeats on the device (atomics)", () -> {
            int n = 20000;
            Tensor i = Tensor.zeros(Shape.of(n), DType.INT64, d);
            Tensor v = Tensor.arange(0, n, 1, DType.FLOAT32, d);
            assertValues(new double[] {n - 1}, Tensor.zeros(1).to(d).scatterReduce(0, i, v, "amax", false)
                    .to(DType.FLOAT64));
            assertValues(new double[] {-(n - 1)}, Tensor.zeros(1).to(d).scatterReduce(0, i, v.neg(), "amin", true)
                    .to(DType.FLOAT64));
            Tensor l = Tensor.arange(0, n, 1, DType.INT64, d);
            assertArrayEquals(new long[] {n - 1}, Tensor.zeros(Shape.of(1), DType.INT64, d).scatterReduce(0, i, l,
                    "amax", false).toLongArray());
            assertArrayEquals(new long[] {5}, Tensor.zeros(Shape.of(1), DType.INT64, d).scatterReduce(0, i, l.add(5L),
                    "amin", false).toLongArray());
            assertValues(new double[] {n - 1}, Tensor.zeros(Shape.of(1), DType.FLOAT64, d).scatterReduce(0, i,
                    v.to(DType.FLOAT64), "amax", false));
        }));
        Tensor i2 = idx(d, new long[] {0, 3, 3, 1, 2, 2, 0, 0, 1, 1, 3, 0}, 3, 4);
        for (String reduce : new String[] {"sum", "mean", "amax", "amin"}) {
            for (boolean include : new boolean[] {true, false}) {
                cases.add(named("gradcheck " + reduce + " includeSelf " + include, () -> check(
                        in -> in.get(0).scatterReduce(1, i2, in.get(1), reduce, include),
                        distinct(d, 1, 3, 4), distinct(d, 2, 3, 5))));
            }
        }
        cases.add(named("gradgradcheck mean and amax", () -> {
            assertTrue(GradCheck.gradgradcheck(in -> in[0].scatterReduce(1, i2, in[1].square(), "mean", false),
                    randn(d, 3, 3, 4), randn(d, 4, 3, 4)));
            assertTrue(GradCheck.gradgradcheck(in -> in[0].scatterReduce(1, i2, in[1], "amax", true).square(),
                    distinct(d, 5, 3, 4), distinct(d, 6, 3, 5)));
        }));
        cases.add(named("ties share the gradient", () -> {
            Tensor s = leaf(d, new double[] {2, 0}, 2);
            Tensor v = leaf(d, new double[] {2, 2, 1}, 3);
            Tensor r = s.scatterReduce(0, idx(d, new long[] {0, 0, 0}, 3), v, "amax", true);
            assertEquals("ScatterReduceBackward0", r.gradFn().name());
            r.sum().backward();
            assertValues(new double[] {1 / 3.0, 1}, s.grad());
            assertValues(new double[] {1 / 3.0, 1 / 3.0, 0}, v.grad());
        }));
        cases.add(named("mean divides the gradient by the count", () -> {
            Tensor s = leaf(d, new double[] {1, 1}, 2);
            Tensor v = leaf(d, new double[] {1, 1, 1}, 3);
            s.scatterReduce(0, idx(d, new long[] {0, 0, 1}, 3), v, "mean", true).sum().backward();
            assertValues(new double[] {1 / 3.0, 1 / 2.0}, s.grad());
            assertValues(new double[] {1 / 3.0, 1 / 3.0, 1 / 2.0}, v.grad());
        }));
        cases.add(named("bad reduce", () -> assertEquals("reduce argument must be either sum, prod, mean, amax or "
                + "amin, got max", assertThrows(IllegalArgumentException.class,
                        () -> self.scatterReduce(0, index, src, "max", true)).getMessage())));
        cases.add(named("out of range", () -> assertEquals("index 4 is out of bounds for dimension 0 with size 4",
                fails(IndexOutOfBoundsException.class, () -> self.scatterReduce(0, idx(d, new long[] {4}, 1), src,
                        "amax", true)).getMessage())));
        cases.add(named("index dtype", () -> assertEquals("scatter_reduce(): Expected dtype int64 for index",
                assertThrows(IllegalArgumentException.class, () -> self.scatterReduce(0, src, src, "sum", true))
                        .getMessage())));
        all(cases);
    }

    @AllDevices
    void put(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(d);
        cases.add(named("values, negative positions", () -> assertValues(new double[] {9, 2, 3, 8},
                x.put(idx(d, new long[] {0, -1}, 2), vec(d, 9, 8), false))));
        cases.add(named("accumulate repeats", () -> assertValues(new double[] {1, 5, 3, 4},
                x.put(idx(d, new long[] {1, 1}, 2), vec(d, 1, 2), true))));
        cases.add(named("without accumulate the last value wins", () -> assertValues(new double[] {1, 9, 3, 4},
                x.put(idx(d, new long[] {1, 1}, 2), vec(d, 7, 9), false))));
        cases.add(named("int64 and bool", () -> {
            assertArrayEquals(new long[] {5, 0, 7}, Tensor.zeros(Shape.of(3), DType.INT64, d)
                    .put(idx(d, new long[] {2, 0}, 2), idx(d, new long[] {7, 5}, 2), false).toLongArray());
            assertValues(new double[] {0, 1, 0}, Tensor.zeros(Shape.of(3), DType.BOOL, d)
                    .put(idx(d, new long[] {1}, 1), Tensor.of(new boolean[] {true}, 1).to(d), false)
                    .to(DType.FLOAT64));
        }));
        Tensor p = idx(d, new long[] {3, 0, 5, -2}, 2, 2);
        for (boolean acc : new boolean[] {true, false}) {
            cases.add(named("gradcheck accumulate " + acc, () -> check(in -> in.get(0).put(p, in.get(1), acc),
                    randn(d, 1, 2, 3), randn(d, 2, 4))));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].put(p, in[1].square(), false).square(), randn(d, 3, 2, 3), randn(d, 4, 4)))));
        cases.add(named("put_ in place, into the history", () -> {
            Tensor a = leaf(d, new double[] {1, 2, 3}, 3);
            Tensor v = leaf(d, new double[] {5}, 1);
            Tensor y = a.mul(2.0);
            Tensor same = y.put_(idx(d, new long[] {1}, 1), v, false);
            assertTrue(same == y);
            assertEquals("PutBackward0", y.gradFn().name());
            assertValues(new double[] {2, 5, 6}, y);
            y.sum().backward();
            assertValues(new double[] {2, 0, 2}, a.grad());
            assertValues(new double[] {1}, v.grad());
        }));
        cases.add(named("out of range", () -> assertEquals("out of range: tried to access index 4 on a tensor of 4 "
                + "elements.", fails(IndexOutOfBoundsException.class,
                        () -> x.put(idx(d, new long[] {4}, 1), vec(d, 1), false)).getMessage())));
        cases.add(named("counts differ", () -> assertEquals("put_(): Expected source and index to have the same "
                + "number of elements, but got source.numel() = 2, index.numel() = 1",
                assertThrows(IllegalArgumentException.class, () -> x.put(idx(d, new long[] {0}, 1), vec(d, 1, 2),
                        false)).getMessage())));
        all(cases);
    }

    @AllDevices
    void maskedSelectAndFill(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
        Tensor mask = Tensor.of(new boolean[] {true, false, true, false, false, true}, 2, 3).to(d);
        Tensor row = Tensor.of(new boolean[] {false, true, true}, 3).to(d);
        cases.add(named("maskedSelect values", () -> {
            assertValues(new double[] {1, 3, 6}, x.maskedSelect(mask));
            assertValues(new double[] {2, 3, 5, 6}, x.maskedSelect(row));
            assertValues(new double[] {}, x.maskedSelect(Tensor.zeros(Shape.of(3), DType.BOOL, d)));
            assertArrayEquals(new long[] {2, 3, 2, 3}, Tensor.of(new long[] {1, 2, 3}, 3).to(d)
                    .maskedSelect(Tensor.of(new boolean[] {false, true, true, false, true, true}, 2, 3).to(d))
                    .toLongArray());
        }));
        cases.add(named("maskedSelect gradcheck, broadcast self", () -> {
            check(in -> in.get(0).maskedSelect(mask), randn(d, 1, 2, 3));
            check(in -> in.get(0).maskedSelect(mask), randn(d, 2, 3));
            assertTrue(GradCheck.gradgradcheck(in -> in[0].maskedSelect(mask).square(), randn(d, 3, 2, 3)));
            assertEquals("MaskedSelectBackward0", randn(d, 4, 2, 3).maskedSelect(mask).gradFn().name());
        }));
        cases.add(named("maskedSelect mask dtype", () -> assertEquals("masked_select: expected BoolTensor for mask",
                assertThrows(IllegalArgumentException.class, () -> x.maskedSelect(x)).getMessage())));
        cases.add(named("maskedFill tensor value", () -> {
            assertValues(new double[] {1, 9, 9, 4, 9, 9}, x.maskedFill(row, Tensor.scalar(9).to(d)));
            check(in -> in.get(0).maskedFill(row, in.get(1)), randn(d, 5, 2, 3),
                    randn(d, 6));
            Tensor v = leaf(d, new double[] {2});
            Tensor a = leaf(d, new double[] {1, 1, 1, 1, 1, 1}, 2, 3);
            Tensor r = a.maskedFill(row, v);
            assertEquals("MaskedFillBackward1", r.gradFn().name());
            r.mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d)).sum().backward();
            assertValues(new double[] {16}, v.grad().reshape(1));
            assertValues(new double[] {1, 0, 0, 4, 0, 0}, a.grad());
        }));
        cases.add(named("maskedFill value not 0-dim", () -> assertEquals("masked_fill_ only supports a "
                + "0-dimensional value tensor, but got tensor with 1 dimension(s).",
                assertThrows(IllegalArgumentException.class, () -> x.maskedFill(row, vec(d, 1))).getMessage())));
        all(cases);
    }
}
