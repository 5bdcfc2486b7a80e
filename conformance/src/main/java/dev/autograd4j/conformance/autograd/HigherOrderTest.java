package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck;
import org.junit.jupiter.api.DisplayNameGeneration;

/** Gradients of gradients: createGraph records the backward pass itself. */
@DisplayNameGeneration(ConformanceNames.class)
class HigherOrderTest {

    @AllDevices
    void secondDerivativeOfCubeIsSixX(Device device) {
        Tensor x = leaf(device, new double[] {1, 2, -1.5}, 3);
        Tensor y = x.pow(3).sum();
        Tensor dy = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, false, true, false)[0];
        assertTrue(dy.requiresGrad(), "createGraph makes the gradient differentiable");
        assertNotNull(dy.gradFn());
        assertArrayEquals(new double[] {3, 12, 6.75}, dy.toDoubleArray(), 1e-12);
        Tensor d2y = Autograd.grad(dy.sum(), x)[0];
        assertArrayEquals(new double[] {6, 12, -9}, d2y.toDoubleArray(), 1e-12);

        // the same through backward(createGraph = true) and x.grad
        Tensor z = x.pow(3).sum();
        z.backward(null, true, true);
        Tensor g = x.grad();
        assertTrue(g.requiresGrad());
        assertArrayEquals(new double[] {3, 12, 6.75}, g.toDoubleArray(), 1e-12);
        x.setGrad(null);
        g.sum().backward();
        assertArrayEquals(new double[] {6, 12, -9}, x.grad().toDoubleArray(), 1e-12);

        // third derivative: 6
        Tensor w = leaf(device, new double[] {0.5}, 1);
        Tensor d1 = Autograd.grad(new Tensor[] {w.pow(3).sum()}, new Tensor[] {w}, null, true, true, false)[0];
        Tensor d2 = Autograd.grad(new Tensor[] {d1.sum()}, new Tensor[] {w}, null, true, true, false)[0];
        Tensor d3 = Autograd.grad(d2.sum(), w)[0];
        assertEquals(6.0, d3.toDoubleArray()[0], 1e-12);
    }

    /** f(x) = x0^2 x1 + x1^3 + x0 x2 + x2^2 x1, written with select so x is one tensor. */
    private static Tensor f(Tensor x) {
        Tensor x0 = x.select(0, 0), x1 = x.select(0, 1), x2 = x.select(0, 2);
        return x0.mul(x0).mul(x1).add(x1.pow(3)).add(x0.mul(x2)).add(x2.mul(x2).mul(x1));
    }

    @AllDevices
    void hessianVectorProductMatchesTheHandComputedHessian(Device device) {
        Tensor x = leaf(device, new double[] {1, 2, 3}, 3);
        // H = [[2 x1, 2 x0, 1], [2 x0, 6 x1, 2 x2], [1, 2 x2, 2 x1]] at (1, 2, 3)
        double[][] hessian = {{4, 2, 1}, {2, 12, 6}, {1, 6, 4}};
        Tensor grad = Autograd.grad(new Tensor[] {f(x)}, new Tensor[] {x}, null, true, true, false)[0];
        // df = (2 x0 x1 + x2, x0^2 + 3 x1^2 + x2^2, x0 + 2 x2 x1)
        assertArrayEquals(new double[] {7, 22, 13}, grad.toDoubleArray(), 1e-12);

        double[] v = {1, -1, 0.5};
        Tensor hvp = Autograd.grad(new Tensor[] {grad}, new Tensor[] {x},
                new Tensor[] {constant(device, v, 3)}, true, false, false)[0];
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                expected[i] += hessian[i][j] * v[j];
            }
        }
        assertArrayEquals(expected, hvp.toDoubleArray(), 1e-12);
        // the same as the gradient of <grad, v>
        Tensor hvp2 = Autograd.grad(new Tensor[] {grad.mul(constant(device, v, 3)).sum()}, new Tensor[] {x}, null,
                true, false, false)[0];
        assertArrayEquals(expected, hvp2.toDoubleArray(), 1e-12);

        // the full Hessian, row by row
        for (int i = 0; i < 3; i++) {
            Tensor row = Autograd.grad(new Tensor[] {grad.select(0, i)}, new Tensor[] {x}, null, true, false,
                    false)[0];
            assertArrayEquals(hessian[i], row.toDoubleArray(), 1e-12, "Hessian row " + i);
        }
        assertEquals(null, x.grad());
    }

    @AllDevices
    void gradientPenaltyIsBackpropagated(Device device) {
        // loss = sum(w x^2); penalty = ||d loss / d x||^2 = sum((2 w x)^2)
        double[] xs = {1, -2, 0.5};
        double[] ws = {0.3, -1, 2};
        Tensor x = leaf(device, xs, 3);
        Tensor w = leaf(device, ws, 3);
        Tensor loss = w.mul(x.pow(2)).sum();
        Tensor gx = Autograd.grad(new Tensor[] {loss}, new Tensor[] {x}, null, true, true, false)[0];
        Tensor total = loss.add(gx.pow(2).sum());
        total.backward();
        double[] expectW = new double[3], expectX = new double[3];
        for (int i = 0; i < 3; i++) {
            // d/dw: x^2 + 8 w x^2; d/dx: 2 w x + 8 w^2 x
            expectW[i] = xs[i] * xs[i] + 8 * ws[i] * xs[i] * xs[i];
            expectX[i] = 2 * ws[i] * xs[i] + 8 * ws[i] * ws[i] * xs[i];
        }
        assertArrayEquals(expectW, w.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(expectX, x.grad().toDoubleArray(), 1e-12);

        // a nonlinear model's penalised loss, checked against finite differences
        Tensor data = Leaves.randn(device, 7, 4, 3);
        Tensor weight = Leaves.randn(device, 8, 3);
        assertTrue(GradCheck.gradcheck(in -> {
            Tensor out = in[0].matmul(in[1]).tanh().pow(2).mean();
            Tensor g = Autograd.grad(new Tensor[] {out}, new Tensor[] {in[0]}, null, true, true, false)[0];
            return out.add(g.pow(2).sum().mul(10.0));
        }, data, weight));
    }
}
