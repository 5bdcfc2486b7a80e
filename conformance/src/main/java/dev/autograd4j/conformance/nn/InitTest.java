package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.Init;
import dev.autograd4j.nn.Linear;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * {@code nn.init} against PyTorch's formulas: bounds are checked exactly, the standard deviations
 * statistically (with a fixed seed, on about 10^5 samples, within 2%, about ten standard errors).
 */
@DisplayNameGeneration(ConformanceNames.class)
class InitTest {
    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0, sq = 0, maxAbs = 0;
        for (double x : v) {
            sum += x;
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        double mean = sum / v.length;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(sq / (v.length - 1)), maxAbs};
    }

    private static void assertUniform(Tensor t, double lo, double hi) {
        double[] s = stats(t);
        for (double x : t.toDoubleArray()) {
            assertTrue(x >= lo && x <= hi, x + " outside [" + lo + ", " + hi + "]");
        }
        double width = hi - lo;
        assertEquals((lo + hi) / 2, s[0], 0.01 * width, "mean");
        assertEquals(width / Math.sqrt(12), s[1], 0.02 * width / Math.sqrt(12), "std");
        assertTrue(s[2] > 0.99 * Math.max(Math.abs(lo), Math.abs(hi)), "fills the interval");
    }

    private static void assertNormal(Tensor t, double mean, double std) {
        double[] s = stats(t);
        assertEquals(mean, s[0], 0.02 * std, "mean");
        assertEquals(std, s[1], 0.02 * std, "std");
    }

    @AllDevices
    void kaimingAndXavierHaveTheirStandardDeviations(Device device) {
        Generator gen = new Generator(2024);
        Tensor w = Tensor.zeros(Shape.of(256, 512), DType.FLOAT64, device);
        double bound = Math.sqrt(3.0) * Math.sqrt(2.0) / Math.sqrt(512);   // a = 0: leaky_relu gain sqrt(2)
        assertSame(w, Init.kaimingUniform_(w, 0, "fan_in", "leaky_relu", gen));
        assertUniform(w, -bound, bound);

        Tensor conv = Tensor.zeros(Shape.of(128, 64, 3, 5), DType.FLOAT32, device);    // fan_out = 128 * 15
        Init.kaimingNormal_(conv, 0, "fan_out", "relu", gen);
        assertNormal(conv, 0, Math.sqrt(2.0) / Math.sqrt(128 * 15));

        Tensor lr = Tensor.zeros(Shape.of(300, 400), DType.FLOAT64, device);
        Init.kaimingUniform_(lr, 0.2, "fan_in", "leaky_relu", gen);
        double b2 = Math.sqrt(3.0) * Math.sqrt(2.0 / (1 + 0.04)) / Math.sqrt(400);
        assertUniform(lr, -b2, b2);

        Tensor x = Tensor.zeros(Shape.of(300, 500), DType.FLOAT64, device);
        Init.xavierUniform_(x, Init.calculateGain("tanh"), gen);
        double a = 5.0 / 3 * Math.sqrt(6.0 / 800);
        assertUniform(x, -a, a);

        Init.xavierNormal_(x, 1.0, gen);
        assertNormal(x, 0, Math.sqrt(2.0 / 800));
    }

    @AllDevices
    void uniformNormalAndConstantsFillParametersInPlace(Device device) {
        Generator gen = new Generator(5);
        Linear layer = new Linear(400, 300, true, DType.FLOAT32, device, gen);
        Tensor w = layer.weight();
        int version = w.version();
        Init.uniform_(w, -0.5, 1.5, gen);
        assertTrue(w.isLeaf() && w.requiresGrad() && w.gradFn() == null, "still a leaf parameter");
        assertTrue(w.version() > version, "written in place");
        assertUniform(w, -0.5, 1.5);
        Init.normal_(w, 3.0, 0.25, gen);
        assertNormal(w, 3.0, 0.25);
        Init.constant_(layer.bias(), 0.75);
        assertArrayEquals(new float[300], layer.bias().sub(0.75).toFloatArray(), 0f);
        Init.zeros_(layer.bias());
        assertEquals(0.0, layer.bias().abs().sum().item());
        Init.ones_(layer.bias());
        assertEquals(300.0, layer.bias().sum().item());
        assertNull(w.grad());
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        Function<Long, double[]> draw = seed -> {
            Tensor t = Tensor.zeros(Shape.of(4, 6), DType.FLOAT64, Device.cpu());
            return Init.kaimingNormal_(t, 0, "fan_in", "relu", new Generator(seed)).toDoubleArray();
        };
        assertArrayEquals(draw.apply(11L), draw.apply(11L), 0.0);
        assertTrue(draw.apply(11L)[0] != draw.apply(12L)[0]);
    }

    @Test
    void gainsFansAndBadInput() {
        assertEquals(1.0, Init.calculateGain("linear"));
        assertEquals(1.0, Init.calculateGain("sigmoid"));
        assertEquals(1.0, Init.calculateGain("conv2d"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2.0), Init.calculateGain("relu"));
        assertEquals(Math.sqrt(2.0 / (1 + 0.01 * 0.01)), Init.calculateGain("leaky_relu"));
        assertEquals(Math.sqrt(2.0 / 1.25), Init.calculateGain("leaky_relu", 0.5));
        assertEquals(0.75, Init.calculateGain("selu"));
        assertEquals("Unsupported nonlinearity gelu",
                assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("gelu")).getMessage());
        assertArrayEquals(new long[] {64 * 9, 32 * 9}, Init.calculateFanInAndFanOut(Tensor.zeros(32, 64, 3, 3)));
        assertEquals("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
                assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform_(Tensor.zeros(5)))
                        .getMessage());
        assertEquals("Mode fan_avg not supported, please use one of fan_in, fan_out",
                assertThrows(IllegalArgumentException.class,
                        () -> Init.kaimingNormal_(Tensor.zeros(3, 3), 0, "fan_avg", "relu", new Generator(1)))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Init.normal_(Tensor.zeros(3), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform_(Tensor.zeros(3), 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Init.uniform_(Tensor.zeros(Shape.of(3), DType.INT64, Device.cpu()), 0, 1));
    }
}
