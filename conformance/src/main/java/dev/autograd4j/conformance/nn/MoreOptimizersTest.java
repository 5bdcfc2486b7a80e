package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.optim.Adagrad;
import dev.autograd4j.optim.LinearLR;
import dev.autograd4j.optim.OneCycleLR;
import dev.autograd4j.optim.Optimizer;
import dev.autograd4j.optim.RMSprop;
import dev.autograd4j.optim.ReduceLROnPlateau;
import dev.autograd4j.optim.SGD;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * RMSprop and Adagrad against references computed here in float64 from the update rules of torch/optim/rmsprop.py
 * and adagrad.py, on {@code sum(c * p^2) + d . p} (gradient {@code 2 c p + d}); LinearLR, OneCycleLR and
 * ReduceLROnPlateau against values worked out by hand from torch/optim/lr_scheduler.py.
 */
@DisplayNameGeneration(ConformanceNames.class)
class MoreOptimizersTest {
    private static final double[] P0 = {0.5, -1.25, 2.0, 0.1};
    private static final double[] C = {1.0, 0.5, -0.3, 2.0};
    private static final double[] D = {0.2, -0.1, 0.7, 0.0};
    private static final int STEPS = 6;

    private static double[][] run(Device device, Function<List<Tensor>, Optimizer> make) {
        Tensor p = Tensor.of(P0.clone(), P0.length).to(device).requiresGrad(true);
        Tensor c = Tensor.of(C, C.length).to(device);
        Tensor d = Tensor.of(D, D.length).to(device);
        Optimizer opt = make.apply(List.of(p));
        double[][] out = new double[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            opt.zeroGrad();
            p.mul(p).mul(c).add(p.mul(d)).sum().backward();
            opt.step();
            out[s] = p.toDoubleArray();
        }
        return out;
    }

    private static double[][] rmspropReference(double lr, double alpha, double eps, double wd, double mu,
                                               boolean centered) {
        double[] p = P0.clone();
        int n = p.length;
        double[] sq = new double[n], gAvg = new double[n], buf = new double[n];
        double[][] out = new double[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            for (int i = 0; i < n; i++) {
                double g = 2 * C[i] * p[i] + D[i] + wd * p[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                double avg;
                if (centered) {
                    gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
                    avg = Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
                } else {
                    avg = Math.sqrt(sq[i]) + eps;
                }
                if (mu > 0) {
                    buf[i] = mu * buf[i] + g / avg;
                    p[i] -= lr * buf[i];
                } else {
                    p[i] -= lr * g / avg;
                }
            }
            out[s] = p.clone();
        }
        return out;
    }

    private static double[][] adagradReference(double lr, double lrDecay, double wd, double init, double eps) {
        double[] p = P0.clone();
        double[] sum = new double[p.length];
        java.util.Arrays.fill(sum, init);
        double[][] out = new double[STEPS][];
        for (int t = 1; t <= STEPS; t++) {
            double clr = lr / (1 + (t - 1) * lrDecay);
            for (int i = 0; i < p.length; i++) {
                double g = 2 * C[i] * p[i] + D[i] + wd * p[i];
                sum[i] += g * g;
                p[i] -= clr * g / (Math.sqrt(sum[i]) + eps);
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
    void rmspropMatchesPyTorchsUpdate(Device device) {
        assertClose(rmspropReference(0.01, 0.99, 1e-8, 0, 0, false), run(device, ps -> new RMSprop(ps, 0.01)));
        assertClose(rmspropReference(0.02, 0.9, 1e-6, 0.1, 0.8, false),
                run(device, ps -> new RMSprop(ps, 0.02, 0.9, 1e-6, 0.1, 0.8, false)));
        assertClose(rmspropReference(0.02, 0.9, 1e-6, 0, 0, true),
                run(device, ps -> new RMSprop(ps, 0.02, 0.9, 1e-6, 0, 0, true)));
        assertClose(rmspropReference(0.01, 0.95, 1e-8, 0.05, 0.5, true),
                run(device, ps -> new RMSprop(ps, 0.01, 0.95, 1e-8, 0.05, 0.5, true)));
    }

    @AllDevices
    void adagradMatchesPyTorchsUpdate(Device device) {
        assertClose(adagradReference(0.01, 0, 0, 0, 1e-10), run(device, ps -> new Adagrad(ps, 0.01)));
        assertClose(adagradReference(0.1, 0.05, 0.01, 0.3, 1e-8),
                run(device, ps -> new Adagrad(ps, 0.1, 0.05, 0.01, 0.3, 1e-8)));
    }

    @Test
    void badOptimizerArguments() {
        List<Tensor> ps = List.of(Tensor.zeros(2).requiresGrad(true));
        assertEquals("Invalid alpha value: -0.1", assertThrows(IllegalArgumentException.class,
                () -> new RMSprop(ps, 0.01, -0.1, 1e-8, 0, 0, false)).getMessage());
        assertEquals("Invalid lr_decay value: -1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adagrad(ps, 0.01, -1, 0, 0, 1e-10)).getMessage());
        assertEquals("Invalid initial_accumulator_value value: -1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adagrad(ps, 0.01, 0, 0, -1, 1e-10)).getMessage());
    }

    private static SGD sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), lr);
    }

    @Test
    void linearLrRampsTheFactor() {
        SGD opt = sgd(0.1);
        LinearLR s = new LinearLR(opt, 0.25, 1.0, 4);
        double[] expected = {0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.1};
        assertEquals(expected[0], opt.lr(), 1e-15);
        for (int e = 1; e < expected.length; e++) {
            s.step();
            assertEquals(expected[e], opt.lr(), 1e-15, "epoch " + e);
        }
        SGD defaults = sgd(0.3);
        new LinearLR(defaults);
        assertEquals(0.1, defaults.lr(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LinearLR(sgd(0.1), 0, 1, 5));
    }

    @Test
    void oneCycleLrFollowsTheCosineCycle() {
        SGD opt = sgd(123);
        OneCycleLR s = new OneCycleLR(opt, 1.0, 10);   // initial 0.04, peak at step 2, 4e-6 at step 9
        double[] lrs = new double[11];
        lrs[0] = opt.lr();
        for (int i = 1; i <= 10; i++) {
            s.step();
            lrs[i] = opt.lr();
        }
        assertEquals(0.04, lrs[0], 1e-15);
        assertEquals(0.52, lrs[1], 1e-15);   // halfway up the cosine: (0.04 + 1) / 2
        assertEquals(1.0, lrs[2], 1e-15);
        for (int i = 3; i <= 10; i++) {
            double pct = (i - 2) / 7.0;
            double expected = 4e-6 + (1.0 - 4e-6) / 2 * (1 + Math.cos(Math.PI * pct));
            assertEquals(expected, lrs[i], 1e-15, "step " + i);
        }
        assertEquals(4e-6, lrs[9], 1e-15);
        assertEquals("Tried to step 11 times. The specified number of total steps is 10",
                assertThrows(IllegalStateException.class, s::step).getMessage());

        OneCycleLR lin = new OneCycleLR(sgd(1), 2.0, 20, 0.25, "linear", 10, 100, true);
        // phases end at steps 4 (0.2 -> 2), 8 (2 -> 0.2) and 19 (0.2 -> 0.002)
        assertEquals(0.2, lin.lrAt(0), 1e-15);
        assertEquals(1.1, lin.lrAt(2), 1e-15);
        assertEquals(2.0, lin.lrAt(4), 1e-15);
        assertEquals(0.65, lin.lrAt(7), 1e-15);
        assertEquals(0.2, lin.lrAt(8), 1e-15);
        assertEquals(0.2 + (0.002 - 0.2) * 5 / 11, lin.lrAt(13), 1e-15);
        assertEquals(0.002, lin.lrAt(19), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(sgd(1), 1, 10, 0.3, "exp", 25, 1e4, false));
    }

    @Test
    void reduceLrOnPlateauWaitsForPatienceAndCoolsDown() {
        SGD opt = sgd(1.0);
        var s = new ReduceLROnPlateau(opt, "min", 0.5, 2, 0.1, "rel", 1, 0, 1e-8);
        double[] metrics = {10, 9.5, 9.2, 9.1, 9.0, 9.0, 8.0, 8, 8, 8};
        double[] expected = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25};
        SGD opt2 = sgd(0.5);
        ReduceLROnPlateau copy = new ReduceLROnPlateau(opt2, "min", 0.5, 2, 0.1, "rel", 1, 0, 1e-8);
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            assertEquals(expected[i], opt.lr(), 0.0, "epoch " + (i + 1));
            if (i == 7) { // resume from here in a fresh scheduler
                copy.loadStateDict(s.stateDict());
            }
        }
        assertEquals(8.0, s.best());
        copy.step(8);
        copy.step(8);
        assertEquals(0.25, opt2.lr(), 0.0);
        assertEquals(10, copy.lastEpoch());

        SGD opt3 = sgd(1.0);
        var max = new ReduceLROnPlateau(opt3, "max", 0.1, 0, 0.5, "abs", 0, 0.05, 1e-8);
        double[] m2 = {1, 1.4, 1.6, 1.6, 0};
        double[] e2 = {1, 0.1, 0.1, 0.05, 0.05};
        for (int i = 0; i < m2.length; i++) {
            max.step(m2[i]);
            assertEquals(e2[i], opt3.lr(), 1e-15, "epoch " + (i + 1));
        }
        assertThrows(UnsupportedOperationException.class, max::step);
        assertEquals("Factor should be < 1.0.", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(sgd(1), "min", 1.0, 2, 0.1, "rel", 0, 0, 1e-8)).getMessage());
    }
}
