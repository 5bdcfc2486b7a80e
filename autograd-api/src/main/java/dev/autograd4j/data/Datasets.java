package dev.autograd4j.data;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Functions over datasets: {@link #randomSplit} and the permutations the loader shuffles with. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Splits {@code dataset} into non-overlapping random subsets of the given lengths
     * ({@code torch.utils.data.random_split} with lengths).
     *
     * @param <T> the type of one example
     * @param dataset the dataset to split
     * @param lengths the subsets' sizes, summing to {@code dataset.size()}
     * @param generator draws the permutation; the same seed gives the same split
     * @return one subset per length, in order
     * @throws IllegalArgumentException if a length is negative or they do not sum to the dataset's size
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] lengths, Generator generator) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(generator, "generator");
        long sum = 0;
        for (int len : lengths) {
            if (len < 0) {
                throw new IllegalArgumentException("random_split: lengths must be non-negative, got " + len);
            }
            sum += len;
        }
        if (sum != dataset.size()) {
            throw new IllegalArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        }
        int[] perm = randperm(dataset.size(), generator);
        List<Subset<T>> out = new ArrayList<>(lengths.length);
        int offset = 0;
        for (int len : lengths) {
            out.add(new Subset<>(dataset, java.util.Arrays.copyOfRange(perm, offset, offset + len)));
            offset += len;
        }
        return out;
    }

    /**
     * Splits {@code dataset} by fractions of its size ({@code random_split} with fractions): each subset gets
     * {@code floor(fraction * size)} examples, and what is left over is dealt one by one to the subsets in
     * order, round-robin, as PyTorch does.
     *
     * @param <T> the type of one example
     * @param dataset the dataset to split
     * @param fractions each in [0, 1], summing to 1
     * @param generator draws the permutation
     * @return one subset per fraction, in order
     * @throws IllegalArgumentException if a fraction is outside [0, 1] or they do not sum to 1
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions, Generator generator) {
        Objects.requireNonNull(dataset, "dataset");
        double total = 0;
        for (int i = 0; i < fractions.length; i++) {
            if (!(fractions[i] >= 0 && fractions[i] <= 1)) {
                throw new IllegalArgumentException("Fraction at index " + i + " is not between 0 and 1");
            }
            total += fractions[i];
        }
        if (Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        }
        int n = dataset.size();
        int[] lengths = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            lengths[i] = (int) Math.floor(n * fractions[i]);
            assigned += lengths[i];
        }
        for (int i = 0; assigned < n; i++, assigned++) {
            lengths[i % lengths.length]++;
        }
        return randomSplit(dataset, lengths, generator);
    }

    /**
     * A random permutation of {@code 0..n-1} drawn from {@code generator} (a Fisher-Yates shuffle driven by
     * {@code n} float64 uniforms from the generator on the CPU), reproducible for a given seed and offset.
     *
     * @param n the number of elements, at least 0
     * @param generator the source of randomness (advanced by {@code n} draws)
     * @return the permutation
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static int[] randperm(int n, Generator generator) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative, got " + n);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (n < 2) {
            return perm;
        }
        double[] u = Tensor.rand(Shape.of(n), DType.FLOAT64, Device.cpu(), generator).toDoubleArray();
        for (int i = n - 1; i > 0; i--) {
            int j = Math.min(i, (int) (u[i] * (i + 1)));
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
