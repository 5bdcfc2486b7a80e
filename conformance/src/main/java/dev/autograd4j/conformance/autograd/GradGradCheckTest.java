package dev.autograd4j.conformance.autograd;

import static dev.autograd4j.conformance.autograd.Leaves.awayFromZero;
import static dev.autograd4j.conformance.autograd.Leaves.constant;
import static dev.autograd4j.conformance.autograd.Leaves.randn;
import static dev.autograd4j.conformance.autograd.Leaves.uniform;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GradCheck;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * gradgradcheck (second derivatives against finite differences of the first) for every op whose
 * PyTorch version supports double backward, in float64 on every device. A failure here is a
 * backward formula that is not itself differentiable, or differentiates wrongly.
 */
@DisplayNameGeneration(ConformanceNames.class)
class GradGradCheckTest {

    /** gradcheck and gradgradcheck of one op, named in the failure. */
    private static Executable op(String name, GradCheck.Fn f, Supplier<Tensor[]> inputs) {
        return () -> {
            try {
                assertTrue(GradCheck.gradcheck(f, inputs.get()));
                assertTrue(GradCheck.gradgradcheck(f, inputs.get()));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(name + ": " + e.getMessage(), e);
            }
        };
    }

    private static Tensor[] of(Tensor... t) {
        return t;
    }

    @AllDevices
    void arithmetic(Device d) {
        assertAll(
            op("add (broadcast)", in -> in[0].add(in[1]), () -> of(randn(d, 1, 2, 3), randn(d, 2, 3))),
            op("add scalar", in -> in[0].add(2.5), () -> of(randn(d, 1, 3))),
            op("sub (broadcast)", in -> in[0].sub(in[1]), () -> of(randn(d, 3, 2, 1), randn(d, 4, 3))),
            op("mul (broadcast)", in -> in[0].mul(in[1]), () -> of(randn(d, 5, 2, 3), randn(d, 6, 3))),
            op("mul self", in -> in[0].mul(in[0]), () -> of(randn(d, 5, 4))),
            op("mul scalar", in -> in[0].mul(-1.5), () -> of(randn(d, 5, 4))),
            op("div (broadcast)", in -> in[0].div(in[1]),
                    () -> of(randn(d, 7, 2, 3), awayFromZero(d, 8, 0.5, 2, 3))),
            op("div scalar", in -> in[0].div(4.0), () -> of(randn(d, 7, 3))),
            op("rsub, neg", in -> in[0].rsub(1.0).neg(), () -> of(randn(d, 7, 3))));
    }

    @AllDevices
    void elementwise(Device d) {
        assertAll(
            op("exp", in -> in[0].exp(), () -> of(randn(d, 11, 2, 3))),
            op("log", in -> in[0].log(), () -> of(uniform(d, 12, 0.5, 2, 2, 3))),
            op("sqrt", in -> in[0].sqrt(), () -> of(uniform(d, 13, 0.5, 2, 2, 3))),
            op("pow 3", in -> in[0].pow(3), () -> of(randn(d, 14, 2, 3))),
            op("pow 2.5", in -> in[0].pow(2.5), () -> of(uniform(d, 15, 0.5, 2, 2, 3))),
            op("pow -1.5", in -> in[0].pow(-1.5), () -> of(uniform(d, 16, 0.5, 2, 2, 3))),
            op("tanh", in -> in[0].tanh(), () -> of(randn(d, 17, 2, 3))),
            op("sigmoid", in -> in[0].sigmoid(), () -> of(randn(d, 18, 2, 3))),
            op("relu", in -> in[0].relu(), () -> of(awayFromZero(d, 19, 0.1, 2, 2, 3))),
            op("abs", in -> in[0].abs(), () -> of(awayFromZero(d, 20, 0.1, 2, 2, 3))),
            op("tanh of product", in -> in[0].mul(in[1]).tanh(), () -> of(randn(d, 21, 3), randn(d, 22, 3))));
    }

    @AllDevices
    void matrixProducts(Device d) {
        assertAll(
            op("mm", in -> in[0].mm(in[1]), () -> of(randn(d, 31, 2, 3), randn(d, 32, 3, 2))),
            op("matmul 2-D 2-D", in -> in[0].matmul(in[1]), () -> of(randn(d, 33, 2, 3), randn(d, 34, 3, 2))),
            op("matmul 1-D 2-D", in -> in[0].matmul(in[1]), () -> of(randn(d, 35, 3), randn(d, 36, 3, 2))),
            op("matmul 2-D 1-D", in -> in[0].matmul(in[1]), () -> of(randn(d, 37, 2, 3), randn(d, 38, 3))),
            op("matmul 1-D 1-D", in -> in[0].matmul(in[1]), () -> of(randn(d, 39, 3), randn(d, 40, 3))),
            op("matmul batched broadcast", in -> in[0].matmul(in[1]),
                    () -> of(randn(d, 41, 2, 2, 3), randn(d, 42, 3, 2))),
            op("matmul squared", in -> in[0].matmul(in[0]), () -> of(randn(d, 43, 2, 2))));
    }

    @AllDevices
    void reductions(Device d) {
        assertAll(
            op("sum", in -> in[0].sum(), () -> of(randn(d, 51, 2, 3))),
            op("sum dim", in -> in[0].sum(new int[] {1}, false), () -> of(randn(d, 52, 2, 3))),
            op("sum dim keepDim", in -> in[0].sum(new int[] {0}, true), () -> of(randn(d, 53, 2, 3))),
            op("mean", in -> in[0].mean(), () -> of(randn(d, 54, 2, 3))),
            op("mean dim", in -> in[0].mean(new int[] {0}, false), () -> of(randn(d, 55, 2, 3))),
            op("squared sum", in -> in[0].mul(in[0]).sum(), () -> of(randn(d, 56, 2, 3))),
            op("softmax", in -> in[0].softmax(1), () -> of(randn(d, 57, 2, 3))),
            op("softmax dim 0", in -> in[0].softmax(0), () -> of(randn(d, 58, 3, 2))),
            op("logSoftmax", in -> in[0].logSoftmax(1), () -> of(randn(d, 59, 2, 3))),
            op("logSoftmax dim 0", in -> in[0].logSoftmax(0), () -> of(randn(d, 60, 3, 2))));
    }

    @AllDevices
    void views(Device d) {
        // each view is followed by a nonlinearity so the second derivative is not trivially zero
        assertAll(
            op("transpose", in -> in[0].transpose(0, 1).mul(in[0].transpose(0, 1)), () -> of(randn(d, 61, 2, 3))),
            op("t", in -> in[0].t().pow(3), () -> of(randn(d, 62, 2, 3))),
            op("reshape", in -> in[0].reshape(3, 2).pow(3), () -> of(randn(d, 63, 2, 3))),
            op("reshape non-contiguous", in -> in[0].t().reshape(6).pow(3), () -> of(randn(d, 64, 2, 3))),
            op("narrow", in -> in[0].narrow(1, 1, 2).pow(3), () -> of(randn(d, 65, 2, 3))),
            op("select", in -> in[0].select(1, 2).pow(3), () -> of(randn(d, 66, 2, 3))),
            op("expand", in -> in[0].expand(2, 3).pow(3), () -> of(randn(d, 67, 1, 3))),
            op("permute", in -> in[0].permute(2, 0, 1).pow(3), () -> of(randn(d, 68, 2, 1, 3))),
            op("squeeze / unsqueeze", in -> in[0].squeeze(1).unsqueeze(0).pow(3), () -> of(randn(d, 69, 2, 1, 3))));
    }

    @AllDevices
    void joiningAndWhere(Device d) {
        Tensor cond = Tensor.of(new boolean[] {true, false, false, true, true, false}, 2, 3).to(d);
        assertAll(
            op("cat", in -> Tensor.cat(1, in[0], in[1]).pow(3), () -> of(randn(d, 71, 2, 1), randn(d, 72, 2, 2))),
            op("stack", in -> Tensor.stack(0, in[0], in[1]).pow(3), () -> of(randn(d, 73, 3), randn(d, 74, 3))),
            op("where", in -> Tensor.where(cond, in[0], in[1]).pow(3),
                    () -> of(randn(d, 75, 2, 3), randn(d, 76, 3))));
    }

    @AllDevices
    void losses(Device d) {
        Tensor classes = Tensor.of(new long[] {2, 0}, 2).to(d);
        assertAll(
            op("mseLoss", in -> Functional.mseLoss(in[0], in[1]), () -> of(randn(d, 81, 2, 3), randn(d, 82, 2, 3))),
            op("mseLoss sum", in -> Functional.mseLoss(in[0], in[1], Reduction.SUM),
                    () -> of(randn(d, 83, 2, 3), randn(d, 84, 2, 3))),
            op("binaryCrossEntropyWithLogits", in -> Functional.binaryCrossEntropyWithLogits(in[0], in[1]),
                    () -> of(randn(d, 85, 2, 3), uniform(d, 86, 0, 1, 2, 3))),
            op("binaryCrossEntropyWithLogits weight posWeight none",
                    in -> Functional.binaryCrossEntropyWithLogits(in[0], in[1],
                            constant(d, new double[] {0.5, 2, 1}, 3), constant(d, new double[] {3, 0.5, 1}, 3),
                            Reduction.NONE),
                    () -> of(randn(d, 87, 2, 3), uniform(d, 88, 0, 1, 2, 3))),
            op("crossEntropy class indices", in -> Functional.crossEntropy(in[0], classes),
                    () -> of(randn(d, 89, 2, 3))),
            op("crossEntropy probabilities", in -> Functional.crossEntropy(in[0], in[1]),
                    () -> of(randn(d, 90, 2, 3), uniform(d, 91, 0, 1, 2, 3))));
    }
}
