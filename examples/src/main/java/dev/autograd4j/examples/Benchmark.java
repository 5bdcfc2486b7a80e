package dev.autograd4j.examples;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.cpu.CpuBackend;
import dev.autograd4j.examples.BenchmarkHarness.Budget;
import dev.autograd4j.examples.BenchmarkHarness.Header;
import dev.autograd4j.examples.BenchmarkHarness.Options;
import dev.autograd4j.examples.BenchmarkHarness.Result;
import dev.autograd4j.examples.BenchmarkHarness.Timer;
import dev.autograd4j.examples.mnist.MnistCnn;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Times seven workloads and prints median/min/max per workload as a text table (or, with {@code --json},
 * as one JSON object so that runs can be compared by other programs).
 * <ul>
 *   <li>W1: the autograd tutorial, forward and backward (x=ones(5), w=randn(5,3), b=randn(3), BCE with logits).</li>
 *   <li>W2: one training step of an MLP 784-256-128-10 (ReLU, cross-entropy, SGD), batch 64; with {@code --large}
 *   also 784-4096-4096-10 at batch 512.</li>
 *   <li>W3: float32 and float64 square matrix products, n = 256 .. 2048 (with {@code --large} 1024 .. 4096), in
 *   GFLOP/s (2n^3 / time).</li>
 *   <li>W4: sigmoid(a*b+c) on 4M (with {@code --large} 64M) float32 elements, forward only, in GB/s of useful
 *   traffic (3 reads + 1 write).</li>
 *   <li>W5: a 2,000-step elementwise chain (mul, add alternately) on 1,000 elements, forward and backward.</li>
 *   <li>W6: one SGD training step of the MNIST CNN of {@code MnistCnn} (two blocks of 5x5 convolution, batch norm,
 *   ReLU and 2x2 max pooling, a 3x3 convolution with batch norm and ReLU, dropout and a linear head; batch norm in
 *   training mode), cross-entropy, batch 64.</li>
 *   <li>W7: a transformer encoder block forward and backward, batch 16, sequence 128, width 256, 4 heads
 *   (see {@code TransformerBlockBench}).</li>
 *   <li>W8: an embedding-bag step: 1M int64 indices gather rows of a 100k x 64 float32 table, summed in bags of 16,
 *   forward and backward (the gradient of the gather is a scatterAdd into the table's gradient), in M indices/s.</li>
 *   <li>W9: {@code DataLoader} throughput on the bundled MNIST training set, batch 128, in batches/s: a bare loop
 *   over the arrays, the loader without and with prefetch on worker threads (see {@code DataLoading}).</li>
 * </ul>
 * Each repetition runs in a {@link MemoryScope}. Each workload is warmed up (JIT) first, then repeated until a fixed
 * number of repetitions or a time budget,
 * whichever comes first. Usage:
 * {@code Benchmark [--device cpu|cuda:0|best] [--only W1,W3] [--quick] [--large] [--json]}.
 */
public final class Benchmark {
    private static final String USAGE =
            "usage: Benchmark [--device cpu|cuda:0|best] [--only W1,W2,W3,W4,W5,W6,W7,W8,W9] [--quick] [--large] [--json]";

    private Benchmark() {
    }

    // ------------------------------------------------------------------ workloads

    /** W1: the tutorial's one-layer network, built, run forward and backward from scratch each time. */
    static final class TutorialStep {
        static Result run(Device device, Timer timer, Budget budget) {
            Generator generator = new Generator(0);
            double[] t = timer.measure(budget.withWarmupReps(BenchmarkHarness.TUTORIAL_WARMUP_REPS), scoped(() -> {
                Tensor x = Tensor.ones(Shape.of(5), DType.FLOAT32, device);
                Tensor y = Tensor.zeros(Shape.of(3), DType.FLOAT32, device);
                Tensor w = Tensor.randn(Shape.of(5, 3), DType.FLOAT32, device, generator).requiresGrad(true);
                Tensor b = Tensor.randn(Shape.of(3), DType.FLOAT32, device, generator).requiresGrad(true);
                Tensor z = x.matmul(w).add(b);
                Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);
                loss.backward();
                return w.grad();
            }));
            return new Result("W1", "tutorial fwd+bwd", t, 0, null);
        }
    }

    /** W2: one SGD training step of a ReLU MLP (784-256-128-10 by default) with cross-entropy. */
    static final class MlpStep {
        static final int BATCH = 64;
        static final int[] LAYERS = {784, 256, 128, 10};
        static final int LARGE_BATCH = 512;
        static final int[] LARGE_LAYERS = {784, 4096, 4096, 10};
        static final double LEARNING_RATE = 0.01;

        private final Tensor input;
        private final Tensor targets;
        private final Tensor[] weights;
        private final Tensor[] biases;

        MlpStep(Device device, long seed, int[] layers, int batch) {
            this.weights = new Tensor[layers.length - 1];
            this.biases = new Tensor[layers.length - 1];
            Generator generator = new Generator(seed);
            input = Tensor.randn(Shape.of(batch, layers[0]), DType.FLOAT32, device, generator);
            Random random = new Random(seed);
            long[] classes = new long[batch];
            for (int i = 0; i < batch; i++) {
                classes[i] = random.nextInt(layers[layers.length - 1]);
            }
            targets = Tensor.of(classes, batch).to(device);
            try (var noGrad = Autograd.noGrad()) {
                for (int l = 0; l < weights.length; l++) {
                    double scale = Math.sqrt(2.0 / layers[l]); // He initialisation
                    weights[l] = Tensor.randn(Shape.of(layers[l], layers[l + 1]), DType.FLOAT32, device, generator)
                            .mul(scale).requiresGrad(true);
                    biases[l] = Tensor.zeros(Shape.of(layers[l + 1]), DType.FLOAT32, device).requiresGrad(true);
                }
            }
        }

        /** Forward, backward and the SGD update; returns the loss (before the update). */
        Tensor step() {
            Tensor h = input;
            for (int l = 0; l < weights.length; l++) {
                h = h.matmul(weights[l]).add(biases[l]);
                if (l < weights.length - 1) {
                    h = h.relu();
                }
            }
            Tensor loss = Functional.crossEntropy(h, targets);
            loss.backward();
            try (var noGrad = Autograd.noGrad()) {
                for (int l = 0; l < weights.length; l++) {
                    sgd(weights[l]);
                    sgd(biases[l]);
                }
            }
            return loss;
        }

        /** p -= lr * grad in place, then clear the gradient (what optim.SGD does). */
        private static void sgd(Tensor p) {
            p.add_(p.grad(), -LEARNING_RATE);
            p.setGrad(null);
        }

        static Result run(Device device, Timer timer, Budget budget, int[] layers, int batch) {
            MlpStep mlp = new MlpStep(device, 0, layers, batch);
            double[] t = timer.measure(budget, scoped(mlp::step));
            String sizes = String.join("-", java.util.Arrays.stream(layers).mapToObj(String::valueOf).toList());
            return new Result("W2", "MLP " + sizes + " step b=" + batch, t, batch, "samples/s");
        }

        static List<Result> runAll(Device device, Timer timer, Budget budget, boolean large) {
            List<Result> results = new ArrayList<>();
            results.add(run(device, timer, budget, LAYERS, BATCH));
            if (large) {
                results.add(run(device, timer, budget, LARGE_LAYERS, LARGE_BATCH));
            }
            return results;
        }
    }

    /** W3: square matrix products in float32 and float64. */
    static final class MatrixProduct {
        static List<Result> run(Device device, Timer timer, Budget budget, Options options) {
            List<Result> results = new ArrayList<>();
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int n : BenchmarkHarness.matmulSizes(options)) {
                    Generator generator = new Generator(n);
                    Tensor a = Tensor.randn(Shape.of(n, n), dtype, device, generator);
                    Tensor b = Tensor.randn(Shape.of(n, n), dtype, device, generator);
                    // big products take long enough to need little warm-up and few repetitions
                    double[] t;
                    try (var noGrad = Autograd.noGrad()) {
                        t = timer.measure(budget.forMatmul(n, options.large()), scoped(() -> a.matmul(b)));
                    }
                    String name = "matmul " + (dtype == DType.FLOAT32 ? "f32" : "f64") + " n=" + n;
                    results.add(new Result("W3", name, t, 2.0 * n * n * n / 1e9, "GFLOP/s"));
                }
            }
            return results;
        }
    }

    /** W4: sigmoid(a*b+c) over 4M (or 64M) float32 elements, no autograd. */
    static final class Elementwise {
        static Result run(Device device, Timer timer, Budget budget, int n) {
            Generator generator = new Generator(4);
            Tensor a = Tensor.randn(Shape.of(n), DType.FLOAT32, device, generator);
            Tensor b = Tensor.randn(Shape.of(n), DType.FLOAT32, device, generator);
            Tensor c = Tensor.randn(Shape.of(n), DType.FLOAT32, device, generator);
            double[] t;
            try (var noGrad = Autograd.noGrad()) {
                t = timer.measure(budget.withMaxReps(200), scoped(() -> a.mul(b).add(c).sigmoid()));
            }
            double usefulBytes = 4.0 * Float.BYTES * n; // read a, b, c; write the result
            return new Result("W4", "sigmoid(a*b+c) " + n / (1024 * 1024) + "M f32", t, usefulBytes / 1e9, "GB/s");
        }
    }

    /** W5: a long chain of small elementwise ops, forward and backward (autograd overhead per op). */
    static final class ElementwiseChain {
        static final int N = 1000;
        static final int STEPS = 2000;

        static Result run(Device device, Timer timer, Budget budget) {
            Tensor x = Tensor.randn(Shape.of(N), DType.FLOAT32, device, new Generator(5)).requiresGrad(true);
            double[] t = timer.measure(budget.withMaxReps(200), scoped(() -> {
                x.setGrad(null);
                Tensor y = x;
                for (int i = 0; i < STEPS; i++) {
                    y = i % 2 == 0 ? y.mul(1.0001) : y.add(0.0001);
                }
                y.sum().backward();
                return x.grad();
            }));
            // ops = the chain plus the final sum, each run forward and backward
            return new Result("W5", "chain 2000 ops fwd+bwd n=1000", t, (STEPS + 1) / 1e3, "kops/s");
        }
    }

    /** W6: one SGD training step of the MNIST CNN ({@code MnistCnn.model}) with cross-entropy, batch 64. */
    static final class CnnStep {
        static final int BATCH = 64;
        static final double LEARNING_RATE = 0.01;

        static Result run(Device device, Timer timer, Budget budget) {
            Sequential model = MnistCnn.model(device, 0);
            Generator generator = new Generator(6);
            Tensor input = Tensor.randn(Shape.of(BATCH, 784), DType.FLOAT32, device, generator);
            Random random = new Random(6);
            long[] classes = new long[BATCH];
            for (int i = 0; i < BATCH; i++) {
                classes[i] = random.nextInt(10);
            }
            Tensor targets = Tensor.of(classes, BATCH).to(device);
            List<Tensor> params = model.parameters();
            double[] t = timer.measure(budget.forTrainingStep(), scoped(() -> {
                Tensor loss = Functional.crossEntropy(model.forward(input), targets);
                loss.backward();
                try (var noGrad = Autograd.noGrad()) {
                    for (Tensor p : params) {
                        p.add_(p.grad(), -LEARNING_RATE);
                        p.setGrad(null);
                    }
                }
                return loss;
            }));
            return new Result("W6", "MNIST CNN step b=" + BATCH, t, BATCH, "samples/s");
        }
    }

    /**
     * W8: an embedding-bag step. A 100k x 64 float32 table, 1M int64 indices (uniform, fixed seed) expanded over the
     * 64 columns; forward gathers the rows and sums them in bags of 16, backward scatter-adds the rows' gradient into
     * the table's gradient (gather's derivative).
     */
    static final class EmbeddingBag {
        static final int ROWS = 100_000;
        static final int DIM = 64;
        static final int INDICES = 1_000_000;
        static final int BAG = 16;

        static Result run(Device device, Timer timer, Budget budget) {
            Generator generator = new Generator(8);
            Tensor table = Tensor.randn(Shape.of(ROWS, DIM), DType.FLOAT32, device, generator).requiresGrad(true);
            Tensor index = Tensor.randint(0, ROWS, Shape.of(INDICES, 1), device, generator).expand(INDICES, DIM);
            double[] t = timer.measure(budget.withMaxReps(50), scoped(() -> {
                table.setGrad(null);
                Tensor rows = table.gather(0, index);
                Tensor bags = rows.reshape(INDICES / BAG, BAG, DIM).sum(new int[] {1}, false);
                bags.sum().backward();
                return table.grad();
            }));
            return new Result("W8", "gather+scatterAdd 1M idx 100kx64", t, INDICES / 1e6, "Mindex/s");
        }
    }

    /**
     * Runs each repetition in a {@link MemoryScope}, as a GPU loop should be written: the repetition's tensors go
     * back to the allocator when it ends instead of when the garbage collector finds them.
     */
    static <T> Supplier<T> scoped(Supplier<T> body) {
        return () -> {
            try (MemoryScope scope = MemoryScope.open()) {
                return body.get();
            }
        };
    }

    // ------------------------------------------------------------------ main and reporting

    /**
     * Runs the selected workloads and prints the results.
     *
     * @param args {@code [--device cpu|cuda:0|best] [--only W1,W3] [--quick] [--large] [--json]}; a bad
     *        argument prints the usage and exits with status 2
     */
    public static void main(String[] args) {
        Options options = Options.parseOrExit(args, USAGE);
        Device device = options.device() == null ? DefaultDevice.best()
                : BenchmarkHarness.orExit(() -> DefaultDevice.parse(options.device()));
        Backend backend = Backends.forDevice(device);
        Timer timer = new Timer(() -> backend.synchronize(device));
        Budget budget = options.budget();
        BenchmarkHarness.run(options, header(device), id -> switch (id) {
            case "W1" -> List.of(TutorialStep.run(device, timer, budget));
            case "W2" -> MlpStep.runAll(device, timer, budget, options.large());
            case "W3" -> MatrixProduct.run(device, timer, budget, options);
            case "W4" -> List.of(Elementwise.run(device, timer, budget, BenchmarkHarness.elementwiseSize(options)));
            case "W5" -> List.of(ElementwiseChain.run(device, timer, budget));
            case "W6" -> List.of(CnnStep.run(device, timer, budget));
            case "W7" -> List.of(TransformerBlockBench.run(device, timer, budget));
            case "W8" -> List.of(EmbeddingBag.run(device, timer, budget));
            case "W9" -> DataLoading.run(device, timer, budget);
            default -> throw new IllegalStateException(id);
        }, BenchmarkHarness.Table::of);
    }

    /** What runs where. */
    static Header header(Device device) {
        return new Header(device.toString(), Backends.forDevice(device).describe(), Header.jvmName(),
                CpuBackend.settings().threads());
    }
}
