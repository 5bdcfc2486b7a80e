package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.NormShape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused normalization kernels ({@link Norms}) and the softmax gradient kernel on many threads give exactly
 * (bit for bit) what one thread gives, for batch, layer and group norm, forward and backward; and layer norm's
 * forward matches a direct double-precision computation.
 */
class NormsKernelTest {

    private static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        CpuSettings settings = CpuBackend.settings();
        int before = settings.threads();
        settings.setThreads(threads);
        try {
            return body.get();
        } finally {
            settings.setThreads(before);
        }
    }

    private static float[] gaussian(Random rnd, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale + shift);
        }
        return a;
    }

    private static CpuStorage f(float[] a) {
        return new CpuStorage(DType.FLOAT32, a.clone());
    }

    /** out, mean, rstd, var, dx, dw, db of one forward and backward, concatenated. */
    private static float[] run(NormShape sh, float[] x, float[] w, float[] b, float[] g) {
        int rows = sh.rows(), n = sh.numel(), c = sh.c();
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, n);
        CpuStorage mean = CpuStorage.allocate(DType.FLOAT32, rows);
        CpuStorage rstd = CpuStorage.allocate(DType.FLOAT32, rows);
        CpuStorage var = CpuStorage.allocate(DType.FLOAT32, rows);
        Norms.forward(sh, f(x), 0, f(w), f(b), 1e-5, out, mean, rstd, var);
        CpuStorage dx = CpuStorage.allocate(DType.FLOAT32, n);
        CpuStorage dw = CpuStorage.allocate(DType.FLOAT32, c);
        CpuStorage db = CpuStorage.allocate(DType.FLOAT32, c);
        Norms.backward(sh, f(g), 0, f(x), 0, mean, rstd, f(w), dx, dw, db);
        float[] all = new float[n + 3 * rows + n + 2 * c];
        int at = 0;
        for (CpuStorage s : new CpuStorage[] {out, mean, rstd, var, dx, dw, db}) {
            float[] a = s.f();
            int len = s == out || s == dx ? n : s == dw || s == db ? c : rows;
            System.arraycopy(a, 0, all, at, len);
            at += len;
        }
        return all;
    }

    @Test
    void normalizationIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(3);
        NormShape[] shapes = {new NormShape(2048, 256, 1, 1), new NormShape(64, 16, 196, 0),
            new NormShape(8, 12, 50, 4), new NormShape(7, 5, 3, 0), new NormShape(300, 33, 1, 1)};
        for (NormShape sh : shapes) {
            float[] x = gaussian(rnd, sh.numel(), 2, 0.5);
            float[] g = gaussian(rnd, sh.numel(), 1, 0);
            float[] w = gaussian(rnd, sh.c(), 1, 1);
            float[] b = gaussian(rnd, sh.c(), 1, 0);
            float[] want = withThreads(1, () -> run(sh, x, w, b, g));
            for (int threads : new int[] {2, 3, 8}) {
                assertArrayEquals(want, withThreads(threads, () -> run(sh, x, w, b, g)), 0f,
                        sh + " on " + threads + " threads");
            }
        }
    }

    @Test
    void layerNormForwardMatchesDoublePrecision() {
        Random rnd = new Random(4);
        NormShape sh = new NormShape(5, 37, 1, 1);
        float[] x = gaussian(rnd, sh.numel(), 3, 1);
        CpuStorage out = CpuStorage.allocate(DType.FLOAT32, sh.numel());
        CpuStorage mean = CpuStorage.allocate(DType.FLOAT32, 5);
        CpuStorage rstd = CpuStorage.allocate(DType.FLOAT32, 5);
        Norms.forward(sh, f(x), 0, null, null, 0.0, out, mean, rstd, null);
        for (int r = 0; r < 5; r++) {
            double m = 0;
            for (int j = 0; j < 37; j++) {
                m += x[r * 37 + j];
            }
            m /= 37;
            double v = 0;
            for (int j = 0; j < 37; j++) {
                v += (x[r * 37 + j] - m) * (x[r * 37 + j] - m);
            }
            v /= 37;
            assertEquals(m, mean.f()[r], 1e-6);
            for (int j = 0; j < 37; j++) {
                assertEquals((x[r * 37 + j] - m) / Math.sqrt(v), out.f()[r * 37 + j], 1e-5);
            }
        }
    }

    @Test
    void softmaxBackwardIsTheSameOnAnyNumberOfThreads() {
        Random rnd = new Random(5);
        int rows = 8192, n = 128;
        float[] y = gaussian(rnd, rows * n, 1, 0);
        float[] g = gaussian(rnd, rows * n, 1, 0);
        for (boolean log : new boolean[] {false, true}) {
            java.util.function.Supplier<float[]> body = () -> {
                CpuStorage out = CpuStorage.allocate(DType.FLOAT32, rows * n);
                Softmax.backward(log, f(y), 0, f(g), 0, out, rows, n);
                return out.f().clone();
            };
            float[] want = withThreads(1, body);
            assertArrayEquals(want, withThreads(2, body), 0f, "log " + log);
            assertArrayEquals(want, withThreads(8, body), 0f, "log " + log);
        }
    }
}
