package dev.autograd4j.oracle;

import static dev.autograd4j.oracle.Oracle.longs;
import static dev.autograd4j.oracle.Oracle.op;
import static dev.autograd4j.oracle.Oracle.randn;
import static dev.autograd4j.oracle.Oracle.uniform;

import dev.autograd4j.DType;
import dev.autograd4j.oracle.Oracle.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * atan2, remainder and repeatInterleave against libtorch, values and gradients (DJL binds {@code torch.atan2}
 * as {@code NDArray.atan2}, {@code torch.remainder} as {@code NDArray.mod} and {@code repeat_interleave} as
 * {@code NDArray.repeat(axis, repeats)}; it binds neither {@code torch.fmod} nor {@code torch.einsum}, whose
 * values the conformance suite pins instead), and int64 remainder with negative operands, exactly.
 */
class PointwiseMoreOracleTest {

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(op("atan2", List.of(randn(3, 4), randn(3, 4)), x -> x[0].atan2(x[1]), (m, x) -> x[0].atan2(x[1])));
        c.add(op("atan2 broadcast", List.of(randn(3, 4), uniform(-1.5, -0.5, 4)), x -> x[0].atan2(x[1]),
                (m, x) -> x[0].atan2(x[1])));
        // |x / y| in (1.47, 1.95): away from remainder's jumps
        c.add(op("remainder positive", List.of(uniform(3.1, 3.7, 3, 4), uniform(1.9, 2.1, 4)),
                x -> x[0].remainder(x[1]), (m, x) -> x[0].mod(x[1])));
        c.add(op("remainder negative dividend", List.of(uniform(-3.7, -3.1, 3, 4), uniform(1.9, 2.1, 4)),
                x -> x[0].remainder(x[1]), (m, x) -> x[0].mod(x[1])));
        c.add(op("remainder negative divisor", List.of(uniform(3.1, 3.7, 3, 4), uniform(-2.1, -1.9, 3, 4)),
                x -> x[0].remainder(x[1]), (m, x) -> x[0].mod(x[1])));
        // NDArray.repeat(axis, repeats) is torch.repeat_interleave(repeats, dim)
        c.add(op("repeatInterleave 2 dim 0", List.of(randn(2, 3)), x -> x[0].repeatInterleave(2, 0),
                (m, x) -> x[0].repeat(0, 2)));
        c.add(op("repeatInterleave 3 dim -1", List.of(randn(2, 3, 2)), x -> x[0].repeatInterleave(3, -1),
                (m, x) -> x[0].repeat(2, 3)));
        return c;
    }

    static Stream<Arguments> floatCases() {
        return Oracle.bothDtypes(cases());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("floatCases")
    void pointwise(Case c, DType dtype) {
        Oracle.check(c, dtype);
    }

    @Test
    void remainderInt64WithNegativeOperands() {
        Oracle.check(op("remainder int64", List.of(longs(new long[] {-7, 7, -7, 7, 0, -9, Long.MAX_VALUE}, 7),
                longs(new long[] {3, 3, -3, -3, 5, 3, 10}, 7)), x -> x[0].remainder(x[1]),
                (m, x) -> x[0].mod(x[1])), DType.FLOAT64);
    }
}
