package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Creation ops (issue 12, item 2): {@code Tensor.of} from nested arrays, {@code linspace}, {@code randint},
 * {@code randperm}, {@code multinomial} and {@code bernoulli}. Values and shapes, the same draws for one seed on
 * every device, statistical sanity with fixed seeds (bounds far beyond the sampling error, so never flaky), and
 * PyTorch's messages for bad input.
 */
@DisplayNameGeneration(ConformanceNames.class)
class CreationTest {

    private static double chiSquare(long[] counts, double[] expected) {
        double chi = 0;
        for (int i = 0; i < counts.length; i++) {
            chi += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
        }
        return chi;
    }

    private static long[] histogram(long[] samples, int bins) {
        long[] counts = new long[bins];
        for (long s : samples) {
            counts[(int) s]++;
        }
        return counts;
    }

    @Test
    void nestedArrays() {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("float[][] and float[][][]", () -> {
            Tensor m = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
            assertEquals(Shape.of(2, 3), m.shape());
            assertEquals(DType.FLOAT32, m.dtype());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.toFloatArray());
            Tensor c = Tensor.of(new float[][][] {{{1}, {2}}, {{3}, {4}}, {{5}, {6}}});
            assertEquals(Shape.of(3, 2, 1), c.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c.toFloatArray());
        }));
        cases.add(named("double, long and boolean", () -> {
            assertArrayEquals(new double[] {1.5, -2}, Tensor.of(new double[][] {{1.5}, {-2}}).toDoubleArray());
            assertEquals(Shape.of(1, 2, 2), Tensor.of(new double[][][] {{{1, 2}, {3, 4}}}).shape());
            Tensor l = Tensor.of(new long[][] {{Long.MAX_VALUE, 1}});
            assertEquals(DType.INT64, l.dtype());
            assertArrayEquals(new long[] {Long.MAX_VALUE, 1}, l.toLongArray());
            Tensor b = Tensor.of(new boolean[][] {{true}, {false}});
            assertEquals(DType.BOOL, b.dtype());
            assertEquals(Shape.of(2, 1), b.shape());
        }));
        cases.add(named("ragged", () -> {
            assertEquals("expected sequence of length 3 at dim 1 (got 2)", assertThrows(
                    IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2, 3}, {4, 5}})).getMessage());
            assertEquals("expected sequence of length 1 at dim 2 (got 2)", assertThrows(IllegalArgumentException.class,
                    () -> Tensor.of(new double[][][] {{{1}, {2, 3}}})).getMessage());
        }));
        cases.add(named("empty levels end the shape, as empty lists do", () -> {
            assertEquals(Shape.of(0), Tensor.of(new float[0][]).shape());
            assertEquals(Shape.of(2, 0), Tensor.of(new long[][] {{}, {}}).shape());
        }));
        cases.add(named("a copy", () -> {
            double[][] data = {{1, 2}};
            Tensor t = Tensor.of(data);
            data[0][0] = 9;
            assertEquals(1.0, t.toDoubleArray()[0]);
        }));
        all(cases);
    }

    @AllDevices
    void linspace(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("float64, symmetric from both ends", () -> {
            double[] v = Tensor.linspace(0, 1, 11, DType.FLOAT64, d).toDoubleArray();
            for (int i = 0; i < 11; i++) {
                double want = i < 5 ? 0.1 * i : 1 - 0.1 * (10 - i);
                assertEquals(want, v[i], 0.0, "element " + i);
            }
            assertEquals(1.0, v[10], 0.0);
        }));
        cases.add(named("float32 in float arithmetic", () -> {
            float[] v = Tensor.linspace(-3, 7, 7, DType.FLOAT32, d).toFloatArray();
            float step = (7f - -3f) / 6f;
            assertEquals(-3f + step * 2, v[2], 0f);
            assertEquals(7f - step * 2, v[4], 0f);
            assertEquals(7f, v[6], 0f);
        }));
        cases.add(named("steps 0, 1 and int64", () -> {
            assertEquals(Shape.of(0), Tensor.linspace(0, 1, 0, DType.FLOAT32, d).shape());
            assertArrayEquals(new double[] {4}, Tensor.linspace(4, 9, 1, DType.FLOAT64, d).toDoubleArray());
            assertArrayEquals(new long[] {0, 2, 5, 7, 10}, Tensor.linspace(0, 10, 5, DType.INT64, d).toLongArray());
            assertEquals(d, Tensor.linspace(0, 1, 3, DType.FLOAT32, d).device());
        }));
        cases.add(named("negative steps", () -> assertEquals("number of steps must be non-negative",
                assertThrows(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1)).getMessage())));
        all(cases);
    }

    @AllDevices
    void randint(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("range, dtype and uniformity", () -> {
            Tensor t = Tensor.randint(-3, 7, Shape.of(100, 100), d, new Generator(11));
            assertEquals(DType.INT64, t.dtype());
            assertEquals(Shape.of(100, 100), t.shape());
            long[] v = t.toLongArray();
            long[] counts = new long[10];
            for (long x : v) {
                assertTrue(x >= -3 && x < 7, "value " + x);
                counts[(int) (x + 3)]++;
            }
            double[] expected = new double[10];
            Arrays.fill(expected, 1000);
            // 9 degrees of freedom: the 99.999th percentile is about 39
            assertTrue(chiSquare(counts, expected) < 45, Arrays.toString(counts));
        }));
        cases.add(named("one seed, one sequence, on every device", () -> {
            long[] a = Tensor.randint(0, 1000, Shape.of(50), d, new Generator(5)).toLongArray();
            long[] cpu = Tensor.randint(0, 1000, Shape.of(50), Device.CPU, new Generator(5)).toLongArray();
            assertArrayEquals(cpu, a);
            assertFalse(Arrays.equals(a, Tensor.randint(0, 1000, Shape.of(50), d, new Generator(6)).toLongArray()));
        }));
        cases.add(named("low >= high", () -> assertEquals("random_ expects 'from' to be less than 'to', but got "
                + "from=5 >= to=5", assertThrows(IllegalArgumentException.class,
                        () -> Tensor.randint(5, 5, Shape.of(2), d, new Generator(1))).getMessage())));
        all(cases);
    }

    @AllDevices
    void randperm(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("a permutation, the same on every device", () -> {
            long[] p = Tensor.randperm(500, d, new Generator(8)).toLongArray();
            long[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 500; i++) {
                assertEquals(i, sorted[i]);
            }
            assertArrayEquals(Tensor.randperm(500, Device.CPU, new Generator(8)).toLongArray(), p);
            assertEquals(0, Tensor.randperm(0, d, new Generator(8)).numel());
        }));
        cases.add(named("each position uniform", () -> {
            long[] firsts = new long[4];
            Generator g = new Generator(21);
            for (int k = 0; k < 2000; k++) {
                firsts[(int) Tensor.randperm(4, d, g).toLongArray()[0]]++;
            }
            assertTrue(chiSquare(firsts, new double[] {500, 500, 500, 500}) < 25, Arrays.toString(firsts));
        }));
        cases.add(named("negative n", () -> assertThrows(IllegalArgumentException.class,
                () -> Tensor.randperm(-1, d, new Generator(1)))));
        all(cases);
    }

    @AllDevices
    void multinomial(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor w = Tensor.of(new double[] {1, 0, 3, 6}, 4).to(d);
        cases.add(named("with replacement: frequencies", () -> {
            long[] s = w.multinomial(20000, true, new Generator(3)).toLongArray();
            long[] counts = histogram(s, 4);
            assertEquals(0, counts[1]);
            // 2 degrees of freedom (category 1 has weight 0): the 99.999th percentile is about 23
            assertTrue(chiSquare(new long[] {counts[0], counts[2], counts[3]}, new double[] {2000, 6000, 12000}) < 30,
                    Arrays.toString(counts));
        }));
        cases.add(named("without replacement: distinct, weight 0 never, first draw by weight", () -> {
            Generator g = new Generator(4);
            long[] firsts = new long[4];
            for (int k = 0; k < 2000; k++) {
                long[] s = w.multinomial(3, false, g).toLongArray();
                assertEquals(3, Arrays.stream(s).distinct().count(), Arrays.toString(s));
                assertFalse(Arrays.stream(s).anyMatch(x -> x == 1), Arrays.toString(s));
                firsts[(int) s[0]]++;
            }
            assertTrue(chiSquare(new long[] {firsts[0], firsts[2], firsts[3]}, new double[] {200, 600, 1200}) < 30,
                    Arrays.toString(firsts));
        }));
        cases.add(named("2-D, float32 and the same on every device", () -> {
            Tensor w2 = Tensor.of(new float[][] {{0, 1}, {1, 0}}).to(d);
            Tensor s = w2.multinomial(5, true, new Generator(9));
            assertEquals(Shape.of(2, 5), s.shape());
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, s.toLongArray());
            Tensor p = Tensor.of(new double[] {0.2, 0.5, 0.3, 1, 2}, 5);
            assertArrayEquals(p.multinomial(40, true, new Generator(2)).toLongArray(),
                    p.to(d).multinomial(40, true, new Generator(2)).toLongArray());
            assertArrayEquals(p.multinomial(4, false, new Generator(2)).toLongArray(),
                    p.to(d).multinomial(4, false, new Generator(2)).toLongArray());
        }));
        cases.add(named("errors", () -> {
            assertEquals("prob_dist must be 1 or 2 dim", assertThrows(IllegalArgumentException.class,
                    () -> Tensor.ones(Shape.of(2, 2, 2), DType.FLOAT32, d).multinomial(1, true)).getMessage());
            assertEquals("cannot sample n_sample <= 0 samples", assertThrows(IllegalArgumentException.class,
                    () -> w.multinomial(0, true)).getMessage());
            assertEquals("cannot sample n_sample > prob_dist.size(-1) samples without replacement",
                    assertThrows(IllegalArgumentException.class, () -> w.multinomial(5, false)).getMessage());
            assertEquals("probability tensor contains either `inf`, `nan` or element < 0",
                    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1, -1}, 2).to(d)
                            .multinomial(1, true)).getMessage());
            assertEquals("probability tensor contains either `inf`, `nan` or element < 0",
                    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1, Double.NaN}, 2)
                            .to(d).multinomial(1, true)).getMessage());
            assertEquals("invalid multinomial distribution (sum of probabilities <= 0)",
                    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(Shape.of(3), DType.FLOAT64, d)
                            .multinomial(1, true)).getMessage());
            assertEquals("invalid multinomial distribution (with replacement=False, not enough non-negative "
                    + "category to sample)", assertThrows(IllegalArgumentException.class,
                            () -> w.multinomial(4, false)).getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Tensor.ones(Shape.of(3), DType.INT64, d).multinomial(1, true));
        }));
        all(cases);
    }

    @AllDevices
    void bernoulli(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("probabilities per element", () -> {
            Tensor p = Tensor.of(new double[] {0, 1, 0.25}, 3).to(d).expand(4000, 3).contiguous();
            Tensor s = p.bernoulli(new Generator(12));
            assertEquals(DType.FLOAT64, s.dtype());
            double[] mean = s.mean(new int[] {0}, false).toDoubleArray();
            assertEquals(0.0, mean[0], 0.0);
            assertEquals(1.0, mean[1], 0.0);
            assertEquals(0.25, mean[2], 0.04); // sd of the mean about 0.007
            assertArrayEquals(s.toDoubleArray(), p.to(Device.CPU).bernoulli(new Generator(12)).toDoubleArray());
        }));
        cases.add(named("scalar p, float32", () -> {
            Tensor s = Tensor.zeros(Shape.of(10000), DType.FLOAT32, d).bernoulli(0.7, new Generator(13));
            assertEquals(DType.FLOAT32, s.dtype());
            assertEquals(0.7, s.mean().item(), 0.03);
        }));
        cases.add(named("no gradient flows", () -> {
            Tensor p = Tensor.full(Shape.of(3), 0.5, DType.FLOAT64, d).requiresGrad(true);
            Tensor s = p.bernoulli(new Generator(1));
            assertEquals("BernoulliBackward0", s.gradFn().name());
            s.sum().backward();
            assertArrayEquals(new double[] {0, 0, 0}, p.grad().toDoubleArray());
            assertNull(Tensor.zeros(Shape.of(2), DType.FLOAT64, d).bernoulli(0.5).gradFn());
        }));
        cases.add(named("errors", () -> {
            assertEquals("bernoulli_ expects p to be in [0, 1], but got p=1.5", assertThrows(
                    IllegalArgumentException.class, () -> Tensor.zeros(2).bernoulli(1.5)).getMessage());
            assertEquals("Expected p_in >= 0 && p_in <= 1 to be true, but got false.",
                    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {0.5, 2}, 2).to(d)
                            .bernoulli().toDoubleArray()).getMessage());
        }));
        all(cases);
    }
}
