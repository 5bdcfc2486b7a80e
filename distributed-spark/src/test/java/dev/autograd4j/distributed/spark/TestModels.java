package dev.autograd4j.distributed.spark;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/** The MLP, the data and the single-process references of the Spark tests. */
final class TestModels {
    static final int FEATURES = 6;
    static final int CLASSES = 3;

    private TestModels() {
    }

    /** A 6-16-3 MLP with ReLU, float32, initialised from {@code seed}. */
    static Sequential mlp(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(FEATURES, 16, true, DType.FLOAT32, Device.cpu(), g), new ReLU(),
                new Linear(16, CLASSES, true, DType.FLOAT32, Device.cpu(), g));
    }

    /** {@code n} samples whose class depends on the features (so the loss goes down). */
    static List<Sample> samples(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = (float) r.nextGaussian();
            }
            int label = x[0] + x[1] > 0.5 ? 0 : x[2] > 0 ? 1 : 2;
            out.add(new Sample(x, label));
        }
        return out;
    }

    /** The partitions {@code sc.parallelize(samples, w)} makes: slice {@code i} is {@code [i*n/w, (i+1)*n/w)}. */
    static List<List<Sample>> slices(List<Sample> samples, int w) {
        List<List<Sample>> out = new ArrayList<>();
        int n = samples.size();
        for (int i = 0; i < w; i++) {
            out.add(samples.subList((int) ((long) i * n / w), (int) ((long) (i + 1) * n / w)));
        }
        return out;
    }

    /** The batch of rank {@code r} at global step {@code g} without shuffling (wrapping around its partition). */
    static List<Sample> batch(List<Sample> partition, int largest, int batchSize, long g) {
        int spe = (largest + batchSize - 1) / batchSize;
        long step = g % spe;
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            out.add(partition.get((int) ((step * batchSize + i) % partition.size())));
        }
        return out;
    }

    /**
     * One process on the union of the ranks' batches: at every step the concatenation of every rank's batch,
     * with the mean loss over it.
     */
    static void trainOnUnion(Module model, Optimizer opt, List<List<Sample>> partitions, int batchSize, long steps) {
        int largest = partitions.stream().mapToInt(List::size).max().orElseThrow();
        LossFunction loss = LossFunction.crossEntropy();
        for (long g = 0; g < steps; g++) {
            List<Sample> union = new ArrayList<>();
            for (List<Sample> p : partitions) {
                union.addAll(batch(p, largest, batchSize, g));
            }
            Batch b = Sample.classification().apply(union);
            Tensor l = loss.apply(model.forward(b.input()), b.target());
            opt.zeroGrad();
            l.backward();
            opt.step();
        }
    }

    /** The largest absolute difference between two models' state entries. */
    static double maxAbsDiff(Module a, Module b) {
        double max = 0;
        Map<String, Tensor> sa = a.stateDict();
        Map<String, Tensor> sb = b.stateDict();
        for (Map.Entry<String, Tensor> e : sa.entrySet()) {
            float[] x = e.getValue().toFloatArray();
            float[] y = sb.get(e.getKey()).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    /** Whether the models' states are different (training did something). */
    static boolean changed(Module a, Function<Long, Module> fresh, long seed) {
        return maxAbsDiff(a, fresh.apply(seed)) > 1e-3;
    }
}
