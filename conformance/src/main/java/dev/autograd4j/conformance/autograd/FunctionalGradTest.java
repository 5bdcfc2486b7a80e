package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import org.junit.jupiter.api.DisplayNameGeneration;

/** {@code torch.autograd.grad}: gradients returned, never accumulated into {@code .grad}. */
@DisplayNameGeneration(ConformanceNames.class)
class FunctionalGradTest {

    @AllDevices
    void gradReturnsGradientsWithoutTouchingGrad(Device device) {
        Tensor x = leaf(device, new double[] {1, -2, 3}, 3);
        Tensor w = leaf(device, new double[] {0.5, 0.25, -1}, 3);
        Tensor y = x.mul(x).mul(w).sum();
        Tensor[] g = Autograd.grad(y, x, w);
        assertEquals(2, g.length);
        assertArrayEquals(new double[] {1, -1, -6}, g[0].toDoubleArray(), 1e-12); // 2 x w
        assertArrayEquals(new double[] {1, 4, 9}, g[1].toDoubleArray(), 1e-12);   // x^2
        assertEquals(device, g[0].device());
        assertFalse(g[0].requiresGrad(), "without createGraph the result is outside the graph");
        assertNull(x.grad());
        assertNull(w.grad());
        // the graph was freed
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.grad(y, x));
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    }

    @AllDevices
    void gradWithRespectToANonLeaf(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor h = x.mul(3.0);
        Tensor y = h.pow(2).sum();
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {h, x}, null, false, false, false);
        assertArrayEquals(new double[] {6, 12}, g[0].toDoubleArray(), 1e-12);  // 2 h
        assertArrayEquals(new double[] {18, 36}, g[1].toDoubleArray(), 1e-12); // 18 x
        assertNull(x.grad());
    }

    @AllDevices
    void allowUnusedGivesNullAndOtherwiseFails(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        Tensor unused = leaf(device, new double[] {5}, 1);
        Tensor y = x.mul(2.0).sum();
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x, unused}, null, true, false, true);
        assertArrayEquals(new double[] {2, 2}, g[0].toDoubleArray(), 1e-12);
        assertNull(g[1]);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Autograd.grad(new Tensor[] {y}, new Tensor[] {x, unused}, null, true, false, false));
        assertEquals("One of the differentiated Tensors (input 1) appears to not have been used in the graph. "
                + "Set allowUnused=true if this is the desired behavior.", e.getMessage());

        Tensor constant = constant(device, new double[] {1}, 1);
        IllegalArgumentException notRequiring = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Tensor[] {y}, new Tensor[] {x, constant}, null, true, false, true));
        assertTrue(notRequiring.getMessage().contains("does not require grad"), notRequiring.getMessage());
    }

    @AllDevices
    void multipleOutputsWithGradOutputsSumTheirVectorJacobianProducts(Device device) {
        Tensor x = leaf(device, new double[] {1, 2, 3}, 3);
        Tensor y1 = x.mul(2.0);          // J1 = 2 I
        Tensor y2 = x.mul(x).sum();      // J2 = 2 x^T
        Tensor v1 = constant(device, new double[] {1, -1, 0.5}, 3);
        Tensor v2 = constant(device, new double[] {10}); // 0-d, like y2
        Tensor[] g = Autograd.grad(new Tensor[] {y1, y2}, new Tensor[] {x}, new Tensor[] {v1, v2}, false, false,
                false);
        // 2 v1 + 2 x v2
        assertArrayEquals(new double[] {22, 38, 61}, g[0].toDoubleArray(), 1e-12);

        Tensor y3 = x.mul(3.0);
        IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Tensor[] {y3}, new Tensor[] {x}, new Tensor[] {v2}, false, false, false));
        assertTrue(wrongShape.getMessage().startsWith("Mismatch in shape"), wrongShape.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Tensor[] {y3}, new Tensor[] {x}, new Tensor[] {v1, v2}, false, false, false));
        assertTrue(count.getMessage().contains("one gradOutput per output"), count.getMessage());
        IllegalStateException nonScalar = assertThrows(IllegalStateException.class, () -> Autograd.grad(y3, x));
        assertEquals("grad can be implicitly created only for scalar outputs", nonScalar.getMessage());
    }

    /**
     * PyTorch's engine runs only the nodes on a path to the requested inputs: grad(z, y) neither runs
     * nor frees y's own ExpBackward0 (so a later backward through it works) and fires no hook below y.
     */
    @AllDevices
    void gradRunsOnlyTheNodesNeededForTheRequestedInputs(Device device) {
        Tensor x = leaf(device, new double[] {1, 2}, 2);
        int[] hookCalls = {0};
        x.registerHook(g -> {
            hookCalls[0]++;
            return null;
        });
        Tensor y = x.exp();
        Tensor z = y.mul(2.0).sum();
        assertArrayEquals(new double[] {2, 2}, Autograd.grad(z, y)[0].toDoubleArray(), 1e-12);
        assertEquals(0, hookCalls[0], "nothing below y runs");
        y.sum().backward(); // ExpBackward0 was neither run nor freed by grad()
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
        assertEquals(1, hookCalls[0]);
    }
}
