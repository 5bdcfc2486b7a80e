package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.check2;
import static dev.autograd4j.conformance.GradChecks.leaf;
import static dev.autograd4j.conformance.GradChecks.randn;
import static dev.autograd4j.conformance.GradChecks.uniform;
import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/** gradcheck of the losses in {@link Functional}, wrt input and (where differentiable) target. */
@DisplayNameGeneration(ConformanceNames.class)
class GradCheckLossesTest {

    static final Reduction[] REDUCTIONS = Reduction.values();

    /** A constant (no grad) float64 tensor on the device. */
    static Tensor constant(Device d, double[] v, int... shape) {
        return Tensor.of(v, shape).to(d);
    }

    static Tensor constantUniform(Device d, long seed, double lo, double hi, int... shape) {
        return uniform(d, seed, lo, hi, shape).detach();
    }

    @AllDevices
    void binaryCrossEntropyWithLogits(Device d) {
        Tensor input = randn(d, 1, 3, 4);
        Tensor bigInput = GradChecks.awayFromZero(d, 2, 5, 30, 3, 4);
        Tensor target = uniform(d, 3, 0.0, 1.0, 3, 4);
        Tensor weightRow = constantUniform(d, 4, 0.5, 2.0, 4);
        Tensor weightFull = constantUniform(d, 5, 0.5, 2.0, 3, 4);
        Tensor posWeight = constantUniform(d, 6, 0.5, 3.0, 4);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("plain " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, null, null, r), input, target)));
            cases.add(named("large logits " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, null, null, r), bigInput, target)));
            cases.add(named("weight [4] " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, weightRow, null, r), input, target)));
            cases.add(named("weight [3,4] " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, weightFull, null, r), input, target)));
            cases.add(named("posWeight " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, null, posWeight, r), input, target)));
            cases.add(named("weight and posWeight " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, weightRow, posWeight, r), input, target)));
            cases.add(named("posWeight large logits " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropyWithLogits(x, t, null, posWeight, r), bigInput, target)));
        }
        cases.add(named("default (mean), input only", () -> check1(x ->
                Functional.binaryCrossEntropyWithLogits(x, target.detach()), input)));
        cases.add(named("input a view", () -> check2((x, t) ->
                Functional.binaryCrossEntropyWithLogits(x.t(), t.t(), weightRow, posWeight, Reduction.SUM),
                randn(d, 7, 4, 3), uniform(d, 8, 0.0, 1.0, 4, 3))));
        all(cases);
    }

    @AllDevices
    void binaryCrossEntropy(Device d) {
        Tensor input = uniform(d, 10, 0.05, 0.95, 3, 4);
        Tensor target = uniform(d, 11, 0.0, 1.0, 3, 4);
        Tensor weight = constantUniform(d, 12, 0.5, 2.0, 3, 4);
        Tensor weightRow = constantUniform(d, 13, 0.5, 2.0, 4);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("plain " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropy(x, t, null, r), input, target)));
            cases.add(named("weight [3,4] " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropy(x, t, weight, r), input, target)));
            cases.add(named("weight [4] " + r, () -> check2((x, t) ->
                    Functional.binaryCrossEntropy(x, t, weightRow, r), input, target)));
        }
        cases.add(named("default (mean)", () -> check2(Functional::binaryCrossEntropy, input, target)));
        cases.add(named("hard targets", () -> check1(x -> Functional.binaryCrossEntropy(x,
                constant(d, new double[] {1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0}, 3, 4)), input)));
        all(cases);
    }

    @AllDevices
    void crossEntropyWithClassIndices(Device d) {
        Tensor logits = randn(d, 20, 4, 5);
        Tensor targets = Tensor.of(new long[] {1, 0, 4, 2}, 4).to(d);
        Tensor targetsWithIgnored = Tensor.of(new long[] {1, -100, 4, -100}, 4).to(d);
        Tensor targetsWithIgnored3 = Tensor.of(new long[] {3, 0, 3, 2}, 4).to(d);
        Tensor weight = constant(d, new double[] {0.5, 1.0, 2.0, 1.5, 0.8}, 5);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("plain " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), null, r, -100), logits, targets)));
            cases.add(named("weight " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), weight, r, -100), logits, targets)));
            cases.add(named("ignoreIndex -100 " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), null, r, -100), logits, targetsWithIgnored)));
            cases.add(named("ignoreIndex 3 " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), null, r, 3), logits, targetsWithIgnored3)));
            cases.add(named("weight and ignoreIndex 3 " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), weight, r, 3), logits, targetsWithIgnored3)));
        }
        cases.add(named("default (mean)", () -> check(in -> Functional.crossEntropy(in.get(0), in.get(1)),
                logits, targets)));
        cases.add(named("large logits", () -> check(in -> Functional.crossEntropy(in.get(0).mul(40.0), in.get(1)),
                logits, targets)));
        cases.add(named("1-D input, 0-d target", () -> check(in -> Functional.crossEntropy(in.get(0), in.get(1)),
                randn(d, 21, 5), Tensor.of(new long[] {3}).to(d))));
        cases.add(named("1-D input, 0-d target, NONE", () -> check(in ->
                Functional.crossEntropy(in.get(0), in.get(1), weight, Reduction.NONE, -100),
                randn(d, 22, 5), Tensor.of(new long[] {2}).to(d))));
        cases.add(named("transposed logits", () -> check(in -> Functional.crossEntropy(in.get(0).t(), in.get(1)),
                randn(d, 23, 5, 4), targets)));
        all(cases);
        // value check: mean of -log softmax at the targets
        double[] l = logits.toDoubleArray();
        long[] t = {1, 0, 4, 2};
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 5; c++) {
                max = Math.max(max, l[i * 5 + c]);
            }
            double s = 0;
            for (int c = 0; c < 5; c++) {
                s += Math.exp(l[i * 5 + c] - max);
            }
            expected += -(l[i * 5 + (int) t[i]] - max - Math.log(s)) / 4;
        }
        assertEquals(expected, Functional.crossEntropy(logits, targets).item(), 1e-12);
    }

    @AllDevices
    void crossEntropyWithProbabilities(Device d) {
        Tensor logits = randn(d, 24, 4, 5);
        Tensor probs = randn(d, 25, 4, 5).detach().softmax(1).requiresGrad(true);
        Tensor weight = constant(d, new double[] {0.5, 1.0, 2.0, 1.5, 0.8}, 5);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("probabilities " + r, () -> check2((x, p) ->
                    Functional.crossEntropy(x, p, null, r, -100), logits, probs)));
            cases.add(named("probabilities weight " + r, () -> check2((x, p) ->
                    Functional.crossEntropy(x, p, weight, r, -100), logits, probs)));
        }
        all(cases);
    }

    /** Reference cross-entropy of [N, C, S] logits (S = d1 * ...) per element [N, S], in plain loops. */
    static double[] referenceCrossEntropy(double[] x, int n, int c, int spatial, double[] probs, long[] targets,
                                          double[] weight, int ignore, double[] elementWeight) {
        double[] loss = new double[n * spatial];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < spatial; p++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, x[(i * c + k) * spatial + p]);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += Math.exp(x[(i * c + k) * spatial + p] - max);
                }
                double lse = max + Math.log(sum);
                double l = 0;
                if (probs != null) {
                    for (int k = 0; k < c; k++) {
                        double w = weight == null ? 1 : weight[k];
                        l -= w * probs[(i * c + k) * spatial + p] * (x[(i * c + k) * spatial + p] - lse);
                    }
                    elementWeight[i * spatial + p] = 1;
                } else {
                    long t = targets[i * spatial + p];
                    double w = t == ignore ? 0 : weight == null ? 1 : weight[(int) t];
                    l = t == ignore ? 0 : -w * (x[(i * c + (int) t) * spatial + p] - lse);
                    elementWeight[i * spatial + p] = w;
                }
                loss[i * spatial + p] = l;
            }
        }
        return loss;
    }

    /**
     * (N, C, d1, ...) inputs, as for segmentation: class probabilities (the mean divides by N * d1 * ...,
     * the weight applies along dim 1) and class indices (nll_loss over every element, weighted mean over the
     * kept ones), values against loops and gradcheck.
     */
    @AllDevices
    void crossEntropyWithSpatialDims(Device d) {
        Tensor logits = randn(d, 60, 2, 3, 2, 2);
        Tensor probs = randn(d, 61, 2, 3, 2, 2).detach().softmax(1).requiresGrad(true);
        Tensor weight = constant(d, new double[] {0.5, 2.0, 1.25}, 3);
        long[] t = {0, 2, 1, 1, 2, 0, -100, 1};
        long[] t1 = {0, 2, 1, 1, 2, 0, 1, 1};
        Tensor targets = Tensor.of(t, 2, 2, 2).to(d);
        Tensor targetsIgnore1 = Tensor.of(t1, 2, 2, 2).to(d);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("probabilities " + r, () -> check2((x, p) ->
                    Functional.crossEntropy(x, p, null, r, -100), logits, probs)));
            cases.add(named("probabilities weight " + r, () -> check2((x, p) ->
                    Functional.crossEntropy(x, p, weight, r, -100), logits, probs)));
            cases.add(named("class indices " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), null, r, -100), logits, targets)));
            cases.add(named("class indices weight ignoreIndex -100 " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), weight, r, -100), logits, targets)));
            cases.add(named("nllLoss weight ignoreIndex 1 " + r, () -> check(in ->
                    Functional.nllLoss(in.get(0).logSoftmax(1), in.get(1), weight, r, 1), logits, targetsIgnore1)));
            cases.add(named("3-D input " + r, () -> check(in ->
                    Functional.crossEntropy(in.get(0), in.get(1), weight, r, -100),
                    randn(d, 62, 2, 3, 3), Tensor.of(new long[] {2, 0, 1, -100, 1, 2}, 2, 3).to(d))));
        }
        cases.add(named("permuted (non-contiguous) input", () -> check(in ->
                Functional.crossEntropy(in.get(0).permute(0, 3, 1, 2), in.get(1), weight, Reduction.MEAN, -100),
                randn(d, 63, 2, 2, 2, 3), targets)));
        all(cases);

        double[] x = logits.toDoubleArray();
        double[] w = {0.5, 2.0, 1.25};
        double[] ew = new double[8];
        double[] soft = referenceCrossEntropy(x, 2, 3, 4, probs.toDoubleArray(), null, w, -100, ew);
        Tensor none = Functional.crossEntropy(logits, probs, weight, Reduction.NONE, -100);
        assertEquals(dev.autograd4j.Shape.of(2, 2, 2), none.shape(), "per element [N, d1, d2]");
        org.junit.jupiter.api.Assertions.assertArrayEquals(soft, none.toDoubleArray(), 1e-12);
        double sum = java.util.Arrays.stream(soft).sum();
        assertEquals(sum, Functional.crossEntropy(logits, probs, weight, Reduction.SUM, -100).item(), 1e-12);
        assertEquals(sum / 8, Functional.crossEntropy(logits, probs, weight, Reduction.MEAN, -100).item(), 1e-12,
                "the mean divides by N * d1 * d2");

        double[] hard = referenceCrossEntropy(x, 2, 3, 4, null, t, w, -100, ew);
        Tensor hardNone = Functional.crossEntropy(logits, targets, weight, Reduction.NONE, -100);
        assertEquals(dev.autograd4j.Shape.of(2, 2, 2), hardNone.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(hard, hardNone.toDoubleArray(), 1e-12);
        double hardSum = java.util.Arrays.stream(hard).sum();
        assertEquals(hardSum, Functional.crossEntropy(logits, targets, weight, Reduction.SUM, -100).item(), 1e-12);
        assertEquals(hardSum / java.util.Arrays.stream(ew).sum(),
                Functional.crossEntropy(logits, targets, weight, Reduction.MEAN, -100).item(), 1e-12,
                "weighted mean over the kept elements");
        assertEquals("NllLoss2DBackward0", Functional.crossEntropy(logits, targets).gradFn().name());

        // (2, 3, 1) with NONE: one loss per element, [2, 1]
        assertEquals(dev.autograd4j.Shape.of(2, 1), Functional.crossEntropy(randn(d, 64, 2, 3, 1),
                randn(d, 65, 2, 3, 1).detach().softmax(1), null, Reduction.NONE, -100).shape());
    }

    @AllDevices
    void spatialTargetsOfTheWrongShapeOrRangeAreRefused(Device d) {
        Tensor logits = randn(d, 66, 2, 3, 4);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {0, 1, 2, 0, 1, 2}, 2, 3).to(d)));
        assertEquals("Expected target size [2, 4], got [2, 3]", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {0, 1, 2, 0}, 1, 4).to(d)));
        assertEquals("Expected input batch_size (2) to match target batch_size (1); input [2, 3, 4], "
                + "target [1, 4].", e.getMessage());
        IndexOutOfBoundsException oob = org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> Functional.crossEntropy(logits,
                        Tensor.of(new long[] {0, 1, 2, 0, 1, 7, 0, 0}, 2, 4).to(d)).item());
        assertEquals("Target 7 is out of bounds (expected class indices in [0, 2]).", oob.getMessage());
    }

    @AllDevices
    void nllLoss(Device d) {
        Tensor logProbs = randn(d, 30, 4, 5);
        Tensor targets = Tensor.of(new long[] {1, 0, 4, 2}, 4).to(d);
        Tensor ignored = Tensor.of(new long[] {1, 7, 4, 7}, 4).to(d);
        Tensor weight = constant(d, new double[] {0.5, 1.0, 2.0, 1.5, 0.8}, 5);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("plain " + r, () -> check(in ->
                    Functional.nllLoss(in.get(0), in.get(1), null, r, -100), logProbs, targets)));
            cases.add(named("weight " + r, () -> check(in ->
                    Functional.nllLoss(in.get(0), in.get(1), weight, r, -100), logProbs, targets)));
            cases.add(named("ignoreIndex 7 " + r, () -> check(in ->
                    Functional.nllLoss(in.get(0), in.get(1), weight, r, 7), logProbs, ignored)));
            cases.add(named("after logSoftmax " + r, () -> check(in ->
                    Functional.nllLoss(in.get(0).logSoftmax(1), in.get(1), null, r, -100), logProbs, targets)));
        }
        cases.add(named("default (mean)", () -> check(in -> Functional.nllLoss(in.get(0), in.get(1)),
                logProbs, targets)));
        cases.add(named("1-D input", () -> check(in -> Functional.nllLoss(in.get(0), in.get(1)),
                randn(d, 31, 5), Tensor.of(new long[] {4}).to(d))));
        cases.add(named("transposed input", () -> check(in -> Functional.nllLoss(in.get(0).t(), in.get(1)),
                randn(d, 32, 5, 4), targets)));
        all(cases);
    }

    @AllDevices
    void mseLoss(Device d) {
        Tensor input = randn(d, 40, 3, 4);
        Tensor target = randn(d, 41, 3, 4);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("mse " + r, () -> check2((x, t) -> Functional.mseLoss(x, t, r), input, target)));
        }
        cases.add(named("mse default", () -> check2(Functional::mseLoss, input, target)));
        cases.add(named("mse same tensor", () -> check1(x -> Functional.mseLoss(x, x.mul(x)), input)));
        cases.add(named("mse of views", () -> check2((x, t) -> Functional.mseLoss(x.t(), t.t(), Reduction.SUM),
                input, target)));
        all(cases);
    }

    @AllDevices
    void l1Loss(Device d) {
        Random rnd = new Random(50);
        double[] in = new double[12];
        double[] tg = new double[12];
        for (int i = 0; i < 12; i++) {
            tg[i] = rnd.nextGaussian();
            in[i] = tg[i] + (rnd.nextBoolean() ? 1 : -1) * (0.1 + rnd.nextDouble());
        }
        Tensor input = leaf(d, in, 3, 4);
        Tensor target = leaf(d, tg, 3, 4);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("l1 " + r, () -> check2((x, t) -> Functional.l1Loss(x, t, r), input, target)));
        }
        cases.add(named("l1 default", () -> check2(Functional::l1Loss, input, target)));
        all(cases);
    }

    // ------------------------------------------------------------------ forward values against a plain-Java reference

    static double[] reduce(double[] perElement, double[] weights, Reduction r) {
        double sum = 0, wsum = 0;
        for (int i = 0; i < perElement.length; i++) {
            sum += perElement[i];
            wsum += weights == null ? 1 : weights[i];
        }
        return switch (r) {
            case NONE -> perElement;
            case SUM -> new double[] {sum};
            case MEAN -> new double[] {sum / wsum};
        };
    }

    static void assertLoss(double[] expected, Tensor actual, Reduction r) {
        if (r == Reduction.NONE) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual.toDoubleArray(), 1e-12);
        } else {
            assertEquals(0, actual.dim(), "reduced loss must be 0-d");
            assertEquals(expected[0], actual.item(), 1e-12);
        }
    }

    static double[] values(Tensor t) {
        return t.toDoubleArray();
    }

    @AllDevices
    void lossValuesMatchReference(Device d) {
        int n = 4, c = 5;
        Tensor x = randn(d, 60, n, c).detach();
        Tensor t = constantUniform(d, 61, 0, 1, n, c);
        Tensor p = constantUniform(d, 62, 0.05, 0.95, n, c);
        Tensor w = constantUniform(d, 63, 0.5, 2, n, c);
        Tensor pw = constantUniform(d, 64, 0.5, 3, c);
        Tensor classW = constant(d, new double[] {0.5, 1.0, 2.0, 1.5, 0.8}, c);
        double[] xs = values(x), ts = values(t), ps = values(p), ws = values(w), pws = values(pw), cws = values(classW);
        List<Executable> cases = new ArrayList<>();
        for (Reduction r : REDUCTIONS) {
            cases.add(named("bceWithLogits weight posWeight " + r, () -> {
                double[] l = new double[n * c];
                for (int i = 0; i < l.length; i++) {
                    double sp = Math.log1p(Math.exp(-xs[i]));
                    l[i] = ws[i] * ((1 - ts[i]) * xs[i] + (1 + (pws[i % c] - 1) * ts[i]) * sp);
                }
                assertLoss(reduce(l, null, r), Functional.binaryCrossEntropyWithLogits(x, t, w, pw, r), r);
            }));
            cases.add(named("bce weight " + r, () -> {
                double[] l = new double[n * c];
                for (int i = 0; i < l.length; i++) {
                    l[i] = -ws[i] * (ts[i] * Math.log(ps[i]) + (1 - ts[i]) * Math.log(1 - ps[i]));
                }
                assertLoss(reduce(l, null, r), Functional.binaryCrossEntropy(p, t, w, r), r);
            }));
            cases.add(named("mse " + r, () -> {
                double[] l = new double[n * c];
                for (int i = 0; i < l.length; i++) {
                    l[i] = (xs[i] - ts[i]) * (xs[i] - ts[i]);
                }
                assertLoss(reduce(l, null, r), Functional.mseLoss(x, t, r), r);
            }));
            cases.add(named("l1 " + r, () -> {
                double[] l = new double[n * c];
                for (int i = 0; i < l.length; i++) {
                    l[i] = Math.abs(xs[i] - ts[i]);
                }
                assertLoss(reduce(l, null, r), Functional.l1Loss(x, t, r), r);
            }));
            for (int ignore : new int[] {-100, 3}) {
                for (boolean weighted : new boolean[] {false, true}) {
                    long[] targets = {3, 0, 3, 2};
                    String tag = " ignoreIndex=" + ignore + (weighted ? " weighted " : " ") + r;
                    cases.add(named("crossEntropy" + tag, () -> {
                        double[] l = new double[n];
                        double[] wt = new double[n];
                        for (int i = 0; i < n; i++) {
                            if (targets[i] == ignore) {
                                continue;
                            }
                            double max = Double.NEGATIVE_INFINITY;
                            for (int k = 0; k < c; k++) {
                                max = Math.max(max, xs[i * c + k]);
                            }
                            double z = 0;
                            for (int k = 0; k < c; k++) {
                                z += Math.exp(xs[i * c + k] - max);
                            }
                            wt[i] = weighted ? cws[(int) targets[i]] : 1;
                            l[i] = -wt[i] * (xs[i * c + (int) targets[i]] - max - Math.log(z));
                        }
                        Tensor tg = Tensor.of(targets, n).to(d);
                        assertLoss(reduce(l, wt, r), Functional.crossEntropy(x, tg, weighted ? classW : null, r, ignore),
                                r);
                        assertLoss(reduce(l, wt, r),
                                Functional.nllLoss(x.logSoftmax(1), tg, weighted ? classW : null, r, ignore), r);
                    }));
                }
            }
        }
        all(cases);
    }

    @AllDevices
    void ignoredTargetsGetNoGradient(Device d) {
        Tensor x = randn(d, 70, 4, 5);
        Tensor tg = Tensor.of(new long[] {3, 0, 3, 2}, 4).to(d);
        Functional.crossEntropy(x, tg, null, Reduction.SUM, 3).backward();
        double[] g = x.grad().toDoubleArray();
        for (int k = 0; k < 5; k++) {
            assertEquals(0.0, g[k], 0, "row 0 has the ignored target 3: " + java.util.Arrays.toString(g));
            assertEquals(0.0, g[10 + k], 0, "row 2 has the ignored target 3: " + java.util.Arrays.toString(g));
        }
    }
}
