package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Attention;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Normalization;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Normalization, embeddings, channel dropout and attention (issue 13): gradcheck and gradgradcheck in float64
 * on every device for batch, layer and group norm (input, weight and bias), embedding (weight, with a padding
 * row) and scaled dot-product attention (query, key, value, with bool, float and causal masks); values against
 * hand-computed references; PyTorch's node names and messages.
 */
@DisplayNameGeneration(ConformanceNames.class)
class NormalizationTest {

    private static final double EPS = 1e-9;

    private static Tensor constant(Device d, double[] values, int... shape) {
        return Tensor.of(values, shape).to(d);
    }

    @AllDevices
    void batchNorm(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 1, 4, 3, 2);
        Tensor w = randn(d, 2, 3);
        Tensor b = randn(d, 3, 3);
        cases.add(named("gradcheck training", () -> check(in -> Normalization.batchNorm(in.get(0), null, null,
                in.get(1), in.get(2), true, 0.1, 1e-5), x, w, b)));
        cases.add(named("gradcheck training 4-D", () -> check(in -> Normalization.batchNorm(in.get(0), null, null,
                in.get(1), in.get(2), true, 0.1, 1e-5), randn(d, 4, 2, 3, 2, 2), w, b)));
        Tensor rm = constant(d, new double[] {0.5, -1, 2}, 3);
        Tensor rv = constant(d, new double[] {2, 0.5, 1}, 3);
        cases.add(named("gradcheck eval", () -> check(in -> Normalization.batchNorm(in.get(0), rm, rv, in.get(1),
                in.get(2), false, 0.1, 1e-5), x, w, b)));
        cases.add(named("gradgradcheck training", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Normalization.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), randn(d, 5, 3, 3),
                randn(d, 6, 3), randn(d, 7, 3)))));
        cases.add(named("values and running statistics", () -> {
            Tensor in = constant(d, new double[] {1, 10, 3, 20, 5, 60}, 3, 2);
            Tensor runMean = Tensor.zeros(Shape.of(2), DType.FLOAT64, d);
            Tensor runVar = Tensor.ones(Shape.of(2), DType.FLOAT64, d);
            Tensor y = Normalization.batchNorm(in, runMean, runVar, null, null, true, 0.1, 0.0);
            // channel 0: mean 3, biased var 8/3; channel 1: mean 30, biased var 1400/3
            double s0 = Math.sqrt(8.0 / 3), s1 = Math.sqrt(1400.0 / 3);
            assertArrayEquals(new double[] {-2 / s0, -20 / s1, 0, -10 / s1, 2 / s0, 30 / s1}, y.toDoubleArray(), EPS);
            assertArrayEquals(new double[] {0.3, 3.0}, runMean.toDoubleArray(), EPS);
            // unbiased variances 4 and 700
            assertArrayEquals(new double[] {0.9 + 0.4, 0.9 + 70}, runVar.toDoubleArray(), EPS);
            Tensor e = Normalization.batchNorm(in, runMean, runVar, null, null, false, 0.1, 0.0);
            assertArrayEquals(new double[] {(1 - 0.3) / Math.sqrt(1.3), (10 - 3) / Math.sqrt(70.9)},
                    e.narrow(0, 0, 1).reshape(-1).toDoubleArray(), EPS);
        }));
        cases.add(named("node name", () -> assertEquals("NativeBatchNormBackward0",
                Normalization.batchNorm(x, null, null, w, b, true, 0.1, 1e-5).gradFn().name())));
        cases.add(named("one value per channel", () -> assertEquals(
                "Expected more than 1 value per channel when training, got input size [1, 3]",
                assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(
                        Tensor.zeros(Shape.of(1, 3), DType.FLOAT64, d), null, null, null, null, true, 0.1, 1e-5))
                        .getMessage())));
        cases.add(named("wrong channel count", () -> assertEquals("running_mean should contain 3 elements not 4",
                assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(x,
                        Tensor.zeros(Shape.of(4), DType.FLOAT64, d), Tensor.ones(Shape.of(4), DType.FLOAT64, d),
                        null, null, true, 0.1, 1e-5)).getMessage())));
        all(cases);
    }

    @AllDevices
    void layerNorm(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("gradcheck last dim", () -> check(in -> Normalization.layerNorm(in.get(0), new int[] {4},
                in.get(1), in.get(2), 1e-5), randn(d, 1, 3, 4), randn(d, 2, 4), randn(d, 3, 4))));
        cases.add(named("gradcheck last two dims", () -> check(in -> Normalization.layerNorm(in.get(0),
                new int[] {2, 3}, in.get(1), in.get(2), 1e-5), randn(d, 4, 2, 2, 3), randn(d, 5, 2, 3),
                randn(d, 6, 2, 3))));
        cases.add(named("gradcheck no affine", () -> check(in -> Normalization.layerNorm(in.get(0), new int[] {5},
                null, null, 1e-5), randn(d, 7, 2, 5))));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Normalization.layerNorm(
                in[0], new int[] {3}, in[1], in[2], 1e-5), randn(d, 8, 2, 3), randn(d, 9, 3), randn(d, 10, 3)))));
        cases.add(named("values", () -> {
            Tensor y = Normalization.layerNorm(constant(d, new double[] {1, 2, 3, 4}, 1, 4), new int[] {4},
                    constant(d, new double[] {1, 1, 2, 2}, 4), constant(d, new double[] {0, 0, 0, 1}, 4), 0.0);
            double s = Math.sqrt(1.25);
            assertArrayEquals(new double[] {-1.5 / s, -0.5 / s, 1 / s, 3 / s + 1}, y.toDoubleArray(), EPS);
            assertEquals("NativeLayerNormBackward0", Normalization.layerNorm(randn(d, 1, 2, 3), new int[] {3}, null,
                    null, 1e-5).gradFn().name());
        }));
        cases.add(named("shape mismatch", () -> assertEquals("Given normalized_shape=[4], expected input with shape "
                + "[*, 4], but got input of size[2, 3]", assertThrows(IllegalArgumentException.class,
                () -> Normalization.layerNorm(randn(d, 1, 2, 3), new int[] {4}, null, null, 1e-5)).getMessage())));
        all(cases);
    }

    @AllDevices
    void groupNorm(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("gradcheck", () -> check(in -> Normalization.groupNorm(in.get(0), 2, in.get(1), in.get(2),
                1e-5), randn(d, 1, 2, 4, 3), randn(d, 2, 4), randn(d, 3, 4))));
        cases.add(named("gradcheck 4-D, one group", () -> check(in -> Normalization.groupNorm(in.get(0), 1,
                in.get(1), null, 1e-5), randn(d, 4, 2, 3, 2, 2), randn(d, 5, 3))));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Normalization.groupNorm(
                in[0], 3, in[1], in[2], 1e-5), randn(d, 6, 2, 3, 2), randn(d, 7, 3), randn(d, 8, 3)))));
        cases.add(named("equals layer norm of each group", () -> {
            Tensor in = randn(d, 9, 2, 4, 3);
            Tensor g = Normalization.groupNorm(in, 2, null, null, 1e-5);
            Tensor l = Normalization.layerNorm(in.reshape(2, 2, 6), new int[] {6}, null, null, 1e-5).reshape(2, 4, 3);
            assertArrayEquals(l.toDoubleArray(), g.toDoubleArray(), EPS);
            assertEquals("NativeGroupNormBackward0", g.gradFn().name());
        }));
        cases.add(named("channels not divisible", () -> assertEquals("Expected number of channels in input to be "
                + "divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4",
                assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(
                        Tensor.zeros(Shape.of(2, 6, 4), DType.FLOAT64, d), 4, null, null, 1e-5)).getMessage())));
        cases.add(named("weight of the wrong size", () -> assertEquals("Expected weight to be a vector of size equal "
                + "to the number of channels in input, but got weight of shape [3] and input of shape [2, 4, 3]",
                assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(randn(d, 10, 2, 4, 3), 2,
                        randn(d, 11, 3), null, 1e-5)).getMessage())));
        all(cases);
    }

    @AllDevices
    void embedding(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor idx = Tensor.of(new long[] {1, 3, 1, 0, 2, 3}, 2, 3).to(d);
        cases.add(named("gradcheck", () -> check(in -> Functional.embedding(idx, in.get(0)), randn(d, 1, 4, 2))));
        // the padding row gets no gradient: the check zeroes the outputs that read it, whose true derivative is 0
        Tensor notPad = idx.ne(1L).unsqueeze(2).to(DType.FLOAT64);
        cases.add(named("gradcheck with padding", () -> check(in -> Functional.embedding(idx, in.get(0), 1)
                .mul(notPad), randn(d, 2, 4, 2))));
        cases.add(named("values, summed gradient, padding row", () -> {
            Tensor w = leaf(d, new double[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2);
            Tensor y = Functional.embedding(idx, w, -1);
            assertArrayEquals(new long[] {2, 3, 2}, toLong(y.shape()));
            assertArrayEquals(new double[] {10, 11, 30, 31, 10, 11, 0, 1, 20, 21, 30, 31}, y.toDoubleArray(), EPS);
            assertEquals("EmbeddingBackward0", y.gradFn().name());
            y.sum().backward();
            assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 0, 0}, w.grad().toDoubleArray(), EPS);
        }));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Functional.embedding(idx, in[0], 0).square(), randn(d, 3, 4, 2)))));
        cases.add(named("index out of range", () -> assertEquals("index out of range in self",
                assertThrows(IndexOutOfBoundsException.class, () -> Functional.embedding(
                        Tensor.of(new long[] {4}, 1).to(d), randn(d, 4, 4, 2)).toDoubleArray()).getMessage())));
        cases.add(named("float indices", () -> assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(randn(d, 5, 2), randn(d, 4, 4, 2))).getMessage()
                .startsWith("Expected tensor for argument #1 'indices' to have one of the following scalar types"))));
        all(cases);
    }

    private static long[] toLong(Shape s) {
        return java.util.Arrays.stream(s.toArray()).asLongStream().toArray();
    }

    @AllDevices
    void dropout2d(Device d) {
        Tensor x = Tensor.ones(Shape.of(4, 8, 3, 3), DType.FLOAT64, d);
        Tensor y = Functional.dropout2d(x, 0.5, true, new Generator(3));
        double[] v = y.toDoubleArray();
        int zeroed = 0;
        for (int c = 0; c < 32; c++) {
            double first = v[c * 9];
            assertTrue(first == 0 || first == 2, "kept channels are scaled by 1/(1-p)");
            for (int k = 1; k < 9; k++) {
                assertEquals(first, v[c * 9 + k], 0.0, "a whole channel is kept or dropped");
            }
            zeroed += first == 0 ? 1 : 0;
        }
        assertTrue(zeroed > 4 && zeroed < 28, "about half the channels dropped, got " + zeroed);
        assertTrue(x == Functional.dropout2d(x, 0.5, false, new Generator(3)), "eval returns the input");
        Tensor leafX = randn(d, 1, 2, 3, 2, 2);
        check(in -> Functional.dropout2d(in.get(0), 0.4, true, new Generator(5)), leafX);
    }

    @AllDevices
    void scaledDotProductAttention(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor q = randn(d, 1, 2, 3, 4);
        Tensor k = randn(d, 2, 2, 5, 4);
        Tensor v = randn(d, 3, 2, 5, 3);
        cases.add(named("gradcheck", () -> check(in -> Attention.scaledDotProductAttention(in.get(0), in.get(1),
                in.get(2)), q, k, v)));
        Tensor boolMask = Tensor.of(new boolean[] {true, true, false, true, false, true, false, true, true, true,
            false, false, false, false, true}, 3, 5).to(d);
        cases.add(named("gradcheck bool mask", () -> check(in -> Attention.scaledDotProductAttention(in.get(0),
                in.get(1), in.get(2), boolMask, 0.0, false, null), q, k, v)));
        Tensor floatMask = Tensor.randn(Shape.of(2, 1, 5), DType.FLOAT64, d, new Generator(9));
        cases.add(named("gradcheck float mask, scale", () -> check(in -> Attention.scaledDotProductAttention(
                in.get(0), in.get(1), in.get(2), floatMask, 0.0, false, 0.3), q, k, v)));
        cases.add(named("gradcheck causal", () -> check(in -> Attention.scaledDotProductAttention(in.get(0),
                in.get(1), in.get(2), null, 0.0, true, null), q, k, v)));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Attention.scaledDotProductAttention(in[0], in[1], in[2], null, 0.0, true, null),
                randn(d, 4, 3, 2), randn(d, 5, 3, 2), randn(d, 6, 3, 2)))));
        cases.add(named("values: causal equals an explicit lower-triangular bool mask", () -> {
            Tensor tri = Tensor.ones(Shape.of(3, 5), DType.FLOAT64, d).tril(0).ne(0.0);
            Tensor a = Attention.scaledDotProductAttention(q, k, v, null, 0.0, true, null);
            Tensor b = Attention.scaledDotProductAttention(q, k, v, tri, 0.0, false, null);
            assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), EPS);
            // first query sees only the first key: its output is the first value row
            assertArrayEquals(v.narrow(1, 0, 1).toDoubleArray(), a.narrow(1, 0, 1).toDoubleArray(), EPS);
        }));
        cases.add(named("values: one key gets all the weight", () -> {
            Tensor qq = constant(d, new double[] {1, 0}, 1, 2);
            Tensor kk = constant(d, new double[] {100, 0, -100, 0}, 2, 2);
            Tensor vv = constant(d, new double[] {1, 2, 3, 4}, 2, 2);
            assertArrayEquals(new double[] {1, 2}, Attention.scaledDotProductAttention(qq, kk, vv).toDoubleArray(),
                    1e-12);
        }));
        cases.add(named("mask dtype", () -> assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(q, k, v, Tensor.zeros(Shape.of(3, 5), DType.INT64, d), 0.0,
                        false, null)).getMessage().startsWith("Expected attn_mask dtype to be bool or float or to "
                        + "match query dtype"))));
        cases.add(named("mask shape", () -> assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(q, k, v, Tensor.zeros(Shape.of(4, 5), DType.FLOAT64, d),
                        0.0, false, null))));
        cases.add(named("mask and causal", () -> assertEquals("_scaled_dot_product_attention: Explicit attn_mask "
                + "should not be set when is_causal=True", assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProductAttention(q, k, v, boolMask, 0.0, true, null)).getMessage())));
        cases.add(named("dropout keeps the expectation", () -> {
            Tensor ones = Tensor.ones(Shape.of(64, 8), DType.FLOAT64, d);
            Tensor out = Attention.scaledDotProductAttention(ones, ones, ones, null, 0.5, false, null,
                    new Generator(1));
            double mean = out.mean().toDoubleArray()[0];
            assertTrue(Math.abs(mean - 1) < 0.1, "mean " + mean);
        }));
        cases.add(named("no grad needed, no node", () -> assertNull(Attention.scaledDotProductAttention(
                q.detach(), k.detach(), v.detach()).gradFn())));
        all(cases);
    }
}
