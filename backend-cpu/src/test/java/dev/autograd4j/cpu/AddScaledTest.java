package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.UnaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused {@code dst += alpha * src} gives the bits of the multiply kernel then the add kernel. */
class AddScaledTest {
    private static final CpuBackend CPU = new CpuBackend();

    @Test
    void float32MatchesMultiplyThenAdd() {
        Random random = new Random(5);
        int n = 4099;
        float[] p = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
        }
        for (double alpha : new double[] {-0.01, 0.1, -1.0 / 3}) {
            Layout l = Layout.contiguous(new int[] {n});
            CpuStorage product = CpuStorage.allocate(DType.FLOAT32, n);
            CpuStorage expected = CpuStorage.allocate(DType.FLOAT32, n);
            CPU.unary(UnaryOp.MUL_SCALAR, new CpuStorage(DType.FLOAT32, g), l, product, l, alpha, 0);
            CPU.binary(BinaryOp.ADD, new CpuStorage(DType.FLOAT32, p), l, product, l, expected, l);
            CpuStorage fused = new CpuStorage(DType.FLOAT32, p.clone());
            assertTrue(CPU.addScaled(new CpuStorage(DType.FLOAT32, g), l, alpha, fused, l));
            assertArrayEquals(expected.f(), fused.f());
        }
    }

    @Test
    void float64MatchesMultiplyThenAdd() {
        Random random = new Random(6);
        int n = 1001;
        double[] p = new double[n], g = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = random.nextGaussian();
            g[i] = random.nextGaussian();
        }
        Layout l = Layout.contiguous(new int[] {n});
        CpuStorage product = CpuStorage.allocate(DType.FLOAT64, n), expected = CpuStorage.allocate(DType.FLOAT64, n);
        CPU.unary(UnaryOp.MUL_SCALAR, new CpuStorage(DType.FLOAT64, g), l, product, l, -0.01, 0);
        CPU.binary(BinaryOp.ADD, new CpuStorage(DType.FLOAT64, p), l, product, l, expected, l);
        CpuStorage fused = new CpuStorage(DType.FLOAT64, p.clone());
        assertTrue(CPU.addScaled(new CpuStorage(DType.FLOAT64, g), l, -0.01, fused, l));
        assertArrayEquals(expected.d(), fused.d());
    }

    @Test
    void declinesWhatItDoesNotFuse() {
        Layout square = Layout.contiguous(new int[] {3, 3});
        Layout transposed = new Layout(new int[] {3, 3}, new int[] {1, 3}, 0);
        CpuStorage a = CpuStorage.allocate(DType.FLOAT32, 9), b = CpuStorage.allocate(DType.FLOAT32, 9);
        assertFalse(CPU.addScaled(a, transposed, 2, b, square));
        assertFalse(CPU.addScaled(CpuStorage.allocate(DType.FLOAT64, 9), square, 2, b, square));
        assertFalse(CPU.addScaled(CpuStorage.allocate(DType.INT64, 9), square, 2, CpuStorage.allocate(DType.INT64, 9),
                square));
    }
}
