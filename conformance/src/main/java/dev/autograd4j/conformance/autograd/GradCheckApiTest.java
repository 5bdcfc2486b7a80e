package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static dev.autograd4j.conformance.autograd.Leaves.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.CustomFunction;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck.GradcheckError;
import dev.autograd4j.debug.GradCheck;
import org.junit.jupiter.api.DisplayNameGeneration;

/** The behaviour of {@link GradCheck} itself. */
@DisplayNameGeneration(ConformanceNames.class)
class GradCheckApiTest {

    /** x^2 with a backward that forgets the factor 2. */
    static final class BadSquare extends CustomFunction {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].mul(in[0]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(ctx.savedTensors().get(0))};
        }
    }

    /** a * b whose gradient for b is wrong by one. */
    static final class BadSecondInput extends CustomFunction {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            return in[0].mul(in[1]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor a = ctx.savedTensors().get(0), b = ctx.savedTensors().get(1);
            return new Tensor[] {g.mul(b), g.mul(a).add(1.0)};
        }
    }

    /** x^2 with a right first derivative that is not differentiable (x is detached in backward). */
    static final class OnceDifferentiableSquare extends CustomFunction {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].mul(in[0]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(ctx.savedTensors().get(0).detach()).mul(2.0)};
        }
    }

    @AllDevices
    void passesOnCorrectOps(Device device) {
        assertTrue(GradCheck.gradcheck(in -> in[0].mul(in[1]).exp().sum(new int[] {1}, false),
                randn(device, 1, 2, 3), randn(device, 2, 3)));
        // inputs that do not require grad (int64 classes, float constants) pass through unchecked
        Tensor classes = Tensor.of(new long[] {1, 0}, 2).to(device);
        assertTrue(GradCheck.gradcheck(in -> Functional.crossEntropy(in[0], in[1]).mul(in[2]),
                randn(device, 3, 2, 3), classes, constant(device, new double[] {2}, 1)));
        // non-contiguous leaves
        Tensor t = randn(device, 4, 3, 2).t().detach().requiresGrad(true);
        assertFalse(t.isContiguous());
        assertTrue(GradCheck.gradcheck(in -> in[0].pow(3).mm(in[1]), t, randn(device, 5, 3, 2)));
        // an output that does not depend on the input: numerical and analytical are both zero
        assertTrue(GradCheck.gradcheck(in -> constant(device, new double[] {1, 2}, 2), randn(device, 6, 2)));
    }

    @AllDevices
    void reportsAWrongBackwardNamingInputAndElement(Device device) {
        Tensor x = leaf(device, new double[] {1.5, -2, 0.5, 3}, 2, 2);
        GradcheckError e = assertThrows(GradcheckError.class,
                () -> GradCheck.gradcheck(in -> new BadSquare().apply(in[0]), x));
        assertTrue(e instanceof AssertionError);
        assertEquals(0, e.inputIndex());
        assertEquals(0, e.elementIndex());
        assertEquals(0, e.outputElement());
        assertEquals(1.5, e.analytical(), 1e-12);
        assertEquals(3.0, e.numerical(), 1e-6);
        String m = e.getMessage();
        assertTrue(m.startsWith("Jacobian mismatch for output 0 with respect to input 0: 4 element(s) differ"), m);
        assertTrue(m.contains("input 0 element 3 [1, 1], output element 3 [1, 1]: analytical 3.0 vs numerical 5.99")
                || m.contains("input 0 element 3 [1, 1], output element 3 [1, 1]: analytical 3.0 vs numerical 6.0"), m);

        Tensor a = randn(device, 7, 3);
        Tensor b = randn(device, 8, 3);
        GradcheckError e2 = assertThrows(GradcheckError.class,
                () -> GradCheck.gradcheck(in -> new BadSecondInput().apply(in[0], in[1]), a, b));
        assertEquals(1, e2.inputIndex());
        assertTrue(e2.getMessage().startsWith("Jacobian mismatch for output 0 with respect to input 1"),
                e2.getMessage());

        assertFalse(GradCheck.gradcheck(in -> new BadSquare().apply(in[0]),
                GradCheck.Options.DEFAULT.withRaiseException(false), x));
        // tolerances wide enough accept it
        assertTrue(GradCheck.gradcheck(in -> new BadSquare().apply(in[0]),
                GradCheck.Options.DEFAULT.withTolerance(0, 0.51), x));
    }

    @AllDevices
    void fastModeProjectsTheOutputAndStillNamesTheElement(Device device) {
        GradCheck.Options fast = GradCheck.Options.DEFAULT.withFastMode(true);
        Tensor x = leaf(device, new double[] {1.5, -2, 0.5, 3}, 2, 2);
        GradcheckError e = assertThrows(GradcheckError.class,
                () -> GradCheck.gradcheck(in -> new BadSquare().apply(in[0]), fast, x));
        assertEquals(0, e.inputIndex());
        assertEquals(0, e.elementIndex());
        assertEquals(-1, e.outputElement());
        assertEquals(2 * e.analytical(), e.numerical(), 1e-6);
        assertTrue(e.getMessage().contains("fast mode") && e.getMessage().contains("random projection"),
                e.getMessage());
        // right derivatives pass, first and second order, whatever the output's size
        Tensor a = randn(device, 10, 4, 5);
        assertTrue(GradCheck.gradcheck(in -> in[0].tanh().mul(in[0]).sum(new int[] {1}, false), fast, a));
        assertTrue(GradCheck.gradgradcheck(in -> in[0].mul(in[0]).exp(), fast, a));
        assertFalse(GradCheck.gradcheck(in -> new BadSquare().apply(in[0]), fast.withRaiseException(false), x));
    }

    @AllDevices
    void gradgradcheckCatchesABackwardThatIsNotDifferentiable(Device device) {
        Tensor x = randn(device, 9, 3);
        assertTrue(GradCheck.gradcheck(in -> new OnceDifferentiableSquare().apply(in[0]), x));
        GradcheckError e = assertThrows(GradcheckError.class,
                () -> GradCheck.gradgradcheck(in -> new OnceDifferentiableSquare().apply(in[0]), x));
        // the checked function is (x, v) -> grad; its derivative with respect to x (input 0) is missing
        assertEquals(0, e.inputIndex());
        assertTrue(GradCheck.gradgradcheck(in -> in[0].mul(in[0]), x));
    }

    @AllDevices
    void rejectsBadInputs(Device device) {
        Tensor f32 = Tensor.of(new float[] {1, 2}, 2).to(device).detach().requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.gradcheck(in -> in[0].exp(), f32));
        assertTrue(e.getMessage().startsWith("Input #0 requires gradient and is not a double precision floating point"),
                e.getMessage());
        Tensor ok = randn(device, 1, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.gradgradcheck(in -> in[0].mul(in[1].to(DType.FLOAT64)), ok, f32));
        assertTrue(e.getMessage().startsWith("Input #1 requires gradient"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.gradcheck(in -> in[0].exp(), constant(device, new double[] {1}, 1)));
        assertTrue(e.getMessage().startsWith("gradcheck expects at least one input tensor to require gradient"),
                e.getMessage());

        Tensor expanded = randn(device, 2, 1).expand(3).detach().requiresGrad(true);
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(in -> in[0].exp(), expanded));
        assertTrue(e.getMessage().contains("has a dimension with stride 0"), e.getMessage());
    }
}
