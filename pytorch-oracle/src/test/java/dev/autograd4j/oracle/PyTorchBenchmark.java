package dev.autograd4j.oracle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.autograd4j.examples.BenchmarkHarness;
import dev.autograd4j.examples.BenchmarkHarness.Budget;
import dev.autograd4j.examples.BenchmarkHarness.Header;
import dev.autograd4j.examples.BenchmarkHarness.Options;
import dev.autograd4j.examples.BenchmarkHarness.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * The PyTorch peer of {@code dev.autograd4j.examples.Benchmark}: the same five workloads, shapes and timing
 * method (warm-up, then repetitions up to a count or a time budget; median/min/max: the shared
 * {@code dev.autograd4j.examples.BenchmarkHarness}), run on libtorch through
 * DJL's PyTorch engine on the CPU, so that autograd4j's figures can be given as ratios against PyTorch measured
 * in the same run. {@code --json} prints the same field names as Benchmark's {@code --json}
 * (see {@code scripts/bench-vs-pytorch.sh}, which merges the two by id and workload).
 *
 * <p>Not a test (no {@code @Test}, the name does not end in Test): run it with
 * {@code ./mvnw -q -pl pytorch-oracle test-compile exec:exec -Dapp.args="--json"}.
 *
 * <p>Every repetition creates its NDArrays in a sub-manager that is closed inside the timed region (as Python
 * frees a loop iteration's tensors when their references drop). The figures include DJL's JNI and bookkeeping
 * cost per op, which stands in for Python's per-op interpreter overhead; PyTorch runs with its default intra-op
 * thread count. Usage: {@code PyTorchBenchmark [--only W1,W3] [--quick] [--json]}.
 */
public final class PyTorchBenchmark {
    private static final String USAGE = "usage: PyTorchBenchmark [--only W1,W2,W3,W4,W5,W6,W7,W8] [--quick] [--json]";

    private PyTorchBenchmark() {
    }

    /**
     * Runs a body repeatedly, each time in a fresh sub-manager of {@code base} that is closed before the clock
     * stops. libtorch's CPU ops are synchronous, so (as Benchmark's synchronize on the CPU) no extra sync is needed.
     */
    static final class Timer {
        private final NDManager base;
        private final BenchmarkHarness.Timer timer = new BenchmarkHarness.Timer();

        Timer(NDManager base) {
            this.base = base;
        }

        double[] measure(Budget budget, Function<NDManager, NDArray> body) {
            return timer.measure(budget, () -> {
                try (NDManager m = base.newSubManager()) {
                    return body.apply(m).getShape();
                }
            });
        }
    }

    /** Gives {@code p}'s gradient a handle owned by {@code m} (closed with it; the gradient itself stays). */
    static NDArray gradient(NDArray p, NDManager m) {
        NDArray g = p.getGradient();
        g.attach(m);
        return g;
    }

    /** p.grad.zero_() (DJL has no way to set a gradient to None; this is what its zeroGradients does). */
    static void zeroGrad(NDArray p, NDManager m) {
        NDArray g = gradient(p, m);
        g.subi(g);
    }

    // ------------------------------------------------------------------ workloads

    /** W1: the tutorial's one-layer network, built, run forward and backward from scratch each time. */
    static Result tutorial(Timer timer, Budget budget) {
        double[] t = timer.measure(budget.withWarmupReps(BenchmarkHarness.TUTORIAL_WARMUP_REPS), m -> {
            NDArray x = m.ones(new Shape(5), DataType.FLOAT32);
            NDArray y = m.zeros(new Shape(3), DataType.FLOAT32);
            NDArray w = m.randomNormal(new Shape(5, 3), DataType.FLOAT32);
            NDArray b = m.randomNormal(new Shape(3), DataType.FLOAT32);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray z = x.matMul(w).add(b);
                // binary cross-entropy with logits, the stable form: max(z,0) - z*y + log1p(exp(-|z|)), written
                // as relu(z) - z*y + softplus(-|z|) so that no Java scalar enters the graph (see chain())
                NDArray loss = Activation.relu(z).sub(z.mul(y)).add(Activation.softPlus(z.abs().neg())).mean();
                gc.backward(loss);
            }
            return gradient(w, m);
        });
        return new Result("W1", "tutorial fwd+bwd", t, 0, null);
    }

    /** W2: one SGD training step of a 784-256-128-10 ReLU MLP with cross-entropy, batch 64. */
    static Result mlp(NDManager base, Timer timer, Budget budget) {
        final int batch = 64;
        final int[] layers = {784, 256, 128, 10};
        final float lr = 0.01f;
        NDManager params = base.newSubManager();
        Random random = new Random(0);
        NDArray input = params.randomNormal(new Shape(batch, layers[0]), DataType.FLOAT32);
        long[] classes = new long[batch];
        for (int i = 0; i < batch; i++) {
            classes[i] = random.nextInt(layers[layers.length - 1]);
        }
        NDArray targets = params.create(classes, new Shape(batch, 1));
        NDArray[] weights = new NDArray[layers.length - 1];
        NDArray[] biases = new NDArray[layers.length - 1];
        for (int l = 0; l < weights.length; l++) {
            float scale = (float) Math.sqrt(2.0 / layers[l]); // He initialisation
            weights[l] = params.randomNormal(0f, scale, new Shape(layers[l], layers[l + 1]), DataType.FLOAT32);
            biases[l] = params.zeros(new Shape(layers[l + 1]), DataType.FLOAT32);
            weights[l].setRequiresGradient(true);
            biases[l].setRequiresGradient(true);
        }
        double[] t;
        try {
            t = timer.measure(budget, m -> {
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = input;
                    for (int l = 0; l < weights.length; l++) {
                        h = h.matMul(weights[l]);
                        if (l == 0) {
                            h.attach(m); // input lives in params; the step's results then follow into m
                        }
                        h = h.add(biases[l]);
                        if (l < weights.length - 1) {
                            h = Activation.relu(h);
                        }
                    }
                    // cross-entropy: -mean(log_softmax(h)[i, target_i])
                    loss = h.logSoftmax(1).gather(targets, 1).mean().neg();
                    gc.backward(loss);
                }
                // grad mode is off again here: the update is not recorded (torch.no_grad())
                for (NDArray[] group : new NDArray[][] {weights, biases}) {
                    for (NDArray p : group) {
                        NDArray g = gradient(p, m);
                        p.subi(g.mul(lr));
                        g.subi(g); // zero_grad
                    }
                }
                return loss;
            });
        } finally {
            params.close();
        }
        return new Result("W2", "MLP 784-256-128-10 step b=64", t, batch, "samples/s");
    }

    /**
     * W6: one SGD training step of the MNIST CNN of {@code MnistCnn} (conv 5x5 pad 2 without bias, batch norm in
     * training mode, ReLU, max pool 2, twice; conv 3x3 pad 1 without bias, batch norm, ReLU; dropout 0.25 and a
     * linear head), cross-entropy, batch 64: libtorch's conv2d, batch_norm, max_pool2d, dropout and their backward
     * through DJL.
     */
    static Result cnn(NDManager base, Timer timer, Budget budget) {
        final int batch = 64;
        final int c1 = dev.autograd4j.examples.mnist.MnistCnn.CHANNELS[0];
        final int c2 = dev.autograd4j.examples.mnist.MnistCnn.CHANNELS[1];
        final int c3 = dev.autograd4j.examples.mnist.MnistCnn.CHANNELS[2];
        final double dropout = dev.autograd4j.examples.mnist.MnistCnn.DROPOUT;
        final float lr = 0.01f;
        NDManager params = base.newSubManager();
        Random random = new Random(6);
        NDArray input = params.randomNormal(new Shape(batch, 1, 28, 28), DataType.FLOAT32);
        long[] classes = new long[batch];
        for (int i = 0; i < batch; i++) {
            classes[i] = random.nextInt(10);
        }
        NDArray targets = params.create(classes, new Shape(batch, 1));
        // PyTorch's default init ranges: U(-1/sqrt(fan_in), 1/sqrt(fan_in)); batch norm: weight 1, bias 0
        NDArray[] p = {
            uniform(params, 25, c1, 1, 5, 5), params.ones(new Shape(c1)), params.zeros(new Shape(c1)),
            uniform(params, 25 * c1, c2, c1, 5, 5), params.ones(new Shape(c2)), params.zeros(new Shape(c2)),
            uniform(params, 9 * c2, c3, c2, 3, 3), params.ones(new Shape(c3)), params.zeros(new Shape(c3)),
            uniform(params, 49 * c3, 49 * c3, 10), uniform(params, 49 * c3, 10)};
        for (NDArray a : p) {
            a.setRequiresGradient(true);
        }
        // the batch norms' running statistics (buffers, updated in place by each training-mode forward)
        NDArray[] stats = {params.zeros(new Shape(c1)), params.ones(new Shape(c1)), params.zeros(new Shape(c2)),
            params.ones(new Shape(c2)), params.zeros(new Shape(c3)), params.ones(new Shape(c3))};
        Shape one = new Shape(1, 1), two = new Shape(2, 2), none = new Shape(0, 0);
        double[] t;
        try {
            t = timer.measure(budget.forTrainingStep(), m -> {
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = input;
                    Shape[] pads = {two, two, one};
                    for (int block = 0; block < 3; block++) {
                        h = JniUtils.convolution(pt(h), pt(p[3 * block]), null, one, pads[block], one, 1);
                        if (block == 0) {
                            h.attach(m);
                        }
                        h = JniUtils.batchNorm(pt(h), pt(stats[2 * block]), pt(stats[2 * block + 1]),
                                pt(p[3 * block + 1]), pt(p[3 * block + 2]), true, 0.1, 1e-5);
                        h = Activation.relu(h);
                        if (block < 2) {
                            h = JniUtils.maxPool(pt(h), two, two, none, false);
                        }
                    }
                    h = JniUtils.dropout(pt(h.reshape(batch, 49 * c3)), dropout, true);
                    h = h.matMul(p[9]).add(p[10]);
                    loss = h.logSoftmax(1).gather(targets, 1).mean().neg();
                    gc.backward(loss);
                }
                for (NDArray a : p) {
                    NDArray g = gradient(a, m);
                    a.subi(g.mul(lr));
                    g.subi(g); // zero_grad
                }
                return loss;
            });
        } finally {
            params.close();
        }
        return new Result("W6", "MNIST CNN step b=" + batch, t, batch, "samples/s");
    }

    private static ai.djl.pytorch.engine.PtNDArray pt(NDArray a) {
        return (ai.djl.pytorch.engine.PtNDArray) a;
    }

    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)) of the given shape, float32. */
    private static NDArray uniform(NDManager m, int fanIn, long... shape) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        return m.randomUniform(-bound, bound, new Shape(shape), DataType.FLOAT32);
    }

    /** W3: square matrix products in float32 and float64. */
    static List<Result> matmul(NDManager base, Timer timer, Budget budget, Options options) {
        List<Result> results = new ArrayList<>();
        for (DataType dtype : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            for (int n : BenchmarkHarness.matmulSizes(options)) {
                try (NDManager inputs = base.newSubManager()) {
                    NDArray a = inputs.randomNormal(0f, 1f, new Shape(n, n), dtype);
                    NDArray b = inputs.randomNormal(0f, 1f, new Shape(n, n), dtype);
                    double[] t = timer.measure(budget.forMatmul(n, false), m -> {
                        NDArray c = a.matMul(b);
                        c.attach(m);
                        return c;
                    });
                    String name = "matmul " + (dtype == DataType.FLOAT32 ? "f32" : "f64") + " n=" + n;
                    results.add(new Result("W3", name, t, 2.0 * n * n * n / 1e9, "GFLOP/s"));
                }
            }
        }
        return results;
    }

    /** W4: sigmoid(a*b+c) over 4M float32 elements, no autograd. */
    static Result elementwise(NDManager base, Timer timer, Budget budget) {
        final int n = 4 * 1024 * 1024;
        try (NDManager inputs = base.newSubManager()) {
            NDArray a = inputs.randomNormal(new Shape(n), DataType.FLOAT32);
            NDArray b = inputs.randomNormal(new Shape(n), DataType.FLOAT32);
            NDArray c = inputs.randomNormal(new Shape(n), DataType.FLOAT32);
            double[] t = timer.measure(budget.withMaxReps(200), m -> {
                NDArray ab = a.mul(b);
                ab.attach(m);
                return Activation.sigmoid(ab.add(c));
            });
            double usefulBytes = 4.0 * Float.BYTES * n; // read a, b, c; write the result
            return new Result("W4", "sigmoid(a*b+c) 4M f32", t, usefulBytes / 1e9, "GB/s");
        }
    }

    /** W5: a long chain of small elementwise ops, forward and backward (autograd overhead per op). */
    static Result chain(NDManager base, Timer timer, Budget budget) {
        final int n = 1000;
        final int steps = 2000;
        try (NDManager inputs = base.newSubManager()) {
            NDArray x = inputs.randomNormal(new Shape(n), DataType.FLOAT32);
            x.setRequiresGradient(true);
            // 0-d constants that outlive every graph: DJL's mul(Number) wraps the number in a tensor over a Java
            // buffer and frees it right after the op, while autograd keeps it for the backward pass of mul, so
            // y.mul(1.0001f) under a GradientCollector reads freed memory in backward (garbage gradients)
            NDArray factor = inputs.create(1.0001f);
            NDArray offset = inputs.create(0.0001f);
            double[] t = timer.measure(budget.withMaxReps(200), m -> {
                if (x.hasGradient()) {
                    zeroGrad(x, m); // x.grad = None in Benchmark; zeroing is the nearest DJL has
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = x;
                    for (int i = 0; i < steps; i++) {
                        NDArray next = i % 2 == 0 ? y.mul(factor) : y.add(offset);
                        if (i == 0) {
                            next.attach(m); // the chain's results then follow into m
                        }
                        y = next;
                    }
                    gc.backward(y.sum());
                }
                return gradient(x, m);
            });
            return new Result("W5", "chain 2000 ops fwd+bwd n=1000", t, (steps + 1) / 1e3, "kops/s");
        }
    }

    /**
     * W8: an embedding-bag step, as Benchmark's: a 100k x 64 float32 table, 1M int64 indices expanded over the 64
     * columns; gather, sum in bags of 16, backward (libtorch's gather backward is a scatter_add).
     */
    static Result embeddingBag(NDManager base, Timer timer, Budget budget) {
        final int rows = 100_000;
        final int dim = 64;
        final int indices = 1_000_000;
        final int bag = 16;
        try (NDManager inputs = base.newSubManager()) {
            NDArray table = inputs.randomNormal(new Shape(rows, dim), DataType.FLOAT32);
            table.setRequiresGradient(true);
            NDArray index = inputs.randomInteger(0, rows, new Shape(indices, 1), DataType.INT64)
                    .broadcast(new Shape(indices, dim));
            double[] t = timer.measure(budget.withMaxReps(50), m -> {
                if (table.hasGradient()) {
                    zeroGrad(table, m); // table.grad = None in Benchmark; zeroing is the nearest DJL has
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray gathered = table.gather(index, 0);
                    gathered.attach(m); // the step's results then follow into m
                    NDArray bags = gathered.reshape(indices / bag, bag, dim).sum(new int[] {1});
                    gc.backward(bags.sum());
                }
                return gradient(table, m);
            });
            return new Result("W8", "gather+scatterAdd 1M idx 100kx64", t, indices / 1e6, "Mindex/s");
        }
    }

    // ------------------------------------------------------------------ main and reporting

    public static void main(String[] args) {
        Options options = Options.parseOrExit(args, USAGE);
        if (options.device() != null && !options.device().equalsIgnoreCase("cpu")) {
            // accepted for symmetry with Benchmark; only the CPU is supported
            System.err.println("only --device cpu is supported (" + USAGE + ")");
            System.exit(2);
        }
        if (options.large()) {
            // the GPU sizes are compared with PyTorch on the GPU by scripts/gpu/bench_pytorch_gpu.py
            System.err.println("--large (GPU sizes) is not supported by this CPU-only peer (" + USAGE + ")");
            System.exit(2);
        }
        Engine engine = Engine.getEngine("PyTorch");
        Budget budget = options.budget();
        int threads = JniUtils.getNumThreads();
        String backend = "PyTorch " + engine.getVersion() + " (libtorch via DJL " + Engine.getDjlVersion()
                + ", intra-op threads " + threads + ", inter-op threads " + JniUtils.getNumInteropThreads()
                + ", cores " + Runtime.getRuntime().availableProcessors() + ")";
        Header header = new Header("cpu", backend, Header.jvmName(), threads);
        try (NDManager base = engine.newBaseManager()) {
            Timer timer = new Timer(base);
            BenchmarkHarness.run(options, header, id -> switch (id) {
                case "W1" -> List.of(tutorial(timer, budget));
                case "W2" -> List.of(mlp(base, timer, budget));
                case "W3" -> matmul(base, timer, budget, options);
                case "W4" -> List.of(elementwise(base, timer, budget));
                case "W5" -> List.of(chain(base, timer, budget));
                case "W6" -> List.of(cnn(base, timer, budget));
                case "W7" -> List.of(PyTorchTransformerBlock.run(base, timer, budget));
                case "W8" -> List.of(embeddingBag(base, timer, budget));
                // W9 (DataLoader throughput) has no peer here: torch.utils.data.DataLoader is Python, and
                // libtorch through DJL has no data loader of its own to time
                case "W9" -> List.<Result>of();
                default -> throw new IllegalStateException(id);
            }, PyTorchBenchmark::table);
        }
    }

    /** This program's own text table: every time in milliseconds. */
    private static String table(List<Result> results) {
        String row = "%-4s %-32s %12s %12s %12s %16s%n";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, row, "id", "workload", "median ms",
                "min ms", "max ms", "throughput"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, row, r.id(), r.workload(),
                    String.format(Locale.ROOT, "%.4f", r.median() * 1e3),
                    String.format(Locale.ROOT, "%.4f", r.min() * 1e3),
                    String.format(Locale.ROOT, "%.4f", r.max() * 1e3), r.throughputText()));
        }
        return out.toString();
    }
}
