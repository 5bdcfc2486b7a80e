package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.check1;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.Device;
import dev.autograd4j.Einsum;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * repeatInterleave and einsum (issue 12's common op set): gradcheck in float64 on every device, einsum's values
 * against the ops it stands for, and PyTorch's messages for equations that do not parse or do not fit.
 */
@DisplayNameGeneration(ConformanceNames.class)
class EinsumTest {

    private static final double EPS = 1e-12;

    @AllDevices
    void repeatInterleave(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 300, 2, 3);
        cases.add(named("dim 0", () -> check1(t -> t.repeatInterleave(2, 0), x)));
        cases.add(named("dim -1", () -> check1(t -> t.repeatInterleave(3, -1), x)));
        cases.add(named("flattened", () -> check1(t -> t.repeatInterleave(2), x)));
        cases.add(named("values", () -> {
            Tensor v = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(d);
            assertArrayEquals(new double[] {1, 2, 1, 2, 3, 4, 3, 4}, v.repeatInterleave(2, 0).toDoubleArray());
            assertArrayEquals(new double[] {1, 1, 2, 2, 3, 3, 4, 4}, v.repeatInterleave(2, 1).toDoubleArray());
            assertArrayEquals(new int[] {2, 4}, v.repeatInterleave(2, 1).shape().toArray());
            assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, v.repeatInterleave(3).toDoubleArray());
            assertArrayEquals(new int[] {2, 0}, v.repeatInterleave(0, 1).shape().toArray());
            assertEquals("repeats can not be negative",
                    assertThrows(IllegalArgumentException.class, () -> v.repeatInterleave(-1, 0)).getMessage());
        }));
        all(cases);
    }

    @AllDevices
    void einsumGradients(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor a = randn(d, 310, 3, 4), b = randn(d, 311, 4, 5), v = randn(d, 312, 4), w = randn(d, 313, 3);
        Tensor ba = randn(d, 314, 2, 3, 4), bb = randn(d, 315, 2, 4, 5), sq = randn(d, 316, 4, 4);
        cases.add(named("ij,jk->ik", () -> check(in -> Einsum.einsum("ij,jk->ik", in.get(0), in.get(1)), a, b)));
        cases.add(named("ij,jk (implicit)", () -> check(in -> Einsum.einsum("ij,jk", in.get(0), in.get(1)), a, b)));
        cases.add(named("bij,bjk->bik", () -> check(in -> Einsum.einsum("bij,bjk->bik", in.get(0), in.get(1)),
                ba, bb)));
        cases.add(named("bij,bjk->bki", () -> check(in -> Einsum.einsum("bij,bjk->bki", in.get(0), in.get(1)),
                ba, bb)));
        cases.add(named("ij,j->i", () -> check(in -> Einsum.einsum("ij,j->i", in.get(0), in.get(1)), a, v)));
        cases.add(named("i,j->ij", () -> check(in -> Einsum.einsum("i,j->ij", in.get(0), in.get(1)), w, v)));
        cases.add(named("ij,ij->", () -> check(in -> Einsum.einsum("ij,ij->", in.get(0), in.get(1)), a,
                randn(d, 317, 3, 4))));
        cases.add(named("ij,kj->ik (with a transpose)",
                () -> check(in -> Einsum.einsum("ij,kj->ik", in.get(0), in.get(1)), a, randn(d, 318, 5, 4))));
        cases.add(named("bij,bkj->bik", () -> check(in -> Einsum.einsum("bij,bkj->bik", in.get(0), in.get(1)),
                ba, randn(d, 319, 2, 5, 4))));
        cases.add(named("...ij,...jk->...ik broadcast", () -> check(in -> Einsum.einsum("...ij,...jk->...ik",
                in.get(0), in.get(1)), ba, b)));
        cases.add(named("ij->ji", () -> check1(t -> Einsum.einsum("ij->ji", t), a)));
        cases.add(named("ij->j", () -> check1(t -> Einsum.einsum("ij->j", t), a)));
        cases.add(named("ii->i", () -> check1(t -> Einsum.einsum("ii->i", t), sq)));
        cases.add(named("ii (trace)", () -> check1(t -> Einsum.einsum("ii", t), sq)));
        cases.add(named("bii->b", () -> check1(t -> Einsum.einsum("bii->b", t), randn(d, 320, 2, 3, 3))));
        cases.add(named("ij,jk,kl->il (three)", () -> check(in -> Einsum.einsum("ij,jk,kl->il", in.get(0),
                in.get(1), in.get(2)), a, b, randn(d, 321, 5, 2))));
        all(cases);
    }

    @AllDevices
    void einsumValues(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor a = randn(d, 330, 3, 4), b = randn(d, 331, 4, 5), ba = randn(d, 332, 2, 3, 4);
        Tensor bb = randn(d, 333, 2, 4, 5);
        cases.add(named("matmul", () -> assertArrayEquals(a.matmul(b).toDoubleArray(),
                Einsum.einsum("ij,jk->ik", a, b).toDoubleArray(), EPS)));
        cases.add(named("bmm", () -> assertArrayEquals(ba.bmm(bb).toDoubleArray(),
                Einsum.einsum("bij,bjk->bik", ba, bb).toDoubleArray(), EPS)));
        cases.add(named("implicit output is alphabetical", () -> {
            Tensor r = Einsum.einsum("ba", a);
            assertArrayEquals(new int[] {4, 3}, r.shape().toArray());
            assertArrayEquals(a.t().contiguous().toDoubleArray(), r.toDoubleArray(), EPS);
        }));
        cases.add(named("trace and diagonal", () -> {
            Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3).to(d);
            assertArrayEquals(new double[] {15}, Einsum.einsum("ii", m).toDoubleArray(), EPS);
            assertArrayEquals(new double[] {1, 5, 9}, Einsum.einsum("ii->i", m).toDoubleArray(), EPS);
            assertEquals(0, Einsum.einsum("ii", m).dim());
        }));
        cases.add(named("outer and broadcast size 1", () -> {
            Tensor x = Tensor.of(new double[] {1, 2}, 2).to(d), y = Tensor.of(new double[] {3, 4, 5}, 3).to(d);
            assertArrayEquals(new double[] {3, 4, 5, 6, 8, 10}, Einsum.einsum("i,j->ij", x, y).toDoubleArray(), EPS);
            Tensor one = Tensor.of(new double[] {2}, 1).to(d);
            assertArrayEquals(new double[] {2, 4}, Einsum.einsum("i,i->i", x, one).toDoubleArray(), EPS);
        }));
        all(cases);
    }

    @AllDevices
    void einsumBadEquations(Device d) {
        Tensor m = Tensor.zeros(2, 3).to(d), n = Tensor.zeros(4, 5).to(d), c = Tensor.zeros(2, 3, 4).to(d);
        List<Executable> cases = new ArrayList<>();
        cases.add(bad("einsum(): operands do not broadcast with remapped shapes (original->remapped): "
                + "[2, 3]->[2, 1, 3] [4, 5]->[1, 5, 4]", () -> Einsum.einsum("ij,jk->ik", m, n)));
        cases.add(bad("einsum(): the number of subscripts in the equation (2) does not match the number of "
                + "dimensions (3) for operand 0 and no ellipsis was given", () -> Einsum.einsum("ij->i", c)));
        cases.add(bad("einsum(): the number of subscripts in the equation (4) is more than the number of "
                + "dimensions (3) for operand 0", () -> Einsum.einsum("...ijkl", c)));
        cases.add(bad("einsum(): invalid subscript given at index 1 in the equation string, subscripts must be "
                + "in [a-zA-Z]", () -> Einsum.einsum("i1", m)));
        cases.add(bad("einsum(): invalid subscript given at index 4 in the equation string, subscripts must be "
                + "in [a-zA-Z]", () -> Einsum.einsum("ij->1", m)));
        cases.add(bad("einsum(): more operands were provided than specified in the equation",
                () -> Einsum.einsum("ij", m, m)));
        cases.add(bad("einsum(): fewer operands were provided than specified in the equation",
                () -> Einsum.einsum("ij,jk", m)));
        cases.add(bad("einsum(): found '.' for operand 0 that is not part of any ellipsis",
                () -> Einsum.einsum("i.j", m)));
        cases.add(bad("einsum(): output subscript k does not appear in the equation for any input operand",
                () -> Einsum.einsum("ij->k", m)));
        cases.add(bad("einsum(): output subscript i appears more than once in the output",
                () -> Einsum.einsum("ij->ii", m)));
        cases.add(bad("einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2",
                () -> Einsum.einsum("ii->i", m)));
        cases.add(bad("einsum(): must provide at least one operand", () -> Einsum.einsum("ij")));
        all(cases);
    }

    private static Executable bad(String message, Executable body) {
        return named(message, () -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, body).getMessage()));
    }
}
