package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * PyTorch's type promotion ({@code torch.result_type}): categories bool &lt; integer &lt; floating, a Java double
 * taking part as a Python float and a long as a Python int, true division, rounding division, in-place ops
 * that refuse a result their destination cannot hold, and the names of ops with a scalar operand.
 */
@DisplayNameGeneration(ConformanceNames.class)
class TypePromotionTest {
    private static Tensor longs(Device d, long... v) {
        return Tensor.of(v).to(d);
    }

    private static Tensor bools(Device d, boolean... v) {
        return Tensor.of(v).to(d);
    }

    private static Tensor typed(Device d, DType dtype, double... v) {
        return Tensor.of(v).to(d).to(dtype);
    }

    @AllDevices
    void resultTypeFollowsTorchResultType(Device d) {
        Tensor f32 = typed(d, DType.FLOAT32, 1, 2), f64 = typed(d, DType.FLOAT64, 1, 2);
        Tensor i64 = longs(d, 1, 2), b = bools(d, true, false);
        Tensor f64Scalar = Tensor.full(Shape.of(), 1, DType.FLOAT64, d);
        Tensor i64Scalar = Tensor.full(Shape.of(), 1, DType.INT64, d);
        assertEquals(DType.FLOAT64, Tensor.resultType(f32, f64));
        assertEquals(DType.FLOAT32, Tensor.resultType(i64, f32));
        assertEquals(DType.INT64, Tensor.resultType(b, i64));
        assertEquals(DType.BOOL, Tensor.resultType(b, b));
        // a 0-d tensor counts only by a higher category
        assertEquals(DType.FLOAT32, Tensor.resultType(f32, f64Scalar));
        assertEquals(DType.FLOAT64, Tensor.resultType(i64, f64Scalar));
        assertEquals(DType.FLOAT32, Tensor.resultType(f32, i64Scalar));
        assertEquals(DType.INT64, Tensor.resultType(b, i64Scalar));
        // Java scalars: a double as a Python float (the default dtype, float32), a long as a Python int
        assertEquals(DType.FLOAT32, Tensor.resultType(f32, 0.5));
        assertEquals(DType.FLOAT64, Tensor.resultType(f64, 0.5));
        assertEquals(DType.FLOAT32, Tensor.resultType(i64, 0.5));
        assertEquals(DType.FLOAT32, Tensor.resultType(b, 0.5));
        assertEquals(DType.INT64, Tensor.resultType(i64, 2L));
        assertEquals(DType.INT64, Tensor.resultType(b, 2L));
        assertEquals(DType.FLOAT32, Tensor.resultType(f32, 2L));
    }

    @AllDevices
    void integersAndBoolsPromoteInsteadOfTruncating(Device d) {
        Tensor sum = longs(d, 1, 2).add(0.5);
        assertEquals(DType.FLOAT32, sum.dtype());
        assertArrayEquals(new double[] {1.5, 2.5}, sum.toDoubleArray());
        Tensor q = longs(d, 1, 3).div(2);
        assertEquals(DType.FLOAT32, q.dtype());
        assertArrayEquals(new double[] {0.5, 1.5}, q.toDoubleArray());
        Tensor q2 = longs(d, 1, 3).div(longs(d, 2, 2));
        assertEquals(DType.FLOAT32, q2.dtype());
        assertArrayEquals(new double[] {0.5, 1.5}, q2.toDoubleArray());
        Tensor twice = bools(d, true, false).mul(2);
        assertEquals(DType.INT64, twice.dtype());
        assertArrayEquals(new long[] {2, 0}, twice.toLongArray());
        Tensor half = bools(d, true, false).mul(0.5);
        assertEquals(DType.FLOAT32, half.dtype());
        assertArrayEquals(new double[] {0.5, 0}, half.toDoubleArray());
        Tensor kept = longs(d, 1, 2).add(3);
        assertEquals(DType.INT64, kept.dtype());
        assertArrayEquals(new long[] {4, 5}, kept.toLongArray());
        Tensor mixed = longs(d, 1, 2).mul(typed(d, DType.FLOAT64, 0.5, 0.25));
        assertEquals(DType.FLOAT64, mixed.dtype());
        assertArrayEquals(new double[] {0.5, 0.5}, mixed.toDoubleArray());
        assertEquals(DType.FLOAT32, typed(d, DType.FLOAT32, 1, 2).add(typed(d, DType.FLOAT64, 1, 2).sum()).dtype());
        Tensor m = longs(d, 1, 5).maximum(typed(d, DType.FLOAT32, 2, 3));
        assertEquals(DType.FLOAT32, m.dtype());
        assertArrayEquals(new double[] {2, 5}, m.toDoubleArray());
        Tensor w = Tensor.where(bools(d, true, false), longs(d, 7, 7), typed(d, DType.FLOAT64, 0.5, 0.5));
        assertEquals(DType.FLOAT64, w.dtype());
        assertArrayEquals(new double[] {7, 0.5}, w.toDoubleArray());
    }

    @AllDevices
    void mathFunctionsComputeIntegersInFloat32AndBoolsSumToInt64(Device d) {
        Tensor r = longs(d, 1, 4).sqrt();
        assertEquals(DType.FLOAT32, r.dtype());
        assertArrayEquals(new double[] {1, 2}, r.toDoubleArray());
        assertEquals(DType.FLOAT32, longs(d, 2, 3).pow(2).dtype());
        assertArrayEquals(new double[] {4, 9}, longs(d, 2, 3).pow(2).toDoubleArray());
        assertEquals(DType.FLOAT32, bools(d, true).exp().dtype());
        Tensor count = bools(d, true, true, false).sum();
        assertEquals(DType.INT64, count.dtype());
        assertEquals(2, count.itemLong());
        assertArrayEquals(new long[] {1, 1}, bools(d, true, false, true, false).reshape(2, 2).sum(new int[] {1}, false)
                .toLongArray());
    }

    @AllDevices
    void comparisonsPromote(Device d) {
        Tensor i = longs(d, 1, 2);
        assertArrayEquals(new double[] {1, 0}, i.lt(1.5).toDoubleArray());
        assertArrayEquals(new double[] {0, 1}, i.gt(typed(d, DType.FLOAT32, 1.5, 1.5)).toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, i.eq(1.5).toDoubleArray());
        assertArrayEquals(new double[] {1, 0}, i.eq(1).toDoubleArray());
        assertArrayEquals(new double[] {0, 1}, typed(d, DType.FLOAT64, 0.1, 0.2).ne(0.1).toDoubleArray());
    }

    @AllDevices
    void floatsOfTwoWidthsGiveTheWiderWithGradientsInTheirOwnDtype(Device d) {
        Tensor a = typed(d, DType.FLOAT32, 1, 2).requiresGrad(true);
        Tensor b = typed(d, DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor y = a.mul(b);
        assertEquals(DType.FLOAT64, y.dtype());
        y.sum().backward();
        assertEquals(DType.FLOAT32, a.grad().dtype());
        assertEquals(DType.FLOAT64, b.grad().dtype());
        assertArrayEquals(new double[] {3, 4}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 2}, b.grad().toDoubleArray());
    }

    @AllDevices
    void roundingDivision(Device d) {
        Tensor n = longs(d, -7, 7, -8, 8), k = longs(d, 2, 2, -3, -3);
        Tensor floor = n.div(k, "floor");
        assertEquals(DType.INT64, floor.dtype());
        assertArrayEquals(new long[] {-4, 3, 2, -3}, floor.toLongArray());
        assertArrayEquals(new long[] {-4, 3, 2, -3}, n.floorDivide(k).toLongArray());
        assertArrayEquals(new long[] {-3, 3, 2, -2}, n.div(k, "trunc").toLongArray());
        Tensor x = typed(d, DType.FLOAT64, -7, 7, -8, 8), y = typed(d, DType.FLOAT64, 2, 2, -3, -3);
        assertArrayEquals(new double[] {-4, 3, 2, -3}, x.div(y, "floor").toDoubleArray());
        assertArrayEquals(new double[] {-3, 3, 2, -2}, x.div(y, "trunc").toDoubleArray());
        assertEquals(DType.FLOAT32, n.div(typed(d, DType.FLOAT32, 2, 2, 2, 2), "floor").dtype());
        assertArrayEquals(new double[] {-3.5, 3.5}, longs(d, -7, 7).div(longs(d, 2, 2), null).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> n.div(k, "round"));
    }

    @AllDevices
    void inPlaceOpsRefuseResultsTheirDestinationCannotHold(Device d) {
        Tensor i = longs(d, 1, 2);
        assertEquals("result type Float can't be cast to the desired output type Long",
                assertThrows(IllegalArgumentException.class, () -> i.add_(0.5)).getMessage());
        assertEquals("result type Float can't be cast to the desired output type Long",
                assertThrows(IllegalArgumentException.class, () -> i.div_(2)).getMessage());
        assertEquals("result type Float can't be cast to the desired output type Long",
                assertThrows(IllegalArgumentException.class,
                        () -> i.mul_(typed(d, DType.FLOAT32, 1, 2))).getMessage());
        assertEquals("result type Long can't be cast to the desired output type Bool",
                assertThrows(IllegalArgumentException.class, () -> bools(d, true).add_(1)).getMessage());
        assertArrayEquals(new long[] {1, 2}, i.toLongArray());
        i.add_(3).mul_(bools(d, true, false));
        assertArrayEquals(new long[] {4, 0}, i.toLongArray());
        Tensor f = typed(d, DType.FLOAT32, 1, 2);
        f.add_(typed(d, DType.FLOAT64, 0.5, 0.5)).mul_(longs(d, 2, 3));
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new double[] {3, 7.5}, f.toDoubleArray());
    }

    @AllDevices
    void opsWithAScalarAreNamedAsInPythonWithANullEdge(Device d) {
        Tensor a = typed(d, DType.FLOAT32, 1, 2).requiresGrad(true);
        assertEquals("AddBackward0", a.add(2.0).gradFn().name());
        assertEquals("SubBackward0", a.sub(2.0).gradFn().name());
        assertEquals("MulBackward0", a.mul(3.0).gradFn().name());
        assertEquals("DivBackward0", a.div(2.0).gradFn().name());
        var next = a.add(5).gradFn().nextFunctions();
        assertEquals(2, next.size());
        assertEquals("AccumulateGrad", next.get(0).name());
        assertNull(next.get(1));
        Tensor y = a.mul(3.0).add(1.0);
        y.sum().backward();
        assertArrayEquals(new double[] {3, 3}, a.grad().toDoubleArray());
        assertEquals(Arrays.asList(y.gradFn().nextFunctions().get(0), null), y.gradFn().nextFunctions());
    }
}
