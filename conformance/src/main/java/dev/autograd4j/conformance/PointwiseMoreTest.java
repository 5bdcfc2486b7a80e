package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check2;
import static dev.autograd4j.conformance.GradChecks.check1;
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
 * atan2, fmod and remainder (issue 12's common op set): gradcheck in float64 on every device, on domains away
 * from the remainders' jumps (where {@code this / other} is an integer), PyTorch's node names, exact int64
 * values with negative operands, NaN for a floating zero divisor and ZeroDivisionError for an integer one.
 */
@DisplayNameGeneration(ConformanceNames.class)
class PointwiseMoreTest {

    private static Tensor longs(Device d, long... values) {
        return Tensor.of(values, values.length).to(d);
    }

    @AllDevices
    void atan2(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("same shape", () -> check2(Tensor::atan2, randn(d, 200, 3, 4), randn(d, 201, 3, 4))));
        cases.add(named("broadcast [3,4] [4]", () -> check2(Tensor::atan2, randn(d, 202, 3, 4),
                uniform(d, 203, 0.5, 1.5, 4))));
        cases.add(named("broadcast [4] [3,1,4]", () -> check2(Tensor::atan2, randn(d, 204, 4),
                uniform(d, 205, -1.5, -0.5, 3, 1, 4))));
        cases.add(named("node and values", () -> {
            Tensor y = leaf(d, new double[] {1, 1, -1, -1, 0, 2}, 6);
            Tensor x = Tensor.of(new double[] {1, -1, 1, -1, 1, 0}, 6).to(d);
            Tensor a = y.atan2(x);
            assertEquals("Atan2Backward0", a.gradFn().name());
            double q = Math.PI / 4;
            assertArrayEquals(new double[] {q, 3 * q, -q, -3 * q, 0, Math.PI / 2}, a.toDoubleArray(), 1e-15);
        }));
        cases.add(named("integers give float32", () -> {
            Tensor r = longs(d, 1, -1).atan2(longs(d, 0, 0));
            assertEquals(DType.FLOAT32, r.dtype());
            assertArrayEquals(new double[] {Math.PI / 2, -Math.PI / 2}, r.toDoubleArray(), 1e-6);
        }));
        all(cases);
    }

    @AllDevices
    void fmodAndRemainderGradients(Device d) {
        List<Executable> cases = new ArrayList<>();
        // |this / other| in (1.47, 1.95): no jump nearby; negative dividends tell trunc from floor
        for (double sign : new double[] {1, -1}) {
            long seed = sign > 0 ? 210 : 220;
            Tensor x = uniform(d, seed, 3.1, 3.7, 3, 4).mul(sign).detach().requiresGrad(true);
            Tensor y = uniform(d, seed + 1, 1.9, 2.1, 4);
            Tensor xs = uniform(d, seed + 2, 3.1, 3.7, 3, 4).mul(sign).detach().requiresGrad(true);
            cases.add(named("fmod sign " + sign, () -> check2(Tensor::fmod, x, y)));
            cases.add(named("remainder sign " + sign, () -> check2(Tensor::remainder, x, y)));
            cases.add(named("fmod scalar sign " + sign, () -> check1(t -> t.fmod(2.0), xs)));
            cases.add(named("remainder scalar sign " + sign, () -> check1(t -> t.remainder(2.0), xs)));
            cases.add(named("remainder negative divisor sign " + sign,
                    () -> check2(Tensor::remainder, x, y.neg().detach().requiresGrad(true))));
        }
        cases.add(named("nodes and the divisor's gradient", () -> {
            Tensor a = leaf(d, new double[] {-7, 7, -7, 7}, 4), b = leaf(d, new double[] {3, 3, -3, -3}, 4);
            Tensor f = a.fmod(b);
            assertEquals("FmodBackward1", f.gradFn().name());
            f.sum().backward();
            assertArrayEquals(new double[] {1, 1, 1, 1}, a.grad().toDoubleArray());
            assertArrayEquals(new double[] {2, -2, -2, 2}, b.grad().toDoubleArray()); // -trunc(a / b)
            Tensor a2 = leaf(d, new double[] {-7, 7, -7, 7}, 4), b2 = leaf(d, new double[] {3, 3, -3, -3}, 4);
            Tensor r = a2.remainder(b2);
            assertEquals("RemainderBackward1", r.gradFn().name());
            r.sum().backward();
            assertArrayEquals(new double[] {3, -2, -2, 3}, b2.grad().toDoubleArray()); // -floor(a / b)
            assertEquals("FmodBackward0", a2.fmod(2.0).gradFn().name());
            assertEquals("RemainderBackward0", a2.remainder(2L).gradFn().name());
        }));
        all(cases);
    }

    @AllDevices
    void fmodAndRemainderValues(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("int64 exact with negative operands", () -> {
            Tensor a = longs(d, -7, 7, -7, 7, 0, Long.MIN_VALUE, Long.MAX_VALUE, -9);
            Tensor b = longs(d, 3, 3, -3, -3, 5, -1, 10, 3);
            Tensor f = a.fmod(b), r = a.remainder(b);
            assertEquals(DType.INT64, f.dtype());
            assertArrayEquals(new long[] {-1, 1, -1, 1, 0, 0, 7, 0}, f.toLongArray());
            assertArrayEquals(new long[] {2, 1, -1, -2, 0, 0, 7, 0}, r.toLongArray());
        }));
        cases.add(named("int64 with scalars", () -> {
            Tensor a = longs(d, -7, 7, -1, (1L << 53) + 1);
            assertArrayEquals(new long[] {-1, 1, -1, 0}, a.fmod(3L).toLongArray()); // 2^53 + 1 = 3 * 3002399751580331
            assertArrayEquals(new long[] {2, 1, 2, 0}, a.remainder(3L).toLongArray());
            assertArrayEquals(new long[] {-1, -2, -1, 0}, a.remainder(-3L).toLongArray());
            assertArrayEquals(new long[] {-1, 1, -1, 1}, a.fmod(-2L).toLongArray());
            Tensor h = a.remainder(2.5);
            assertEquals(DType.FLOAT32, h.dtype());
            assertArrayEquals(new double[] {0.5, 2, 1.5}, java.util.Arrays.copyOf(h.toDoubleArray(), 3), 1e-6);
        }));
        cases.add(named("floats", () -> {
            Tensor a = Tensor.of(new double[] {-7.5, 7.5, -7.5, 7.5, 5, 5, -5}, 7).to(d);
            Tensor b = Tensor.of(new double[] {2, 2, -2, -2, 0, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY}, 7).to(d);
            assertArrayEquals(new double[] {-1.5, 1.5, -1.5, 1.5, Double.NaN, 5, -5},
                    a.fmod(b).toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {0.5, 1.5, -1.5, -0.5, Double.NaN, 5, Double.POSITIVE_INFINITY},
                    a.remainder(b).toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {-1.5, 1.5, -1.5, 1.5, 1, 1, -1}, a.fmod(2.0).toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {0.5, 1.5, 0.5, 1.5, 1, 1, 1}, a.remainder(2L).toDoubleArray(), 1e-15);
        }));
        cases.add(named("float32 keeps its dtype", () -> {
            Tensor a = Tensor.of(new float[] {-7.5f, 7.5f}, 2).to(d);
            assertEquals(DType.FLOAT32, a.remainder(2L).dtype());
            assertArrayEquals(new double[] {0.5, 1.5}, a.remainder(Tensor.of(new long[] {2, 2}, 2).to(d))
                    .toDoubleArray(), 1e-6);
        }));
        cases.add(named("integer division by zero", () -> {
            Tensor n = longs(d, 1, 2), z = longs(d, 1, 0);
            assertEquals("ZeroDivisionError", assertThrows(RuntimeException.class,
                    () -> n.fmod(z).toLongArray()).getMessage());
            assertEquals("ZeroDivisionError", assertThrows(RuntimeException.class,
                    () -> n.remainder(z).toLongArray()).getMessage());
            assertEquals("ZeroDivisionError", assertThrows(ArithmeticException.class,
                    () -> n.fmod(0L)).getMessage());
            assertEquals("ZeroDivisionError", assertThrows(ArithmeticException.class,
                    () -> n.remainder(0L)).getMessage());
            assertArrayEquals(new double[] {Double.NaN, Double.NaN}, n.fmod(0.0).toDoubleArray());
        }));
        cases.add(named("bool operands refused", () -> {
            Tensor t = Tensor.of(new boolean[] {true, false}, 2).to(d);
            assertEquals("\"remainder\" not implemented for 'Bool'",
                    assertThrows(IllegalArgumentException.class, () -> t.remainder(t)).getMessage());
            assertArrayEquals(new long[] {1, 0}, t.fmod(2L).toLongArray()); // bool with an int is int64
        }));
        all(cases);
    }
}
