package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.multi;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
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
 * Sorting (sort, argsort, topk, median) and linspace against libtorch: values, indices and gradients, float32 and
 * float64. The inputs are random normals, so ties (where the two libraries may order indices differently) do not
 * occur.
 */
class SortingOracleTest {

    static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (int dim : new int[] {0, 1, -1}) {
            for (boolean desc : new boolean[] {false, true}) {
                c.add(op("sort dim " + dim + " descending " + desc, List.of(randn(4, 6, 3)),
                        x -> x[0].sort(dim, desc).values(), (m, x) -> JniUtils.sort(pt(x[0]), dim, desc)));
                c.add(multi("argsort dim " + dim + " descending " + desc, List.of(randn(4, 6, 3)),
                        x -> new Tensor[] {x[0].argsort(dim, desc)},
                        (m, x) -> new NDArray[] {JniUtils.argSort(pt(x[0]), dim, desc)}));
            }
        }
        c.add(op("sort long row", List.of(randn(2, 3000)), x -> x[0].sort(1, false).values(),
                (m, x) -> JniUtils.sort(pt(x[0]), 1, false)));
        for (boolean largest : new boolean[] {true, false}) {
            for (int dim : new int[] {0, 1}) {
                c.add(multi("topk 3 dim " + dim + " largest " + largest, List.of(randn(5, 7)), x -> {
                    Tensor.ValuesIndices r = x[0].topk(3, dim, largest, true);
                    return new Tensor[] {r.values(), r.indices()};
                }, (m, x) -> JniUtils.topK(pt(x[0]), 3, dim, largest, true).toArray(new NDArray[0])));
            }
        }
        for (int dim : new int[] {0, 1}) {
            for (boolean keep : new boolean[] {false, true}) {
                // an even count along dim 0 (4), odd along dim 1 (7): the lower middle value in both
                c.add(multi("median dim " + dim + " keepDim " + keep, List.of(randn(4, 7)), x -> {
                    Tensor.ValuesIndices r = x[0].median(dim, keep);
                    return new Tensor[] {r.values(), r.indices()};
                }, (m, x) -> JniUtils.median(pt(x[0]), dim, keep).toArray(new NDArray[0])));
            }
        }
        c.add(op("median all", List.of(randn(4, 6)), x -> x[0].median(),
                (m, x) -> JniUtils.median(pt(x[0].reshape(-1)), 0, false).get(0)));
        return c;
    }

    static Stream<Arguments> sortingCases() {
        return Oracle.bothDtypes(cases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sortingCases")
    void sorting(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    /**
     * linspace: the ends exactly, every other value within two units in the last place of the range's magnitude.
     * Here every value follows PyTorch's formula, {@code start + i * step} in the first half and
     * {@code end - (steps - 1 - i) * step} in the second (its CUDA kernel and its scalar CPU loop); libtorch's
     * vectorized CPU loop computes one value per vector of lanes so and the others by adding multiples of step to
     * it, which rounds differently depending on the CPU's vector width.
     */
    @Test
    void linspaceMatchesLibtorchWithinOneUlp() {
        try (NDManager m = Oracle.base().newSubManager()) {
            float[][] ranges = {{0, 1}, {-3, 7}, {2.5f, -1.25f}, {0, 1000}};
            for (float[] r : ranges) {
                for (int steps : new int[] {1, 2, 5, 10, 101}) {
                    NDArray want = JniUtils.linspace((PtNDManager) m, r[0], r[1], steps, DataType.FLOAT32,
                            ai.djl.Device.cpu(), ai.djl.ndarray.types.SparseFormat.DENSE);
                    float[] got = Tensor.linspace(r[0], r[1], steps, DType.FLOAT32, Device.CPU).toFloatArray();
                    float[] w = want.toFloatArray();
                    for (int i = 0; i < steps; i++) {
                        float tol = i == 0 || i == steps - 1 ? 0f : 2 * Math.ulp(Math.max(Math.abs(r[0]), Math.abs(r[1])));
                        assertEquals(w[i], got[i], tol, r[0] + ".." + r[1] + " steps " + steps + " element " + i);
                    }
                    NDArray want64 = JniUtils.linspace((PtNDManager) m, r[0], r[1], steps, DataType.FLOAT64,
                            ai.djl.Device.cpu(), ai.djl.ndarray.types.SparseFormat.DENSE);
                    double[] got64 = Tensor.linspace(r[0], r[1], steps, DType.FLOAT64, Device.CPU).toDoubleArray();
                    double[] w64 = want64.toDoubleArray();
                    for (int i = 0; i < steps; i++) {
                        double tol = i == 0 || i == steps - 1 ? 0 : 2 * Math.ulp((double) Math.max(Math.abs(r[0]), Math.abs(r[1])));
                        assertEquals(w64[i], got64[i], tol, "float64 " + r[0] + ".." + r[1] + " element " + i);
                    }
                }
            }
        }
    }
}
