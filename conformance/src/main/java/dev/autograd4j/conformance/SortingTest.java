package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.distinct;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Sorting (issue 12, item 2): sort, argsort, topk, kthvalue and median on every device. Values and indices against
 * a reference sort in Java (stable, NaN largest), rows long enough for the GPU's fallback path, every dtype,
 * strided inputs, gradcheck and gradgradcheck in float64, PyTorch's node names and messages.
 */
@DisplayNameGeneration(ConformanceNames.class)
class SortingTest {

    /** The reference: a stable sort of one row's positions, NaN largest, -0.0 equal to 0.0. */
    private static long[] referenceOrder(double[] row, boolean descending) {
        Integer[] pos = new Integer[row.length];
        for (int i = 0; i < row.length; i++) {
            pos[i] = i;
        }
        Arrays.sort(pos, (a, b) -> {
            int c = compare(row[a], row[b]);
            return descending ? -c : c;
        }); // a stable merge sort
        return Arrays.stream(pos).mapToLong(Integer::longValue).toArray();
    }

    private static int compare(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b);
    }

    /** Checks sort(-1) of a [rows, n] tensor row by row against the reference. */
    private static void checkRows(Tensor x, boolean descending) {
        int rows = x.size(0), n = x.size(1);
        double[] data = x.to(DType.FLOAT64).toDoubleArray();
        Tensor.ValuesIndices r = x.sort(-1, descending, true);
        long[] idx = r.indices().toLongArray();
        double[] vals = r.values().to(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < rows; i++) {
            double[] row = Arrays.copyOfRange(data, i * n, (i + 1) * n);
            long[] want = referenceOrder(row, descending);
            long[] got = Arrays.copyOfRange(idx, i * n, (i + 1) * n);
            assertArrayEquals(want, got, "indices of row " + i + " (n = " + n + ", descending " + descending + ")");
            for (int j = 0; j < n; j++) {
                assertEquals(row[(int) want[j]], vals[i * n + j], 0.0, "value " + j + " of row " + i);
            }
        }
    }

    /** Values with many ties, a few NaNs and signed zeros, of a dtype, on a device. */
    private static Tensor messy(Device d, long seed, DType dtype, int rows, int n) {
        Random rnd = new Random(seed);
        double[] v = new double[rows * n];
        for (int i = 0; i < v.length; i++) {
            int k = rnd.nextInt(20);
            v[i] = k == 0 && dtype.isFloatingPoint() ? Double.NaN : k == 1 ? -0.0 : rnd.nextInt(9) - 4;
            if (k == 2 && dtype.isFloatingPoint()) {
                v[i] = rnd.nextGaussian();
            }
        }
        return Tensor.of(v, rows, n).to(dtype).to(d);
    }

    @AllDevices
    void sortValuesAndIndices(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (boolean desc : new boolean[] {false, true}) {
                cases.add(named(dtype + " descending " + desc, () -> {
                    checkRows(messy(d, 1, dtype, 5, 37), desc);
                    checkRows(messy(d, 2, dtype == DType.BOOL ? DType.BOOL : dtype, 2, 1), desc);
                }));
            }
        }
        for (int n : new int[] {1023, 1024, 3000, 5000, 20000}) { // the GPU's shared-memory and global paths
            cases.add(named("long rows " + n, () -> {
                checkRows(messy(d, n, DType.FLOAT32, 3, n), false);
                checkRows(messy(d, n + 1, DType.INT64, 2, n), true);
            }));
        }
        cases.add(named("int64 beyond 2^53 keeps its order", () -> {
            long big = (1L << 60) + 1;
            Tensor x = Tensor.of(new long[] {big, big - 1, Long.MIN_VALUE, Long.MAX_VALUE}, 4).to(d);
            assertArrayEquals(new long[] {2, 1, 0, 3}, x.sort().indices().toLongArray());
            assertArrayEquals(new long[] {Long.MIN_VALUE, big - 1, big, Long.MAX_VALUE}, x.sort().values().toLongArray());
        }));
        cases.add(named("dim 0 of a transposed view, 3-D, empty and 0-d", () -> {
            Tensor x = Tensor.of(new double[] {3, 1, 2, 6, 5, 4}, 2, 3).to(d).t(); // [3, 2]
            Tensor.ValuesIndices r = x.sort(0, false);
            assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, r.values().toDoubleArray());
            assertArrayEquals(new long[] {1, 2, 2, 1, 0, 0}, r.indices().toLongArray());
            Tensor y = Tensor.of(new double[] {4, 3, 2, 1, 8, 7, 6, 5}, 2, 2, 2).to(d);
            assertArrayEquals(new double[] {2, 1, 4, 3, 6, 5, 8, 7}, y.sort(1, false).values().toDoubleArray());
            assertEquals(Shape.of(0, 3), Tensor.zeros(Shape.of(0, 3), DType.FLOAT32, d).sort().values().shape());
            Tensor s = Tensor.full(Shape.of(), 2.5, DType.FLOAT64, d).sort().values();
            assertEquals(0, s.dim());
        }));
        cases.add(named("argsort", () -> {
            Tensor x = Tensor.of(new double[] {2, 1, 2, Double.NaN, 0}, 5).to(d);
            assertArrayEquals(new long[] {4, 1, 0, 2, 3}, x.argsort(0, false).toLongArray());
            assertArrayEquals(new long[] {3, 0, 2, 1, 4}, x.argsort(0, true).toLongArray());
            assertArrayEquals(new long[] {4, 1, 0, 2, 3}, x.argsort().toLongArray());
        }));
        cases.add(named("dim out of range", () -> assertThrows(IndexOutOfBoundsException.class,
                () -> Tensor.zeros(Shape.of(2, 3), DType.FLOAT32, d).sort(2, false))));
        all(cases);
    }

    @AllDevices
    void sortGradients(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (int dim : new int[] {0, 1, -1}) {
            for (boolean desc : new boolean[] {false, true}) {
                cases.add(named("gradcheck sort dim " + dim + " descending " + desc,
                        () -> check1(t -> t.sort(dim, desc).values(), distinct(d, 3, 3, 4))));
            }
        }
        cases.add(named("gradgradcheck sort", () -> assertTrue(GradCheck.gradgradcheck(
                in -> in[0].sort(1, true).values().square(), distinct(d, 4, 2, 5)))));
        cases.add(named("node names", () -> {
            Tensor x = distinct(d, 5, 4);
            assertEquals("SortBackward0", x.sort(0, false).values().gradFn().name());
            assertEquals("SortBackward1", x.sort(0, false, true).values().gradFn().name());
            assertEquals("TopkBackward0", x.topk(2).values().gradFn().name());
            assertEquals("KthvalueBackward0", x.kthvalue(2, 0, false).values().gradFn().name());
            assertEquals("MedianBackward0", x.median().gradFn().name());
            assertEquals("MedianBackward1", x.median(0, false).values().gradFn().name());
        }));
        cases.add(named("gradient lands at the source positions", () -> {
            Tensor x = leaf(d, new double[] {3, 1, 2}, 3);
            x.sort().values().mul(Tensor.of(new double[] {10, 20, 30}, 3).to(d)).sum().backward();
            assertArrayEquals(new double[] {30, 10, 20}, x.grad().toDoubleArray());
        }));
        all(cases);
    }

    @AllDevices
    void topkKthvalueMedian(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = Tensor.of(new double[] {5, 1, 4, 1, 3, 9, 2, 6}, 2, 4).to(d);
        cases.add(named("topk largest and smallest", () -> {
            Tensor.ValuesIndices big = x.topk(2, 1, true, true);
            assertArrayEquals(new double[] {5, 4, 9, 6}, big.values().toDoubleArray());
            assertArrayEquals(new long[] {0, 2, 1, 3}, big.indices().toLongArray());
            Tensor.ValuesIndices small = x.topk(3, 1, false, true);
            assertArrayEquals(new double[] {1, 1, 4, 2, 3, 6}, small.values().toDoubleArray());
            assertArrayEquals(new long[] {1, 3, 2, 2, 0, 3}, small.indices().toLongArray());
            assertEquals(Shape.of(1, 4), x.topk(1, 0, true, true).values().shape());
            assertEquals(Shape.of(2, 0), x.topk(0).values().shape());
        }));
        cases.add(named("topk k out of range", () -> assertEquals("selected index k out of range",
                assertThrows(IllegalArgumentException.class, () -> x.topk(5)).getMessage())));
        for (boolean largest : new boolean[] {true, false}) {
            cases.add(named("gradcheck topk largest " + largest,
                    () -> check1(t -> t.topk(3, 1, largest, true).values(), distinct(d, 6, 3, 5))));
        }
        cases.add(named("kthvalue", () -> {
            Tensor.ValuesIndices r = x.kthvalue(2, 1, false);
            assertArrayEquals(new double[] {1, 3}, r.values().toDoubleArray());
            assertArrayEquals(new long[] {3, 0}, r.indices().toLongArray());
            assertEquals(Shape.of(2, 1), x.kthvalue(1, 1, true).values().shape());
            assertEquals("kthvalue(): selected number k out of range for dimension 1",
                    assertThrows(IllegalArgumentException.class, () -> x.kthvalue(5, 1, false)).getMessage());
        }));
        cases.add(named("gradcheck kthvalue", () -> check1(t -> t.kthvalue(2, 0, true).values(), distinct(d, 7, 4, 3))));
        cases.add(named("median: the lower middle, NaN first", () -> {
            assertEquals(3.0, x.median().item());
            Tensor.ValuesIndices r = x.median(1, false);
            assertArrayEquals(new double[] {1, 3}, r.values().toDoubleArray());
            assertArrayEquals(new long[] {3, 0}, r.indices().toLongArray());
            Tensor withNan = Tensor.of(new double[] {1, Double.NaN, 0, Double.NaN, 2, 3, 4, 5}, 2, 4).to(d);
            Tensor.ValuesIndices n = withNan.median(1, true);
            assertTrue(Double.isNaN(n.values().toDoubleArray()[0]));
            assertArrayEquals(new long[] {1, 1}, n.indices().toLongArray());
            assertEquals(3.0, n.values().toDoubleArray()[1]);
            assertTrue(Double.isNaN(withNan.median().item()));
            assertArrayEquals(new long[] {2}, Tensor.of(new long[] {3, 1, 2, 7}, 4).to(d).median(0, false).values()
                    .reshape(1).toLongArray());
            assertEquals("median() input tensor cannot be empty", assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(Shape.of(0), DType.FLOAT32, d).median()).getMessage());
        }));
        cases.add(named("gradcheck median", () -> {
            check1(Tensor::median, distinct(d, 8, 3, 4));
            check1(t -> t.median(1, false).values(), distinct(d, 9, 3, 4));
            check1(t -> t.median(0, true).values(), distinct(d, 10, 4, 3));
        }));
        cases.add(named("median() shares the gradient among ties", () -> {
            Tensor t = leaf(d, new double[] {2, 1, 2, 3}, 4);
            t.median().backward();
            assertArrayEquals(new double[] {0.5, 0, 0.5, 0}, t.grad().toDoubleArray());
        }));
        cases.add(named("0-d input", () -> {
            Tensor s = leaf(d, new double[] {2.5});
            Tensor z = s.reshape(new int[0]);
            Tensor.ValuesIndices m = z.median(0, false);
            assertEquals(0, m.values().dim());
            assertEquals(2.5, m.values().item());
            assertEquals(0L, m.indices().itemLong());
            assertEquals(2.5, z.kthvalue(1, 0, true).values().item());
            assertEquals(2.5, z.topk(1, 0, true, true).values().item());
            assertEquals(2.5, z.median().item());
            m.values().backward();
            assertArrayEquals(new double[] {1}, s.grad().toDoubleArray());
        }));
        cases.add(named("randperm is a permutation", () -> {
            long[] p = Tensor.randperm(1000, d, new Generator(3)).toLongArray();
            long[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i]);
            }
        }));
        all(cases);
    }
}
