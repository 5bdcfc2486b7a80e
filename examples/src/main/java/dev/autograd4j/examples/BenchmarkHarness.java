package dev.autograd4j.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@link Benchmark} and its PyTorch peer ({@code dev.autograd4j.oracle.PyTorchBenchmark} in pytorch-oracle)
 * share: the options, the warm-up and repetition budgets, the timing loop, the results and their text table and
 * JSON form. Both programs print the same JSON fields, which {@code scripts/bench-vs-pytorch.sh} merges by id and
 * workload.
 */
public final class BenchmarkHarness {
    /** The workload ids, in the order they run. */
    public static final List<String> ALL_WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9");

    private BenchmarkHarness() {
    }

    // ------------------------------------------------------------------ options

    /**
     * Command-line options: {@code --json}, {@code --quick}, {@code --large}, {@code --only W1,W3} and
     * {@code --device D} ({@code device} is null when not given; each program interprets it). {@code --large} picks
     * GPU-sized workloads: W2 also at hidden width 4096 and batch 512, W3 at n = 1024, 2048, 4096, W4 on 64M elements.
     *
     * @param device the {@code --device} value, or null
     * @param json whether to print one JSON line instead of a table
     * @param quick whether to use the short budget
     * @param large whether to run the GPU-sized workloads
     * @param only the workload ids to run, in order
     */
    public record Options(String device, boolean json, boolean quick, boolean large, Set<String> only) {
        /**
         * Parses the command line; {@code --help} prints {@code usage} and exits.
         *
         * @param args the arguments
         * @param usage the usage line, quoted in error messages
         * @return the options
         * @throws IllegalArgumentException on an unknown argument, a missing value or an unknown workload
         */
        public static Options parse(String[] args, String usage) {
            String device = null;
            boolean json = false;
            boolean quick = false;
            boolean large = false;
            Set<String> only = new LinkedHashSet<>(ALL_WORKLOADS);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--device" -> device = value(args, ++i, usage);
                    case "--json" -> json = true;
                    case "--quick" -> quick = true;
                    case "--large" -> large = true;
                    case "--only" -> only = parseWorkloads(value(args, ++i, usage));
                    case "--help", "-h" -> {
                        System.out.println(usage);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (" + usage + ")");
                }
            }
            return new Options(device, json, quick, large, only);
        }

        /**
         * Parses {@code args}, or prints the problem and exits with status 2.
         *
         * @param args the arguments
         * @param usage the usage line
         * @return the options
         */
        public static Options parseOrExit(String[] args, String usage) {
            return orExit(() -> parse(args, usage));
        }

        private static String value(String[] args, int i, String usage) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value (" + usage + ")");
            }
            return args[i];
        }

        /**
         * Parses a comma-separated list of workload ids (any case), checked against {@link #ALL_WORKLOADS}.
         *
         * @param list e.g. {@code "w1,W3"}
         * @return the ids, upper case, in the order given
         * @throws IllegalArgumentException on an unknown id
         */
        public static Set<String> parseWorkloads(String list) {
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

        /**
         * How long to warm up and to measure one workload (or one size of W3).
         *
         * The timed seconds and repetitions scale by the system property {@code autograd4j.bench.scale} (default
         * 1), so a profiler (JFR) can sample one workload for longer without changing what is measured.
         *
         * @return the short budget with {@code --quick}, the normal one otherwise
         */
        public Budget budget() {
            double scale = Double.parseDouble(System.getProperty("autograd4j.bench.scale", "1"));
            return quick ? new Budget(50, 0.25, (int) (200 * scale), 0.5 * scale)
                    : new Budget(300, 1.0, (int) (2000 * scale), 2.0 * scale);
        }
    }

    /**
     * W1's warm-up runs, on both peers: its few-microsecond step runs about 2,000 times before C2 has compiled
     * its path (measured: 137 us a run before, under 30 after), so the default 300 timed the JIT, not the step.
     */
    public static final int TUTORIAL_WARMUP_REPS = 20_000;

    /**
     * Warm-up runs until {@code warmupReps} or {@code warmupSeconds}, whichever first (at least one);
     * then timed runs until {@code maxReps} or {@code seconds}, whichever first (at least {@link #MIN_REPS}).
     *
     * @param warmupReps the most warm-up runs
     * @param warmupSeconds the most warm-up time
     * @param maxReps the most timed runs
     * @param seconds the most timed time
     */
    public record Budget(int warmupReps, double warmupSeconds, int maxReps, double seconds) {
        /** The fewest timed runs, whatever the time. */
        public static final int MIN_REPS = 3;

        /**
         * This budget with at most {@code reps} timed runs.
         *
         * @param reps the cap
         * @return a new budget
         */
        public Budget withMaxReps(int reps) {
            return new Budget(warmupReps, warmupSeconds, Math.min(maxReps, reps), seconds);
        }

        /**
         * This budget with up to {@code reps} warm-up runs (still capped by {@code warmupSeconds}): workloads of a
         * few microseconds need thousands of runs before the JIT has compiled their path, and both peers of a
         * same-run comparison should be measured in their steady state.
         *
         * @param reps the most warm-up runs
         * @return a new budget
         */
        public Budget withWarmupReps(int reps) {
            return new Budget(Math.max(warmupReps, reps), warmupSeconds, maxReps, seconds);
        }

        /**
         * The budget of a training step of a convolutional or transformer model (W6, W7), on both peers: a
         * longer warm-up (up to 100 runs or 5 s, whichever first; unchanged with {@code --quick}), because such a
         * step runs dozens of vector kernels whose C2 compilation takes seconds on a 2-core machine, and a
         * training run lives in the steady state, not in the first second.
         *
         * @return a new budget
         */
        public Budget forTrainingStep() {
            return warmupSeconds < 1.0 ? this
                    : new Budget(Math.max(warmupReps, 100), Math.max(warmupSeconds, 5.0), maxReps, seconds);
        }

        /**
         * W3's budget for an n x n product: on a CPU big products need little warm-up and few repetitions; with
         * {@code large} (a GPU, where even n = 4096 takes milliseconds) every size gets the normal budget.
         *
         * @param n the matrix size
         * @param large whether {@code --large} is on
         * @return the budget for that size
         */
        public Budget forMatmul(int n, boolean large) {
            return large ? new Budget(3, warmupSeconds, 50, seconds)
                    : n >= 2048 ? new Budget(1, 0, 5, seconds)
                    : n >= 1024 ? new Budget(2, warmupSeconds, 20, seconds)
                    : withMaxReps(200);
        }
    }

    /**
     * Returns what {@code parse} gives, or prints its IllegalArgumentException and exits with status 2.
     *
     * @param <T> the parsed type
     * @param parse the parser
     * @return its result
     */
    public static <T> T orExit(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            throw e; // not reached
        }
    }

    /**
     * W3's matrix sizes.
     *
     * @param options the options
     * @return 1024..4096 with {@code --large}, 256..1024 with {@code --quick}, 256..2048 otherwise
     */
    public static int[] matmulSizes(Options options) {
        return options.large() ? new int[] {1024, 2048, 4096}
                : options.quick() ? new int[] {256, 512, 1024} : new int[] {256, 512, 1024, 2048};
    }

    /**
     * W4's element count.
     *
     * @param options the options
     * @return 64M with {@code --large}, 4M otherwise
     */
    public static int elementwiseSize(Options options) {
        return options.large() ? 64 * 1024 * 1024 : 4 * 1024 * 1024;
    }

    // ------------------------------------------------------------------ timing

    /**
     * The timed repetitions of one workload, in seconds, plus an optional throughput figure.
     *
     * @param id the workload id, e.g. {@code "W3"}
     * @param workload what ran, e.g. {@code "matmul f32 n=512"}
     * @param seconds the time of each timed repetition
     * @param work units of work per repetition, for the throughput
     * @param throughputUnit the unit of {@code work} per second, or null for no throughput
     */
    public record Result(String id, String workload, double[] seconds, double work, String throughputUnit) {
        /**
         * The median time.
         *
         * @return seconds
         */
        public double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        /**
         * The fastest time.
         *
         * @return seconds, or NaN when there are none
         */
        public double min() {
            return Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        /**
         * The slowest time.
         *
         * @return seconds, or NaN when there are none
         */
        public double max() {
            return Arrays.stream(seconds).max().orElse(Double.NaN);
        }

        /**
         * {@code work} units per second at the median time.
         *
         * @return the throughput, or NaN when the workload has none
         */
        public double throughput() {
            return throughputUnit == null ? Double.NaN : work / median();
        }

        /**
         * The throughput and its unit, for the table.
         *
         * @return e.g. {@code "51.2 GFLOP/s"}, or {@code "-"} when the workload has none
         */
        public String throughputText() {
            return throughputUnit == null ? "-" : String.format(Locale.ROOT, "%.1f %s", throughput(), throughputUnit);
        }
    }

    /**
     * Runs a body repeatedly and records the time of each timed repetition. {@code afterEach} runs after every
     * repetition inside the timed region (e.g. to wait for an asynchronous device).
     */
    public static final class Timer {
        private final Runnable afterEach;
        /** Keeps results reachable so that no run can be optimised away. */
        private volatile Object sink;

        /** A timer with nothing to wait for after each repetition (a synchronous device). */
        public Timer() {
            this(() -> { });
        }

        /**
         * A timer that runs {@code afterEach} after every repetition.
         *
         * @param afterEach e.g. a device synchronization
         */
        public Timer(Runnable afterEach) {
            this.afterEach = afterEach;
        }

        /**
         * Warms up, then times repetitions of {@code body} within {@code budget}.
         *
         * @param budget how many runs and how long
         * @param body the work; its result is kept reachable so that it cannot be optimized away
         * @return the time of each timed repetition, in seconds (at least {@link Budget#MIN_REPS})
         */
        public double[] measure(Budget budget, Supplier<?> body) {
            long warmupEnd = System.nanoTime() + (long) (budget.warmupSeconds() * 1e9);
            for (int i = 0; i == 0 || (i < budget.warmupReps() && System.nanoTime() < warmupEnd); i++) {
                sink = body.get();
                afterEach.run();
            }
            List<Double> times = new ArrayList<>();
            long measureEnd = System.nanoTime() + (long) (budget.seconds() * 1e9);
            while (times.size() < Budget.MIN_REPS
                    || (times.size() < budget.maxReps() && System.nanoTime() < measureEnd)) {
                long start = System.nanoTime();
                sink = body.get();
                afterEach.run();
                times.add((System.nanoTime() - start) / 1e9);
            }
            sink = null;
            return times.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    // ------------------------------------------------------------------ running and reporting

    /**
     * What ran where.
     *
     * @param device the device, e.g. {@code "cpu"}
     * @param backend the backend's description
     * @param jvm the JVM's name and version
     * @param threads the number of worker threads
     */
    public record Header(String device, String backend, String jvm, int threads) {
        /**
         * The running JVM's name and version.
         *
         * @return e.g. {@code "OpenJDK 64-Bit Server VM 17.0.15+6"}
         */
        public static String jvmName() {
            return System.getProperty("java.vm.name") + " " + Runtime.version();
        }

        /**
         * The header as one line of text.
         *
         * @return {@code device: ... | backend: ... | JVM: ... | threads: ...}
         */
        public String line() {
            return "device: " + device + " | backend: " + backend + " | JVM: " + jvm + " | threads: " + threads;
        }
    }

    /**
     * Prints the header (text mode), runs the selected workloads through {@code workload} (id to its results),
     * then prints the results as {@code table} text plus a total line, or as one JSON line with {@code --json}.
     *
     * @param options the options
     * @param header what runs where
     * @param workload runs the workload of an id and returns its results
     * @param table formats the results as text
     */
    public static void run(Options options, Header header, Function<String, List<Result>> workload,
            Function<List<Result>, String> table) {
        if (!options.json()) {
            System.out.println(header.line());
            System.out.flush();
        }
        long start = System.nanoTime();
        List<Result> results = new ArrayList<>();
        for (String id : options.only()) {
            results.addAll(workload.apply(id));
        }
        double totalSeconds = (System.nanoTime() - start) / 1e9;

        if (options.json()) {
            System.out.println(Json.of(header, options.quick(), results, totalSeconds));
        } else {
            System.out.print(table.apply(results));
            System.out.printf(Locale.ROOT, "total %.1f s%s%n", totalSeconds, options.quick() ? " (--quick)" : "");
        }
    }

    /** The fixed-width text table, times in a unit picked per row. */
    public static final class Table {
        private static final String ROW = "%-4s %-32s %10s %10s %10s %-4s %14s%n";

        private Table() {
        }

        /**
         * Formats the results, one row each.
         *
         * @param results the results
         * @return the table: a header row, then one row per result, each ending in a newline
         */
        public static String of(List<Result> results) {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, ROW, "id", "workload", "median", "min", "max", "unit", "throughput"));
            for (Result r : results) {
                TimeUnit unit = TimeUnit.forSeconds(r.median());
                out.append(String.format(Locale.ROOT, ROW, r.id(), r.workload(), unit.format(r.median()),
                        unit.format(r.min()), unit.format(r.max()), unit.label, r.throughputText()));
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
    public static final class Json {
        private Json() {
        }

        /**
         * Formats a whole run as one JSON object.
         *
         * @param header what ran where
         * @param quick whether {@code --quick} was on
         * @param results the results
         * @param totalSeconds the run's wall time
         * @return the JSON text, on one line (non-finite numbers as {@code null})
         */
        public static String of(Header header, boolean quick, List<Result> results, double totalSeconds) {
            StringBuilder out = new StringBuilder("{");
            field(out, "device", header.device()).append(',');
            field(out, "backend", header.backend()).append(',');
            field(out, "jvm", header.jvm()).append(',');
            out.append("\"threads\":").append(header.threads()).append(',');
            out.append("\"quick\":").append(quick).append(',');
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
