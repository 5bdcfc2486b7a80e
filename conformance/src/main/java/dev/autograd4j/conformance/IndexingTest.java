package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
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
 * Indexing with int64 index tensors (issue 12, item 1): gather, scatter, scatterAdd, indexSelect, indexAdd, take
 * and maskedFill. Gradcheck (and gradgradcheck, the derivatives being written in these ops) in float64 on every
 * device, values as PyTorch's, repeated indices summed in the backward passes, and PyTorch's messages for bad
 * indices; on a GPU an index out of range fails at the next synchronization.
 */
@DisplayNameGeneration(ConformanceNames.class)
class IndexingTest {

    private static final double EPS = 1e-12;

    private static Tensor idx(Device d, long[] values, int... shape) {
        return Tensor.of(values, shape).to(d);
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), EPS);
    }

    /** Runs {@code op}, then a host read, so a deferred device-side failure surfaces too. */
    private static <T extends Throwable> T fails(Class<T> type, java.util.function.Supplier<Tensor> op) {
        return assertThrows(type, () -> op.get().toDoubleArray());
    }

    @AllDevices
    void gather(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = leaf(d, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        cases.add(named("values dim 1", () -> assertValues(new double[] {3, 1, 1, 5, 5, 4},
                x.gather(1, idx(d, new long[] {2, 0, 0, 1, 1, 0}, 2, 3)))));
        cases.add(named("values dim 0, smaller index", () -> assertValues(new double[] {4, 2},
                x.gather(0, idx(d, new long[] {1, 0}, 1, 2)))));
        Tensor i3 = idx(d, new long[] {0, 2, 1, 1, 0, 0, 2, 2, 1, 0, 1, 2}, 2, 2, 3);
        Tensor i2 = idx(d, new long[] {0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0}, 2, 2, 3);
        for (int dim : new int[] {0, 1, 2, -1}) {
            Tensor index = dim == 0 ? i2 : i3;
            cases.add(named("gradcheck dim " + dim, () -> check1(t -> t.gather(dim, index), randn(d, 1, 2, 3, 3))));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].gather(1, idx(d, new long[] {0, 0, 2, 1}, 2, 2)).square(), randn(d, 2, 2, 3)))));
        cases.add(named("repeated index sums its gradient", () -> {
            Tensor t = leaf(d, new double[] {1, 2, 3}, 3);
            t.gather(0, idx(d, new long[] {1, 1, 1, 0}, 4)).sum().backward();
            assertValues(new double[] {1, 3, 0}, t.grad());
            assertEquals("GatherBackward0", t.gather(0, idx(d, new long[] {0}, 1)).gradFn().name());
        }));
        cases.add(named("float32, int64 and bool data", () -> {
            Tensor index = idx(d, new long[] {2, 0}, 2);
            assertValues(new double[] {3, 1}, Tensor.of(new float[] {1, 2, 3}, 3).to(d).gather(0, index));
            assertArrayEquals(new long[] {30, 10},
                    Tensor.of(new long[] {10, 20, 30}, 3).to(d).gather(0, index).toLongArray());
            assertValues(new double[] {1, 0},
                    Tensor.of(new boolean[] {false, false, true}, 3).to(d).gather(0, index).to(DType.FLOAT64));
        }));
        cases.add(named("strided input and index", () -> assertValues(new double[] {2, 4},
                x.t().gather(0, idx(d, new long[] {1, 0, 0, 1}, 2, 2).t().narrow(0, 0, 1)).reshape(-1))));
        cases.add(named("out of range", () -> assertEquals("index 7 is out of bounds for dimension 0 with size 5",
                fails(IndexOutOfBoundsException.class, () -> Tensor.zeros(5).to(d).gather(0,
                        idx(d, new long[] {1, 7}, 2))).getMessage())));
        cases.add(named("negative index", () -> assertEquals("index -1 is out of bounds for dimension 1 with size 3",
                fails(IndexOutOfBoundsException.class, () -> x.gather(1, idx(d, new long[] {-1}, 1, 1)))
                        .getMessage())));
        cases.add(named("index dtype", () -> assertEquals("gather(): Expected dtype int64 for index",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(2, 3).to(d)))
                        .getMessage())));
        cases.add(named("index too large", () -> assertEquals("Size does not match at dimension 0 expected index "
                + "[3, 1] to be smaller than self [2, 3] apart from dimension 1",
                assertThrows(IllegalArgumentException.class, () -> x.gather(1, idx(d, new long[] {0, 0, 0}, 3, 1)))
                        .getMessage())));
        cases.add(named("rank", () -> assertEquals("Index tensor must have the same number of dimensions as input "
                + "tensor", assertThrows(IllegalArgumentException.class,
                        () -> x.gather(1, idx(d, new long[] {0}, 1))).getMessage())));
        all(cases);
    }

    @AllDevices
    void scatterAdd(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor index = idx(d, new long[] {0, 2, 0, 1, 1, 1}, 2, 3);
        cases.add(named("values with repeated indices", () -> assertValues(new double[] {4, 0, 2, 0, 15, 0},
                Tensor.zeros(2, 3).to(DType.FLOAT64).to(d).scatterAdd(1, index,
                        Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d)))));
        cases.add(named("gradcheck self and src", () -> check(in -> in.get(0).scatterAdd(1, index, in.get(1)),
                randn(d, 3, 2, 3), randn(d, 4, 2, 3))));
        cases.add(named("gradcheck dim 0, src larger than index", () -> check(
                in -> in.get(0).scatterAdd(0, idx(d, new long[] {2, 0, 2}, 1, 3), in.get(1)),
                randn(d, 5, 3, 3), randn(d, 6, 2, 4))));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].scatterAdd(1, index, in[1].square()), randn(d, 7, 2, 3), randn(d, 8, 2, 3)))));
        cases.add(named("float32 and int64 accumulate", () -> {
            Tensor i = idx(d, new long[] {1, 1, 1, 0}, 4);
            assertValues(new double[] {4, 6}, Tensor.zeros(2).to(d).scatterAdd(0, i,
                    Tensor.of(new float[] {1, 2, 3, 4}, 4).to(d)));
            assertArrayEquals(new long[] {5, 7}, Tensor.of(new long[] {1, 1}, 2).to(d).scatterAdd(0, i,
                    Tensor.of(new long[] {1, 2, 3, 4}, 4).to(d)).toLongArray());
        }));
        cases.add(named("many repeats on the device", () -> {
            Tensor i = Tensor.zeros(dev.autograd4j.Shape.of(10000), DType.INT64, d);
            assertEquals(10000.0, Tensor.zeros(1).to(DType.FLOAT64).to(d)
                    .scatterAdd(0, i, Tensor.ones(dev.autograd4j.Shape.of(10000), DType.FLOAT64, d)).item());
        }));
        cases.add(named("out of range", () -> assertEquals("index 3 is out of bounds for dimension 1 with size 3",
                fails(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).to(d).scatterAdd(1,
                        idx(d, new long[] {3}, 1, 1), Tensor.ones(1, 1).to(d))).getMessage())));
        cases.add(named("index dtype", () -> assertEquals("scatter_add(): Expected dtype int64 for index",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).to(d).scatterAdd(0,
                        Tensor.zeros(2).to(d), Tensor.ones(2).to(d))).getMessage())));
        cases.add(named("src smaller than the index", () -> assertEquals("Expected index [3] to be smaller than "
                + "self [3] apart from dimension 0 and to be smaller size than src [2]",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).to(d).scatterAdd(0,
                        idx(d, new long[] {0, 1, 2}, 3), Tensor.ones(2).to(d))).getMessage())));
        cases.add(named("dtypes differ", () -> assertEquals("scatter_add(): Expected self.dtype to be equal to "
                + "src.dtype", assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).to(d)
                        .scatterAdd(0, idx(d, new long[] {0}, 1), Tensor.ones(1).to(DType.FLOAT64).to(d)))
                .getMessage())));
        all(cases);
    }

    @AllDevices
    void scatter(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor index = idx(d, new long[] {0, 2, 1, 2}, 2, 2);
        cases.add(named("values", () -> assertValues(new double[] {1, 0, 2, 0, 3, 4},
                Tensor.zeros(2, 3).to(DType.FLOAT64).to(d).scatter(1, index,
                        Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(d)))));
        cases.add(named("gradcheck self and src", () -> check(in -> in.get(0).scatter(1, index, in.get(1)),
                randn(d, 9, 2, 3), randn(d, 10, 2, 3))));
        cases.add(named("gradient as PyTorch's", () -> {
            Tensor self = leaf(d, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor src = leaf(d, new double[] {7, 8, 9, 10}, 2, 2);
            Tensor out = self.scatter(1, index, src);
            assertEquals("ScatterBackward0", out.gradFn().name());
            out.mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d)).sum().backward();
            assertValues(new double[] {0, 2, 0, 4, 0, 0}, self.grad());
            assertValues(new double[] {1, 3, 5, 6}, src.grad());
        }));
        cases.add(named("repeated index: the last value is written, as PyTorch's CPU loop", () -> {
            // dim 0 of a 3x2 tensor: column 0 gets rows 1 twice (values 1 then 3), column 1 row 2 twice (2 then 4)
            Tensor out = Tensor.zeros(3, 2).to(DType.FLOAT64).to(d).scatter(0, idx(d, new long[] {1, 2, 1, 2}, 2, 2),
                    Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).to(d));
            assertValues(new double[] {0, 0, 3, 0, 0, 4}, out);
        }));
        cases.add(named("stride of a larger src and a 3-d index", () -> {
            Tensor src = Tensor.arange(24).to(DType.FLOAT64).reshape(2, 3, 4).to(d);
            Tensor out = Tensor.zeros(2, 3, 2).to(DType.FLOAT64).to(d).scatter(2,
                    idx(d, new long[] {1, 0, 0, 1, 1, 0, 0, 1}, 2, 2, 2), src);
            assertValues(new double[] {1, 0, 4, 5, 0, 0, 13, 12, 16, 17, 0, 0}, out);
        }));
        cases.add(named("int64", () -> assertArrayEquals(new long[] {5, 9, 7},
                Tensor.of(new long[] {5, 6, 7}, 3).to(d).scatter(0, idx(d, new long[] {1}, 1),
                        Tensor.of(new long[] {9}, 1).to(d)).toLongArray())));
        cases.add(named("index dtype", () -> assertEquals("scatter(): Expected dtype int64 for index",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).to(d).scatter(0,
                        Tensor.zeros(2).to(d), Tensor.ones(2).to(d))).getMessage())));
        all(cases);
    }

    @AllDevices
    void indexSelect(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
        cases.add(named("values dim 1 with repeats", () -> {
            Tensor r = x.indexSelect(1, idx(d, new long[] {2, 0, 2}, 3));
            assertArrayEquals(new int[] {2, 3}, r.shape().toArray());
            assertValues(new double[] {3, 1, 3, 6, 4, 6}, r);
        }));
        cases.add(named("values dim 0", () -> assertValues(new double[] {4, 5, 6},
                x.indexSelect(0, idx(d, new long[] {1}, 1)))));
        for (int dim : new int[] {0, 1, 2, -1}) {
            cases.add(named("gradcheck dim " + dim, () -> check1(t -> t.indexSelect(dim,
                    idx(d, new long[] {1, 0, 1, 1}, 4)), randn(d, 11, 2, 3, 2))));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].indexSelect(0, idx(d, new long[] {2, 2, 0}, 3)).square(), randn(d, 12, 3, 2)))));
        cases.add(named("repeated indices sum their gradients", () -> {
            Tensor t = leaf(d, new double[] {1, 2, 3}, 3);
            Tensor r = t.indexSelect(0, idx(d, new long[] {2, 2, 0, 2}, 4));
            assertEquals("IndexSelectBackward0", r.gradFn().name());
            r.sum().backward();
            assertValues(new double[] {1, 0, 3}, t.grad());
        }));
        cases.add(named("out of range", () -> assertEquals("index out of range in self",
                fails(IndexOutOfBoundsException.class, () -> x.indexSelect(0, idx(d, new long[] {2}, 1)))
                        .getMessage())));
        cases.add(named("index dtype", () -> assertEquals("index_select(): Expected dtype int32 or int64 for index",
                assertThrows(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.zeros(1).to(d)))
                        .getMessage())));
        cases.add(named("index not a vector", () -> assertEquals("index_select(): Index is supposed to be a vector",
                assertThrows(IllegalArgumentException.class, () -> x.indexSelect(0, idx(d, new long[] {0}, 1, 1)))
                        .getMessage())));
        all(cases);
    }

    @AllDevices
    void indexAdd(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor index = idx(d, new long[] {2, 0, 2}, 3);
        cases.add(named("values with repeats", () -> assertValues(new double[] {2, 0, 4, 20, 0, 40},
                Tensor.zeros(2, 3).to(DType.FLOAT64).to(d).indexAdd(1, index,
                        Tensor.of(new double[] {1, 2, 3, 10, 20, 30}, 2, 3).to(d)))));
        cases.add(named("gradcheck", () -> check(in -> in.get(0).indexAdd(1, index, in.get(1)),
                randn(d, 13, 2, 3), randn(d, 14, 2, 3))));
        cases.add(named("gradcheck dim 0", () -> check(in -> in.get(0).indexAdd(0, idx(d, new long[] {1}, 1),
                in.get(1)), randn(d, 15, 2, 3), randn(d, 16, 1, 3))));
        cases.add(named("source shape", () -> assertEquals("source tensor shape must match self tensor shape, "
                + "excluding the specified dimension. Got self.shape = [2, 3] source.shape = [2, 2]",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).to(d).indexAdd(1, index,
                        Tensor.zeros(2, 2).to(d))).getMessage())));
        all(cases);
    }

    @AllDevices
    void take(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
        cases.add(named("values, negative from the end", () -> assertValues(new double[] {6, 1, 5, 5},
                x.take(idx(d, new long[] {-1, 0, 4, -2}, 2, 2)))));
        cases.add(named("gradcheck of a transposed view", () -> check1(t -> t.t().take(idx(d,
                new long[] {0, 5, 1, 1, -3}, 5)), randn(d, 17, 2, 3))));
        cases.add(named("out of range", () -> assertEquals("out of range: tried to access index 7 on a tensor of 6 "
                + "elements.", fails(IndexOutOfBoundsException.class, () -> x.take(idx(d, new long[] {7}, 1)))
                        .getMessage())));
        cases.add(named("index dtype", () -> assertEquals("take(): Expected a long tensor for index, but got Double",
                assertThrows(IllegalArgumentException.class, () -> x.take(x)).getMessage())));
        all(cases);
    }

    @AllDevices
    void maskedFill(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor mask = Tensor.of(new boolean[] {true, false, false, true, true, false}, 2, 3).to(d);
        cases.add(named("values", () -> assertValues(new double[] {-1, 2, 3, -1, -1, 6},
                Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d).maskedFill(mask, -1))));
        cases.add(named("broadcast mask, gradcheck", () -> check1(t -> t.maskedFill(mask.narrow(0, 0, 1), 2.5),
                randn(d, 18, 4, 3))));
        cases.add(named("node", () -> assertEquals("MaskedFillBackward0",
                randn(d, 19, 2, 3).maskedFill(mask, 0).gradFn().name())));
        cases.add(named("mask dtype", () -> assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3).to(d).maskedFill(Tensor.zeros(3).to(d), 1))));
        all(cases);
    }
}
