package dev.autograd4j.conformance.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Reduction;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck;
import org.junit.jupiter.api.DisplayNameGeneration;

/** Loss weights that require grad get their gradient (they are inputs of the loss node, not constants). */
@DisplayNameGeneration(ConformanceNames.class)
class LossWeightGradTest {
    @AllDevices
    void binaryCrossEntropyWeightsAreDifferentiable(Device device) {
        Generator g = new Generator(7);
        Tensor x = Tensor.randn(Shape.of(3, 4), DType.FLOAT64, device, g).requiresGrad(true);
        Tensor t = Tensor.rand(Shape.of(3, 4), DType.FLOAT64, device, g);
        Tensor w = Tensor.rand(Shape.of(4), DType.FLOAT64, device, g).requiresGrad(true);
        Tensor pw = Tensor.rand(Shape.of(4), DType.FLOAT64, device, g).add(0.5).detach().requiresGrad(true);
        Tensor p = Tensor.rand(Shape.of(3, 4), DType.FLOAT64, device, g).mul(0.8).add(0.1).detach().requiresGrad(true);
        for (Reduction r : Reduction.values()) {
            assertTrue(GradCheck.gradcheck(in -> Functional.binaryCrossEntropyWithLogits(in[0], t, in[1], in[2], r),
                    x, w, pw));
            assertTrue(GradCheck.gradcheck(in -> Functional.binaryCrossEntropy(in[0], t, in[1], r), p, w));
        }
    }
}
