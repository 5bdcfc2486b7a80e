package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * int64 is computed in integers, exactly, never through double: values beyond 2^53 round-trip, arithmetic
 * wraps around on overflow (two's complement, as PyTorch), and integer division by zero raises PyTorch's
 * ZeroDivisionError (on a GPU at the next synchronization).
 */
@DisplayNameGeneration(ConformanceNames.class)
class IntegerExactTest {
    private static final long BIG = (1L << 53) + 1;

    private static Tensor longs(Device d, long... v) {
        return Tensor.of(v).to(d);
    }

    @AllDevices
    void valuesBeyondTwoToTheFiftyThreeRoundTrip(Device d) {
        Tensor x = longs(d, BIG, -BIG, Long.MAX_VALUE, Long.MIN_VALUE);
        assertArrayEquals(new long[] {BIG, -BIG, Long.MAX_VALUE, Long.MIN_VALUE}, x.toLongArray());
        assertEquals(BIG, Tensor.of(new long[] {BIG}, 1).to(d).itemLong());
        assertArrayEquals(new long[] {BIG, Long.MAX_VALUE}, x.reshape(2, 2).t().contiguous().select(0, 0)
                .toLongArray());
        assertEquals("tensor([ 9007199254740993, -9007199254740993]", x.reshape(2, 2).select(0, 0).toString()
                .substring(0, 45));
        Tensor c = Tensor.zeros(Shape.of(4), DType.INT64, d);
        c.copy_(x);
        assertArrayEquals(x.toLongArray(), c.toLongArray());
        assertArrayEquals(new long[] {BIG, 0}, Tensor.where(Tensor.of(new boolean[] {true, false}).to(d),
                longs(d, BIG, BIG), longs(d, 0, 0)).toLongArray());
    }

    @AllDevices
    void arithmeticIsExactAndWrapsAround(Device d) {
        assertArrayEquals(new long[] {-2}, longs(d, Long.MAX_VALUE).mul(2).toLongArray());
        assertArrayEquals(new long[] {-2}, longs(d, Long.MAX_VALUE).mul(longs(d, 2)).toLongArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE}, longs(d, Long.MAX_VALUE).add(1).toLongArray());
        assertArrayEquals(new long[] {BIG + 1}, longs(d, BIG).add(longs(d, 1)).toLongArray());
        assertArrayEquals(new long[] {BIG - 2}, longs(d, BIG).sub(2).toLongArray());
        assertArrayEquals(new long[] {BIG + BIG}, longs(d, BIG).add(BIG).toLongArray());
        assertArrayEquals(new long[] {-BIG, BIG, Long.MIN_VALUE}, longs(d, BIG, -BIG, Long.MIN_VALUE).neg()
                .toLongArray());
        assertArrayEquals(new long[] {BIG, BIG}, longs(d, BIG, -BIG).abs().toLongArray());
        assertArrayEquals(new long[] {1, -1, 0}, longs(d, BIG, -BIG, 0).sign().toLongArray());
        assertArrayEquals(new long[] {BIG + 1}, longs(d, BIG).maximum(longs(d, BIG + 1)).toLongArray());
        assertArrayEquals(new long[] {BIG}, longs(d, BIG).minimum(longs(d, BIG + 1)).toLongArray());
        assertArrayEquals(new long[] {BIG / 3}, longs(d, BIG).floorDivide(longs(d, 3)).toLongArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE}, longs(d, Long.MIN_VALUE).div(longs(d, -1), "trunc")
                .toLongArray());
        assertEquals(BIG + 2, longs(d, BIG, 1, 1).sum().itemLong());
        assertArrayEquals(new long[] {BIG + 1, 2}, longs(d, BIG, 1, 1, 1).reshape(2, 2).sum(new int[] {1}, false)
                .toLongArray());
        Tensor acc = longs(d, BIG);
        acc.add_(longs(d, 1)).mul_(2);
        assertArrayEquals(new long[] {2 * (BIG + 1)}, acc.toLongArray());
    }

    @AllDevices
    void reductionsAreExact(Device d) {
        long two53 = 1L << 53;
        Tensor x = longs(d, two53, two53 + 1, two53 - 1, two53 + 1);
        assertEquals(two53 + 1, x.max().itemLong(), "max past 2^53");
        assertEquals(two53 - 1, x.min().itemLong(), "min past 2^53");
        Tensor.ValuesIndices m = x.reshape(2, 2).max(1, false);
        assertArrayEquals(new long[] {two53 + 1, two53 + 1}, m.values().toLongArray());
        assertArrayEquals(new long[] {1, 1}, m.indices().toLongArray(), "the first winner, compared exactly");
        assertEquals(4 * two53 + 1, x.sum().itemLong(), "sum");
        assertEquals(Long.MIN_VALUE, longs(d, Long.MAX_VALUE, 1).sum().itemLong(), "the sum wraps around");
    }

    @AllDevices
    void comparisonsAreExact(Device d) {
        Tensor x = longs(d, BIG);
        assertArrayEquals(new double[] {1}, x.gt(BIG - 1).toDoubleArray());
        assertArrayEquals(new double[] {0}, x.eq(BIG - 1).toDoubleArray());
        assertArrayEquals(new double[] {1}, x.ne(longs(d, BIG - 1)).toDoubleArray());
        assertArrayEquals(new double[] {1}, x.le(longs(d, BIG)).toDoubleArray());
    }

    @AllDevices
    void integerDivisionByZeroRaisesZeroDivisionError(Device d) {
        Tensor n = longs(d, 1, 2), z = longs(d, 1, 0);
        assertEquals("ZeroDivisionError", assertThrows(RuntimeException.class,
                () -> n.floorDivide(z).toLongArray()).getMessage());
        assertEquals("ZeroDivisionError", assertThrows(RuntimeException.class,
                () -> n.div(z, "trunc").toLongArray()).getMessage());
        // true division promotes to float32: IEEE infinity, no error
        assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY}, n.div(z).toDoubleArray());
    }
}
