package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import org.junit.jupiter.api.DisplayNameGeneration;

/** {@code torch.autograd.backward} with several roots and {@code inputs}, inference mode, {@code detach_()}. */
@DisplayNameGeneration(ConformanceNames.class)
class BackwardApiTest {

    @AllDevices
    void backwardFromSeveralRootsSumsTheirGradients(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor y1 = x.mul(x).sum();     // 2x
        Tensor y2 = x.mul(3.0);         // non-scalar: needs its gradient
        Autograd.backward(new Tensor[] {y1, y2}, new Tensor[] {null, constant(device, new double[] {1, 10}, 2)},
                false, false, null);
        assertArrayEquals(new double[] {5, 34}, x.grad().toDoubleArray(), 1e-12);

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Autograd.backward(new Tensor[] {x.sum(), x.sum()}, new Tensor[] {null}, false, false, null));
        assertEquals("got 2 tensors and 1 gradients", count.getMessage());
        IllegalStateException shape = assertThrows(IllegalStateException.class,
                () -> Autograd.backward(new Tensor[] {x.mul(2.0)}, null, false, false, null));
        assertEquals("grad can be implicitly created only for scalar outputs", shape.getMessage());
    }

    @AllDevices
    void inputsLimitWhichLeavesAccumulate(Device device) {
        Tensor a = leaf(device, new double[] {1, 2}, 2);
        Tensor b = leaf(device, new double[] {3, 4}, 2);
        Tensor h = a.mul(b);
        Tensor loss = h.mul(2.0).sum();
        Autograd.backward(new Tensor[] {loss}, null, true, false, new Tensor[] {a});
        assertArrayEquals(new double[] {6, 8}, a.grad().toDoubleArray(), 1e-12); // 2b
        assertNull(b.grad(), "a leaf not in inputs is left alone");

        // a non-leaf input retains its gradient; the leaves below it are not reached
        Autograd.backward(new Tensor[] {loss}, null, true, false, new Tensor[] {h});
        assertTrue(h.retainsGrad());
        assertArrayEquals(new double[] {2, 2}, h.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {6, 8}, a.grad().toDoubleArray(), 1e-12);
        assertNull(b.grad());

        // an input the roots do not reach keeps its grad (PyTorch allows it in backward)
        Tensor unused = leaf(device, new double[] {1}, 1);
        Autograd.backward(new Tensor[] {loss}, null, false, false, new Tensor[] {b, unused});
        assertArrayEquals(new double[] {2, 4}, b.grad().toDoubleArray(), 1e-12);   // 2a
        assertNull(unused.grad());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Autograd.backward(new Tensor[] {a.sum()}, null, false, false, new Tensor[0]));
        assertEquals("'inputs' argument to backward() cannot be empty.", empty.getMessage());
        Tensor c = constant(device, new double[] {1, 2}, 2);
        IllegalArgumentException noGrad = assertThrows(IllegalArgumentException.class,
                () -> Autograd.backward(new Tensor[] {a.mul(c).sum()}, null, false, false, new Tensor[] {c}));
        assertTrue(noGrad.getMessage().startsWith("One of the differentiated Tensors"), noGrad.getMessage());
    }

    @AllDevices
    void inferenceModeRecordsNothingAndItsTensorsStayOutOfTheGraph(Device device) {
        Tensor w = leaf(device, new double[] {1, 2}, 2);
        Tensor normal = constant(device, new double[] {5, 6}, 2);
        Tensor made;
        assertFalse(Autograd.isInferenceModeEnabled());
        try (var inference = Autograd.inferenceMode()) {
            assertTrue(Autograd.isInferenceModeEnabled());
            assertFalse(Autograd.isGradEnabled());
            made = w.mul(2.0);
            assertFalse(made.requiresGrad());
            assertNull(made.gradFn());
            assertTrue(made.isInference());
            made.add_(1.0);
            assertEquals(0, made.version(), "inference tensors keep no version counter");
            normal.add_(1.0);
            assertEquals(1, normal.version(), "tensors made outside inference mode still count");
            assertFalse(normal.isInference());
            assertTrue(made.view(2, 1).isInference());
        }
        assertFalse(Autograd.isInferenceModeEnabled());
        assertTrue(Autograd.isGradEnabled());
        assertArrayEquals(new double[] {3, 5}, made.toDoubleArray(), 1e-12);
        assertTrue(made.detach().isInference());

        IllegalStateException saved = assertThrows(IllegalStateException.class, () -> w.mul(made));
        assertEquals("Inference tensors cannot be saved for backward. To work around you can make a clone to get a "
                + "normal tensor and use it in autograd.", saved.getMessage());
        IllegalStateException inPlace = assertThrows(IllegalStateException.class, () -> made.add_(1.0));
        assertTrue(inPlace.getMessage().startsWith("Inplace update to inference tensor outside InferenceMode is not "
                + "allowed."), inPlace.getMessage());
        assertArrayEquals(new double[] {3, 5}, made.toDoubleArray(), 1e-12, "nothing was written");
        IllegalStateException requires = assertThrows(IllegalStateException.class, () -> made.requiresGrad(true));
        assertTrue(requires.getMessage().startsWith("Setting requires_grad=True on inference tensor outside "
                + "InferenceMode is not allowed."), requires.getMessage());
        // a copy (PyTorch's clone) is a normal tensor
        Tensor copy = made.copy();
        assertFalse(copy.isInference());
        w.mul(copy).sum().backward();
        assertArrayEquals(new double[] {3, 5}, w.grad().toDoubleArray(), 1e-12);

        // scopes nest and restore grad mode
        try (var off = Autograd.noGrad()) {
            try (var inference = Autograd.inferenceMode()) {
                assertTrue(Tensor.zeros(Shape.of(1), DType.FLOAT32, device).isInference());
            }
            assertFalse(Autograd.isGradEnabled());
            assertFalse(Autograd.isInferenceModeEnabled());
        }
    }

    @AllDevices
    void detachInPlaceMakesALeafThatDoesNotRequireGrad(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(2.0);
        assertSame(h, h.detach_());
        assertTrue(h.isLeaf());
        assertNull(h.gradFn());
        assertFalse(h.requiresGrad());
        assertFalse(h.mul(3.0).requiresGrad());
        assertArrayEquals(new double[] {2, 4}, h.toDoubleArray(), 1e-12);

        x.detach_();
        assertFalse(x.requiresGrad());

        Tensor base = leaf(device, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor view = base.select(0, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, view::detach_);
        assertTrue(e.getMessage().startsWith("Can't detach views in-place. Use detach() instead."), e.getMessage());
    }
}
