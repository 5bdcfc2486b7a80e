package dev.autograd4j.cpu;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * Throughput check of the products W2 and W6 make, not a unit test: each shape with the strides the workload
 * passes (logged from {@code Gemm.sgemm}), all shapes interleaved for the warm-up as in a training step, then each
 * timed on the calling thread's CPU time (single-threaded, {@code -Dautograd4j.cpu.threads=1}: immune to a busy
 * machine's time-slicing) or on wall time with more threads. Run with
 * {@code java --add-modules=jdk.incubator.vector -Dautograd4j.cpu.threads=1 -cp <classes>:<test-classes>:<jars>
 * dev.autograd4j.cpu.GemmShapes [name filter]}; {@code -Dshapes.warm=ms}, {@code -Dshapes.ms=ms} set the budgets.
 */
public final class GemmShapes {
    // name, m, n, k, aRs, aCs, bRs, bCs (ldc = n)
    static final Object[][] SHAPES = {
        {"W2 fwd1", 64, 256, 784, 784, 1, 256, 1},
        {"W2 fwd2", 64, 128, 256, 256, 1, 128, 1},
        {"W2 fwd3", 64, 10, 128, 128, 1, 10, 1},
        {"W2 wg3", 128, 10, 64, 1, 128, 10, 1},
        {"W2 ig3", 64, 128, 10, 10, 1, 1, 10},
        {"W2 wg2", 256, 128, 64, 1, 256, 128, 1},
        {"W2 ig2", 64, 256, 128, 128, 1, 1, 128},
        {"W2 wg1", 784, 256, 64, 1, 784, 256, 1},
        {"W6 c1 fwd", 16, 50176, 25, 25, 1, 50176, 1},
        {"W6 c1 wg", 25, 16, 50176, 50176, 1, 1, 50176},
        {"W6 c2 fwd", 12544, 32, 400, 1, 12544, 1, 400},
        {"W6 c2 wg", 400, 32, 12544, 12544, 1, 1, 12544},
        {"W6 c2 ig", 400, 196, 32, 1, 400, 196, 1},
        {"W6 c3 fwd", 128, 3136, 288, 288, 1, 3136, 1},
        {"W6 c3 wg", 288, 128, 3136, 3136, 1, 1, 3136},
        {"W6 c3 ig", 288, 49, 128, 1, 288, 49, 1},
        {"W6 lin fwd", 64, 10, 6272, 6272, 1, 1, 6272},
        {"W6 lin wg", 10, 6272, 64, 1, 10, 6272, 1},
        {"W6 lin ig", 64, 6272, 10, 10, 1, 6272, 1},
    };

    public static void main(String[] args) {
        String filter = args.length > 0 ? args[0] : "";
        long ms = Long.getLong("shapes.ms", 400);
        var th = ManagementFactory.getThreadMXBean();
        Random rnd = new Random(1);
        int count = SHAPES.length;
        float[][] as = new float[count][], bs = new float[count][], cs = new float[count][];
        for (int s = 0; s < count; s++) {
            int m = (int) SHAPES[s][1], n = (int) SHAPES[s][2], k = (int) SHAPES[s][3];
            as[s] = new float[m * k];
            bs[s] = new float[k * n];
            cs[s] = new float[m * n];
            for (int i = 0; i < as[s].length; i++) as[s][i] = rnd.nextFloat() - 0.5f;
            for (int i = 0; i < bs[s].length; i++) bs[s][i] = rnd.nextFloat() - 0.5f;
        }
        // warm-up: all shapes interleaved, as in a training step
        long end = System.nanoTime() + Long.getLong("shapes.warm", 4000) * 1_000_000L;
        while (System.nanoTime() < end) {
            for (int s = 0; s < count; s++) {
                if (((String) SHAPES[s][0]).contains(filter)) run(s, as[s], bs[s], cs[s]);
            }
        }
        double totalFlop = 0, totalTime = 0;
        System.out.println("kernel " + Gemm.kernelName() + " threads " + Parallel.threads());
        for (int s = 0; s < count; s++) {
            if (!((String) SHAPES[s][0]).contains(filter)) continue;
            int m = (int) SHAPES[s][1], n = (int) SHAPES[s][2], k = (int) SHAPES[s][3];
            double flop = 2.0 * m * n * k;
            long[] t = new long[100000];
            int runs = 0;
            long stop = System.nanoTime() + ms * 1_000_000L;
            while ((System.nanoTime() < stop || runs < 5) && runs < t.length) {
                long c0 = Parallel.threads() > 1 ? System.nanoTime() : th.getCurrentThreadCpuTime();
                run(s, as[s], bs[s], cs[s]);
                t[runs++] = (Parallel.threads() > 1 ? System.nanoTime() : th.getCurrentThreadCpuTime()) - c0;
            }
            t = Arrays.copyOf(t, runs);
            Arrays.sort(t);
            double med = t[runs / 2];
            System.out.printf("%-12s m=%5d n=%5d k=%5d  %7.1f GFLOP/s  %9.1f us  (best %.1f)%n", SHAPES[s][0], m, n, k,
                    flop / med, med / 1000, flop / t[runs / 10]);
            totalFlop += flop;
            totalTime += med;
        }
        System.out.printf("all: %.1f GFLOP/s, %.1f us per round%n", totalFlop / totalTime, totalTime / 1000);
    }

    static void run(int s, float[] a, float[] b, float[] c) {
        Object[] x = SHAPES[s];
        int m = (int) x[1], n = (int) x[2], k = (int) x[3];
        Gemm.sgemm(m, n, k, a, 0, (int) x[4], (int) x[5], b, 0, (int) x[6], (int) x[7], c, 0, n);
    }
}
