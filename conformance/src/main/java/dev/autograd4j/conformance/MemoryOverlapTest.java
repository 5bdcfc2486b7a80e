package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * In-place writes through overlapping memory refuse with PyTorch's messages (TensorIterator's memory-overlap
 * checks), on every backend; full overlap and disjoint views of one storage stay allowed.
 */
@DisplayNameGeneration(ConformanceNames.class)
class MemoryOverlapTest {
    private static final String INTERNAL = "unsupported operation: more than one element of the written-to tensor "
            + "refers to a single memory location. Please clone() the tensor before performing the operation.";
    private static final String PARTIAL = "unsupported operation: some elements of the input tensor and the "
            + "written-to tensor refer to a single memory location. Please clone() the tensor before performing the "
            + "operation.";

    private static Tensor matrix(Device device) {
        return Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(device);
    }

    private static void assertRefused(String message, Runnable write) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, write::run).getMessage());
    }

    @AllDevices
    void writingThroughAnExpandedTensorIsRefusedByEveryInPlaceOp(Device device) {
        Tensor b = Tensor.ones(Shape.of(1, 3), DType.FLOAT64, device);
        Tensor other = Tensor.ones(Shape.of(4, 3), DType.FLOAT64, device);
        List<UnaryOperator<Tensor>> writes = List.of(t -> t.add_(1.0), t -> t.add_(other), t -> t.add_(other, 2.0),
                t -> t.sub_(1.0), t -> t.sub_(other), t -> t.mul_(2.0), t -> t.mul_(other), t -> t.div_(2.0),
                t -> t.div_(other), t -> t.clamp_(2, 3), t -> t.relu_(), t -> t.copy_(other));
        for (UnaryOperator<Tensor> write : writes) {
            assertRefused(INTERNAL, () -> write.apply(b.expand(4, 3)));
        }
        assertArrayEquals(new double[] {1, 1, 1}, b.toDoubleArray());
        assertEquals(0, b.version());

        // the same check when the write is recorded in the graph
        Tensor x = Tensor.ones(Shape.of(1, 3), DType.FLOAT64, device).requiresGrad(true);
        Tensor y = x.mul(2.0);
        assertRefused(INTERNAL, () -> y.expand(4, 3).add_(1.0));
        assertRefused(INTERNAL, () -> y.expand(4, 3).mul_(other));
        assertArrayEquals(new double[] {2, 2, 2}, y.toDoubleArray());

        // fill_ writes one value everywhere: PyTorch lets it through overlapping memory ("Fill is idempotent")
        b.expand(4, 3).fill_(5.0);
        assertArrayEquals(new double[] {5, 5, 5}, b.toDoubleArray());
        b.expand(2, 3).zero_();
        assertArrayEquals(new double[] {0, 0, 0}, b.toDoubleArray());
    }

    @AllDevices
    void anInputPartlyOverlappingTheWrittenToTensorIsRefused(Device device) {
        Tensor x = matrix(device);
        assertRefused(PARTIAL, () -> x.add_(x.t()));
        assertRefused(PARTIAL, () -> x.add_(x.t(), 2.0));
        assertRefused(PARTIAL, () -> x.sub_(x.t()));
        assertRefused(PARTIAL, () -> x.mul_(x.narrow(0, 1, 1))); // a row of x broadcast over x
        assertRefused(PARTIAL, () -> x.div_(x.select(0, 0)));
        assertRefused(PARTIAL, () -> x.copy_(x.t()));
        assertRefused(PARTIAL, () -> x.t().copy_(x.detach()));
        assertRefused(PARTIAL, () -> x.select(0, 0).add_(x.view(4).narrow(0, 1, 2))); // elements [0, 2) and [1, 3)
        assertArrayEquals(new double[] {1, 2, 3, 4}, x.toDoubleArray());

        Tensor leaf = matrix(device).requiresGrad(true);
        Tensor y = leaf.mul(1.0);
        assertRefused(PARTIAL, () -> y.add_(y.t()));
        assertRefused(PARTIAL, () -> y.copy_(y.t()));
        try (var g = Autograd.noGrad()) {
            assertRefused(PARTIAL, () -> y.mul_(y.t()));
        }
        assertArrayEquals(new double[] {1, 2, 3, 4}, y.toDoubleArray());
    }

    @AllDevices
    void fullOverlapAndDisjointViewsOfOneStorageAreAllowed(Device device) {
        Tensor x = matrix(device);
        x.add_(x);
        assertArrayEquals(new double[] {2, 4, 6, 8}, x.toDoubleArray());
        x.mul_(x.detach()); // another tensor, the same memory element for element
        assertArrayEquals(new double[] {4, 16, 36, 64}, x.toDoubleArray());
        x.copy_(x.view(4).view(2, 2));
        assertArrayEquals(new double[] {4, 16, 36, 64}, x.toDoubleArray());
        x.narrow(0, 0, 1).add_(x.narrow(0, 1, 1));
        assertArrayEquals(new double[] {40, 80, 36, 64}, x.toDoubleArray());
        x.select(0, 1).copy_(x.select(0, 0));
        assertArrayEquals(new double[] {40, 80, 40, 80}, x.toDoubleArray());
        x.narrow(0, 1, 1).add_(x.narrow(0, 0, 1), -0.5); // disjoint rows, with alpha
        assertArrayEquals(new double[] {40, 80, 20, 40}, x.toDoubleArray());

        Tensor leaf = matrix(device).requiresGrad(true);
        Tensor y = leaf.mul(1.0);
        y.add_(y); // recorded: the gradient of 2 * leaf
        y.sum().backward();
        assertArrayEquals(new double[] {2, 2, 2, 2}, leaf.grad().toDoubleArray(), 1e-12);
    }
}
