package dev.autograd4j.cpu;

import java.util.Random;

/**
 * Throughput check, not a unit test. Run with
 * {@code java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes:<slf4j jars> dev.autograd4j.cpu.GemmThroughput [sizes...]}.
 */
public final class GemmThroughput {
    private GemmThroughput() {
    }

    interface Run {
        void run();
    }

    static double gflops(int n, Run r) {
        double flop = 2.0 * n * n * n;
        // Warm up ~0.5 s, then time ~1 s.
        long end = System.nanoTime() + 500_000_000L;
        int reps = 0;
        while (System.nanoTime() < end || reps < 2) {
            r.run();
            reps++;
        }
        double best = Double.MAX_VALUE;
        long stop = System.nanoTime() + 1_000_000_000L;
        int runs = 0;
        while (System.nanoTime() < stop || runs < 3) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
            runs++;
        }
        return flop / best;
    }

    public static void main(String[] args) {
        int[] sizes = {256, 512, 1024, 2048};
        if (args.length > 0) {
            sizes = new int[args.length];
            for (int i = 0; i < args.length; i++) {
                sizes[i] = Integer.parseInt(args[i]);
            }
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("Gemm.kernelName() = " + Gemm.kernelName() + ", threads = " + Parallel.THREADS);
        System.out.printf("%6s %14s %14s %14s %14s%n", "n", "plain f32", "vector f32", "plain f64", "vector f64");
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
            double pf = gflops(n, () -> GemmPlain.sgemm(n, n, n, af, 0, n, 1, bf, 0, n, 1, cf, 0, n));
            double vf = vector ? gflops(n, () -> GemmVector.sgemm(n, n, n, af, 0, n, 1, bf, 0, n, 1, cf, 0, n)) : Double.NaN;
            double pd = gflops(n, () -> GemmPlain.dgemm(n, n, n, ad, 0, n, 1, bd, 0, n, 1, cd, 0, n));
            double vd = vector ? gflops(n, () -> GemmVector.dgemm(n, n, n, ad, 0, n, 1, bd, 0, n, 1, cd, 0, n)) : Double.NaN;
            System.out.printf("%6d %14.1f %14.1f %14.1f %14.1f%n", n, pf, vf, pd, vd);
        }
    }
}
