package dev.autograd4j.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.autograd4j.DType;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Type promotion against libtorch: binary ops on every pair of dtypes (float32, float64, int64, bool), with
 * dims and 0-d, give torch's result dtype ({@code torch.result_type}) and values; in-place ops refuse what
 * torch refuses, with its message.
 */
class PromotionOracleTest {
    private static final DType[] DTYPES = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};
    private static final double[] VALUES = {-3, 0, 1, 2.5, 7};

    record BinOp(String name, BiFunction<Tensor, Tensor, Tensor> java, BiFunction<NDArray, NDArray, NDArray> djl) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<BinOp> OPS = List.of(
            new BinOp("add", Tensor::add, NDArray::add),
            new BinOp("sub", Tensor::sub, NDArray::sub),
            new BinOp("mul", Tensor::mul, NDArray::mul),
            new BinOp("div", Tensor::div, NDArray::div),
            new BinOp("maximum", Tensor::maximum, NDArray::maximum),
            new BinOp("minimum", Tensor::minimum, NDArray::minimum),
            new BinOp("eq", Tensor::eq, NDArray::eq),
            new BinOp("lt", Tensor::lt, NDArray::lt),
            new BinOp("ge", Tensor::ge, NDArray::gte));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (BinOp op : OPS) {
            for (DType a : DTYPES) {
                for (DType b : DTYPES) {
                    for (boolean bZeroDim : new boolean[] {false, true}) {
                        out.add(Arguments.of(op, a, b, bZeroDim));
                    }
                }
            }
        }
        return out.stream();
    }

    private static DataType djl(DType t) {
        return switch (t) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    private static DType ours(DataType t) {
        return switch (t) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case INT64 -> DType.INT64;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static Tensor java(DType t, double[] values, boolean zeroDim) {
        Tensor x = zeroDim ? Tensor.full(Shape.of(), values[3], DType.FLOAT64, Tensor.of(new double[1]).device())
                : Tensor.of(values);
        return x.to(t);
    }

    private static NDArray torch(NDManager m, DType t, double[] values, boolean zeroDim) {
        NDArray x = zeroDim ? m.create(values[3]) : m.create(values);
        return x.toType(djl(t), false);
    }

    @ParameterizedTest(name = "{0} {1} x {2} (0-d: {3})")
    @MethodSource("cases")
    void binaryOpsPromoteAsTorch(BinOp op, DType a, DType b, boolean bZeroDim) {
        double[] other = {2, -1, 4, 0.5, 7};
        try (NDManager m = Oracle.base().newSubManager()) {
            NDArray expected;
            try {
                expected = op.djl().apply(torch(m, a, VALUES, false), torch(m, b, other, bZeroDim));
            } catch (RuntimeException torchRefuses) { // the same refusal, with torch's message
                String ours = assertThrows(IllegalArgumentException.class,
                        () -> op.java().apply(java(a, VALUES, false), java(b, other, bZeroDim))).getMessage();
                assertEquals(torchRefuses.getMessage().lines().findFirst().orElseThrow(), ours);
                return;
            }
            Tensor actual = op.java().apply(java(a, VALUES, false), java(b, other, bZeroDim));
            String what = op + " " + a + " x " + b + (bZeroDim ? " (0-d)" : "");
            assertEquals(ours(expected.getDataType()), actual.dtype(), what + ": result dtype");
            Oracle.assertClose(what, Oracle.djlDoubles(expected), actual.toDoubleArray(), 1e-6, 1e-6);
        }
    }

    @Test
    void mathFunctionsAndSumsOfIntegersAsTorch() {
        try (NDManager m = Oracle.base().newSubManager()) {
            NDArray ints = m.create(new long[] {1, 4, 9});
            NDArray bools = m.create(new boolean[] {true, false, true});
            Tensor jInts = Tensor.of(new long[] {1, 4, 9});
            Tensor jBools = Tensor.of(new boolean[] {true, false, true});
            List<NDArray> torch = List.of(ints.sqrt(), ints.exp(), bools.log(), bools.sum(), ints.sum());
            List<Tensor> ours = List.of(jInts.sqrt(), jInts.exp(), jBools.log(), jBools.sum(), jInts.sum());
            for (int i = 0; i < torch.size(); i++) {
                assertEquals(ours(torch.get(i).getDataType()), ours.get(i).dtype(), "case " + i);
                Oracle.assertClose("case " + i, Oracle.djlDoubles(torch.get(i)), ours.get(i).toDoubleArray(), 1e-6,
                        1e-6);
            }
        }
    }

    @Test
    void inPlaceOpsRefuseWhatTorchRefuses() {
        try (NDManager m = Oracle.base().newSubManager()) {
            NDArray longs = m.create(new long[] {1, 2});
            String torch = assertThrows(RuntimeException.class,
                    () -> longs.addi(m.create(new float[] {0.5f, 0.5f}))).getMessage();
            String ours = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.of(new long[] {1, 2}).add_(Tensor.of(new float[] {0.5f, 0.5f}))).getMessage();
            assertEquals(torch.lines().findFirst().orElseThrow(), ours);
            NDArray ints = m.create(new long[] {7, -7});
            NDArray promoted = ints.mul(m.create(new boolean[] {true, false}));
            assertEquals(DataType.INT64, promoted.getDataType());
            assertArrayEquals(promoted.toLongArray(),
                    Tensor.of(new long[] {7, -7}).mul(Tensor.of(new boolean[] {true, false})).toLongArray());
        }
    }
}
