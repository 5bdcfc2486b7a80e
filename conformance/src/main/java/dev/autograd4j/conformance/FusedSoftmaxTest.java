package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * The first-order gradients of softmax and log-softmax (which a backend may compute in one kernel,
 * {@code Backend.softmaxBackward}) against their formulas written out in elementary ops
 * ({@code y * (g - sum(g * y))}, {@code g - exp(y) * sum(g)}), in float32 and float64, over the last dim (rows of
 * several lengths, a non-contiguous upstream gradient) and over an inner dim, with the node names.
 */
@DisplayNameGeneration(ConformanceNames.class)
class FusedSoftmaxTest {

    private static Tensor randn(Device d, long seed, DType dt, int... shape) {
        return Tensor.randn(Shape.of(shape), dt, d, new Generator(seed));
    }

    private static void compare(boolean log, Tensor x0, Tensor up, int dim) {
        Tensor x = x0.detach().copy().requiresGrad(true);
        Tensor y = log ? x.logSoftmax(dim) : x.softmax(dim);
        assertEquals(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", y.gradFn().name());
        y.backward(up);
        Tensor yd = y.detach();
        Tensor want = log ? up.sub(yd.exp().mul(up.sum(new int[] {dim}, true)))
                : yd.mul(up.sub(up.mul(yd).sum(new int[] {dim}, true)));
        double tol = x0.dtype() == DType.FLOAT32 ? 1e-5 : 1e-12;
        assertArrayEquals(want.toDoubleArray(), x.grad().toDoubleArray(), tol);
    }

    @AllDevices
    void gradientsMatchTheFormulas(Device d) {
        List<Executable> cases = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (boolean log : new boolean[] {false, true}) {
                String name = (log ? "log_softmax " : "softmax ") + dt;
                for (int n : new int[] {1, 7, 128, 1000}) {
                    cases.add(named(name + " rows of " + n, () -> compare(log, randn(d, n, dt, 3, 5, n).mul(3),
                            randn(d, n + 1, dt, 3, 5, n), -1)));
                }
                cases.add(named(name + " transposed gradient", () -> compare(log, randn(d, 2, dt, 6, 9),
                        randn(d, 3, dt, 9, 6).t(), 1)));
                cases.add(named(name + " inner dim", () -> compare(log, randn(d, 4, dt, 4, 6, 5),
                        randn(d, 5, dt, 4, 6, 5), 1)));
            }
        }
        all(cases);
    }
}
