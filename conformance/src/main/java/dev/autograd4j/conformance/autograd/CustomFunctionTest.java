package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static dev.autograd4j.conformance.autograd.Leaves.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.CustomFunction;
import dev.autograd4j.Device;
import dev.autograd4j.Node;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;

/** User-defined ops with their own backward, like subclasses of {@code torch.autograd.Function}. */
@DisplayNameGeneration(ConformanceNames.class)
class CustomFunctionTest {

    /** PyTorch's documentation example: exp that saves its result. */
    static final class MyExp extends CustomFunction {
        @Override
        protected Tensor forward(Context ctx, Tensor... inputs) {
            assertFalse(Autograd.isGradEnabled(), "forward runs without recording");
            Tensor result = inputs[0].exp();
            ctx.saveForBackward(result);
            return result;
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor gradOutput) {
            Tensor result = ctx.savedTensors().get(0);
            return new Tensor[] {gradOutput.mul(result)};
        }
    }

    /** a * b + a, recording which inputs needed a gradient. */
    static final class MulAdd extends CustomFunction {
        final List<String> calls = new ArrayList<>();

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            ctx.put("scale", 1.0);
            return in[0].mul(in[1]).add(in[0]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor a = ctx.savedTensors().get(0), b = ctx.savedTensors().get(1);
            double scale = ctx.<Double>get("scale");
            calls.add("needs " + ctx.needsInputGrad(0) + " " + ctx.needsInputGrad(1));
            return new Tensor[] {
                ctx.needsInputGrad(0) ? g.mul(b.add(scale)) : null,
                ctx.needsInputGrad(1) ? g.mul(a) : null};
        }
    }

    /** Returns its input unchanged; the gradient passes through doubled, so its node is visible. */
    static final class Identity extends CustomFunction {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            return in[0];
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(2.0)};
        }
    }

    @AllDevices
    void myExpRecordsANodeWithItsSavedResult(Device device) {
        Tensor x = leaf(device, new double[] {0, 1, -2}, 3);
        Tensor y = new MyExp().apply(x);
        assertEquals("MyExpBackward", y.gradFn().name());
        assertTrue(y.requiresGrad());
        assertFalse(y.isLeaf());
        assertEquals(device, y.device());
        Node fn = y.gradFn();
        assertEquals(1, fn.savedTensors().size());
        assertSame(y, fn.savedTensors().get(0));
        assertEquals("AccumulateGrad", fn.nextFunctions().get(0).name());
        assertSame(x, fn.nextFunctions().get(0).variable());
        double[] e = {1, Math.exp(1), Math.exp(-2)};
        assertArrayEquals(e, y.toDoubleArray(), 1e-12);
        y.sum().backward();
        assertArrayEquals(e, x.grad().toDoubleArray(), 1e-12);

        try (var g = Autograd.noGrad()) {
            assertNull(new MyExp().apply(x).gradFn(), "nothing is recorded under noGrad");
        }
        assertNull(new MyExp().apply(constant(device, new double[] {1}, 1)).gradFn());
    }

    @AllDevices
    void twoInputsWithNeedsInputGrad(Device device) {
        Tensor a = leaf(device, new double[] {1, 2}, 2);
        Tensor b = constant(device, new double[] {3, -1}, 2);
        MulAdd f = new MulAdd();
        Tensor out = f.apply(a, b);
        assertArrayEquals(new double[] {4, 0}, out.toDoubleArray(), 1e-12);
        out.sum().backward();
        assertEquals(List.of("needs true false"), f.calls);
        assertArrayEquals(new double[] {4, 0}, a.grad().toDoubleArray(), 1e-12); // b + 1
        assertNull(b.grad());

        Tensor c = leaf(device, new double[] {3, -1}, 2);
        Tensor out2 = f.apply(a, c);
        out2.mul(out2).sum().backward(); // d/dout = 2 out = (8, 0)
        assertEquals("needs true true", f.calls.get(1));
        assertArrayEquals(new double[] {8, 0}, c.grad().toDoubleArray(), 1e-12); // 2 out * a

        // gradcheck and gradgradcheck of both functions
        assertTrue(GradCheck.gradcheck(in -> new MulAdd().apply(in[0], in[1]), randn(device, 1, 2, 3),
                randn(device, 2, 2, 3)));
        assertTrue(GradCheck.gradcheck(in -> new MyExp().apply(in[0]), randn(device, 3, 4)));
        assertTrue(GradCheck.gradgradcheck(in -> new MyExp().apply(in[0]), randn(device, 3, 4)));
        assertTrue(GradCheck.gradgradcheck(in -> new MulAdd().apply(in[0], in[1]).pow(2), randn(device, 4, 3),
                randn(device, 5, 3)));
    }

    @AllDevices
    void modifyingASavedTensorInPlaceMakesBackwardFail(Device device) {
        // the saved result, changed through an in-place op on the output
        Tensor x = leaf(device, new double[] {0, 1}, 2);
        Tensor y = new MyExp().apply(x);
        y.mul_(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("which is output 0 of MyExpBackward, is at version 1; expected version 0 "
                + "instead"), e.getMessage());

        // a saved input, changed under noGrad
        Tensor a = leaf(device, new double[] {1, 2}, 2);
        Tensor b = leaf(device, new double[] {3, 4}, 2);
        Tensor out = new MulAdd().apply(a, b);
        try (var g = Autograd.noGrad()) {
            b.add_(1.0);
        }
        e = assertThrows(IllegalStateException.class, () -> out.sum().backward());
        assertTrue(e.getMessage().contains("is at version 1; expected version 0 instead"), e.getMessage());
    }

    @AllDevices
    void returningAnInputGivesAnAliasAndLeavesTheInputsGradFnAlone(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(3.0);
        Node before = h.gradFn();
        Tensor y = new Identity().apply(h);
        assertNotSame(h, y);
        assertSame(before, h.gradFn());
        assertEquals("IdentityBackward", y.gradFn().name());
        assertSame(before, y.gradFn().nextFunctions().get(0));
        y.sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), 1e-12);
        // the alias shares storage and version counter
        try (var g = Autograd.noGrad()) {
            y.add_(1.0);
        }
        assertArrayEquals(new double[] {4, 7}, h.toDoubleArray(), 1e-12);
        assertEquals(h.version(), y.version());

        Tensor leafOut = new Identity().apply(x);
        assertNotSame(x, leafOut);
        assertTrue(x.isLeaf());
        assertEquals("IdentityBackward", leafOut.gradFn().name());
    }

    @AllDevices
    void wrongNumberOfGradientsIsAnError(Device device) {
        CustomFunction bad = new CustomFunction() {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                return in[0].add(in[1]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor g) {
                return new Tensor[] {g};
            }
        };
        Tensor out = bad.apply(leaf(device, new double[] {1}, 1), leaf(device, new double[] {2}, 1));
        assertEquals("CustomFunctionBackward", out.gradFn().name());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.sum().backward());
        assertEquals("function CustomFunctionBackward returned an incorrect number of gradients (expected 2, got 1)",
                e.getMessage());
    }
}
