package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.fixed;
import static dev.autograd4j.oracle.Oracle.op;

import ai.djl.ndarray.NDArray;
import dev.autograd4j.DType;
import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's autograd tutorial: x = ones(5), y = zeros(3), z = x @ w + b, loss = BCE-with-logits(z, y); the loss,
 * w.grad and b.grad must equal libtorch's.
 */
class TutorialOracleTest {
    static final double[] W = {
        0.5, -1.0, 0.25,
        1.5, 0.3, -0.7,
        -0.2, 0.8, 1.1,
        0.9, -0.4, 0.6,
        -1.3, 0.2, 0.05};
    static final double[] B = {0.1, -0.2, 0.3};

    static Stream<Arguments> tutorial() {
        Case c = op("tutorial z = x@w + b, BCE-with-logits(z, zeros)",
                List.of(fixed(new double[] {1, 1, 1, 1, 1}, 5).noGrad(), fixed(new double[3], 3).noGrad(),
                        fixed(W, 5, 3), fixed(B, 3)),
                x -> Functional.binaryCrossEntropyWithLogits(x[0].matmul(x[2]).add(x[3]), x[1], null, null,
                        Reduction.MEAN),
                (m, x) -> {
                    NDArray z = x[0].matMul(x[2]).add(x[3]);
                    return LossOracleTest.bceWithLogits(z, x[1], null, null, Reduction.MEAN);
                });
        return Oracle.bothDtypes(List.of(c));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tutorial")
    void tutorialMatchesLibtorch(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    /** The same through the public API exactly as the tutorial writes it (ones/zeros factories, gradFn names). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void tutorialGradFnNames(DType dtype) {
        Tensor x = Tensor.ones(dev.autograd4j.Shape.of(5), dtype, dev.autograd4j.Device.CPU);
        Tensor y = Tensor.zeros(dev.autograd4j.Shape.of(3), dtype, dev.autograd4j.Device.CPU);
        Tensor w = Tensor.of(W, 5, 3).to(dtype).detach().requiresGrad(true);
        Tensor b = Tensor.of(B, 3).to(dtype).detach().requiresGrad(true);
        Tensor z = x.matmul(w).add(b);
        Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);
        org.junit.jupiter.api.Assertions.assertEquals("AddBackward0", z.gradFn().name());
        org.junit.jupiter.api.Assertions.assertEquals("BinaryCrossEntropyWithLogitsBackward0", loss.gradFn().name());
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }
}
