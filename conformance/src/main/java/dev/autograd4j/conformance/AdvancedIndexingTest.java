package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Index;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.UniqueResult;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Advanced indexing (issue 12, item 1): {@code index} with int64 and boolean index tensors, {@code indexPut} and
 * {@code indexPut_}, stepped slices, the {@code get}/{@code set} subscripts with {@link Index}, {@code nonzero},
 * {@code argwhere} and {@code unique}. Shapes follow PyTorch's rules (broadcast index tensors; the indexed dims'
 * place when a slice separates them), values are checked against the definition on a tensor whose elements are
 * their own flat position, gradients by gradcheck in float64 on every device, and bad input by PyTorch's messages.
 */
@DisplayNameGeneration(ConformanceNames.class)
class AdvancedIndexingTest {

    private static Tensor idx(Device d, long[] values, int... shape) {
        return Tensor.of(values, shape).to(d);
    }

    private static Tensor mask(Device d, boolean[] values, int... shape) {
        return Tensor.of(values, shape).to(d);
    }

    /** [3, 4, 5], float64, element (i, j, k) = 20 i + 5 j + k: a value names its position. */
    private static Tensor positions(Device d) {
        return Tensor.arange(0, 60, 1, DType.FLOAT64, d).reshape(3, 4, 5);
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), 1e-12);
    }

    private static void assertShape(int[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.shape().toArray());
    }

    private static <T extends Throwable> T fails(Class<T> type, Supplier<Tensor> op) {
        return assertThrows(type, () -> op.get().toDoubleArray());
    }

    @AllDevices
    void index(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = positions(d);
        Tensor a = idx(d, new long[] {2, 0}, 2);
        Tensor b = idx(d, new long[] {4, -1}, 2);
        cases.add(named("one index on dim 0", () -> {
            Tensor r = x.index(a);
            assertShape(new int[] {2, 4, 5}, r);
            assertValues(x.select(0, 2).toDoubleArray(), r.select(0, 0));
            assertValues(x.select(0, 0).toDoubleArray(), r.select(0, 1));
        }));
        cases.add(named("adjacent indices stay in place", () -> {
            Tensor r = x.index(null, idx(d, new long[] {1, 3}, 2), b);
            assertShape(new int[] {3, 2}, r);
            assertValues(new double[] {9, 19, 29, 39, 49, 59}, r);
        }));
        cases.add(named("indices separated by a slice go first", () -> {
            Tensor r = x.index(a, null, b);
            assertShape(new int[] {2, 4}, r);
            assertValues(new double[] {44, 49, 54, 59, 4, 9, 14, 19}, r);
        }));
        cases.add(named("indices broadcast together", () -> {
            Tensor r = x.index(idx(d, new long[] {0, 2}, 2, 1), idx(d, new long[] {0, 1, 3}, 3));
            assertShape(new int[] {2, 3, 5}, r);
            assertValues(new double[] {0, 5, 15, 40, 45, 55}, r.select(2, 0));
        }));
        cases.add(named("boolean mask", () -> {
            Tensor m = mask(d, new boolean[] {true, false, false, true, false, false, true, false, false, false, false,
                true}, 3, 4);
            Tensor r = x.index(m);
            assertShape(new int[] {4, 5}, r);
            assertValues(new double[] {0, 15, 30, 55}, r.select(1, 0));
            Tensor r1 = x.index(null, mask(d, new boolean[] {false, true, true, false}, 4));
            assertShape(new int[] {3, 2, 5}, r1);
            assertValues(new double[] {5, 10, 25, 30, 45, 50}, r1.select(2, 0));
            assertShape(new int[] {0, 5}, x.index(Tensor.zeros(Shape.of(3, 4), DType.BOOL, d)));
        }));
        cases.add(named("int64 and bool data", () -> {
            assertArrayEquals(new long[] {30, 10}, Tensor.of(new long[] {10, 20, 30}, 3).to(d)
                    .index(idx(d, new long[] {2, 0}, 2)).toLongArray());
            assertValues(new double[] {1, 0}, mask(d, new boolean[] {false, false, true}, 3)
                    .index(idx(d, new long[] {2, 0}, 2)).to(DType.FLOAT64));
        }));
        cases.add(named("gradcheck with repeated indices", () -> {
            check1(t -> t.index(idx(d, new long[] {1, 1, 0}, 3), null, idx(d, new long[] {2, 2, 4}, 3)),
                    randn(d, 1, 2, 3, 5));
            check1(t -> t.index(null, idx(d, new long[] {0, 2, 2}, 3, 1)), randn(d, 2, 2, 3, 2));
            check1(t -> t.index(mask(d, new boolean[] {true, false, true, true, false, true}, 2, 3)),
                    randn(d, 3, 2, 3, 2));
            assertTrue(GradCheck.gradgradcheck(in -> in[0].index(idx(d, new long[] {1, 1}, 2)).square(),
                    randn(d, 4, 3, 2)));
        }));
        cases.add(named("repeated index sums the gradient", () -> {
            Tensor t = leaf(d, new double[] {1, 2, 3}, 3);
            Tensor r = t.index(idx(d, new long[] {2, 2, 0}, 3));
            assertEquals("IndexBackward0", r.gradFn().name());
            r.sum().backward();
            assertValues(new double[] {1, 0, 2}, t.grad());
        }));
        cases.add(named("out of range", () -> assertEquals("index 7 is out of bounds for dimension 0 with size 5",
                fails(IndexOutOfBoundsException.class, () -> Tensor.zeros(5).to(d).index(idx(d, new long[] {1, 7}, 2)))
                        .getMessage())));
        cases.add(named("negative out of range", () -> assertEquals("index -6 is out of bounds for dimension 1 with "
                + "size 5", fails(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 5).to(d)
                        .index(null, idx(d, new long[] {-6}, 1))).getMessage())));
        cases.add(named("index dtype", () -> assertEquals("tensors used as indices must be long, int, byte or bool "
                + "tensors", assertThrows(IllegalArgumentException.class, () -> x.index(Tensor.zeros(2).to(d)))
                        .getMessage())));
        cases.add(named("too many indices", () -> assertEquals("too many indices for tensor of dimension 2",
                assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).to(d).index(a, a, a))
                        .getMessage())));
        cases.add(named("mask shape", () -> assertEquals("The shape of the mask [3] at index 0 does not match the "
                + "shape of the indexed tensor [4] at index 0", assertThrows(IndexOutOfBoundsException.class,
                        () -> Tensor.zeros(4).to(d).index(mask(d, new boolean[] {true, false, true}, 3)))
                        .getMessage())));
        cases.add(named("indices that do not broadcast", () -> assertEquals("shape mismatch: indexing tensors could "
                + "not be broadcast together with shapes [2], [3]", assertThrows(IndexOutOfBoundsException.class,
                        () -> x.index(a, idx(d, new long[] {0, 1, 2}, 3))).getMessage())));
        all(cases);
    }

    @AllDevices
    void indexPut(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.zeros(Shape.of(3, 2), DType.FLOAT64, d);
        Tensor rows = idx(d, new long[] {2, 0}, 2);
        cases.add(named("values broadcast over a row", () -> assertValues(new double[] {7, 7, 0, 0, 7, 7},
                x.indexPut(new Tensor[] {rows}, Tensor.full(Shape.of(1), 7, DType.FLOAT64, d), false))));
        cases.add(named("two indices, accumulate repeats", () -> assertValues(new double[] {0, 3, 0, 0, 4, 0},
                x.indexPut(new Tensor[] {idx(d, new long[] {0, 0, 2}, 3), idx(d, new long[] {1, 1, 0}, 3)},
                        Tensor.of(new double[] {1, 2, 4}, 3).to(d), true))));
        cases.add(named("without accumulate the last value wins", () -> assertValues(new double[] {0, 2, 0, 0, 0, 0},
                x.indexPut(new Tensor[] {idx(d, new long[] {0, 0}, 2), idx(d, new long[] {1, 1}, 2)},
                        Tensor.of(new double[] {1, 2}, 2).to(d), false))));
        cases.add(named("mask put, bool and int64 data", () -> {
            Tensor m = mask(d, new boolean[] {true, false, false, true, true, false}, 3, 2);
            assertValues(new double[] {5, 0, 0, 5, 5, 0}, x.indexPut(new Tensor[] {m},
                    Tensor.full(Shape.of(), 5, DType.FLOAT64, d), false));
            assertValues(new double[] {1, 0, 0, 1, 1, 0}, Tensor.zeros(Shape.of(3, 2), DType.BOOL, d)
                    .indexPut(new Tensor[] {m}, Tensor.of(new boolean[] {true}, 1).to(d), false).to(DType.FLOAT64));
            assertArrayEquals(new long[] {0, 0, 9, 9, 0, 0}, Tensor.zeros(Shape.of(3, 2), DType.INT64, d)
                    .indexPut(new Tensor[] {idx(d, new long[] {1}, 1)}, idx(d, new long[] {9}, 1), false)
                    .toLongArray());
        }));
        for (boolean acc : new boolean[] {true, false}) {
            cases.add(named("gradcheck accumulate " + acc, () -> check(in -> in.get(0).indexPut(
                    new Tensor[] {null, idx(d, new long[] {2, 0}, 2)}, in.get(1), acc),
                    randn(d, 1, 2, 3), randn(d, 2, 2, 2))));
        }
        cases.add(named("gradcheck accumulate with repeats, broadcast values", () -> check(in -> in.get(0).indexPut(
                new Tensor[] {idx(d, new long[] {1, 1, 0}, 3)}, in.get(1), true), randn(d, 3, 2, 3), randn(d, 4, 3))));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].indexPut(new Tensor[] {idx(d, new long[] {1}, 1)}, in[1].square(), false).square(),
                randn(d, 5, 2, 3), randn(d, 6, 3)))));
        cases.add(named("indexPut_ in place, into the history", () -> {
            Tensor a = leaf(d, new double[] {1, 2, 3, 4}, 4);
            Tensor v = leaf(d, new double[] {10, 20}, 2);
            Tensor y = a.mul(3.0);
            assertTrue(y == y.indexPut_(new Tensor[] {idx(d, new long[] {3, 0}, 2)}, v, false));
            assertEquals("IndexPutBackward0", y.gradFn().name());
            assertValues(new double[] {20, 6, 9, 10}, y);
            y.mul(Tensor.of(new double[] {1, 2, 3, 4}, 4).to(d)).sum().backward();
            assertValues(new double[] {0, 6, 9, 0}, a.grad());
            assertValues(new double[] {4, 1}, v.grad());
        }));
        cases.add(named("indexPut_ on a leaf that requires grad", () -> assertThrows(IllegalStateException.class,
                () -> leaf(d, new double[] {1, 2}, 2).indexPut_(new Tensor[] {idx(d, new long[] {0}, 1)},
                        Tensor.zeros(Shape.of(1), DType.FLOAT64, d), false))));
        cases.add(named("value shape mismatch", () -> assertEquals("shape mismatch: value tensor of shape [3] cannot "
                + "be broadcast to indexing result of shape [2, 2]", assertThrows(IllegalArgumentException.class,
                        () -> x.indexPut(new Tensor[] {rows}, Tensor.zeros(Shape.of(3), DType.FLOAT64, d), false))
                        .getMessage())));
        cases.add(named("value dtype", () -> assertEquals("Index put requires the source and destination dtypes "
                + "match, got Double for the destination and Float for the source.",
                assertThrows(IllegalArgumentException.class, () -> x.indexPut(new Tensor[] {rows},
                        Tensor.zeros(1).to(d), false)).getMessage())));
        all(cases);
    }

    @AllDevices
    void steppedSlice(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor v = Tensor.arange(0, 10, 1, DType.FLOAT64, d);
        cases.add(named("values", () -> {
            assertValues(new double[] {1, 4, 7}, v.slice(0, 1, 10, 3));
            assertValues(new double[] {7, 9}, v.slice(0, -3, 100, 2));
            assertValues(new double[] {}, v.slice(0, 5, 2, 1));
            assertValues(new double[] {0, 2, 4, 6, 8}, v.slice(0, -100, 10, 2));
            Tensor m = positions(d).slice(2, 0, 5, 2).slice(1, 1, 4, 2);
            assertShape(new int[] {3, 2, 3}, m);
            assertValues(new double[] {5, 7, 9, 15, 17, 19}, m.select(0, 0));
        }));
        cases.add(named("a view: writes reach the base", () -> {
            Tensor c = v.copy();
            c.slice(0, 0, 10, 4).fill_(-1);
            assertValues(new double[] {-1, 1, 2, 3, -1, 5, 6, 7, -1, 9}, c);
        }));
        cases.add(named("gradcheck and gradgradcheck", () -> {
            check1(t -> t.slice(1, 1, 5, 2), randn(d, 1, 3, 5));
            check1(t -> t.slice(0, 0, 3, 2).slice(1, 0, 5, 3), randn(d, 2, 3, 5));
            assertTrue(GradCheck.gradgradcheck(in -> in[0].slice(0, 1, 6, 2).square(), randn(d, 3, 7)));
            assertEquals("SliceBackward0", randn(d, 4, 4).slice(0, 0, 4, 2).gradFn().name());
        }));
        cases.add(named("step", () -> assertEquals("slice step must be positive",
                assertThrows(IllegalArgumentException.class, () -> v.slice(0, 0, 5, 0)).getMessage())));
        all(cases);
    }

    @AllDevices
    void subscripts(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = positions(d);
        Tensor i = idx(d, new long[] {4, 0}, 2);
        cases.add(named("x[1:3, :, idx]", () -> {
            Tensor r = x.get(Index.slice(1, 3), Index.all(), Index.of(i));
            assertShape(new int[] {2, 4, 2}, r);
            assertValues(new double[] {24, 20, 29, 25}, r.select(0, 0).narrow(0, 0, 2));
        }));
        cases.add(named("basic indexing: views", () -> {
            assertShape(new int[] {4}, x.get(Index.of(-1), Index.ellipsis(), Index.of(2)));
            assertValues(new double[] {42, 47, 52, 57}, x.get(Index.of(-1), Index.ellipsis(), Index.of(2)));
            assertShape(new int[] {1, 3, 4, 5}, x.get(Index.none()));
            assertShape(new int[] {3, 4, 1, 5}, x.get(Index.ellipsis(), Index.none(), Index.all()));
            assertValues(new double[] {0, 40}, x.get(Index.slice(null, null, 2), Index.of(0), Index.of(0)));
            assertValues(new double[] {54, 59}, x.get(Index.of(2), Index.slice(-2, null), Index.of(-1)));
            assertTrue(x == x.get());
            Tensor c = x.copy();
            c.get(Index.of(0), Index.of(0)).fill_(-1);
            assertValues(new double[] {-1, -1, 5}, c.reshape(-1).narrow(0, 3, 3));
        }));
        cases.add(named("integer then tensor: PyTorch selects first", () -> {
            Tensor r = x.get(Index.of(0), Index.all(), Index.of(i));
            assertShape(new int[] {4, 2}, r);
            assertValues(new double[] {4, 0, 9, 5, 14, 10, 19, 15}, r);
        }));
        cases.add(named("tensors separated by a slice", () -> {
            Tensor r = x.get(Index.of(idx(d, new long[] {2, 1}, 2)), Index.all(), Index.of(i));
            assertShape(new int[] {2, 4}, r);
            assertValues(new double[] {44, 49, 54, 59, 20, 25, 30, 35}, r);
        }));
        cases.add(named("mask", () -> {
            Tensor m = x.gt(55.0);
            assertValues(new double[] {56, 57, 58, 59}, x.get(Index.of(m)));
            Tensor rowMask = mask(d, new boolean[] {false, true, false, true}, 4);
            assertShape(new int[] {3, 2, 5}, x.get(Index.all(), Index.of(rowMask)));
            assertShape(new int[] {1, 3, 4, 5}, x.get(Index.of(Tensor.of(new boolean[] {true}).to(d))));
            assertShape(new int[] {3, 0, 4, 5}, x.get(Index.all(), Index.of(Tensor.of(new boolean[] {false}).to(d))));
        }));
        cases.add(named("set", () -> {
            Tensor c = x.copy();
            c.set(-1, Index.slice(0, 2), Index.of(0), Index.of(0));
            assertValues(new double[] {-1, -1}, c.get(Index.slice(0, 2), Index.of(0), Index.of(0)));
            c.set(Tensor.of(new double[] {7, 8}, 2).to(d), Index.of(2), Index.of(3), Index.of(i));
            assertValues(new double[] {8, 56, 57, 58, 7}, c.get(Index.of(2), Index.of(3)));
            c.set(0, Index.of(c.gt(40.0)));
            assertEquals(40.0, c.max().item());
            c.set(Tensor.full(Shape.of(5), 3, DType.FLOAT32, d), Index.of(1), Index.of(1));
            assertValues(new double[] {3, 3, 3, 3, 3}, c.get(Index.of(1), Index.of(1)));
        }));
        cases.add(named("set is differentiable into the history", () -> {
            Tensor a = leaf(d, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor v = leaf(d, new double[] {10, 20}, 2, 1);
            Tensor y = a.mul(1.0);
            y.set(v, Index.all(), Index.of(idx(d, new long[] {1}, 1)));
            assertValues(new double[] {1, 10, 3, 4, 20, 6}, y);
            y.mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d)).sum().backward();
            assertValues(new double[] {1, 0, 3, 4, 0, 6}, a.grad());
            assertValues(new double[] {2, 5}, v.grad().reshape(-1));
            Tensor b = leaf(d, new double[] {1, 2, 3}, 3);
            Tensor z = b.mul(2.0);
            z.set(0, Index.slice(0, 3, 2));
            z.sum().backward();
            assertValues(new double[] {0, 2, 0}, b.grad());
        }));
        cases.add(named("too many indices", () -> assertEquals("too many indices for tensor of dimension 2",
                assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).to(d).get(Index.of(0),
                        Index.all(), Index.of(1))).getMessage())));
        cases.add(named("integer out of range", () -> assertEquals("index 5 is out of bounds for dimension 1 with "
                + "size 4", assertThrows(IndexOutOfBoundsException.class, () -> x.get(Index.all(), Index.of(5)))
                        .getMessage())));
        cases.add(named("two ellipses", () -> assertThrows(IllegalArgumentException.class,
                () -> x.get(Index.ellipsis(), Index.ellipsis()))));
        all(cases);
    }

    @AllDevices
    void nonzeroAndUnique(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("nonzero", () -> {
            Tensor x = Tensor.of(new double[] {0, 1.5, 2, 0, 0, Double.NaN}, 3, 2).to(d);
            Tensor nz = x.nonzero();
            assertEquals(DType.INT64, nz.dtype());
            assertShape(new int[] {3, 2}, nz);
            assertArrayEquals(new long[] {0, 1, 1, 0, 2, 1}, nz.toLongArray());
            assertArrayEquals(new long[] {0, 1, 1, 0, 2, 1}, x.argwhere().toLongArray());
            assertArrayEquals(new long[] {1, 3}, mask(d, new boolean[] {false, true, false, true}, 4).nonzero()
                    .reshape(-1).toLongArray());
            assertArrayEquals(new long[] {0, 2}, idx(d, new long[] {7, 0, -1}, 3).nonzero().reshape(-1).toLongArray());
            assertShape(new int[] {0, 2}, Tensor.zeros(Shape.of(2, 2), DType.FLOAT32, d).nonzero());
            assertShape(new int[] {1, 0}, Tensor.scalar(3).to(d).nonzero());
        }));
        cases.add(named("unique", () -> {
            UniqueResult u = idx(d, new long[] {3, 1, 2, 3, 1, 1}, 2, 3).unique(true, true, true);
            assertArrayEquals(new long[] {1, 2, 3}, u.values().toLongArray());
            assertArrayEquals(new long[] {2, 0, 1, 2, 0, 0}, u.inverse().toLongArray());
            assertShape(new int[] {2, 3}, u.inverse());
            assertArrayEquals(new long[] {3, 1, 2}, u.counts().toLongArray());
            UniqueResult f = Tensor.of(new double[] {0.5, -0.0, 0.0, -2, 0.5}, 5).to(d).unique(true, true, false);
            assertValues(new double[] {-2, 0, 0.5}, f.values());
            assertArrayEquals(new long[] {2, 1, 1, 0, 2}, f.inverse().toLongArray());
            assertNull(f.counts());
            assertEquals(DType.FLOAT32, Tensor.of(new float[] {2, 1, 2}, 3).to(d).unique().dtype());
            assertValues(new double[] {0, 1}, mask(d, new boolean[] {true, false, true}, 3).unique()
                    .to(DType.FLOAT64));
            assertValues(new double[] {}, Tensor.zeros(0).to(d).unique());
        }));
        cases.add(named("unique along a dim", () -> {
            Tensor x = Tensor.of(new double[] {1, 0, 1, 2, 0, 0, 0, 0, 1, 0, 1, 2}, 3, 4).to(d);
            UniqueResult rows = x.unique(0, true, true, true);
            assertShape(new int[] {2, 4}, rows.values());
            assertValues(new double[] {0, 0, 0, 0, 1, 0, 1, 2}, rows.values());
            assertArrayEquals(new long[] {1, 0, 1}, rows.inverse().toLongArray());
            assertArrayEquals(new long[] {1, 2}, rows.counts().toLongArray());
            UniqueResult cols = x.unique(-1, true, true, true);
            assertShape(new int[] {3, 3}, cols.values());
            assertValues(new double[] {0, 1, 2, 0, 0, 0, 0, 1, 2}, cols.values());
            assertArrayEquals(new long[] {1, 0, 1, 2}, cols.inverse().toLongArray());
            assertArrayEquals(new long[] {1, 2, 1}, cols.counts().toLongArray());
            assertArrayEquals(new long[] {5, 7}, Tensor.of(new long[] {7, 5, 7}, 3).to(d).unique(0, true, false, false)
                    .values().toLongArray());
        }));
        all(cases);
    }
}
