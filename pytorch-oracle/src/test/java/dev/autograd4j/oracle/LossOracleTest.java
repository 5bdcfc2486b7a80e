package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.longs;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randLongs;
import static dev.autograd4j.oracle.Oracle.randn;
import static dev.autograd4j.oracle.Oracle.randnScaled;
import static dev.autograd4j.oracle.Oracle.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.autograd4j.DType;
import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Losses against libtorch. DJL's JNI exposes no fused loss kernels (no binary_cross_entropy[_with_logits],
 * nll_loss or cross_entropy), so the torch side is the textbook formula written with libtorch's own
 * differentiable ops: log_softmax + gather for cross-entropy/NLL, (1-y)x + (1+(pw-1)y) softplus(-x) for
 * BCE-with-logits (torch's softplus is stable, so logits of 1e4 stay finite there too), clamped logs for BCE.
 * Forward values and gradients of those compositions equal the fused kernels' up to rounding.
 */
class LossOracleTest {

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static NDArray reduce(NDArray perElement, Reduction r) {
        return switch (r) {
            case NONE -> perElement;
            case SUM -> perElement.sum();
            case MEAN -> perElement.mean();
        };
    }

    /** torch: (1 - y) x + (1 + (pw - 1) y) softplus(-x), times weight. */
    static NDArray bceWithLogits(NDArray x, NDArray y, NDArray weight, NDArray posWeight, Reduction r) {
        NDArray sp = JniUtils.softPlus(pt(x.neg()));
        NDArray positive = posWeight == null ? sp : posWeight.sub(Oracle.k(x, 1.0)).mul(y).add(Oracle.k(x, 1.0)).mul(sp);
        NDArray loss = y.neg().add(Oracle.k(x, 1.0)).mul(x).add(positive);
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduce(loss, r);
    }

    /** torch: -(y clamp(log p, -100) + (1 - y) clamp(log(1 - p), -100)), times weight. */
    static NDArray bce(NDArray p, NDArray y, NDArray weight, Reduction r) {
        NDArray logP = p.log().clip(-100.0, 1e30);
        NDArray log1mP = p.neg().add(Oracle.k(p, 1.0)).log().clip(-100.0, 1e30);
        NDArray loss = y.mul(logP).add(y.neg().add(Oracle.k(p, 1.0)).mul(log1mP)).neg();
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduce(loss, r);
    }

    /**
     * nll_loss of [N, C] log-probabilities at targets (ignored entries given as ignore; the gather index uses
     * 0 there and the weight 0 removes them), weighted mean as torch: sum(w_t * -lp_t) / sum(w_t).
     */
    static NDArray nll(NDManager m, NDArray lp, long[] targets, double[] classWeight, int ignore, Reduction r) {
        int n = targets.length;
        long[] safe = new long[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            boolean ignored = targets[i] == ignore;
            safe[i] = ignored ? 0 : targets[i];
            w[i] = ignored ? 0 : classWeight == null ? 1 : classWeight[(int) targets[i]];
        }
        NDArray idx = m.create(safe, new Shape(n, 1));
        NDArray wt = m.create(w, new Shape(n)).toType(lp.getDataType(), false);
        NDArray picked = lp.gather(idx, 1).reshape(n).neg().mul(wt);
        return switch (r) {
            case NONE -> picked;
            case SUM -> picked.sum();
            case MEAN -> picked.sum().div(wt.sum());
        };
    }

    /**
     * nll_loss of [N, C, d1, ...] log-probabilities at targets [N, d1, ...] (class dim 1), as torch: gather
     * along dim 1, weights w_t (0 where ignored), weighted mean sum(w_t * -lp_t) / sum(w_t).
     */
    static NDArray nllNd(NDManager m, NDArray lp, long[] targets, double[] classWeight, int ignore, Reduction r) {
        long[] lpShape = lp.getShape().getShape();
        long[] outShape = new long[lpShape.length - 1];
        long[] indexShape = lpShape.clone();
        outShape[0] = lpShape[0];
        indexShape[1] = 1;
        System.arraycopy(lpShape, 2, outShape, 1, lpShape.length - 2);
        int n = targets.length;
        long[] safe = new long[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            boolean ignored = targets[i] == ignore;
            safe[i] = ignored ? 0 : targets[i];
            w[i] = ignored ? 0 : classWeight == null ? 1 : classWeight[(int) targets[i]];
        }
        NDArray idx = m.create(safe, new Shape(indexShape));
        NDArray wt = m.create(w, new Shape(outShape)).toType(lp.getDataType(), false);
        NDArray picked = lp.gather(idx, 1).reshape(new Shape(outShape)).neg().mul(wt);
        return switch (r) {
            case NONE -> picked;
            case SUM -> picked.sum();
            case MEAN -> picked.sum().div(wt.sum());
        };
    }

    /** (N, C, d1, ...) inputs: class indices (with weight and ignoreIndex) and class probabilities (weight on dim 1). */
    static List<Case> spatialCases() {
        List<Case> c = new ArrayList<>();
        double[] cw = {0.5, 2.0, 1.25};
        long[] t4 = {0, 2, 1, -100, 2, 0, 1, 1};
        long[] t3 = {2, 0, 1, 1, 1, 2};
        for (Reduction r : Reduction.values()) {
            c.add(op("crossEntropy [2,3,2,2] class indices weight ignoreIndex " + r,
                    List.of(randn(2, 3, 2, 2), longs(t4, 2, 2, 2)),
                    x -> Functional.crossEntropy(x[0], x[1], classWeights(cw, x[0]), r, -100),
                    (m, x) -> nllNd(m, x[0].logSoftmax(1), t4, cw, -100, r)));
            c.add(op("crossEntropy [2,3,3] class indices ignoreIndex=1 " + r,
                    List.of(randn(2, 3, 3), longs(t3, 2, 3)),
                    x -> Functional.crossEntropy(x[0], x[1], null, r, 1),
                    (m, x) -> nllNd(m, x[0].logSoftmax(1), t3, null, 1, r)));
            c.add(op("nllLoss [2,3,2,1,2] weight " + r,
                    List.of(randn(2, 3, 2, 1, 2), longs(t4, 2, 2, 1, 2)),
                    x -> Functional.nllLoss(x[0], x[1], classWeights(cw, x[0]), r, -100),
                    (m, x) -> nllNd(m, x[0], t4, cw, -100, r)));
            c.add(op("crossEntropy [2,3,3] probabilities weight " + r,
                    List.of(randn(2, 3, 3), uniform(0, 1, 2, 3, 3).noGrad()),
                    x -> Functional.crossEntropy(x[0], x[1].div(x[1].sum(new int[] {1}, true)),
                            classWeights(cw, x[0]), r, -100),
                    (m, x) -> {
                        NDArray p = x[1].div(x[1].sum(new int[] {1}, true));
                        NDArray w = m.create(cw, new Shape(1, 3, 1)).toType(x[0].getDataType(), false);
                        return reduce(x[0].logSoftmax(1).mul(p).mul(w).sum(new int[] {1}).neg(), r);
                    }));
            c.add(op("crossEntropy [2,3,1] probabilities " + r,
                    List.of(randn(2, 3, 1), uniform(0, 1, 2, 3, 1)),
                    x -> Functional.crossEntropy(x[0], x[1], null, r, -100),
                    (m, x) -> reduce(x[0].logSoftmax(1).mul(x[1]).sum(new int[] {1}).neg(), r)));
        }
        return c;
    }

    static Stream<Arguments> spatialLossCases() {
        return Oracle.bothDtypes(spatialCases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("spatialLossCases")
    void spatialLoss(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    static Tensor classWeights(double[] w, Tensor like) {
        return Tensor.of(w, w.length).to(like.dtype());
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            c.add(op("bceWithLogits " + r, List.of(randnScaled(2, 4, 3), uniform(0, 1, 4, 3)),
                    x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1], null, null, r),
                    (m, x) -> bceWithLogits(x[0], x[1], null, null, r)));
            c.add(op("bceWithLogits weight+posWeight " + r,
                    List.of(randnScaled(2, 4, 3), uniform(0, 1, 4, 3), uniform(0.5, 2, 4, 3).noGrad(),
                            uniform(0.5, 3, 3).noGrad()),
                    x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1], x[2], x[3], r),
                    (m, x) -> bceWithLogits(x[0], x[1], x[2], x[3], r)));
            c.add(op("bceWithLogits logits 1e4 " + r,
                    List.of(randnScaled(1e4, 3, 4), uniform(0, 1, 3, 4)),
                    x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1], null, null, r),
                    (m, x) -> bceWithLogits(x[0], x[1], null, null, r)));
            c.add(op("bceWithLogits logits 1e4 posWeight " + r,
                    List.of(randnScaled(1e4, 3, 4), uniform(0, 1, 3, 4), uniform(0.5, 3, 4).noGrad()),
                    x -> Functional.binaryCrossEntropyWithLogits(x[0], x[1], null, x[2], r),
                    (m, x) -> bceWithLogits(x[0], x[1], null, x[2], r)));
            c.add(op("binaryCrossEntropy " + r, List.of(uniform(0.05, 0.95, 4, 3), uniform(0, 1, 4, 3)),
                    x -> Functional.binaryCrossEntropy(x[0], x[1], null, r), (m, x) -> bce(x[0], x[1], null, r)));
            c.add(op("binaryCrossEntropy weight " + r,
                    List.of(uniform(0.05, 0.95, 4, 3), uniform(0, 1, 4, 3), uniform(0.5, 2, 3).noGrad()),
                    x -> Functional.binaryCrossEntropy(x[0], x[1], x[2], r), (m, x) -> bce(x[0], x[1], x[2], r)));
            c.add(op("mseLoss " + r, List.of(randn(3, 4), randn(3, 4)), x -> Functional.mseLoss(x[0], x[1], r),
                    (m, x) -> reduce(x[0].sub(x[1]).square(), r)));
            c.add(op("l1Loss " + r, List.of(randn(3, 4), randn(3, 4)), x -> Functional.l1Loss(x[0], x[1], r),
                    (m, x) -> reduce(x[0].sub(x[1]).abs(), r)));

            long[] t = {2, 0, 4, 1, 2, 3};
            double[] cw = {0.5, 1.5, 1.0, 2.0, 0.25};
            c.add(op("crossEntropy class indices " + r, List.of(randn(6, 5), longs(t, 6)),
                    x -> Functional.crossEntropy(x[0], x[1], null, r, -100),
                    (m, x) -> nll(m, x[0].logSoftmax(1), t, null, -100, r)));
            c.add(op("crossEntropy weight " + r, List.of(randn(6, 5), longs(t, 6)),
                    x -> Functional.crossEntropy(x[0], x[1], classWeights(cw, x[0]), r, -100),
                    (m, x) -> nll(m, x[0].logSoftmax(1), t, cw, -100, r)));
            long[] tIgnored = {2, -100, 4, 1, -100, 3};
            c.add(op("crossEntropy ignoreIndex " + r, List.of(randn(6, 5), longs(tIgnored, 6)),
                    x -> Functional.crossEntropy(x[0], x[1], null, r, -100),
                    (m, x) -> nll(m, x[0].logSoftmax(1), tIgnored, null, -100, r)));
            long[] tIgn1 = {2, 1, 4, 1, 0, 3};
            c.add(op("crossEntropy weight ignoreIndex=1 " + r, List.of(randn(6, 5), longs(tIgn1, 6)),
                    x -> Functional.crossEntropy(x[0], x[1], classWeights(cw, x[0]), r, 1),
                    (m, x) -> nll(m, x[0].logSoftmax(1), tIgn1, cw, 1, r)));
            c.add(op("crossEntropy logits 1000*randn " + r, List.of(randnScaled(1000, 6, 5), longs(t, 6)),
                    x -> Functional.crossEntropy(x[0], x[1], null, r, -100),
                    (m, x) -> nll(m, x[0].logSoftmax(1), t, null, -100, r)));
            c.add(op("crossEntropy probability targets " + r,
                    List.of(randn(4, 5), uniform(0, 1, 4, 5).noGrad()),
                    x -> Functional.crossEntropy(x[0], x[1].div(x[1].sum(new int[] {1}, true)), null, r, -100),
                    (m, x) -> {
                        NDArray p = x[1].div(x[1].sum(new int[] {1}, true));
                        NDArray loss = x[0].logSoftmax(1).mul(p).sum(new int[] {1}).neg();
                        return reduce(loss, r);
                    }));
            c.add(op("nllLoss " + r, List.of(randn(6, 5), longs(t, 6)),
                    x -> Functional.nllLoss(x[0], x[1], null, r, -100),
                    (m, x) -> nll(m, x[0], t, null, -100, r)));
            c.add(op("nllLoss weight ignoreIndex " + r, List.of(randn(6, 5), longs(tIgnored, 6)),
                    x -> Functional.nllLoss(x[0], x[1], classWeights(cw, x[0]), r, -100),
                    (m, x) -> nll(m, x[0], tIgnored, cw, -100, r)));
        }
        c.add(op("crossEntropy 1D input, 0D target", List.of(randn(5), longs(new long[] {3})),
                x -> Functional.crossEntropy(x[0], x[1]),
                (m, x) -> x[0].logSoftmax(0).get(3).neg()));
        c.add(op("crossEntropy random targets default", List.of(randn(8, 4), randLongs(4, 8)),
                x -> Functional.crossEntropy(x[0], x[1]),
                (m, x) -> {
                    NDArray lp = x[0].logSoftmax(1);
                    return lp.gather(x[1].reshape(8, 1), 1).neg().mean();
                }));
        c.add(op("nllLoss of logSoftmax default", List.of(randn(8, 4), randLongs(4, 8)),
                x -> Functional.nllLoss(x[0].logSoftmax(1), x[1]),
                (m, x) -> x[0].logSoftmax(1).gather(x[1].reshape(8, 1), 1).neg().mean()));
        // log-probabilities of -inf at classes that are not targets: torch's nll_loss only reads the target entries
        c.add(op("nllLoss with -inf at non-target classes",
                List.of(Oracle.fixed(new double[] {Double.NEGATIVE_INFINITY, -0.5, -1.0,
                        -2.0, Double.NEGATIVE_INFINITY, -0.1}, 2, 3), longs(new long[] {1, 2}, 2)),
                x -> Functional.nllLoss(x[0], x[1]),
                (m, x) -> nll(m, x[0], new long[] {1, 2}, null, -100, Reduction.MEAN)));
        // masked logits (-inf at some non-target classes), as produced by attention/label masking
        double inf = Double.NEGATIVE_INFINITY;
        c.add(op("crossEntropy with -inf logits at non-target classes",
                List.of(Oracle.fixed(new double[] {inf, 0.5, -1.0, 2.0, inf, 0.1}, 2, 3), longs(new long[] {1, 2}, 2)),
                x -> Functional.crossEntropy(x[0], x[1]),
                (m, x) -> nll(m, x[0].logSoftmax(1), new long[] {1, 2}, null, -100, Reduction.MEAN)));
        return c;
    }

    static Stream<Arguments> lossCases() {
        return Oracle.bothDtypes(cases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lossCases")
    void loss(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    /** BCE-with-logits at |logit| = 1e4: finite in both libraries (stable formulation). */
    @Test
    void bceWithLogitsHugeLogitsAreFinite() {
        float[] logits = {1e4f, -1e4f, 1e4f, -1e4f};
        float[] targets = {1, 1, 0, 0};
        Tensor x = Tensor.of(logits, 4).requiresGrad(true);
        Tensor y = Tensor.of(targets, 4);
        Tensor loss = Functional.binaryCrossEntropyWithLogits(x, y, null, null, Reduction.MEAN);
        loss.backward();
        assertTrue(Double.isFinite(loss.item()), "loss " + loss.item());
        for (float g : x.grad().toFloatArray()) {
            assertTrue(Float.isFinite(g), "grad " + g);
        }
        try (NDManager m = Oracle.base().newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray dx = m.create(logits);
            dx.setRequiresGradient(true);
            NDArray dl = bceWithLogits(dx, m.create(targets), null, null, Reduction.MEAN);
            gc.backward(dl);
            // (1e4 * 1 [x=-1e4, y=1] + 1e4 [x=1e4, y=0]) / 4
            assertEquals(5000.0, dl.getFloat(), 1e-3);
            assertEquals(dl.getFloat(), (float) loss.item(), 1e-3);
            float[] dg = dx.getGradient().toFloatArray();
            float[] jg = x.grad().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(dg[i], jg[i], 1e-7, "grad " + i);
            }
            assertEquals(DataType.FLOAT32, dx.getGradient().getDataType());
        }
    }
}
