package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * Differences the differential fuzzer found against libtorch, each held at PyTorch's answer: joins promote,
 * masked gradients select instead of multiplying (an infinite upstream gradient gives 0, not NaN), sign(NaN)
 * is 0, and an in-place op's formula reads its input as it was.
 */
@DisplayNameGeneration(ConformanceNames.class)
class FuzzRegressionTest {
    private static Tensor leaf(Device d, double... v) {
        return Tensor.of(v).to(d).requiresGrad(true);
    }

    /** The gradient of op at x when the upstream gradient is +inf where the op's result is 0 (op(x) / 0). */
    private static double[] gradThroughZeroDivision(Device d, UnaryOperator<Tensor> op, double... x) {
        Tensor in = leaf(d, x);
        op.apply(in).div(0.0).sum().backward();
        return in.grad().toDoubleArray();
    }

    @AllDevices
    void catAndStackPromoteAndGradientsKeepEachDtype(Device d) {
        Tensor f64 = leaf(d, 1, 2);
        Tensor f32 = Tensor.of(new float[] {3f}, 1).to(d).requiresGrad(true);
        Tensor cat = Tensor.cat(List.of(f64, f32), 0);
        assertEquals(DType.FLOAT64, cat.dtype());
        assertArrayEquals(new double[] {1, 2, 3}, cat.toDoubleArray());
        cat.sum().backward();
        assertEquals(DType.FLOAT32, f32.grad().dtype());
        Tensor s = Tensor.stack(List.of(Tensor.of(new long[] {1, 2}).to(d), leaf(d, 0.5, 0.25)), 0);
        assertEquals(DType.FLOAT64, s.dtype());
        assertArrayEquals(new double[] {1, 2, 0.5, 0.25}, s.toDoubleArray());
        assertEquals(DType.INT64, Tensor.cat(0, Tensor.of(new boolean[] {true}, 1).to(d),
                Tensor.of(new long[] {4}, 1).to(d))
                .dtype());
    }

    @AllDevices
    void maskedGradientsSelectSoAnInfiniteGradientGivesZeroNotNan(Device d) {
        // the upstream gradient is +-inf everywhere; where the op passes no gradient PyTorch gives 0
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.relu().add(1.0), -1)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.clamp(0, 1).add(1.0), 2)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.hardtanh(-1, 1).add(1.0), 2)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.hardsigmoid().add(1.0), 5)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.maximum(Tensor.zerosLike(t)).add(1.0), -1)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.max().add(1.0), 1, 2)[0]);
        assertEquals(0.0, gradThroughZeroDivision(d, t -> t.max(0, false).values().add(1.0), 1, 2)[0]);
    }

    @AllDevices
    void nanInputsTakePyTorchsBranch(Device d) {
        // elu_backward and hardtanh_backward test x <= bound, so NaN passes the gradient; maximum with NaN gives
        // both sides the gradient; max() of a NaN tensor sends it to the NaN
        Tensor x = leaf(d, Double.NaN);
        x.elu(1.0).mul(0.0).sum().backward();
        assertEquals(0.0, x.grad().toDoubleArray()[0]);
        Tensor y = leaf(d, Double.NaN);
        y.hardtanh(-1, 1).sum().backward();
        assertEquals(1.0, y.grad().toDoubleArray()[0]);
        Tensor a = leaf(d, Double.NaN), b = leaf(d, 1);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[] {1, 1}, new double[] {a.grad().toDoubleArray()[0], b.grad().toDoubleArray()[0]});
        Tensor m = leaf(d, 1, Double.NaN);
        m.max().backward();
        assertArrayEquals(new double[] {0, 1}, m.grad().toDoubleArray());
    }

    @AllDevices
    void signOfNanAndNegativeZeroIsZero(Device d) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] s = Tensor.of(new double[] {Double.NaN, -0.0, -2, 3}).to(d).to(dtype).sign().toDoubleArray();
            assertEquals(0.0, s[0]);
            assertEquals(0, Double.compare(0.0, s[1]), "sign(-0.0) is +0.0");
            assertEquals(-1.0, s[2]);
            assertEquals(1.0, s[3]);
        }
    }

    @AllDevices
    void inPlaceOpOnATensorWithoutGradReadsItsOldValues(Device d) {
        // x does not require grad, y does: div_ saves x's old values, so backward is not refused (as PyTorch)
        Tensor x = Tensor.of(new double[] {4, 6}).to(d).copy();
        Tensor y = leaf(d, 2, 3);
        x.div_(y).sum().backward();
        assertArrayEquals(new double[] {-1, -2 / 3.0}, y.grad().toDoubleArray(), 1e-12);
    }

    @AllDevices
    void boolSquareNegAndRsubAsPyTorch(Device d) {
        Tensor b = Tensor.of(new boolean[] {true, false}).to(d);
        Tensor sq = b.square();
        assertEquals(DType.INT64, sq.dtype());
        assertArrayEquals(new long[] {1, 0}, sq.toLongArray());
        assertEquals(DType.INT64, Tensor.of(new long[] {3}).to(d).square().dtype());
        assertThrows(IllegalArgumentException.class, b::neg);
        assertThrows(IllegalArgumentException.class, () -> b.rsub(1.0));
    }

    /**
     * Seed 8 program 8053, seed 9 program 3921: a binary op of mixed dtypes saves its original inputs, as PyTorch's
     * MulBackward0/DivBackward0/MinimumBackward0 do, so an in-place write into the narrower input is caught at
     * backward (it used to save the promoted copy and miss it).
     */
    @AllDevices
    void mixedDtypeBinaryOpsSaveTheirOriginalInputs(Device d) {
        for (String op : List.of("mul", "div", "minimum", "maximum")) {
            Tensor w = Tensor.of(new double[] {0.5}, 1).to(d).requiresGrad(true);
            Tensor a = Tensor.of(new float[] {1.5f, 2.5f}, 2).to(d).mul(1.0);
            Tensor y = switch (op) {
                case "mul" -> a.mul(w);
                case "div" -> w.div(a);
                case "minimum" -> a.minimum(w);
                default -> a.maximum(w);
            };
            assertEquals(DType.FLOAT64, y.dtype(), op);
            a.add_(1.0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward(), op);
            assertEquals(true, e.getMessage().contains("modified by an inplace operation: [torch.FloatTensor [2]]")
                    || e.getMessage().contains("modified by an inplace operation: [torch.cuda.FloatTensor [2]]"),
                    op + ": " + e.getMessage());
        }
    }
}
