package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.UnaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float32 elementwise kernels: accurate, and bit-identical before and after the JIT compiles them. */
class ElementwiseKernelTest {
    private static final CpuBackend CPU = new CpuBackend();

    /** The CPU backend's float32 kernel for {@code op} over x (contiguous); shared with SigmoidBitsTest. */
    static float[] run(UnaryOp op, float[] x) {
        Layout l = Layout.contiguous(new int[] {x.length});
        CpuStorage in = new CpuStorage(DType.FLOAT32, x), out = CpuStorage.allocate(DType.FLOAT32, x.length);
        CPU.unary(op, in, l, out, l, 0, 0);
        return out.f();
    }

    private static float[] inputs() {
        Random random = new Random(3);
        float[] x = new float[4099];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((random.nextDouble() * 2 - 1) * 110);
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.72f, 88.73f,
            -87.4f, -103.9f, -104.5f, 1e-8f, -1e-8f};
        System.arraycopy(special, 0, x, 0, special.length);
        return x;
    }

    @Test
    void expAndSigmoidAreAccurateAndDoNotDependOnWarmUp() {
        float[] x = inputs();
        float[] coldExp = run(UnaryOp.EXP, x), coldSigmoid = run(UnaryOp.SIGMOID, x);
        for (int i = 0; i < 20_000; i++) {
            run(UnaryOp.EXP, x);
            run(UnaryOp.SIGMOID, x);
        }
        assertArrayEquals(coldExp, run(UnaryOp.EXP, x), "exp must give the same bits cold and warm");
        assertArrayEquals(coldSigmoid, run(UnaryOp.SIGMOID, x), "sigmoid must give the same bits cold and warm");
        for (int i = 0; i < x.length; i++) {
            double exp = Math.exp(x[i]), sigmoid = 1 / (1 + Math.exp(-(double) x[i]));
            if (Double.isNaN(exp)) {
                assertTrue(Float.isNaN(coldExp[i]) && Float.isNaN(coldSigmoid[i]));
            } else if (exp > Float.MAX_VALUE) {
                assertEquals(Float.POSITIVE_INFINITY, coldExp[i], "exp(" + x[i] + ")");
            } else {
                assertEquals(exp, coldExp[i], Math.max(4 * Math.ulp((float) exp), 2 * Float.MIN_VALUE),
                        "exp(" + x[i] + ")");
                assertEquals(sigmoid, coldSigmoid[i], 4 * Math.ulp((float) sigmoid) + 1e-45, "sigmoid(" + x[i] + ")");
            }
        }
        assertEquals(Device.CPU, CPU.allocate(Device.CPU, DType.FLOAT32, 1).device());
    }

    @Test
    void sigmoidGivesTheBitsOfItsFormulaOverTheVectorExp() {
        assumeTrue(VectorKernels.ENABLED, "the plain loops compute sigmoid in double, not from exp's float bits");
        // sigmoid's own exp of -|x| (one scaling, no overflow branch) must agree bit for bit with the general exp
        float[] x = inputs();
        Random random = new Random(5);
        for (int i = 12; i < 400; i++) {
            x[i] = -87f - random.nextFloat() * 18f; // the subnormal results and the rounding to 0 near -104
        }
        float[] negAbs = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            negAbs[i] = -Math.abs(x[i]);
        }
        float[] e = run(UnaryOp.EXP, negAbs), sigmoid = run(UnaryOp.SIGMOID, x);
        int vectorPart = x.length / 64 * 64; // the last partial vector takes the scalar formula, in double
        for (int i = 0; i < vectorPart; i++) {
            float positive = 1f / (e[i] + 1f);
            float expected = x[i] < 0 ? e[i] * positive : positive;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(sigmoid[i]), "sigmoid(" + x[i] + ")");
        }
    }

    @Test
    void expAndSigmoidBitsDoNotDependOnTheThreadCount() {
        Random random = new Random(7);
        float[] x = new float[100_003]; // odd: split in halves or thirds, the ranges would end in partial vectors
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 20;
        }
        int threads = CpuSettings.GLOBAL.threads();
        try {
            for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.SIGMOID}) {
                CpuSettings.GLOBAL.setThreads(1);
                float[] one = run(op, x);
                CpuSettings.GLOBAL.setThreads(2);
                assertArrayEquals(one, run(op, x), op + " with 2 threads");
                CpuSettings.GLOBAL.setThreads(3);
                assertArrayEquals(one, run(op, x), op + " with 3 threads");
            }
        } finally {
            CpuSettings.GLOBAL.setThreads(threads);
        }
    }
}
