package dev.autograd4j.examples;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.data.Collate;
import dev.autograd4j.data.DataLoader;
import dev.autograd4j.data.TensorDataset;
import dev.autograd4j.examples.BenchmarkHarness.Budget;
import dev.autograd4j.examples.BenchmarkHarness.Result;
import dev.autograd4j.examples.BenchmarkHarness.Timer;
import dev.autograd4j.examples.mnist.MnistBatch;
import dev.autograd4j.examples.mnist.MnistData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * W9: {@code DataLoader} throughput on the bundled MNIST training set (9,000 images), one repetition per
 * shuffled epoch of batch 128 moved to the device, in batches per second: a bare loop over the byte arrays
 * (shuffle an index array, convert each batch's pixels to float and make the tensors), the loader with the
 * MNIST example's collate function (index dataset, pixels read in the collate) without and with prefetch on 2
 * worker threads, the same with a 0.1 ms busy "training step" per batch in the consuming thread (what prefetch
 * is for: the next batch is made while the step runs; the ideal is the step time alone), and the generic path
 * ({@link TensorDataset} rows stacked by the default collate) without and with prefetch.
 */
final class DataLoading {
    static final int BATCH = 128;
    static final int WORKERS = 2;
    static final long STEP_NANOS = 100_000;

    private DataLoading() {
    }

    static List<Result> run(Device device, Timer timer, Budget budget) {
        MnistData data;
        try {
            data = MnistData.bundled("train");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int batches = (data.count() + BATCH - 1) / BATCH;
        Budget b = budget.withMaxReps(30);
        List<Result> results = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(9);
        results.add(result("bare loop", batches,
                timer.measure(b, Benchmark.scoped(() -> bareEpoch(data, device, random)))));
        for (int workers : new int[] {0, WORKERS}) {
            var loader = DataLoader.builder(MnistBatch.indices(data)).batchSize(BATCH).shuffle(true)
                    .generator(new Generator(9)).numWorkers(workers)
                    .collate(MnistBatch.collate(data, 0, 9)).device(device).build();
            results.add(result("loader w=" + workers, batches,
                    timer.measure(b, Benchmark.scoped(() -> epoch(loader, 0)))));
        }
        for (int workers : new int[] {0, WORKERS}) {
            var loader = DataLoader.builder(MnistBatch.indices(data)).batchSize(BATCH).shuffle(true)
                    .generator(new Generator(9)).numWorkers(workers)
                    .collate(MnistBatch.collate(data, 0, 9)).device(device).build();
            results.add(result("loader+0.1ms step w=" + workers, batches,
                    timer.measure(b, Benchmark.scoped(() -> epoch(loader, STEP_NANOS)))));
        }
        TensorDataset tensors = tensors(data);
        for (int workers : new int[] {0, WORKERS}) {
            var loader = DataLoader.builder(tensors).batchSize(BATCH).shuffle(true).generator(new Generator(9))
                    .numWorkers(workers).collate(Collate::stack).device(device).build();
            results.add(result("TensorDataset w=" + workers, batches,
                    timer.measure(b, Benchmark.scoped(() -> epoch(loader, 0)))));
        }
        return results;
    }

    private static Result result(String name, int batches, double[] seconds) {
        return new Result("W9", name + " b=" + BATCH, seconds, batches, "batches/s");
    }

    /**
     * One epoch, spinning {@code stepNanos} per batch as a stand-in for the training step (on a thread of its
     * own, as the step's kernels would keep a core busy); returns the last batch (kept reachable by the timer).
     */
    private static Object epoch(DataLoader<?, ?> loader, long stepNanos) {
        Object last = null;
        for (Object batch : loader) {
            last = batch;
            long end = System.nanoTime() + stepNanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
        return last;
    }

    /** The same work as the MNIST collate, written as a plain loop over the arrays. */
    private static Tensor[] bareEpoch(MnistData d, Device device, SplittableRandom random) {
        int n = d.count(), p = d.pixelsPerImage();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        byte[] px = d.pixels();
        Tensor[] last = null;
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            float[] x = new float[b * p];
            long[] y = new long[b];
            for (int i = 0; i < b; i++) {
                int src = order[from + i] * p;
                for (int k = 0; k < p; k++) {
                    x[i * p + k] = (px[src + k] & 0xff) * (1f / 255f);
                }
                y[i] = d.labels()[order[from + i]];
            }
            last = new Tensor[] {Tensor.of(x, b, p).to(device), Tensor.of(y, b).to(device)};
        }
        return last;
    }

    /** The whole set as float32 images [n, pixels] in [0, 1] and int64 labels [n], on the CPU. */
    private static TensorDataset tensors(MnistData d) {
        int n = d.count(), p = d.pixelsPerImage();
        float[] x = new float[n * p];
        byte[] px = d.pixels();
        for (int i = 0; i < x.length; i++) {
            x[i] = (px[i] & 0xff) * (1f / 255f);
        }
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = d.labels()[i];
        }
        Tensor images = Tensor.of(x, n, p);
        if (images.dtype() != DType.FLOAT32) {
            throw new IllegalStateException("float32 expected");
        }
        return new TensorDataset(images, Tensor.of(y, n));
    }
}
