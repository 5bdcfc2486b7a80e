package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.bools;
import static dev.autograd4j.oracle.Oracle.fixed;
import static dev.autograd4j.oracle.Oracle.multi;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randn;
import static dev.autograd4j.oracle.Oracle.uniform;

import ai.djl.ndarray.NDArray;
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

/**
 * The common op set of issue 12 against libtorch, values and gradients, for the ops DJL binds (libtorch's own
 * kernels: prod, cumsum, cumprod, the vector norm, argmin, any/all, max/min over dims; split, flip, tile,
 * diagonal).
 */
class CommonOpsOracleTest {

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static List<Case> reductions() {
        List<Case> c = new ArrayList<>();
        c.add(op("prod all", List.of(uniform(0.5, 1.5, 3, 4)), x -> x[0].prod(), (m, x) -> x[0].prod()));
        for (int dim : new int[] {0, 1, -1}) {
            for (boolean keep : new boolean[] {false, true}) {
                c.add(op("prod dim " + dim + " keepDim " + keep, List.of(uniform(0.5, 1.5, 3, 5, 2)),
                        x -> x[0].prod(dim, keep), (m, x) -> x[0].prod(new int[] {dim}, keep)));
            }
        }
        c.add(op("prod with zeros", List.of(fixed(new double[] {2, 0, 3, 0, 0, 5, 1.5, -2, 0.5}, 3, 3)),
                x -> x[0].prod(1, false), (m, x) -> x[0].prod(new int[] {1}, false)));
        for (int dim : new int[] {0, 1, -1}) {
            c.add(op("cumsum dim " + dim, List.of(randn(5, 7)), x -> x[0].cumsum(dim), (m, x) -> x[0].cumSum(dim)));
            c.add(op("cumprod dim " + dim, List.of(uniform(0.5, 1.5, 5, 7)), x -> x[0].cumprod(dim),
                    (m, x) -> x[0].cumProd(dim)));
        }
        c.add(op("cumsum long dim 37", List.of(randn(2, 37)), x -> x[0].cumsum(1), (m, x) -> x[0].cumSum(1)));
        c.add(op("cumprod with zeros", List.of(fixed(new double[] {1.5, 0, -2, 0.5, 0, 3}, 6)),
                x -> x[0].cumprod(0), (m, x) -> x[0].cumProd(0)));
        for (int p : new int[] {1, 2}) {
            c.add(op("norm p " + p + " dim 1", List.of(randn(3, 4)), x -> x[0].norm(p, new int[] {1}, false),
                    (m, x) -> x[0].norm(p, new int[] {1}, false)));
            c.add(op("norm p " + p + " dims 0,1 keepDim", List.of(randn(3, 4)),
                    x -> x[0].norm(p, new int[] {0, 1}, true), (m, x) -> x[0].norm(p, new int[] {0, 1}, true)));
        }
        c.add(op("norm fro dim 0", List.of(randn(3, 4)), x -> x[0].norm("fro", new int[] {0}, false),
                (m, x) -> x[0].norm(2, new int[] {0}, false)));
        for (int dim : new int[] {0, 1, -1}) {
            c.add(op("amax dim " + dim, List.of(randn(3, 4, 2)), x -> x[0].amax(dim),
                    (m, x) -> x[0].max(new int[] {dim}, false)));
            c.add(op("amin dim " + dim + " keepDim", List.of(randn(3, 4, 2)), x -> x[0].amin(new int[] {dim}, true),
                    (m, x) -> x[0].min(new int[] {dim}, true)));
            c.add(multi("argmin dim " + dim, List.of(randn(3, 5, 2)), x -> new Tensor[] {x[0].argmin(dim)},
                    (m, x) -> new NDArray[] {JniUtils.argMin(pt(x[0]), dim, false)}));
        }
        c.add(multi("any all", List.of(bools(3, 4)), x -> new Tensor[] {x[0].any(), x[0].all()},
                (m, x) -> new NDArray[] {JniUtils.any(pt(x[0])), JniUtils.all(pt(x[0]))}));
        return c;
    }

    static Stream<Arguments> reductionCases() {
        return Oracle.bothDtypes(reductions());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reductionCases")
    void reduction(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    static List<Case> shapes() {
        List<Case> c = new ArrayList<>();
        c.add(multi("split 2 dim 0", List.of(randn(5, 3)), x -> x[0].split(2, 0).toArray(new Tensor[0]),
                (m, x) -> JniUtils.split(pt(x[0]), 2, 0).toArray(new NDArray[0])));
        c.add(multi("split sizes [1,3] dim 1", List.of(randn(2, 4)),
                x -> x[0].split(new int[] {1, 3}, 1).toArray(new Tensor[0]),
                (m, x) -> JniUtils.split(pt(x[0]), new long[] {1, 3}, 1).toArray(new NDArray[0])));
        c.add(op("flip 0,2", List.of(randn(2, 3, 4)), x -> x[0].flip(0, 2), (m, x) -> x[0].flip(0, 2)));
        c.add(op("flip -1", List.of(randn(2, 5)), x -> x[0].flip(-1), (m, x) -> x[0].flip(1)));
        c.add(op("tile 2,1,3", List.of(randn(2, 3)), x -> x[0].tile(2, 1, 3),
                (m, x) -> JniUtils.tile(pt(x[0]), new long[] {2, 1, 3})));
        for (int k : new int[] {-1, 0, 2}) {
            c.add(op("diagonal " + k + " dims 1,2", List.of(randn(2, 3, 4)), x -> x[0].diagonal(k, 1, 2),
                    (m, x) -> JniUtils.diagonal(pt(x[0]), k, 1, 2)));
            c.add(op("diagonal " + k + " dims 2,0", List.of(randn(2, 3, 4)), x -> x[0].diagonal(k, 2, 0),
                    (m, x) -> JniUtils.diagonal(pt(x[0]), k, 2, 0)));
        }
        long[] gi = {2, 0, 1, 1, 0, 2};
        c.add(op("gather dim 1", List.of(randn(2, 3)),
                x -> x[0].gather(1, Tensor.of(gi, 2, 3)),
                (m, x) -> JniUtils.gather(pt(x[0]), pt(m.create(gi, new ai.djl.ndarray.types.Shape(2, 3))), 1)));
        long[] gi0 = {1, 0, 1};
        c.add(op("gather dim 0, smaller index", List.of(randn(2, 3)),
                x -> x[0].gather(0, Tensor.of(gi0, 1, 3)),
                (m, x) -> JniUtils.gather(pt(x[0]), pt(m.create(gi0, new ai.djl.ndarray.types.Shape(1, 3))), 0)));
        long[] ti = {5, 0, 3, 3};
        c.add(op("take", List.of(randn(2, 3)), x -> x[0].take(Tensor.of(ti, 2, 2)),
                (m, x) -> JniUtils.take(pt(x[0]), pt(m.create(ti, new ai.djl.ndarray.types.Shape(2, 2))),
                        (ai.djl.pytorch.engine.PtNDManager) pt(x[0]).getManager())));
        return c;
    }

    static Stream<Arguments> shapeCases() {
        return Oracle.bothDtypes(shapes());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapeCases")
    void shape(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }
}
