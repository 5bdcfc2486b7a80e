package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * In-place ops on views of tensors in the graph, as PyTorch: the base's history is rebased on a
 * {@code CopySlices} node, gradients reach both the written values and the base's earlier history, and a view
 * made before its base was written in place takes its gradient from the base's new history.
 */
@DisplayNameGeneration(ConformanceNames.class)
class InPlaceOnViewsTest {

    @AllDevices
    void aViewFollowsItsBaseWrittenInPlace(Device d) {
        Tensor x = leaf(d, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor y = x.mul(2.0);
        Tensor v = y.select(0, 0);
        y.mul_(3.0);
        assertArrayEquals(new double[] {6, 12}, v.toDoubleArray(), 0);
        v.sum().backward();
        assertArrayEquals(new double[] {6, 6, 0, 0}, x.grad().toDoubleArray(), 0, "d(6 x[0,:])/dx, as PyTorch");
    }

    @AllDevices
    void copyIntoARowOfATensorInTheGraph(Device d) {
        Tensor a = randn(d, 1, 3, 4), b = randn(d, 2, 4);
        check(in -> {
            Tensor base = in.get(0).mul(1.5);
            base.select(0, 1).copy_(in.get(1));
            assertEquals("CopySlices", base.gradFn().name());
            return base.mul(base);
        }, a, b);
    }

    @AllDevices
    void anOpOnANarrowedViewAndOnAViewOfAView(Device d) {
        Tensor a = randn(d, 3, 3, 4), b = randn(d, 4, 4, 3);
        check(in -> {
            Tensor base = in.get(0).mul(2.0).add(1.0);
            base.narrow(1, 0, 2).mul_(in.get(1).narrow(1, 0, 2).sum(new int[] {0}, true));
            base.t().select(0, 3).add_(in.get(1).select(0, 2));
            return base.sin();
        }, a, b);
    }

    @AllDevices
    void overwritingAResultThatBackwardNeedsFailsAsInPyTorch(Device d) {
        Tensor a = randn(d, 6, 3, 4);
        Tensor base = a.exp(); // ExpBackward0 saves its result
        base.narrow(1, 0, 2).mul_(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> base.sum().backward());
        assertTrue(e.getMessage().contains("which is output 0 of ExpBackward0, is at version 1; expected version 0"),
                e.getMessage());
    }

    @AllDevices
    void aReshapedViewWrittenInPlaceWithANonContiguousGradient(Device d) {
        Tensor a = randn(d, 7, 2, 3, 1), b = randn(d, 8, 2, 2, 1), s = leaf(d, new double[] {-1.5});
        check(in -> {
            Tensor base = in.get(0).copy(); // fuzz program 8700
            base.narrow(1, 1, 2).add_(2.0);
            base.reshape(6).div_(in.get(2).reshape());
            // cat's backward hands the base a non-contiguous slice of its gradient
            return Tensor.cat(java.util.List.of(in.get(1), base), 1);
        }, a, b, s);
    }

    @AllDevices
    void rowsWrittenIntoAPreallocatedBuffer(Device d) {
        Tensor a = randn(d, 5, 3, 4);
        check(in -> {
            Tensor buffer = Tensor.zeros(Shape.of(3, 4), DType.FLOAT64, d);
            for (int i = 0; i < 3; i++) {
                buffer.select(0, i).copy_(in.get(0).select(0, 2 - i).tanh());
            }
            assertTrue(buffer.requiresGrad(), "the buffer joins the graph");
            return buffer.mul(2.0);
        }, a);
    }

    @AllDevices
    void aViewMadeWithoutGradModeStaysOutOfItsBasesHistory(Device d) {
        Tensor w = leaf(d, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor row;
        try (var g = dev.autograd4j.Autograd.noGrad()) {
            row = w.select(0, 0);
            w.mul_(2.0); // an optimizer-style update of the base
        }
        assertEquals(false, row.requiresGrad(), "made in no_grad: no history, before or after the base changed");
        Tensor h = w.mul(1.0);
        Tensor view;
        try (var g = dev.autograd4j.Autograd.noGrad()) {
            view = h.select(0, 1);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.mul_(w.select(0, 0)));
        assertTrue(e.getMessage().startsWith("A view was created in no_grad mode and is being modified inplace with "
                + "grad mode enabled."), e.getMessage());
    }

    @AllDevices
    void resultsOfReductionsWithKeepDimAreNotViews(Device d) {
        Tensor a = randn(d, 9, 2, 4);
        check(in -> { // fuzz program 5447: max(dim, keepDim) then an in-place op on its values
            Tensor values = in.get(0).max(-2, true).values();
            values.mul_(-1.0);
            Tensor sums = in.get(0).sum(new int[] {1}, true);
            sums.mul_(in.get(0).narrow(1, 0, 1));
            return values.add(sums);
        }, a);
    }

    @AllDevices
    void aViewOfALeafThatRequiresGradRefusesInPlaceOps(Device d) {
        Tensor a = leaf(d, new double[] {1, 2, 3, 4}, 2, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.select(0, 0).mul_(2.0));
        assertTrue(e.getMessage().startsWith("a view of a leaf Variable that requires grad is being used in an "
                + "in-place operation."), e.getMessage());
        assertArrayEquals(new double[] {1, 2, 3, 4}, a.toDoubleArray(), 0, "nothing was written");
    }
}
