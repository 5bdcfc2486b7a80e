package dev.autograd4j.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * W4's passes one by one (mul, add, sigmoid over 4M float32, each in a MemoryScope / NDManager), autograd4j and
 * PyTorch (through DJL) interleaved in one process, plus W4 whole with each op timed inside it: on a machine shared
 * with other work the interleaving keeps both peers under the same memory traffic, so the ratios of their minima
 * mean something where separate processes' figures do not. A kernel investigation tool, not a benchmark of record
 * (that is {@code scripts/bench-vs-pytorch.sh}). Each case runs after a 20 ms pause, so that libtorch's OpenMP
 * threads, which spin a while after a parallel region, do not take the cores from the case that follows.
 *
 * <p>Run (after {@code ./mvnw -q -pl pytorch-oracle -am test-compile}):
 * {@code ./mvnw -q -pl pytorch-oracle exec:exec -Dexec.mainClass=dev.autograd4j.oracle.ElementwisePasses
 * -Dapp.args="ROUNDS REPS"}.
 */
public final class ElementwisePasses {
    private static final int N = 4 * 1024 * 1024;
    private static volatile Object sink;
    private static final Map<String, List<Double>> INSIDE = new LinkedHashMap<>();
    private static boolean recording;

    private ElementwisePasses() {
    }

    /**
     * Prints min / quartile / median per case and the ratios of ours to PyTorch's.
     *
     * @param args {@code [rounds (default 15)] [reps per case and round (default 10)]}
     * @throws InterruptedException if interrupted in a pause
     */
    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Generator g = new Generator(4);
        Tensor a = Tensor.randn(Shape.of(N), DType.FLOAT32, Device.CPU, g);
        Tensor b = Tensor.randn(Shape.of(N), DType.FLOAT32, Device.CPU, g);
        Tensor c = Tensor.randn(Shape.of(N), DType.FLOAT32, Device.CPU, g);
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        try (var noGrad = Autograd.noGrad(); NDManager base = NDManager.newBaseManager()) {
            Tensor ab = a.mul(b);
            Tensor abc = ab.add(c);
            NDArray ta = base.randomNormal(new ai.djl.ndarray.types.Shape(N), DataType.FLOAT32);
            NDArray tb = base.randomNormal(new ai.djl.ndarray.types.Shape(N), DataType.FLOAT32);
            NDArray tc = base.randomNormal(new ai.djl.ndarray.types.Shape(N), DataType.FLOAT32);
            NDArray tab = ta.mul(tb);
            NDArray tabc = tab.add(tc);
            cases.put("ours mul", () -> scoped(() -> a.mul(b)));
            cases.put("torch mul", () -> torch(base, m -> attach(ta.mul(tb), m)));
            cases.put("ours add", () -> scoped(() -> ab.add(c)));
            cases.put("torch add", () -> torch(base, m -> attach(tab.add(tc), m)));
            cases.put("ours sig", () -> scoped(abc::sigmoid));
            cases.put("torch sig", () -> torch(base, m -> attach(Activation.sigmoid(tabc), m)));
            cases.put("ours W4", () -> {
                try (MemoryScope scope = MemoryScope.open()) {
                    long t0 = System.nanoTime();
                    Tensor x = a.mul(b);
                    long t1 = System.nanoTime();
                    Tensor y = x.add(c);
                    long t2 = System.nanoTime();
                    Tensor z = y.sigmoid();
                    inside("ours", t0, t1, t2, System.nanoTime());
                    return z.shape();
                }
            });
            cases.put("torch W4", () -> torch(base, m -> {
                long t0 = System.nanoTime();
                NDArray x = attach(ta.mul(tb), m);
                long t1 = System.nanoTime();
                NDArray y = attach(x.add(tc), m);
                long t2 = System.nanoTime();
                NDArray z = attach(Activation.sigmoid(y), m);
                inside("torch", t0, t1, t2, System.nanoTime());
                return z;
            }));
            for (String k : cases.keySet()) {
                bytes.put(k, (k.endsWith("W4") ? 16.0 : k.endsWith("sig") ? 8.0 : 12.0) * N);
            }
            Map<String, List<Double>> times = new LinkedHashMap<>();
            cases.keySet().forEach(k -> times.put(k, new ArrayList<>()));
            List<String> order = new ArrayList<>(cases.keySet());
            for (int w = 0; w < 30; w++) {
                for (String k : order) {
                    sink = cases.get(k).get();
                }
            }
            recording = true;
            for (int r = 0; r < rounds; r++) {
                Collections.rotate(order, 1);
                for (String k : order) {
                    Thread.sleep(20);
                    Supplier<Object> body = cases.get(k);
                    for (int i = 0; i < reps; i++) {
                        long t0 = System.nanoTime();
                        sink = body.get();
                        times.get(k).add((System.nanoTime() - t0) / 1e6);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%-22s %9s %9s %9s %10s%n", "case (ms)", "min", "p25", "median",
                    "GB/s (min)");
            times.forEach((k, t) -> print(k, t, bytes.get(k)));
            INSIDE.forEach((k, t) -> print(k, t, null));
            System.out.println("ratio ours / torch of minima (median):");
            for (String p : new String[] {"mul", "add", "sig", "W4"}) {
                ratio(p, times.get("ours " + p), times.get("torch " + p));
            }
            for (String p : new String[] {"mul", "add", "sig"}) {
                ratio("in W4 " + p, INSIDE.get("ours in W4 " + p), INSIDE.get("torch in W4 " + p));
            }
        }
    }

    private static NDArray attach(NDArray x, NDManager m) {
        x.attach(m);
        return x;
    }

    private static Object scoped(Supplier<Tensor> body) {
        try (MemoryScope scope = MemoryScope.open()) {
            return body.get().shape();
        }
    }

    private static Object torch(NDManager base, java.util.function.Function<NDManager, NDArray> body) {
        try (NDManager m = base.newSubManager()) {
            return body.apply(m).getShape();
        }
    }

    private static void inside(String who, long t0, long t1, long t2, long t3) {
        if (recording) {
            INSIDE.computeIfAbsent(who + " in W4 mul", k -> new ArrayList<>()).add((t1 - t0) / 1e6);
            INSIDE.computeIfAbsent(who + " in W4 add", k -> new ArrayList<>()).add((t2 - t1) / 1e6);
            INSIDE.computeIfAbsent(who + " in W4 sig", k -> new ArrayList<>()).add((t3 - t2) / 1e6);
        }
    }

    private static void print(String k, List<Double> t, Double bytes) {
        Collections.sort(t);
        double min = t.get(0);
        System.out.printf(Locale.ROOT, "%-22s %9.3f %9.3f %9.3f %10s%n", k, min, t.get(t.size() / 4),
                t.get(t.size() / 2), bytes == null ? "" : String.format(Locale.ROOT, "%.1f", bytes / min / 1e6));
    }

    private static void ratio(String name, List<Double> ours, List<Double> torch) {
        System.out.printf(Locale.ROOT, "  %-10s %.3f (%.3f)%n", name, ours.get(0) / torch.get(0),
                ours.get(ours.size() / 2) / torch.get(torch.size() / 2));
    }
}
