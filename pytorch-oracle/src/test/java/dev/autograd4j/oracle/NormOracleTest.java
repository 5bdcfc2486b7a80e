package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.fixed;
import static dev.autograd4j.oracle.Oracle.multi;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randLongs;
import static dev.autograd4j.oracle.Oracle.randn;
import static dev.autograd4j.oracle.Oracle.uniform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.autograd4j.DType;
import dev.autograd4j.Functional;
import dev.autograd4j.Normalization;
import dev.autograd4j.Tensor;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch norm (training, with the running statistics it updates in place, and eval), layer norm and embedding
 * against libtorch's own kernels ({@code torch::batch_norm}, {@code torch::layer_norm}, {@code torch::embedding}
 * through DJL; its binding takes the running statistics before the weight and bias), values and gradients of every differentiable input, in float32 and float64.
 */
class NormOracleTest {

    private static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (int[] shape : new int[][] {{6, 3}, {4, 3, 5}, {2, 3, 4, 4}}) {
            String s = java.util.Arrays.toString(shape);
            c.add(multi("batchNorm training " + s, List.of(randn(shape), randn(3), randn(3),
                    uniform(-1, 1, 3).noGrad(), uniform(0.5, 2, 3).noGrad()),
                    x -> new Tensor[] {Normalization.batchNorm(x[0], x[3], x[4], x[1], x[2], true, 0.1, 1e-5), x[3],
                        x[4]},
                    (m, x) -> new NDArray[] {JniUtils.batchNorm(pt(x[0]), pt(x[3]), pt(x[4]), pt(x[1]), pt(x[2]),
                        true, 0.1, 1e-5), x[3], x[4]}));
            c.add(op("batchNorm eval " + s, List.of(randn(shape), randn(3), randn(3), uniform(-1, 1, 3).noGrad(),
                    uniform(0.5, 2, 3).noGrad()),
                    x -> Normalization.batchNorm(x[0], x[3], x[4], x[1], x[2], false, 0.1, 1e-5),
                    (m, x) -> JniUtils.batchNorm(pt(x[0]), pt(x[3]), pt(x[4]), pt(x[1]), pt(x[2]), false, 0.1, 1e-5)));
        }
        c.add(op("layerNorm last dim", List.of(randn(3, 4, 8), randn(8), randn(8)),
                x -> Normalization.layerNorm(x[0], new int[] {8}, x[1], x[2], 1e-5),
                (m, x) -> JniUtils.layerNorm(pt(x[0]), new Shape(8), pt(x[1]), pt(x[2]), 1e-5)));
        c.add(op("layerNorm last two dims", List.of(randn(2, 3, 4, 5), randn(4, 5), randn(4, 5)),
                x -> Normalization.layerNorm(x[0], new int[] {4, 5}, x[1], x[2], 1e-5),
                (m, x) -> JniUtils.layerNorm(pt(x[0]), new Shape(4, 5), pt(x[1]), pt(x[2]), 1e-5)));
        c.add(op("layerNorm width 256", List.of(randn(16, 256), randn(256), randn(256)),
                x -> Normalization.layerNorm(x[0], new int[] {256}, x[1], x[2], 1e-5),
                (m, x) -> JniUtils.layerNorm(pt(x[0]), new Shape(256), pt(x[1]), pt(x[2]), 1e-5)));
        c.add(op("layerNorm large mean", List.of(fixed(new double[] {1000, 1001, 1002, 1003, -5, 5, -5, 5}, 2, 4),
                randn(4), randn(4)),
                x -> Normalization.layerNorm(x[0], new int[] {4}, x[1], x[2], 1e-5),
                (m, x) -> JniUtils.layerNorm(pt(x[0]), new Shape(4), pt(x[1]), pt(x[2]), 1e-5)).tol(10));
        c.add(op("embedding", List.of(randLongs(7, 3, 5), randn(7, 4)),
                x -> Functional.embedding(x[0], x[1]),
                (m, x) -> JniUtils.embedding(pt(x[0]), pt(x[1]), false)));
        c.add(op("embedding repeated indices", List.of(Oracle.longs(new long[] {2, 2, 2, 0, 6, 2}, 6), randn(7, 3)),
                x -> Functional.embedding(x[0], x[1]),
                (m, x) -> JniUtils.embedding(pt(x[0]), pt(x[1]), false)));
        return c;
    }

    static Stream<Arguments> normCases() {
        return Oracle.bothDtypes(cases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("normCases")
    void norm(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }
}
