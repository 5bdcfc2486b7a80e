package dev.autograd4j.examples;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Times five workloads and prints median/min/max per workload as a text table (or, with {@code --json},
 * as one JSON object so that runs can be compared by other programs).
 * <ul>
 *   <li>W1: the autograd tutorial, forward and backward (x=ones(5), w=randn(5,3), b=randn(3), BCE with logits).</li>
 *   <li>W2: one training step of an MLP 784-256-128-10 (ReLU, cross-entropy, SGD), batch 64.</li>
 *   <li>W3: float32 and float64 square matrix products, n = 256 .. 2048, in GFLOP/s (2n^3 / time).</li>
 *   <li>W4: sigmoid(a*b+c) on 4M float32 elements, forward only, in GB/s of useful traffic (3 reads + 1 write).</li>
 *   <li>W5: a 2,000-step elementwise chain (mul, add alternately) on 1,000 elements, forward and backward.</li>
 * </ul>
 * Each workload is warmed up (JIT) first, then repeated until a fixed number of repetitions or a time budget,
 * whichever comes first. Usage:
 * {@code Benchmark [--device cpu|cuda:0|best] [--only W1,W3] [--quick] [--json]}.
 */
public final class Benchmark {
    private static final String USAGE = "usage: Benchmark [--device cpu|cuda:0|best] [--only W1,W2,W3,W4,W5] [--quick] [--json]";
    private static final List<String> ALL_WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5");

    private Benchmark() {
    }

    // ------------------------------------------------------------------ options

    /** Command-line options. */
    record Options(Device device, boolean json, boolean quick, Set<String> only) {
        static Options parse(String[] args) {
            Device device = Device.best();
            boolean json = false;
            boolean quick = false;
            Set<String> only = new LinkedHashSet<>(ALL_WORKLOADS);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--device" -> device = Device.parse(value(args, ++i));
                    case "--json" -> json = true;
                    case "--quick" -> quick = true;
                    case "--only" -> only = parseWorkloads(value(args, ++i));
                    case "--help", "-h" -> {
                        System.out.println(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (" + USAGE + ")");
                }
            }
            return new Options(device, json, quick, only);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value (" + USAGE + ")");
            }
            return args[i];
        }

        private static Set<String> parseWorkloads(String list) {
            Set<String> selected = new LinkedHashSet<>();
            for (String part : list.split(",")) {
                String id = part.trim().toUpperCase(Locale.ROOT);
                if (id.isEmpty()) {
                    continue;
                }
                if (!ALL_WORKLOADS.contains(id)) {
                    throw new IllegalArgumentException("unknown workload " + part + ", expected one of " + ALL_WORKLOADS);
                }
                selected.add(id);
            }
            return selected;
        }

        /** How long to warm up and to measure one workload (or one size of W3). */
        Budget budget() {
            return quick ? new Budget(50, 0.25, 200, 0.5) : new Budget(300, 1.0, 2000, 2.0);
        }
    }

    /**
     * Warm-up runs until {@code warmupReps} or {@code warmupSeconds}, whichever first (at least one);
     * then timed runs until {@code maxReps} or {@code seconds}, whichever first (at least {@link #MIN_REPS}).
     */
    record Budget(int warmupReps, double warmupSeconds, int maxReps, double seconds) {
        static final int MIN_REPS = 3;

        Budget withMaxReps(int reps) {
            return new Budget(warmupReps, warmupSeconds, Math.min(maxReps, reps), seconds);
        }
    }

    // ------------------------------------------------------------------ timing

    /** The timed repetitions of one workload, in seconds, plus an optional throughput figure. */
    record Result(String id, String workload, double[] seconds, double work, String throughputUnit) {
        double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        double min() {
            return Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(seconds).max().orElse(Double.NaN);
        }

        /** {@code work} units per second at the median time, or NaN when the workload has no throughput. */
        double throughput() {
            return throughputUnit == null ? Double.NaN : work / median();
        }
    }

    /** Runs a body repeatedly and records the time of each timed repetition. */
    static final class Timer {
        private final Backend backend;
        private final Device device;
        /** Keeps results reachable so that no run can be optimised away. */
        private volatile Object sink;

        Timer(Device device) {
            this.device = device;
            this.backend = Backends.forDevice(device);
        }

        double[] measure(Budget budget, Supplier<?> body) {
            long warmupEnd = System.nanoTime() + (long) (budget.warmupSeconds() * 1e9);
            for (int i = 0; i == 0 || (i < budget.warmupReps() && System.nanoTime() < warmupEnd); i++) {
                sink = body.get();
                backend.synchronize(device);
            }
            List<Double> times = new ArrayList<>();
            long measureEnd = System.nanoTime() + (long) (budget.seconds() * 1e9);
            while (times.size() < Budget.MIN_REPS
                    || (times.size() < budget.maxReps() && System.nanoTime() < measureEnd)) {
                long start = System.nanoTime();
                sink = body.get();
                backend.synchronize(device);
                times.add((System.nanoTime() - start) / 1e9);
            }
            sink = null;
            return times.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    // ------------------------------------------------------------------ workloads

    /** W1: the tutorial's one-layer network, built, run forward and backward from scratch each time. */
    static final class TutorialStep {
        static Result run(Device device, Timer timer, Budget budget) {
            Generator generator = new Generator(0);
            double[] t = timer.measure(budget, () -> {
                Tensor x = Tensor.ones(Shape.of(5), DType.FLOAT32, device);
                Tensor y = Tensor.zeros(Shape.of(3), DType.FLOAT32, device);
                Tensor w = Tensor.randn(Shape.of(5, 3), DType.FLOAT32, device, generator).requiresGrad(true);
                Tensor b = Tensor.randn(Shape.of(3), DType.FLOAT32, device, generator).requiresGrad(true);
                Tensor z = x.matmul(w).add(b);
                Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);
                loss.backward();
                return w.grad();
            });
            return new Result("W1", "tutorial fwd+bwd", t, 0, null);
        }
    }

    /** W2: one SGD training step of a 784-256-128-10 ReLU MLP with cross-entropy, batch 64. */
    static final class MlpStep {
        static final int BATCH = 64;
        static final int[] LAYERS = {784, 256, 128, 10};
        static final double LEARNING_RATE = 0.01;

        private final Tensor input;
        private final Tensor targets;
        private final Tensor[] weights = new Tensor[LAYERS.length - 1];
        private final Tensor[] biases = new Tensor[LAYERS.length - 1];

        MlpStep(Device device, long seed) {
            Generator generator = new Generator(seed);
            input = Tensor.randn(Shape.of(BATCH, LAYERS[0]), DType.FLOAT32, device, generator);
            Random random = new Random(seed);
            long[] classes = new long[BATCH];
            for (int i = 0; i < BATCH; i++) {
                classes[i] = random.nextInt(LAYERS[LAYERS.length - 1]);
            }
            targets = Tensor.of(classes, BATCH).to(device);
            try (var noGrad = Autograd.noGrad()) {
                for (int l = 0; l < weights.length; l++) {
                    double scale = Math.sqrt(2.0 / LAYERS[l]); // He initialisation
                    weights[l] = Tensor.randn(Shape.of(LAYERS[l], LAYERS[l + 1]), DType.FLOAT32, device, generator)
                            .mul(scale).requiresGrad(true);
                    biases[l] = Tensor.zeros(Shape.of(LAYERS[l + 1]), DType.FLOAT32, device).requiresGrad(true);
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

        static Result run(Device device, Timer timer, Budget budget) {
            MlpStep mlp = new MlpStep(device, 0);
            double[] t = timer.measure(budget, mlp::step);
            return new Result("W2", "MLP 784-256-128-10 step b=64", t, BATCH, "samples/s");
        }
    }

    /** W3: square matrix products in float32 and float64. */
    static final class MatrixProduct {
        static List<Result> run(Device device, Timer timer, Budget budget, boolean quick) {
            int[] sizes = quick ? new int[] {256, 512, 1024} : new int[] {256, 512, 1024, 2048};
            List<Result> results = new ArrayList<>();
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int n : sizes) {
                    Generator generator = new Generator(n);
                    Tensor a = Tensor.randn(Shape.of(n, n), dtype, device, generator);
                    Tensor b = Tensor.randn(Shape.of(n, n), dtype, device, generator);
                    // big products take long enough to need little warm-up and few repetitions
                    Budget sized = n >= 2048 ? new Budget(1, 0, 5, budget.seconds())
                            : n >= 1024 ? new Budget(2, budget.warmupSeconds(), 20, budget.seconds())
                            : budget.withMaxReps(200);
                    double[] t;
                    try (var noGrad = Autograd.noGrad()) {
                        t = timer.measure(sized, () -> a.matmul(b));
                    }
                    String name = "matmul " + (dtype == DType.FLOAT32 ? "f32" : "f64") + " n=" + n;
                    results.add(new Result("W3", name, t, 2.0 * n * n * n / 1e9, "GFLOP/s"));
                }
            }
            return results;
        }
    }

    /** W4: sigmoid(a*b+c) over 4M float32 elements, no autograd. */
    static final class Elementwise {
        static final int N = 4 * 1024 * 1024;

        static Result run(Device device, Timer timer, Budget budget) {
            Generator generator = new Generator(4);
            Tensor a = Tensor.randn(Shape.of(N), DType.FLOAT32, device, generator);
            Tensor b = Tensor.randn(Shape.of(N), DType.FLOAT32, device, generator);
            Tensor c = Tensor.randn(Shape.of(N), DType.FLOAT32, device, generator);
            double[] t;
            try (var noGrad = Autograd.noGrad()) {
                t = timer.measure(budget.withMaxReps(200), () -> a.mul(b).add(c).sigmoid());
            }
            double usefulBytes = 4.0 * Float.BYTES * N; // read a, b, c; write the result
            return new Result("W4", "sigmoid(a*b+c) 4M f32", t, usefulBytes / 1e9, "GB/s");
        }
    }

    /** W5: a long chain of small elementwise ops, forward and backward (autograd overhead per op). */
    static final class ElementwiseChain {
        static final int N = 1000;
        static final int STEPS = 2000;

        static Result run(Device device, Timer timer, Budget budget) {
            Tensor x = Tensor.randn(Shape.of(N), DType.FLOAT32, device, new Generator(5)).requiresGrad(true);
            double[] t = timer.measure(budget.withMaxReps(200), () -> {
                x.setGrad(null);
                Tensor y = x;
                for (int i = 0; i < STEPS; i++) {
                    y = i % 2 == 0 ? y.mul(1.0001) : y.add(0.0001);
                }
                y.sum().backward();
                return x.grad();
            });
            // ops = the chain plus the final sum, each run forward and backward
            return new Result("W5", "chain 2000 ops fwd+bwd n=1000", t, (STEPS + 1) / 1e3, "kops/s");
        }
    }

    // ------------------------------------------------------------------ main and reporting

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Device device = options.device();
        Timer timer = new Timer(device);
        Budget budget = options.budget();
        Header header = Header.of(device);
        if (!options.json()) {
            System.out.println(header.line());
            System.out.flush();
        }

        long start = System.nanoTime();
        List<Result> results = new ArrayList<>();
        for (String id : options.only()) {
            switch (id) {
                case "W1" -> results.add(TutorialStep.run(device, timer, budget));
                case "W2" -> results.add(MlpStep.run(device, timer, budget));
                case "W3" -> results.addAll(MatrixProduct.run(device, timer, budget, options.quick()));
                case "W4" -> results.add(Elementwise.run(device, timer, budget));
                case "W5" -> results.add(ElementwiseChain.run(device, timer, budget));
                default -> throw new IllegalStateException(id);
            }
        }
        double totalSeconds = (System.nanoTime() - start) / 1e9;

        if (options.json()) {
            System.out.println(Json.of(header, options, results, totalSeconds));
        } else {
            System.out.print(Table.of(results));
            System.out.printf(Locale.ROOT, "total %.1f s%s%n", totalSeconds, options.quick() ? " (--quick)" : "");
        }
    }

    /** What ran where. */
    record Header(String device, String backend, String jvm, int threads) {
        static Header of(Device device) {
            String jvm = System.getProperty("java.vm.name") + " " + Runtime.version();
            // the CPU backend uses one worker per core unless -Dautograd4j.cpu.threads says otherwise
            int threads = Integer.getInteger("autograd4j.cpu.threads", Runtime.getRuntime().availableProcessors());
            return new Header(device.toString(), Backends.forDevice(device).describe(), jvm, Math.max(1, threads));
        }

        String line() {
            return "device: " + device + " | backend: " + backend + " | JVM: " + jvm + " | threads: " + threads;
        }
    }

    /** The fixed-width text table. */
    static final class Table {
        private static final String ROW = "%-4s %-32s %10s %10s %10s %-4s %14s%n";

        static String of(List<Result> results) {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, ROW, "id", "workload", "median", "min", "max", "unit", "throughput"));
            for (Result r : results) {
                TimeUnit unit = TimeUnit.forSeconds(r.median());
                String throughput = r.throughputUnit() == null ? "-"
                        : String.format(Locale.ROOT, "%.1f %s", r.throughput(), r.throughputUnit());
                out.append(String.format(Locale.ROOT, ROW, r.id(), r.workload(), unit.format(r.median()),
                        unit.format(r.min()), unit.format(r.max()), unit.label, throughput));
            }
            return out.toString();
        }
    }

    /** The unit a row's times are shown in, picked from its median. */
    enum TimeUnit {
        US("us", 1e6), MS("ms", 1e3), S("s", 1);

        final String label;
        final double perSecond;

        TimeUnit(String label, double perSecond) {
            this.label = label;
            this.perSecond = perSecond;
        }

        static TimeUnit forSeconds(double seconds) {
            return seconds < 1e-3 ? US : seconds < 1 ? MS : S;
        }

        String format(double seconds) {
            double v = seconds * perSecond;
            return String.format(Locale.ROOT, v < 10 ? "%.3f" : v < 100 ? "%.2f" : "%.1f", v);
        }
    }

    /** A hand-written JSON serializer for the results (times in seconds). */
    static final class Json {
        static String of(Header header, Options options, List<Result> results, double totalSeconds) {
            StringBuilder out = new StringBuilder("{");
            field(out, "device", header.device()).append(',');
            field(out, "backend", header.backend()).append(',');
            field(out, "jvm", header.jvm()).append(',');
            out.append("\"threads\":").append(header.threads()).append(',');
            out.append("\"quick\":").append(options.quick()).append(',');
            out.append("\"total_s\":").append(number(totalSeconds)).append(',');
            out.append("\"results\":[");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                out.append(i == 0 ? "{" : ",{");
                field(out, "id", r.id()).append(',');
                field(out, "workload", r.workload()).append(',');
                out.append("\"reps\":").append(r.seconds().length).append(',');
                out.append("\"median_s\":").append(number(r.median())).append(',');
                out.append("\"min_s\":").append(number(r.min())).append(',');
                out.append("\"max_s\":").append(number(r.max()));
                if (r.throughputUnit() != null) {
                    out.append(",\"throughput\":").append(number(r.throughput())).append(',');
                    field(out, "throughput_unit", r.throughputUnit());
                }
                out.append('}');
            }
            return out.append("]}").toString();
        }

        private static StringBuilder field(StringBuilder out, String name, String value) {
            return out.append(string(name)).append(':').append(string(value));
        }

        private static String number(double v) {
            return Double.isFinite(v) ? Double.toString(v) : "null";
        }

        private static String string(String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                        } else {
                            out.append(ch);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
