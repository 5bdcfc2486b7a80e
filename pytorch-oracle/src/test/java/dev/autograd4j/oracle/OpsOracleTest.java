package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.fixed;
import static dev.autograd4j.oracle.Oracle.bools;
import static dev.autograd4j.oracle.Oracle.multi;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randn;
import static dev.autograd4j.oracle.Oracle.randnScaled;
import static dev.autograd4j.oracle.Oracle.uniform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Elementwise, linear-algebra, reduction and shape ops against libtorch: values and gradients. */
class OpsOracleTest {

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static Shape shape(long... dims) {
        return new Shape(dims);
    }

    /** torch indexing: {@code x[:, :, index]} with {@code dim} leading full slices. */
    static String at(int dim, String index) {
        return ":, ".repeat(dim) + index;
    }

    static List<Case> elementwise() {
        List<Case> c = new ArrayList<>();
        // binary, same shape and broadcast
        c.add(op("add same shape", List.of(randn(3, 4), randn(3, 4)), x -> x[0].add(x[1]), (m, x) -> x[0].add(x[1])));
        c.add(op("add broadcast [3,1,4]+[2,4]", List.of(randn(3, 1, 4), randn(2, 4)),
                x -> x[0].add(x[1]), (m, x) -> x[0].add(x[1])));
        c.add(op("sub broadcast [2,4]-[3,1,4]", List.of(randn(2, 4), randn(3, 1, 4)),
                x -> x[0].sub(x[1]), (m, x) -> x[0].sub(x[1])));
        c.add(op("mul broadcast [3,1,4]*[2,1]", List.of(randn(3, 1, 4), randn(2, 1)),
                x -> x[0].mul(x[1]), (m, x) -> x[0].mul(x[1])));
        c.add(op("div broadcast [3,1,4]/[2,4]", List.of(randn(3, 1, 4), uniform(0.5, 2, 2, 4)),
                x -> x[0].div(x[1]), (m, x) -> x[0].div(x[1])));
        c.add(op("div negative denominators [4]/[3,1]", List.of(randn(4), uniform(-2, -0.5, 3, 1)),
                x -> x[0].div(x[1]), (m, x) -> x[0].div(x[1])));
        c.add(op("mul with scalar-shaped tensor [2,3]*[]", List.of(randn(2, 3), randn()),
                x -> x[0].mul(x[1]), (m, x) -> x[0].mul(x[1])));
        c.add(op("add same input twice x+x*x", List.of(randn(5)),
                x -> x[0].add(x[0].mul(x[0])), (m, x) -> x[0].add(x[0].mul(x[0]))));
        // scalar
        c.add(op("add scalar", List.of(randn(2, 3)), x -> x[0].add(2.5), (m, x) -> x[0].add(Oracle.k(x[0], 2.5))));
        c.add(op("sub scalar", List.of(randn(2, 3)), x -> x[0].sub(-1.25), (m, x) -> x[0].sub(Oracle.k(x[0], -1.25))));
        c.add(op("rsub scalar", List.of(randn(2, 3)), x -> x[0].rsub(3.0), (m, x) -> x[0].neg().add(Oracle.k(x[0], 3.0))));
        c.add(op("mul scalar", List.of(randn(2, 3)), x -> x[0].mul(-0.75), (m, x) -> x[0].mul(Oracle.k(x[0], -0.75))));
        c.add(op("div scalar", List.of(randn(2, 3)), x -> x[0].div(0.3), (m, x) -> x[0].div(Oracle.k(x[0], 0.3))));
        // unary
        c.add(op("neg", List.of(randn(2, 3)), x -> x[0].neg(), (m, x) -> x[0].neg()));
        c.add(op("exp", List.of(randn(2, 3)), x -> x[0].exp(), (m, x) -> x[0].exp()));
        c.add(op("log", List.of(uniform(0.1, 5, 2, 3)), x -> x[0].log(), (m, x) -> x[0].log()));
        c.add(op("sqrt", List.of(uniform(0.1, 5, 2, 3)), x -> x[0].sqrt(), (m, x) -> x[0].sqrt()));
        c.add(op("pow 2", List.of(randn(2, 3)), x -> x[0].pow(2), (m, x) -> x[0].pow(Oracle.k(x[0], 2.0))));
        c.add(op("pow 3", List.of(randn(2, 3)), x -> x[0].pow(3), (m, x) -> x[0].pow(Oracle.k(x[0], 3.0))));
        c.add(op("pow 2.5", List.of(uniform(0.1, 3, 2, 3)), x -> x[0].pow(2.5), (m, x) -> x[0].pow(Oracle.k(x[0], 2.5))));
        c.add(op("pow -1.5", List.of(uniform(0.2, 3, 2, 3)), x -> x[0].pow(-1.5), (m, x) -> x[0].pow(Oracle.k(x[0], -1.5))));
        c.add(op("pow 0.5", List.of(uniform(0.2, 3, 2, 3)), x -> x[0].pow(0.5), (m, x) -> x[0].pow(Oracle.k(x[0], 0.5))));
        c.add(op("abs", List.of(randn(2, 3)), x -> x[0].abs(), (m, x) -> x[0].abs()));
        c.add(op("relu", List.of(randn(3, 4)), x -> x[0].relu(), (m, x) -> JniUtils.relu(pt(x[0]))));
        c.add(op("sigmoid", List.of(randnScaled(3, 3, 4)), x -> x[0].sigmoid(),
                (m, x) -> JniUtils.sigmoid(pt(x[0]))));
        c.add(op("sigmoid large |x|", List.of(randnScaled(100, 3, 4)), x -> x[0].sigmoid(),
                (m, x) -> JniUtils.sigmoid(pt(x[0]))));
        c.add(op("tanh", List.of(randnScaled(2, 3, 4)), x -> x[0].tanh(), (m, x) -> x[0].tanh()));
        c.add(op("clamp", List.of(randnScaled(2, 3, 4)), x -> x[0].clamp(-0.5, 1.0), (m, x) -> x[0].clip(-0.5, 1.0)));
        // the unary ops of the op table: libtorch's own kernels where DJL binds them, else PyTorch's formula
        c.add(op("expm1", List.of(randn(3, 4)), x -> x[0].expm1(), (m, x) -> x[0].exp().sub(Oracle.k(x[0], 1.0))));
        c.add(op("log2", List.of(uniform(0.1, 5, 3, 4)), x -> x[0].log2(), (m, x) -> JniUtils.log2(pt(x[0]))));
        c.add(op("log10", List.of(uniform(0.1, 5, 3, 4)), x -> x[0].log10(), (m, x) -> JniUtils.log10(pt(x[0]))));
        c.add(op("rsqrt", List.of(uniform(0.1, 5, 3, 4)), x -> x[0].rsqrt(), (m, x) -> x[0].sqrt().pow(Oracle.k(x[0], -1.0))));
        c.add(op("square", List.of(randn(3, 4)), x -> x[0].square(), (m, x) -> JniUtils.square(pt(x[0]))));
        c.add(op("erf", List.of(randnScaled(2, 3, 4)), x -> x[0].erf(), (m, x) -> JniUtils.erf(pt(x[0]))));
        c.add(op("erfc", List.of(randnScaled(2, 3, 4)), x -> x[0].erfc(),
                (m, x) -> JniUtils.erf(pt(x[0])).neg().add(Oracle.k(x[0], 1.0))));
        c.add(op("floor", List.of(randnScaled(3, 3, 4)), x -> x[0].floor().mul(x[0]), (m, x) -> JniUtils.floor(pt(x[0])).mul(x[0])));
        c.add(op("ceil", List.of(randnScaled(3, 3, 4)), x -> x[0].ceil().mul(x[0]), (m, x) -> JniUtils.ceil(pt(x[0])).mul(x[0])));
        c.add(op("round", List.of(randnScaled(3, 3, 4)), x -> x[0].round().mul(x[0]), (m, x) -> JniUtils.round(pt(x[0])).mul(x[0])));
        c.add(op("trunc", List.of(randnScaled(3, 3, 4)), x -> x[0].trunc().mul(x[0]), (m, x) -> JniUtils.trunc(pt(x[0])).mul(x[0])));
        c.add(op("gelu", List.of(randnScaled(3, 3, 4)), x -> x[0].gelu(), (m, x) -> JniUtils.gelu(pt(x[0]))));
        c.add(op("gelu tanh", List.of(randnScaled(3, 3, 4)), x -> x[0].geluTanh(),
                (m, x) -> x[0].mul(Oracle.k(x[0], 0.5)).mul(x[0].pow(Oracle.k(x[0], 3.0)).mul(Oracle.k(x[0], 0.044715))
                        .add(x[0]).mul(Oracle.k(x[0], Math.sqrt(2 / Math.PI))).tanh().add(Oracle.k(x[0], 1.0)))));
        c.add(op("silu", List.of(randnScaled(3, 3, 4)), x -> x[0].silu(), (m, x) -> x[0].mul(JniUtils.sigmoid(pt(x[0])))));
        c.add(op("mish", List.of(randnScaled(3, 3, 4)), x -> x[0].mish(),
                (m, x) -> x[0].mul(JniUtils.softPlus(pt(x[0])).tanh())));
        c.add(op("leakyRelu 0.1", List.of(randn(3, 4)), x -> x[0].leakyRelu(0.1), (m, x) -> JniUtils.leakyRelu(pt(x[0]), 0.1)));
        c.add(op("elu 0.7", List.of(randnScaled(2, 3, 4)), x -> x[0].elu(0.7), (m, x) -> JniUtils.elu(pt(x[0]), 0.7)));
        c.add(op("selu", List.of(randnScaled(2, 3, 4)), x -> x[0].selu(), (m, x) -> JniUtils.selu(pt(x[0]))));
        c.add(op("softplus", List.of(randnScaled(8, 3, 4)), x -> x[0].softplus(1, 20), (m, x) -> JniUtils.softPlus(pt(x[0]))));
        c.add(op("hardtanh", List.of(randnScaled(2, 3, 4)), x -> x[0].hardtanh(-1, 1), (m, x) -> x[0].clip(-1.0, 1.0)));
        c.add(op("clampMin", List.of(randn(3, 4)), x -> x[0].clampMin(0.2),
                (m, x) -> x[0].clip(0.2, 1e30)));
        c.add(op("clampMax", List.of(randn(3, 4)), x -> x[0].clampMax(0.2), (m, x) -> x[0].clip(-1e30, 0.2)));
        c.add(op("sign (zero gradient)", List.of(randn(3, 4)), x -> x[0].sign().mul(x[0]),
                (m, x) -> x[0].sign().mul(x[0])));
        c.add(op("maximum broadcast", List.of(randn(3, 4), randn(4)), x -> x[0].maximum(x[1]),
                (m, x) -> x[0].maximum(x[1])));
        c.add(op("minimum broadcast", List.of(randn(3, 1), randn(4)), x -> x[0].minimum(x[1]),
                (m, x) -> x[0].minimum(x[1])));
        c.add(op("chain exp(tanh(x)*y)/sqrt(z)", List.of(randn(2, 3), randn(3), uniform(0.5, 2, 2, 1)),
                x -> x[0].tanh().mul(x[1]).exp().div(x[2].sqrt()),
                (m, x) -> x[0].tanh().mul(x[1]).exp().div(x[2].sqrt())));
        return c;
    }

    /** Values where PyTorch's subgradient conventions matter. */
    static List<Case> edges() {
        double[] withZero = {-2, -0.5, 0, 0.5, 2, 0};
        double[] atBounds = {-1, -0.5, 0, 0.5, 1, 1.5};
        List<Case> c = new ArrayList<>();
        c.add(op("abs at 0", List.of(fixed(withZero, 6)), x -> x[0].abs(), (m, x) -> x[0].abs()));
        double[] halves = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.7, 0.7};
        c.add(op("round halves to even", List.of(fixed(halves, 8)), x -> x[0].round(), (m, x) -> JniUtils.round(pt(x[0]))));
        c.add(op("floor ceil trunc at halves", List.of(fixed(halves, 8)),
                x -> x[0].floor().add(x[0].ceil().mul(10.0)).add(x[0].trunc().mul(100.0)),
                (m, x) -> JniUtils.floor(pt(x[0])).add(JniUtils.ceil(pt(x[0])).mul(Oracle.k(x[0], 10.0)))
                        .add(JniUtils.trunc(pt(x[0])).mul(Oracle.k(x[0], 100.0)))));
        c.add(op("log2 of powers of two", List.of(fixed(new double[] {0.125, 1, 2, 1024, 3, 0}, 6)), x -> x[0].log2(),
                (m, x) -> JniUtils.log2(pt(x[0]))));
        c.add(op("erf in the tails", List.of(fixed(new double[] {-6, -3.5, -1e-3, 1e-3, 3.5, 6}, 6)), x -> x[0].erf(),
                (m, x) -> JniUtils.erf(pt(x[0]))));
        c.add(op("gelu in the tails", List.of(fixed(new double[] {-12, -6, -3, 3, 6, 12}, 6)), x -> x[0].gelu(),
                (m, x) -> JniUtils.gelu(pt(x[0]))));
        c.add(op("leakyRelu and elu at 0", List.of(fixed(withZero, 6)), x -> x[0].leakyRelu(0.2).add(x[0].elu(0.5)),
                (m, x) -> JniUtils.leakyRelu(pt(x[0]), 0.2).add(JniUtils.elu(pt(x[0]), 0.5))));
        c.add(op("softplus at the threshold", List.of(fixed(new double[] {19.99, 20, 20.01, -30, 0, 1}, 6)),
                x -> x[0].softplus(1, 20), (m, x) -> JniUtils.softPlus(pt(x[0]))));
        c.add(op("relu at 0", List.of(fixed(withZero, 6)), x -> x[0].relu(), (m, x) -> JniUtils.relu(pt(x[0]))));
        c.add(op("clamp at its bounds", List.of(fixed(atBounds, 6)), x -> x[0].clamp(-0.5, 1.0),
                (m, x) -> x[0].clip(-0.5, 1.0)));
        c.add(op("clampMin at its bound", List.of(fixed(atBounds, 6)), x -> x[0].clampMin(0.5),
                (m, x) -> x[0].clip(0.5, 1e30)));
        c.add(op("pow 0 (gradient 0 even at 0)", List.of(fixed(withZero, 6)), x -> x[0].pow(0),
                (m, x) -> x[0].pow(Oracle.k(x[0], 0.0))));
        c.add(op("pow 2 at 0", List.of(fixed(withZero, 6)), x -> x[0].pow(2), (m, x) -> x[0].pow(Oracle.k(x[0], 2.0))));
        c.add(op("pow 1 at 0", List.of(fixed(withZero, 6)), x -> x[0].pow(1), (m, x) -> x[0].pow(Oracle.k(x[0], 1.0))));
        c.add(op("sqrt at 0 (inf gradient)", List.of(fixed(new double[] {0, 1, 4}, 3)), x -> x[0].sqrt(),
                (m, x) -> x[0].sqrt()));
        c.add(op("log at 0 (-inf value)", List.of(fixed(new double[] {0, 1, 4}, 3)), x -> x[0].log().mul(2.0),
                (m, x) -> x[0].log().mul(Oracle.k(x[0], 2.0))));
        c.add(op("maximum with ties (split gradient)", List.of(fixed(new double[] {1, 2, 3}, 3),
                        fixed(new double[] {1, 5, 3}, 3)), x -> x[0].maximum(x[1]),
                (m, x) -> x[0].maximum(x[1])));
        c.add(op("minimum with ties", List.of(fixed(new double[] {1, 2, 3}, 3),
                        fixed(new double[] {1, 5, 0}, 3)), x -> x[0].minimum(x[1]),
                (m, x) -> x[0].minimum(x[1])));
        c.add(op("max() with ties (evenly distributed)", List.of(fixed(new double[] {3, 1, 3, 2, 3, 0}, 2, 3)),
                x -> x[0].max(), (m, x) -> x[0].max()));
        c.add(op("min() with ties", List.of(fixed(new double[] {0, 1, 3, 0, 3, 0}, 2, 3)),
                x -> x[0].min(), (m, x) -> x[0].min()));
        c.add(multi("max(dim) with ties", List.of(fixed(new double[] {3, 1, 3, 2, 2, 0}, 2, 3)),
                x -> {
                    Tensor.ValuesIndices r = x[0].max(1, false);
                    return new Tensor[] {r.values(), r.indices()};
                },
                (m, x) -> new NDArray[] {x[0].max(new int[] {1}, false), JniUtils.argMax(pt(x[0]), 1, false)}));
        return c;
    }

    static List<Case> matmul() {
        List<Case> c = new ArrayList<>();
        c.add(op("matmul 1D x 1D", List.of(randn(4), randn(4)), x -> x[0].matmul(x[1]), (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 1D x 2D", List.of(randn(4), randn(4, 3)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 2D x 1D", List.of(randn(3, 4), randn(4)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 2D x 2D", List.of(randn(3, 4), randn(4, 5)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 3D x 3D", List.of(randn(2, 3, 4), randn(2, 4, 5)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul batched broadcast [2,1,3,4]x[5,4,2]", List.of(randn(2, 1, 3, 4), randn(5, 4, 2)),
                x -> x[0].matmul(x[1]), (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 1D x 3D [4]x[2,4,3]", List.of(randn(4), randn(2, 4, 3)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 3D x 1D [2,3,4]x[4]", List.of(randn(2, 3, 4), randn(4)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 2D x 3D [3,4]x[2,4,5]", List.of(randn(3, 4), randn(2, 4, 5)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul 4D x 2D [2,2,3,4]x[4,2]", List.of(randn(2, 2, 3, 4), randn(4, 2)), x -> x[0].matmul(x[1]),
                (m, x) -> x[0].matMul(x[1])));
        c.add(op("matmul transposed operand x.t()", List.of(randn(4, 3), randn(4, 5)),
                x -> x[0].t().matmul(x[1]), (m, x) -> x[0].transpose().matMul(x[1])));
        c.add(op("mm", List.of(randn(3, 4), randn(4, 2)), x -> x[0].mm(x[1]), (m, x) -> x[0].matMul(x[1])));
        c.add(op("bmm", List.of(randn(2, 3, 4), randn(2, 4, 2)), x -> x[0].bmm(x[1]),
                (m, x) -> x[0].batchMatMul(x[1])));
        c.add(op("dot", List.of(randn(5), randn(5)), x -> x[0].dot(x[1]), (m, x) -> x[0].dot(x[1])));
        c.add(op("mv", List.of(randn(3, 5), randn(5)), x -> x[0].mv(x[1]), (m, x) -> x[0].matMul(x[1])));
        return c;
    }

    static List<Case> reductions() {
        List<Case> c = new ArrayList<>();
        c.add(op("sum all", List.of(randn(2, 3, 4)), x -> x[0].sum(), (m, x) -> x[0].sum()));
        c.add(op("sum dim 1", List.of(randn(2, 3, 4)), x -> x[0].sum(1), (m, x) -> x[0].sum(new int[] {1})));
        c.add(op("sum dims 0,2", List.of(randn(2, 3, 4)), x -> x[0].sum(0, 2), (m, x) -> x[0].sum(new int[] {0, 2})));
        c.add(op("sum dim -1 keepDim", List.of(randn(2, 3, 4)), x -> x[0].sum(new int[] {-1}, true),
                (m, x) -> x[0].sum(new int[] {-1}, true)));
        c.add(op("sum dims 0,1 keepDim", List.of(randn(2, 3, 4)), x -> x[0].sum(new int[] {0, 1}, true),
                (m, x) -> x[0].sum(new int[] {0, 1}, true)));
        c.add(op("mean all", List.of(randn(2, 3, 4)), x -> x[0].mean(), (m, x) -> x[0].mean()));
        c.add(op("mean dim 0", List.of(randn(2, 3, 4)), x -> x[0].mean(0), (m, x) -> x[0].mean(new int[] {0})));
        c.add(op("mean dim -2 keepDim", List.of(randn(2, 3, 4)), x -> x[0].mean(new int[] {-2}, true),
                (m, x) -> x[0].mean(new int[] {-2}, true)));
        // DJL's mean takes one dim; the mean over several dims is sum / count there (same math)
        c.add(op("mean dims 1,2", List.of(randn(2, 3, 4)), x -> x[0].mean(1, 2),
                (m, x) -> x[0].sum(new int[] {1, 2}).div(Oracle.k(x[0], 12.0))));
        c.add(op("mean dims 0,2 keepDim", List.of(randn(2, 3, 4)), x -> x[0].mean(new int[] {0, 2}, true),
                (m, x) -> x[0].sum(new int[] {0, 2}, true).div(Oracle.k(x[0], 8.0))));
        c.add(op("max all", List.of(randn(3, 4)), x -> x[0].max(), (m, x) -> x[0].max()));
        c.add(op("min all", List.of(randn(3, 4)), x -> x[0].min(), (m, x) -> x[0].min()));
        for (int dim : new int[] {0, 1, -1}) {
            for (boolean keep : new boolean[] {false, true}) {
                final int d = dim;
                final boolean k = keep;
                c.add(multi("max dim " + d + (k ? " keepDim" : ""), List.of(randn(3, 4, 2)),
                        x -> {
                            Tensor.ValuesIndices r = x[0].max(d, k);
                            return new Tensor[] {r.values(), r.indices()};
                        },
                        (m, x) -> new NDArray[] {x[0].max(new int[] {d}, k), JniUtils.argMax(pt(x[0]), d, k)}));
                c.add(multi("min dim " + d + (k ? " keepDim" : ""), List.of(randn(3, 4, 2)),
                        x -> {
                            Tensor.ValuesIndices r = x[0].min(d, k);
                            return new Tensor[] {r.values(), r.indices()};
                        },
                        (m, x) -> new NDArray[] {x[0].min(new int[] {d}, k), JniUtils.argMin(pt(x[0]), d, k)}));
            }
        }
        c.add(multi("argmax dim 1", List.of(randn(3, 5)), x -> new Tensor[] {x[0].argmax(1)},
                (m, x) -> new NDArray[] {x[0].argMax(1)}));
        for (int dim : new int[] {0, 1, -1}) {
            final int d = dim;
            c.add(op("softmax dim " + d, List.of(randn(3, 4, 5)), x -> x[0].softmax(d), (m, x) -> x[0].softmax(d)));
            c.add(op("logSoftmax dim " + d, List.of(randn(3, 4, 5)), x -> x[0].logSoftmax(d),
                    (m, x) -> x[0].logSoftmax(d)));
        }
        c.add(op("softmax large 1000*randn", List.of(randnScaled(1000, 4, 6)), x -> x[0].softmax(1),
                (m, x) -> x[0].softmax(1)));
        c.add(op("logSoftmax large 1000*randn", List.of(randnScaled(1000, 4, 6)), x -> x[0].logSoftmax(1),
                (m, x) -> x[0].logSoftmax(1)));
        c.add(op("logSoftmax large 1000*randn dim 0", List.of(randnScaled(1000, 6, 3)), x -> x[0].logSoftmax(0),
                (m, x) -> x[0].logSoftmax(0)));
        c.add(op("softmax 1D", List.of(randn(7)), x -> x[0].softmax(0), (m, x) -> x[0].softmax(0)));
        return c;
    }

    static List<Case> shapes() {
        List<Case> c = new ArrayList<>();
        c.add(op("where broadcast cond[3,1] a[3,4] b[4]", List.of(bools(3, 1), randn(3, 4), randn(4)),
                x -> Tensor.where(x[0], x[1], x[2]),
                // DJL's where does not broadcast: expand (differentiable) to the result shape first
                (m, x) -> NDArrays.where(x[0].broadcast(shape(3, 4)), x[1], x[2].broadcast(shape(3, 4)))));
        c.add(op("where same shape", List.of(bools(2, 5), randn(2, 5), randn(2, 5)),
                x -> Tensor.where(x[0], x[1], x[2]), (m, x) -> NDArrays.where(x[0], x[1], x[2])));
        c.add(op("where instance form a.where(cond, b)", List.of(randn(2, 5), bools(2, 5), randn(5)),
                x -> x[0].where(x[1], x[2]), (m, x) -> NDArrays.where(x[1], x[0], x[2].broadcast(shape(2, 5)))));
        c.add(op("cat dim 0", List.of(randn(2, 3), randn(4, 3), randn(1, 3)),
                x -> Tensor.cat(List.of(x[0], x[1], x[2]), 0), (m, x) -> NDArrays.concat(new NDList(x[0], x[1], x[2]), 0)));
        c.add(op("cat dim 1", List.of(randn(2, 3), randn(2, 1)), x -> Tensor.cat(1, x[0], x[1]),
                (m, x) -> NDArrays.concat(new NDList(x[0], x[1]), 1)));
        c.add(op("cat dim -1 of 3D", List.of(randn(2, 3, 1), randn(2, 3, 4)), x -> Tensor.cat(-1, x[0], x[1]),
                (m, x) -> NDArrays.concat(new NDList(x[0], x[1]), -1)));
        c.add(op("cat same tensor twice", List.of(randn(2, 3)), x -> Tensor.cat(0, x[0], x[0]),
                (m, x) -> NDArrays.concat(new NDList(x[0], x[0]), 0)));
        c.add(op("stack dim 0", List.of(randn(2, 3), randn(2, 3)), x -> Tensor.stack(List.of(x[0], x[1]), 0),
                (m, x) -> NDArrays.stack(new NDList(x[0], x[1]), 0)));
        c.add(op("stack dim 2", List.of(randn(2, 3), randn(2, 3), randn(2, 3)), x -> Tensor.stack(2, x[0], x[1], x[2]),
                (m, x) -> NDArrays.stack(new NDList(x[0], x[1], x[2]), 2)));
        c.add(op("stack dim -2", List.of(randn(2, 3), randn(2, 3)), x -> Tensor.stack(-2, x[0], x[1]),
                (m, x) -> NDArrays.stack(new NDList(x[0], x[1]), -2)));
        c.add(op("transpose 0,2", List.of(randn(2, 3, 4)), x -> x[0].transpose(0, 2), (m, x) -> x[0].swapAxes(0, 2)));
        c.add(op("transpose then exp", List.of(randn(3, 4)), x -> x[0].transpose(1, 0).exp(),
                (m, x) -> x[0].swapAxes(1, 0).exp()));
        c.add(op("t", List.of(randn(3, 4)), x -> x[0].t(), (m, x) -> x[0].transpose()));
        c.add(op("permute 2,0,1", List.of(randn(2, 3, 4)), x -> x[0].permute(2, 0, 1),
                (m, x) -> x[0].transpose(2, 0, 1)));
        c.add(op("permute then reshape (non-contiguous)", List.of(randn(2, 3, 4)),
                x -> x[0].permute(1, 2, 0).reshape(3, 8), (m, x) -> x[0].transpose(1, 2, 0).reshape(3, 8)));
        c.add(op("reshape with -1", List.of(randn(2, 3, 4)), x -> x[0].reshape(4, -1), (m, x) -> x[0].reshape(4, -1)));
        c.add(op("view", List.of(randn(2, 6)), x -> x[0].view(3, 2, 2), (m, x) -> x[0].reshape(3, 2, 2)));
        c.add(op("flatten", List.of(randn(2, 3, 4)), x -> x[0].flatten(), (m, x) -> x[0].flatten()));
        c.add(op("flatten 1..2", List.of(randn(2, 3, 4)), x -> x[0].flatten(1, 2), (m, x) -> x[0].flatten(1, 2)));
        c.add(op("squeeze", List.of(randn(2, 1, 3, 1)), x -> x[0].squeeze(), (m, x) -> x[0].squeeze()));
        c.add(op("squeeze dim 1", List.of(randn(2, 1, 3)), x -> x[0].squeeze(1), (m, x) -> x[0].squeeze(1)));
        c.add(op("unsqueeze -1", List.of(randn(2, 3)), x -> x[0].unsqueeze(-1), (m, x) -> x[0].expandDims(-1)));
        c.add(op("narrow dim 1", List.of(randn(3, 5)), x -> x[0].narrow(1, 1, 3), (m, x) -> x[0].get(at(1, "1:4"))));
        c.add(op("narrow dim 0 of 3D", List.of(randn(4, 2, 3)), x -> x[0].narrow(0, 2, 2),
                (m, x) -> x[0].get(at(0, "2:4"))));
        c.add(op("select dim 0", List.of(randn(3, 4)), x -> x[0].select(0, 2), (m, x) -> x[0].get(at(0, "2"))));
        c.add(op("select dim 1 of 3D", List.of(randn(2, 3, 4)), x -> x[0].select(1, 1), (m, x) -> x[0].get(at(1, "1"))));
        c.add(op("select negative index", List.of(randn(2, 3, 4)), x -> x[0].select(2, -1),
                (m, x) -> x[0].get(at(2, "-1"))));
        c.add(op("expand [3,1]->[2,3,4]", List.of(randn(3, 1)), x -> x[0].expand(2, 3, 4),
                (m, x) -> x[0].broadcast(shape(2, 3, 4))));
        c.add(op("expand with -1", List.of(randn(1, 4)), x -> x[0].expand(3, -1), (m, x) -> x[0].broadcast(shape(3, 4))));
        c.add(op("contiguous of transpose", List.of(randn(3, 4)), x -> x[0].t().contiguous(),
                // DJL's duplicate() detaches; contiguous() is the identity for autograd
                (m, x) -> x[0].transpose()));
        c.add(op("copy", List.of(randn(3, 4)), x -> x[0].copy().mul(x[0]), (m, x) -> x[0].mul(x[0])));
        c.add(op("narrow then matmul then cat", List.of(randn(4, 6), randn(3, 2)),
                x -> Tensor.cat(0, x[0].narrow(1, 2, 3).matmul(x[1]), x[0].select(1, 0).reshape(2, 2)),
                (m, x) -> NDArrays.concat(new NDList(x[0].get(at(1, "2:5")).matMul(x[1]),
                        x[0].get(at(1, "0")).reshape(2, 2)), 0)));
        return c;
    }

    /** Ops fed with non-contiguous views (transposed, expanded, narrowed) and a few bigger shapes. */
    static List<Case> views() {
        List<Case> c = new ArrayList<>();
        c.add(op("matmul of permuted operands", List.of(randn(4, 2, 3), randn(2, 5, 4)),
                x -> x[0].permute(1, 2, 0).matmul(x[1].permute(0, 2, 1)),
                (m, x) -> x[0].transpose(1, 2, 0).matMul(x[1].transpose(0, 2, 1))));
        c.add(op("softmax of transposed", List.of(randn(5, 3)), x -> x[0].t().softmax(1),
                (m, x) -> x[0].transpose().softmax(1)));
        c.add(op("logSoftmax of narrowed", List.of(randn(4, 7)), x -> x[0].narrow(1, 2, 4).logSoftmax(1),
                (m, x) -> x[0].get(at(1, "2:6")).logSoftmax(1)));
        c.add(multi("max dim of transposed", List.of(randn(4, 3)),
                x -> {
                    Tensor.ValuesIndices r = x[0].t().max(1, false);
                    return new Tensor[] {r.values(), r.indices()};
                },
                (m, x) -> new NDArray[] {x[0].transpose().max(new int[] {1}, false),
                        JniUtils.argMax(pt(x[0].transpose()), 1, false)}));
        c.add(op("sum over dims of permuted", List.of(randn(2, 3, 4)), x -> x[0].permute(2, 0, 1).sum(new int[] {1}, true),
                (m, x) -> x[0].transpose(2, 0, 1).sum(new int[] {1}, true)));
        c.add(op("mul of expanded and transposed", List.of(randn(3, 1), randn(4, 3)),
                x -> x[0].expand(3, 4).mul(x[1].t()), (m, x) -> x[0].broadcast(shape(3, 4)).mul(x[1].transpose())));
        c.add(op("cat of transposed and selected", List.of(randn(3, 2), randn(2, 2, 3)),
                x -> Tensor.cat(0, x[0].t(), x[1].select(1, 1)),
                (m, x) -> NDArrays.concat(new NDList(x[0].transpose(), x[1].get(at(1, "1"))), 0)));
        c.add(op("stack of views", List.of(randn(4, 3)), x -> Tensor.stack(1, x[0].narrow(0, 0, 3), x[0].t().narrow(1, 1, 3)),
                (m, x) -> NDArrays.stack(new NDList(x[0].get(at(0, "0:3")), x[0].transpose().get(at(1, "1:4"))), 1)));
        c.add(op("where of views", List.of(bools(3, 4), randn(4, 3), randn(3, 1)),
                x -> Tensor.where(x[0], x[1].t(), x[2].expand(3, 4)),
                (m, x) -> NDArrays.where(x[0], x[1].transpose(), x[2].broadcast(shape(3, 4)))));
        c.add(op("pow -2 of negative base", List.of(uniform(-2, -0.5, 2, 3)), x -> x[0].pow(-2),
                (m, x) -> x[0].pow(Oracle.k(x[0], -2.0))));
        c.add(op("sum of 0-d tensor ops", List.of(randn(), randn()), x -> x[0].mul(x[1]).add(x[0].exp()).sum(),
                (m, x) -> x[0].mul(x[1]).add(x[0].exp()).sum()));
        c.add(op("bigger matmul [32,96]x[96,48] + bias then relu", List.of(randn(32, 96), randn(96, 48), randn(48)),
                x -> x[0].matmul(x[1]).add(x[2]).relu(),
                (m, x) -> JniUtils.relu(pt(x[0].matMul(x[1]).add(x[2])))));
        c.add(op("two-layer MLP with logSoftmax", List.of(randn(8, 10), randnScaled(0.3, 10, 16), randn(16),
                        randnScaled(0.3, 16, 4), randn(4)),
                x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).add(x[4]).logSoftmax(1),
                (m, x) -> x[0].matMul(x[1]).add(x[2]).tanh().matMul(x[3]).add(x[4]).logSoftmax(1)));
        return c;
    }

    static Stream<Arguments> viewCases() {
        return Oracle.bothDtypes(views());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("viewCases")
    void view(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    static Stream<Arguments> elementwiseCases() {
        return Oracle.bothDtypes(elementwise());
    }

    static Stream<Arguments> edgeCases() {
        return Oracle.bothDtypes(edges());
    }

    static Stream<Arguments> matmulCases() {
        return Oracle.bothDtypes(matmul());
    }

    static Stream<Arguments> reductionCases() {
        return Oracle.bothDtypes(reductions());
    }

    static Stream<Arguments> shapeCases() {
        return Oracle.bothDtypes(shapes());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("elementwiseCases")
    void elementwise(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("edgeCases")
    void edge(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matmulCases")
    void matmul(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reductionCases")
    void reduction(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapeCases")
    void shape(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }
}
