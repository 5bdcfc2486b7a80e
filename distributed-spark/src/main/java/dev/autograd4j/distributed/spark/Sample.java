package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A serializable training example: a feature vector and a numeric label (a class index for classification, a
 * value for regression). {@link SparkTrainer#fit(dev.autograd4j.nn.Module, org.apache.spark.sql.Dataset, String,
 * String...)} makes them from rows.
 *
 * @param features the input features, the same length in every sample
 * @param label the class index (a whole number) or the regression target
 * @serial exclude
 */
public record Sample(float[] features, double label) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the features.
     *
     * @param features the input features
     * @param label the label
     * @throws NullPointerException if {@code features} is null
     */
    public Sample {
        Objects.requireNonNull(features, "features must not be null");
    }

    /**
     * Batches for classification: features float32 {@code [n, d]}, labels int64 {@code [n]} (for
     * {@link LossFunction#crossEntropy()}).
     *
     * @return the batch function
     * @throws IllegalArgumentException (when applied) if the samples' feature lengths differ or a label is not
     *     a whole number
     */
    public static BatchFunction<Sample> classification() {
        return samples -> {
            long[] labels = new long[samples.size()];
            for (int i = 0; i < labels.length; i++) {
                double y = samples.get(i).label();
                if (y != Math.rint(y) || Double.isInfinite(y)) {
                    throw new IllegalArgumentException("sample label " + y + " is not a class index (a whole "
                            + "number); use Sample.regression() for real-valued targets");
                }
                labels[i] = (long) y;
            }
            return new Batch(features(samples), Tensor.of(labels, labels.length));
        };
    }

    /**
     * Batches for regression: features float32 {@code [n, d]}, labels float32 {@code [n, 1]} (for
     * {@link LossFunction#mse()} and a model with one output).
     *
     * @return the batch function
     * @throws IllegalArgumentException (when applied) if the samples' feature lengths differ
     */
    public static BatchFunction<Sample> regression() {
        return samples -> {
            float[] labels = new float[samples.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (float) samples.get(i).label();
            }
            return new Batch(features(samples), Tensor.of(labels, labels.length, 1));
        };
    }

    private static Tensor features(List<Sample> samples) {
        int n = samples.size();
        int d = n == 0 ? 0 : samples.get(0).features().length;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            float[] f = samples.get(i).features();
            if (f.length != d) {
                throw new IllegalArgumentException("samples of one batch have " + d + " and " + f.length
                        + " features");
            }
            System.arraycopy(f, 0, x, i * d, d);
        }
        return Tensor.of(x, n, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && Double.compare(label, s.label) == 0 && Arrays.equals(features, s.features);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + Double.hashCode(label);
    }

    @Override
    public String toString() {
        return "Sample[features=" + Arrays.toString(features) + ", label=" + label + "]";
    }
}
