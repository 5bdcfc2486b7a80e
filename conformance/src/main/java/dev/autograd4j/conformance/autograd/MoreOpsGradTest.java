package dev.autograd4j.conformance.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck;
import org.junit.jupiter.api.DisplayNameGeneration;

/** sin, cos, reciprocal and scalar ^ tensor: values, names, first and second derivatives. */
@DisplayNameGeneration(ConformanceNames.class)
class MoreOpsGradTest {
    @AllDevices
    void valuesNamesAndGradients(Device device) {
        Generator g = new Generator(11);
        Tensor x = Tensor.rand(Shape.of(2, 3), DType.FLOAT64, device, g).add(0.5).detach().requiresGrad(true);
        double[] v = x.toDoubleArray();
        double[] sin = new double[v.length], cos = new double[v.length], inv = new double[v.length];
        double[] pow = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            sin[i] = Math.sin(v[i]);
            cos[i] = Math.cos(v[i]);
            inv[i] = 1 / v[i];
            pow[i] = Math.pow(2.5, v[i]);
        }
        assertArrayEquals(sin, x.sin().toDoubleArray(), 1e-15);
        assertArrayEquals(cos, x.cos().toDoubleArray(), 1e-15);
        assertArrayEquals(inv, x.reciprocal().toDoubleArray(), 1e-15);
        assertArrayEquals(pow, Tensor.pow(2.5, x).toDoubleArray(), 1e-14);
        assertEquals("SinBackward0", x.sin().gradFn().name());
        assertEquals("CosBackward0", x.cos().gradFn().name());
        assertEquals("ReciprocalBackward0", x.reciprocal().gradFn().name());
        assertEquals("PowBackward2", Tensor.pow(2.5, x).gradFn().name());
        assertTrue(GradCheck.gradcheck(in -> in[0].sin().mul(in[0].cos()), x));
        assertTrue(GradCheck.gradcheck(in -> in[0].reciprocal(), x));
        assertTrue(GradCheck.gradcheck(in -> Tensor.pow(2.5, in[0]), x));
        assertTrue(GradCheck.gradgradcheck(in -> in[0].sin().add(in[0].cos()).mul(in[0].reciprocal()), x));
        assertTrue(GradCheck.gradgradcheck(in -> Tensor.pow(0.7, in[0]), x));
    }
}
