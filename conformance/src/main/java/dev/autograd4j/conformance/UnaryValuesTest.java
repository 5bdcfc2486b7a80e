package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * Values of the unary ops where PyTorch defines them exactly: rounding modes, special values (NaN, infinities,
 * signed zeros), the subgradients at kinks and bounds, dtype rules. The gradients are gradchecked in
 * {@link GradCheckOpsTest}.
 */
@DisplayNameGeneration(ConformanceNames.class)
class UnaryValuesTest {

    private static Tensor of(Device d, double... v) {
        return Tensor.of(v, v.length).to(d);
    }

    @AllDevices
    void roundingOps(Device d) {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = of(d, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.7, 0.7).to(t);
            assertArrayEquals(new double[] {-2, -2, -0.0, 0, 2, 2, -1, 1}, x.round().toDoubleArray(), 0, "round " + t);
            assertArrayEquals(new double[] {-3, -2, -1, 0, 1, 2, -1, 0}, x.floor().toDoubleArray(), 0, "floor " + t);
            assertArrayEquals(new double[] {-2, -1, -0.0, 1, 2, 3, -0.0, 1}, x.ceil().toDoubleArray(), 0, "ceil " + t);
            assertArrayEquals(new double[] {-2, -1, -0.0, 0, 1, 2, -0.0, 0}, x.trunc().toDoubleArray(), 0, "trunc " + t);
        }
        // integers round to themselves, as in PyTorch
        Tensor ints = Tensor.of(new long[] {-3, 0, 7}, 3).to(d);
        assertArrayEquals(new long[] {-3, 0, 7}, ints.floor().toLongArray());
        assertArrayEquals(new long[] {-3, 0, 7}, ints.round().toLongArray());
        assertEquals(DType.INT64, ints.trunc().dtype());
    }

    @AllDevices
    void specialValues(Device d) {
        Tensor x = of(d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -1.5);
        assertArrayEquals(new boolean[] {true, false, false, false, false}, bools(x.isnan()));
        assertArrayEquals(new boolean[] {false, true, true, false, false}, bools(x.isinf()));
        assertArrayEquals(new boolean[] {false, false, false, true, true}, bools(x.isfinite()));
        Tensor ints = Tensor.of(new long[] {1, -2}, 2).to(d);
        assertArrayEquals(new boolean[] {false, false}, bools(ints.isnan()));
        assertArrayEquals(new boolean[] {true, true}, bools(ints.isfinite()));
        assertArrayEquals(new double[] {1, 0, -1}, of(d, Double.POSITIVE_INFINITY, 0, Double.NEGATIVE_INFINITY).erf()
                .toDoubleArray(), 0);
        double[] g = of(d, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY).gelu().toDoubleArray();
        assertTrue(Double.isNaN(g[0]), "gelu(NaN)");
        assertEquals(Double.POSITIVE_INFINITY, g[2], 0, "gelu(inf)");
        assertTrue(Double.isNaN(of(d, Double.NaN).leakyRelu(0.1).item()), "leakyRelu(NaN)");
        assertArrayEquals(new double[] {-3, 0, 10}, of(d, 0.125, 1, 1024).log2().toDoubleArray(), 0);
        assertArrayEquals(new double[] {-2, 0, 3}, of(d, 0.01, 1, 1000).log10().toDoubleArray(), 1e-15);
        assertEquals(1.00000000005e-10, of(d, 1e-10).expm1().item(), 1e-24, "expm1 keeps its digits near 0");
    }

    @AllDevices
    void hardtanhPassesGradientStrictlyInside(Device d) {
        Tensor x = of(d, -2, -1, -0.5, 0.5, 1, 2).requiresGrad(true);
        Tensor y = x.hardtanh(-1, 1);
        assertArrayEquals(new double[] {-1, -1, -0.5, 0.5, 1, 1}, y.toDoubleArray(), 0);
        y.sum().backward();
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0}, x.grad().toDoubleArray(), 0, "hardtanh_backward: min < x < max");
    }

    @AllDevices
    void reluBackwardSelectsAsThresholdBackward(Device d) {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = of(d, -1, 0, 2, Double.NaN, 3, -4, 5, 6, 7, -8).to(t).requiresGrad(true);
            Tensor g = of(d, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 1, 2, 3, 4, 5, 6, 7, 8).to(t);
            x.relu().backward(g);
            assertArrayEquals(new double[] {0, 0, 1, 2, 3, 0, 5, 6, 7, 0}, x.grad().toDoubleArray(), 0,
                    "zeroed where relu(x) <= 0 (no 0 * inf = NaN), passed where it is NaN, " + t);
        }
        Tensor x = of(d, -1, 2).requiresGrad(true); // a recorded second derivative composes ops that record
        Tensor gx = dev.autograd4j.Autograd.grad(new Tensor[] {x.relu().mul(x).sum()}, new Tensor[] {x}, null,
                true, true, false)[0];
        assertArrayEquals(new double[] {0, 4}, gx.toDoubleArray(), 0);
        assertTrue(gx.requiresGrad());
    }

    @AllDevices
    void kinksTakePyTorchsSubgradients(Device d) {
        Tensor x = of(d, 0, 0).requiresGrad(true);
        x.leakyRelu(0.2).sum().backward();
        assertArrayEquals(new double[] {0.2, 0.2}, x.grad().toDoubleArray(), 0, "leaky_relu'(0) = slope");
        Tensor e = of(d, 0).requiresGrad(true);
        e.elu(0.5).backward();
        assertEquals(0.5, e.grad().item(), 0, "elu'(0) = alpha, from the left branch");
    }

    @AllDevices
    void floatingOnlyOpsRefuseIntegers(Device d) {
        Tensor ints = Tensor.of(new long[] {1, 2}, 2).to(d);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ints::gelu);
        assertEquals("\"gelu\" not implemented for 'Long'", e.getMessage());
        assertEquals(DType.FLOAT32, ints.erf().dtype(), "math functions compute integers in float32, as PyTorch");
        assertThrows(IllegalArgumentException.class, () -> ints.hardtanh(-1, 1));
        assertFalse(ints.sign().dtype().isFloatingPoint(), "sign keeps int64");
    }

    private static boolean[] bools(Tensor t) {
        assertEquals(DType.BOOL, t.dtype());
        double[] v = t.toDoubleArray();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] != 0;
        }
        return b;
    }
}
