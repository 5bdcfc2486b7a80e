package dev.autograd4j.distributed.spark;

import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sum of the replicas' states (model and optimizer) and training losses of one parameter-averaging round,
 * as Spark's {@code treeAggregate} combines it. Sums are kept in float64. An entry equal on every replica (a
 * hyperparameter, a step counter, a frozen parameter) keeps its exact value instead of the mean of equal values,
 * which float rounding could change.
 */
final class StateSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();
    private final List<DType> dtypes = new ArrayList<>();
    private final List<double[]> first = new ArrayList<>();
    private final List<double[]> sums = new ArrayList<>();
    private final List<Boolean> same = new ArrayList<>();
    private double[] lossSums;
    private long[] lossCounts;
    private int replicas;

    /** The empty sum (no replica), the zero of the aggregation. */
    StateSum() {
    }

    /** One replica's state and its loss sums and step counts per epoch. */
    static StateSum of(Map<String, Tensor> state, double[] lossSums, long[] lossCounts) {
        StateSum s = new StateSum();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = e.getValue();
            double[] values = t.to(DType.FLOAT64).toDoubleArray();
            s.names.add(e.getKey());
            s.shapes.add(t.shape().toArray());
            s.dtypes.add(t.dtype());
            s.first.add(values);
            s.sums.add(values.clone());
            s.same.add(true);
        }
        s.lossSums = lossSums.clone();
        s.lossCounts = lossCounts.clone();
        s.replicas = 1;
        return s;
    }

    /** Adds {@code other} into this sum (either may be empty) and returns the result. */
    StateSum add(StateSum other) {
        if (other.replicas == 0) {
            return this;
        }
        if (replicas == 0) {
            return other;
        }
        if (!names.equals(other.names)) {
            throw new IllegalStateException("the replicas' states name different entries: " + names + " and "
                    + other.names);
        }
        for (int i = 0; i < names.size(); i++) {
            double[] a = sums.get(i);
            double[] b = other.sums.get(i);
            if (!Arrays.equals(shapes.get(i), other.shapes.get(i))) {
                throw new IllegalStateException("the replicas disagree on the shape of \"" + names.get(i) + "\": "
                        + Arrays.toString(shapes.get(i)) + " and " + Arrays.toString(other.shapes.get(i)));
            }
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
            same.set(i, same.get(i) && other.same.get(i) && Arrays.equals(first.get(i), other.first.get(i)));
        }
        for (int e = 0; e < lossSums.length; e++) {
            lossSums[e] += other.lossSums[e];
            lossCounts[e] += other.lossCounts[e];
        }
        replicas += other.replicas;
        return this;
    }

    int replicas() {
        return replicas;
    }

    double[] lossSums() {
        return lossSums;
    }

    long[] lossCounts() {
        return lossCounts;
    }

    /** The mean state over the replicas, each entry in its dtype. */
    Map<String, Tensor> mean() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double[] v;
            if (same.get(i)) {
                v = first.get(i);
            } else {
                v = sums.get(i).clone();
                for (int j = 0; j < v.length; j++) {
                    v[j] /= replicas;
                }
            }
            out.put(names.get(i), Tensor.of(v, shapes.get(i)).to(dtypes.get(i)));
        }
        return out;
    }
}
