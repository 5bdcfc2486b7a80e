package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.bools;
import static dev.autograd4j.oracle.Oracle.fixed;
import static dev.autograd4j.oracle.Oracle.longs;
import static dev.autograd4j.oracle.Oracle.multi;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.autograd4j.DType;
import dev.autograd4j.Index;
import dev.autograd4j.Tensor;
import dev.autograd4j.UniqueResult;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Advanced indexing, stepped slices, put, maskedSelect, nonzero and unique (issue 12, item 1) against libtorch,
 * values and gradients, through what DJL binds: {@code at::slice}, {@code at::index} with tensor indices (DJL's
 * {@code NDIndex} with arrays), {@code index_put_}, {@code masked_select}, {@code put}, {@code nonzero},
 * {@code _unique2}. DJL binds no {@code scatter_reduce}: that op is covered by gradcheck and hand-worked values in
 * the conformance suite.
 */
class IndexingOracleTest {

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(op("slice dim 1 step 2", List.of(randn(4, 7)), x -> x[0].slice(1, 1, 7, 2),
                (m, x) -> JniUtils.slice(pt(x[0]), 1, 1, 7, 2)));
        c.add(op("slice dim 0 step 3, negative start", List.of(randn(8, 3)), x -> x[0].slice(0, -7, 8, 3),
                (m, x) -> JniUtils.slice(pt(x[0]), 0, -7, 8, 3)));
        long[] a = {2, 0, 2};
        long[] b = {4, -1, 1};
        c.add(op("index dim 0, repeated", List.of(randn(3, 4, 5), longs(a, 3)), x -> x[0].index(x[1]),
                (m, x) -> x[0].get(new NDIndex("{}", x[1]))));
        c.add(op("index adjacent dims 1, 2", List.of(randn(3, 4, 5), longs(new long[] {1, 3, 3}, 3), longs(b, 3)),
                x -> x[0].index(null, x[1], x[2]), (m, x) -> x[0].get(new NDIndex(":, {}, {}", x[1], x[2]))));
        c.add(op("index dims 0 and 2, separated", List.of(randn(3, 4, 5), longs(a, 3), longs(b, 3)),
                x -> x[0].index(x[1], null, x[2]), (m, x) -> x[0].get(new NDIndex("{}, :, {}", x[1], x[2]))));
        c.add(op("index broadcast [2,1] x [3]", List.of(randn(3, 4, 5), longs(new long[] {0, 2}, 2, 1),
                longs(new long[] {3, 0, 3}, 3)), x -> x[0].index(x[1], x[2]),
                (m, x) -> x[0].get(new NDIndex("{}, {}", x[1], x[2]))));
        c.add(op("index with a mask", List.of(randn(3, 4, 5), bools(3, 4)), x -> x[0].index(x[1]),
                (m, x) -> x[0].get(new NDIndex("{}", x[1]))));
        c.add(op("get x[1:3, :, idx]", List.of(randn(3, 4, 5), longs(b, 3)),
                x -> x[0].get(Index.slice(1, 3), Index.all(), Index.of(x[1])),
                (m, x) -> x[0].get(new NDIndex("1:3, :, {}", x[1]))));
        c.add(op("get x[0, :, idx] (the integer selects first)", List.of(randn(3, 4, 5), longs(b, 3)),
                x -> x[0].get(Index.of(0), Index.all(), Index.of(x[1])),
                (m, x) -> x[0].get(new NDIndex("0, :, {}", x[1]))));
        c.add(op("get x[idx, 1:, idx2]", List.of(randn(3, 4, 5), longs(a, 3), longs(b, 3)),
                x -> x[0].get(Index.of(x[1]), Index.slice(1, null), Index.of(x[2])),
                (m, x) -> x[0].get(new NDIndex("{}, 1:, {}", x[1], x[2]))));
        c.add(op("get x[::2, -1]", List.of(randn(5, 4)), x -> x[0].get(Index.slice(null, null, 2), Index.of(-1)),
                (m, x) -> x[0].get(new NDIndex("::2, -1"))));
        c.add(op("maskedSelect, broadcast mask", List.of(randn(3, 4), bools(4)), x -> x[0].maskedSelect(x[1]),
                (m, x) -> JniUtils.booleanMask(pt(x[0]), pt(x[1].broadcast(3, 4)))));
        c.add(op("put", List.of(randn(3, 4), longs(new long[] {11, 0, -2, 5}, 2, 2), randn(2, 2)),
                x -> x[0].put(x[1], x[2], false), (m, x) -> JniUtils.put(pt(x[0]), pt(x[1]), pt(x[2]))));
        c.add(op("indexPut values", List.of(randn(3, 4).noGrad(), longs(new long[] {3, 0}, 2), randn(3, 2).noGrad()),
                x -> x[0].indexPut(new Tensor[] {null, x[1]}, x[2], false), (m, x) -> {
                    NDArray out = x[0].duplicate();
                    JniUtils.indexAdvPut(pt(out), new NDIndex(":, {}", x[1]), pt(x[2]));
                    return out;
                }));
        c.add(op("nonzero", List.of(bools(3, 4)), x -> x[0].nonzero(), (m, x) -> JniUtils.nonZeros(pt(x[0]))));
        c.add(multi("unique with inverse and counts", List.of(fixed(new double[] {3, 1, 2, 3, 1, 1, -0.5, 2}, 2, 4)
                .noGrad()), x -> {
                    UniqueResult u = x[0].unique(true, true, true);
                    return new Tensor[] {u.values(), u.inverse(), u.counts()};
                }, (m, x) -> {
                    NDList u = JniUtils.unique(pt(x[0]), null, true, true, true);
                    return new NDArray[] {u.get(0), u.get(1), u.get(2)};
                }));
        for (int dim : new int[] {0, 1}) {
            c.add(multi("unique along dim " + dim, List.of(fixed(new double[] {1, 0, 1, 2, 1, 2, 1, 0, 1, 0, 0, 0, 1, 0,
                1, 2}, 4, 4).noGrad()), x -> {
                    UniqueResult u = x[0].unique(dim, true, true, true);
                    return new Tensor[] {u.values(), u.inverse(), u.counts()};
                }, (m, x) -> {
                    NDList u = JniUtils.unique(pt(x[0]), dim, true, true, true);
                    return new NDArray[] {u.get(0), u.get(1), u.get(2)};
                }));
        }
        return c;
    }

    static Stream<Arguments> indexingCases() {
        return Oracle.bothDtypes(cases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("indexingCases")
    void indexing(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }
}
