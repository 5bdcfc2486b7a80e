package dev.autograd4j.cpu;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * Throughput check, not a unit test. Run with
 * {@code java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes:<slf4j jars> dev.autograd4j.cpu.GemmThroughput [sizes...]}.
 *
 * <p>Each cell is "median/best" GFLOP/s over the timed repeats (~1 s after ~0.5 s warm-up), and
 * "cpu" is the process CPU time over wall time x threads during the timed repeats: well below 1
 * means the machine was busy with something else (or threads waited), so the numbers are low for
 * reasons outside the kernel. Single-threaded ({@code -Dautograd4j.cpu.threads=1}) the cell is
 * "median/best [median on thread CPU time]", the last being immune to time-slicing. {@code -Dgemm.only=vector} (or {@code plain}) skips the other kernel;
 * {@code -Dgemm.warmup=ms} sets the warm-up.
 */
public final class GemmThroughput {
    private GemmThroughput() {
    }

    interface Run {
        void run();
    }

    private static final java.lang.management.ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Warm-up per cell, {@code -Dgemm.warmup=ms}; longer on a busy machine, where C2 takes seconds. */
    private static final long WARMUP_MS = Long.getLong("gemm.warmup", 500);

    /** {median, best} GFLOP/s and cpu utilisation. */
    static double[] gflops(int n, Run r) {
        double flop = 2.0 * n * n * n;
        long end = System.nanoTime() + WARMUP_MS * 1_000_000L;
        int reps = 0;
        while (System.nanoTime() < end || reps < 2) {
            r.run();
            reps++;
        }
        long[] times = new long[16], cpuTimes = new long[16];
        long stop = System.nanoTime() + 1_000_000_000L;
        int runs = 0;
        long cpu0 = OS.getProcessCpuTime(), wall0 = System.nanoTime();
        while (System.nanoTime() < stop || runs < 3) {
            long c0 = THREAD.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            r.run();
            long t1 = System.nanoTime(), c1 = THREAD.getCurrentThreadCpuTime();
            if (runs == times.length) {
                times = Arrays.copyOf(times, runs * 2);
                cpuTimes = Arrays.copyOf(cpuTimes, runs * 2);
            }
            cpuTimes[runs] = c1 - c0;
            times[runs++] = t1 - t0;
        }
        double cpu = (OS.getProcessCpuTime() - cpu0) / ((double) (System.nanoTime() - wall0) * Parallel.threads());
        times = Arrays.copyOf(times, runs);
        Arrays.sort(times);
        cpuTimes = Arrays.copyOf(cpuTimes, runs);
        Arrays.sort(cpuTimes);
        return new double[] {flop / times[runs / 2], flop / times[0], cpu, flop / cpuTimes[runs / 2]};
    }

    static String cell(double[] g) {
        if (g == null) {
            return "-";
        }
        // Single-threaded, the calling thread's CPU time is all the work: time-slicing does not count.
        return Parallel.threads() == 1 ? String.format("%.1f/%.1f [%.1f]", g[0], g[1], g[3])
                : String.format("%.1f/%.1f (%.2f)", g[0], g[1], g[2]);
    }

    public static void main(String[] args) {
        int[] sizes = {256, 512, 1024, 2048};
        if (args.length > 0) {
            sizes = new int[args.length];
            for (int i = 0; i < args.length; i++) {
                sizes[i] = Integer.parseInt(args[i]);
            }
        }
        String only = System.getProperty("gemm.only", "");
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !only.equals("plain");
        boolean plain = !only.equals("vector");
        System.out.println("Gemm.kernelName() = " + Gemm.kernelName() + ", threads = " + Parallel.threads()
                + "; cells: median/best GFLOP/s (cpu utilisation)");
        System.out.printf("%6s %22s %22s %22s %22s%n", "n", "plain f32", "vector f32", "plain f64", "vector f64");
        Random rnd = new Random(1);
        for (int n : sizes) {
            float[] af = new float[n * n], bf = new float[n * n], cf = new float[n * n];
            double[] ad = new double[n * n], bd = new double[n * n], cd = new double[n * n];
            for (int i = 0; i < n * n; i++) {
                af[i] = rnd.nextFloat() - 0.5f;
                bf[i] = rnd.nextFloat() - 0.5f;
                ad[i] = af[i];
                bd[i] = bf[i];
            }
            double[] pf = plain ? gflops(n, () -> GemmPlain.sgemm(n, n, n, af, 0, n, 1, bf, 0, n, 1, cf, 0, n)) : null;
            double[] vf = vector ? gflops(n, () -> GemmVector.sgemm(n, n, n, af, 0, n, 1, bf, 0, n, 1, cf, 0, n)) : null;
            double[] pd = plain ? gflops(n, () -> GemmPlain.dgemm(n, n, n, ad, 0, n, 1, bd, 0, n, 1, cd, 0, n)) : null;
            double[] vd = vector ? gflops(n, () -> GemmVector.dgemm(n, n, n, ad, 0, n, 1, bd, 0, n, 1, cd, 0, n)) : null;
            System.out.printf("%6d %22s %22s %22s %22s%n", n, cell(pf), cell(vf), cell(pd), cell(vd));
        }
    }
}
