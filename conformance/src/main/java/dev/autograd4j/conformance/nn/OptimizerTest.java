package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.AdamW;
import dev.autograd4j.optim.CosineAnnealingLR;
import dev.autograd4j.optim.Optimizer;
import dev.autograd4j.optim.SGD;
import dev.autograd4j.optim.StepLR;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * Optimizer steps against reference values computed here, element by element in double precision,
 * from the update rules in the torch.optim documentation. The loss is {@code sum(c * p^2)} plus a
 * linear term, so the gradient at each step is {@code 2 c p + d}, known in closed form.
 */
@DisplayNameGeneration(ConformanceNames.class)
class OptimizerTest {
    private static final double[] P0 = {0.5, -1.25, 2.0, 0.1};
    private static final double[] C = {1.0, 0.5, -0.3, 2.0};
    private static final double[] D = {0.2, -0.1, 0.7, 0.0};

    private static double[] grad(double[] p) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = 2 * C[i] * p[i] + D[i];
        }
        return g;
    }

    /** Runs {@code steps} optimizer steps on the quadratic, returns p after each step. */
    private static double[][] run(Device device, Function<List<Tensor>, Optimizer> make, int steps) {
        Tensor p = Tensor.of(P0.clone(), P0.length).to(device).requiresGrad(true);
        Tensor c = Tensor.of(C, C.length).to(device);
        Tensor d = Tensor.of(D, D.length).to(device);
        Optimizer opt = make.apply(List.of(p));
        double[][] out = new double[steps][];
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            p.mul(p).mul(c).add(p.mul(d)).sum().backward();
            opt.step();
            assertTrue(p.isLeaf() && p.requiresGrad() && p.gradFn() == null);
            out[s] = p.toDoubleArray();
        }
        return out;
    }

    private static double[][] sgdReference(double lr, double mu, double damp, double wd, boolean nesterov, int steps) {
        double[] p = P0.clone();
        double[] b = null;
        double[][] out = new double[steps][];
        for (int s = 0; s < steps; s++) {
            double[] g = grad(p);
            for (int i = 0; i < p.length; i++) {
                g[i] += wd * p[i];
            }
            if (mu != 0) {
                if (b == null) {
                    b = g.clone();
                } else {
                    for (int i = 0; i < p.length; i++) {
                        b[i] = mu * b[i] + (1 - damp) * g[i];
                    }
                }
                for (int i = 0; i < p.length; i++) {
                    g[i] = nesterov ? g[i] + mu * b[i] : b[i];
                }
            }
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
            out[s] = p.clone();
        }
        return out;
    }

    private static double[][] adamReference(double lr, double b1, double b2, double eps, double wd, boolean decoupled,
                                            boolean amsgrad, int steps) {
        double[] p = P0.clone();
        double[] m = new double[p.length], v = new double[p.length], vmax = new double[p.length];
        double[][] out = new double[steps][];
        for (int t = 1; t <= steps; t++) {
            double[] g = grad(p);
            for (int i = 0; i < p.length; i++) {
                if (decoupled) {
                    p[i] -= lr * wd * p[i];
                } else {
                    g[i] += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                vmax[i] = Math.max(vmax[i], v[i]);
                double vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            out[t - 1] = p.clone();
        }
        return out;
    }

    private static void assertClose(double[][] expected, double[][] actual) {
        for (int s = 0; s < expected.length; s++) {
            assertArrayEquals(expected[s], actual[s], 1e-12, "after step " + (s + 1));
        }
    }

    @AllDevices
    void sgdVariantsMatchTheDocumentedUpdate(Device device) {
        int steps = 5;
        assertClose(sgdReference(0.1, 0, 0, 0, false, steps), run(device, ps -> new SGD(ps, 0.1), steps));
        assertClose(sgdReference(0.05, 0.9, 0, 0, false, steps), run(device, ps -> new SGD(ps, 0.05, 0.9), steps));
        assertClose(sgdReference(0.05, 0.9, 0.3, 0.01, false, steps),
                run(device, ps -> new SGD(ps, 0.05, 0.9, 0.3, 0.01, false), steps));
        assertClose(sgdReference(0.05, 0.8, 0, 0.02, true, steps),
                run(device, ps -> new SGD(ps, 0.05, 0.8, 0, 0.02, true), steps));
    }

    @AllDevices
    void adamAndAdamWMatchTheDocumentedUpdate(Device device) {
        int steps = 6;
        assertClose(adamReference(0.01, 0.9, 0.999, 1e-8, 0, false, false, steps),
                run(device, ps -> new Adam(ps, 0.01), steps));
        assertClose(adamReference(0.02, 0.8, 0.99, 1e-6, 0.1, false, false, steps),
                run(device, ps -> new Adam(ps, 0.02, 0.8, 0.99, 1e-6, 0.1, false), steps));
        assertClose(adamReference(0.05, 0.9, 0.999, 1e-8, 0, false, true, steps),
                run(device, ps -> new Adam(ps, 0.05, 0.9, 0.999, 1e-8, 0, true), steps));
        assertClose(adamReference(0.01, 0.9, 0.999, 1e-8, 0.01, true, false, steps),
                run(device, ps -> new AdamW(ps, 0.01), steps));
        assertClose(adamReference(0.03, 0.85, 0.95, 1e-7, 0.5, true, false, steps),
                run(device, ps -> new AdamW(ps, 0.03, 0.85, 0.95, 1e-7, 0.5, false), steps));
    }

    @Test
    void float32ParametersFollowTheSameRuleWithinFloatPrecision() {
        Tensor p = Tensor.of(new float[] {0.5f, -1.25f, 2.0f, 0.1f}, 4).requiresGrad(true);
        Tensor c = Tensor.of(new float[] {1.0f, 0.5f, -0.3f, 2.0f}, 4);
        Tensor d = Tensor.of(new float[] {0.2f, -0.1f, 0.7f, 0.0f}, 4);
        Adam adam = new Adam(List.of(p), 0.01);
        for (int s = 0; s < 3; s++) {
            adam.zeroGrad();
            p.mul(p).mul(c).add(p.mul(d)).sum().backward();
            adam.step();
        }
        double[][] ref = adamReference(0.01, 0.9, 0.999, 1e-8, 0, false, false, 3);
        assertArrayEquals(ref[2], p.toDoubleArray(), 1e-6);
        assertEquals(DType.FLOAT32, p.dtype());
    }

    @Test
    void zeroGradSetsToNoneByDefaultAndStepSkipsParametersWithoutGrad() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
        SGD opt = new SGD(List.of(a, b), 0.5, 0.9);
        a.mul(a).sum().backward();
        assertNotNull(a.grad());
        assertNull(b.grad());
        opt.step();
        assertArrayEquals(new double[] {0, 0}, a.toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, b.toDoubleArray(), 0.0);
        opt.zeroGrad();
        assertNull(a.grad());
        a.sum().backward();
        opt.zeroGrad(false);
        assertArrayEquals(new double[] {0, 0}, a.grad().toDoubleArray());
        assertEquals(1, opt.stepCount());
    }

    @Test
    void badArgumentsAreRejectedWithAClearMessage() {
        Tensor p = Tensor.zeros(Shape.of(2), DType.FLOAT32, Device.cpu()).requiresGrad(true);
        assertEquals("optimizer got an empty parameter list",
                assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1)).getMessage());
        assertEquals("Invalid learning rate: -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), -0.1)).getMessage());
        Tensor frozen = Tensor.zeros(2);
        String msg = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(frozen), 0.1)).getMessage();
        assertTrue(msg.startsWith("optimizer got only frozen parameters"), msg);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p.mul(2.0)), 0.1))
                .getMessage().startsWith("can't optimize a non-leaf Tensor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p, p), 0.1))
                .getMessage().contains("more than once"));
        assertEquals("Invalid beta parameter at index 1: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adam(List.of(p), 0.1, 0.9, 1.0, 1e-8, 0, false)).getMessage());
        assertEquals("Invalid momentum value: -0.5",
                assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1, -0.5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1, 0, 0, 0, true));
        SGD ok = new SGD(List.of(p, Tensor.zeros(2)), 0.1); // frozen mixed with trainable is fine
        assertThrows(IllegalArgumentException.class, () -> ok.setLr(Double.NaN));
    }

    @Test
    void stepAndCosineSchedulesFollowTheirFormulas() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 1.0);
        StepLR step = new StepLR(opt, 3, 0.5);
        double[] expected = {1, 1, 1, 0.5, 0.5, 0.5, 0.25};
        for (int e = 1; e < expected.length; e++) {
            step.step();
            assertEquals(expected[e], opt.lr(), 1e-15, "epoch " + e);
        }
        SGD opt2 = new SGD(List.of(p), 0.1);
        CosineAnnealingLR cos = new CosineAnnealingLR(opt2, 4, 0.01);
        double[] want = {0.1, 0.08681980515339464, 0.055, 0.02318019484660536, 0.01};
        for (int e = 1; e < want.length; e++) {
            cos.step();
            assertEquals(want[e], cos.lastLr(), 1e-15, "epoch " + e);
        }
        assertEquals(4, cos.lastEpoch());
    }
}
