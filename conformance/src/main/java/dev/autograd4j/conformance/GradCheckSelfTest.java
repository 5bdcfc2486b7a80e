package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.check2;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/** The gradient checker itself: it must catch wrong gradients and cope with views and non-contiguous leaves. */
@DisplayNameGeneration(ConformanceNames.class)
class GradCheckSelfTest {

    @AllDevices
    void detectsWrongGradientWithRandomVjp(Device d) {
        Tensor x = randn(d, 1, 3, 4);
        // d/dx (x * detach(x)) is reported as detach(x) but the true derivative is 2x
        AssertionError e = assertThrows(AssertionError.class, () -> check1(t -> t.mul(t.detach()), x));
        assertTrue(e.getMessage().contains("input 0"), e.getMessage());
        assertTrue(e.getMessage().contains("element"), e.getMessage());
        assertTrue(e.getMessage().contains("analytical") && e.getMessage().contains("numerical"), e.getMessage());
        assertTrue(e.getMessage().contains("fast mode"), e.getMessage());
    }

    @AllDevices
    void detectsWrongGradientWithFullJacobian(Device d) {
        Tensor x = randn(d, 2, 2);
        Tensor y = randn(d, 3, 2);
        // the gradient of y is missing entirely (treated as zeros), output has 2 elements: full Jacobian
        AssertionError e = assertThrows(AssertionError.class, () -> check2((a, b) -> a.mul(b.detach()).add(b.mul(0.0))
                .add(b.detach().mul(b.detach())).sum(0), x, y));
        // x's gradient is right: the failure must name input 1 only
        assertFalse(e.getMessage().contains("input 0"), e.getMessage());
        assertTrue(e.getMessage().contains("input 1"), e.getMessage());
    }

    @AllDevices
    void passesAndFullJacobianAgrees(Device d) {
        Tensor x = randn(d, 3, 2, 3);
        check(in -> in.get(0).exp().mul(in.get(0)), GradChecks.FAST.withFastMode(false), x);
        check1(t -> t.exp().mul(t), x);
    }

    @AllDevices
    void zeroDimInputAndOutput(Device d) {
        Tensor s = GradChecks.leaf(d, new double[] {0.7});
        assertEquals(0, s.dim());
        check1(t -> t.exp().mul(t), s);
        Tensor x = randn(d, 4, 3, 2);
        check1(t -> t.mul(t).sum(), x);
        check2((a, b) -> a.mul(b).sum(), x, s);
    }

    @AllDevices
    void functionMakesViewsOfTheLeaves(Device d) {
        Tensor x = randn(d, 5, 3, 4);
        Tensor y = randn(d, 6, 3, 2);
        Tensor c = randn(d, 7, 3, 1);
        check1(t -> t.t().exp(), x);
        check2((a, b) -> a.narrow(1, 1, 2).mul(b), x, y);
        check1(t -> t.expand(2, 3, 4).mul(t.t().t()), c);
        check1(t -> t.transpose(0, 1).matmul(t), x);
        check1(t -> t.permute(1, 0).narrow(0, 1, 2).exp(), x);
        check1(t -> t.select(1, 2).mul(t.select(1, 0)), x);
    }

    @AllDevices
    void nonContiguousLeaves(Device d) {
        Tensor base = Tensor.randn(Shape.of(4, 3), DType.FLOAT64, d, new Generator(8));
        Tensor xt = base.t().detach().requiresGrad(true);
        assertTrue(xt.isLeaf());
        assertFalse(xt.isContiguous(), "detach of a transpose should stay a strided view");
        check1(t -> t.exp().mul(2.0), xt);
        check1(t -> t.matmul(t.t()), xt);
        Tensor narrowLeaf = Tensor.randn(Shape.of(3, 6), DType.FLOAT64, d, new Generator(9))
                .narrow(1, 1, 4).detach().requiresGrad(true);
        assertFalse(narrowLeaf.isContiguous());
        check2((a, b) -> a.mul(b).tanh(), xt, narrowLeaf);
        // a leaf with a stride-0 dimension is refused, as PyTorch does; its contiguous copy is checked
        Tensor expandedLeaf = Tensor.randn(Shape.of(3, 1), DType.FLOAT64, d, new Generator(10))
                .expand(3, 4).detach().requiresGrad(true);
        assertThrows(IllegalArgumentException.class, () -> check1(t -> t.sigmoid(), expandedLeaf));
        check1(t -> t.sigmoid(), expandedLeaf.contiguous().detach().requiresGrad(true));
    }

    @AllDevices
    void constantInputsArePassedThrough(Device d) {
        Tensor x = randn(d, 11, 3, 4);
        Tensor mask = Tensor.randn(Shape.of(3, 4), DType.FLOAT64, d, new Generator(12)).gt(0.0);
        check(in -> Tensor.where(in.get(1), in.get(0).exp(), in.get(0).neg()), x, mask);
    }
}
