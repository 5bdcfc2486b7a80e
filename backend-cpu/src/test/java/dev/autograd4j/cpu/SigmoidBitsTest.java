package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autograd4j.spi.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * The vector sigmoid against its definition over the vector exp, on float bit patterns spread over the whole range
 * (every sign, exponent and NaN payload class): {@code p = 1 / (e + 1)}, {@code x < 0 ? e * p : p} with
 * {@code e = exp(-|x|)}, bit for bit. Guards rewrites of the sigmoid loop that must keep its bits.
 */
class SigmoidBitsTest {

    @Test
    void sigmoidBitsOverTheWholeFloatRange() {
        assumeTrue(VectorKernels.ENABLED, "the plain loops compute sigmoid in double, not from exp's float bits");
        int n = 1 << 20; // a multiple of every vector length: no scalar tail
        float[] x = new float[n], negAbs = new float[n];
        long stride = (1L << 32) / n + 1; // odd: walks through every low-bit pattern class
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat((int) (i * stride));
            negAbs[i] = -Math.abs(x[i]);
        }
        // values around the edges: the clamp at -104, subnormal results, exp's rounding ties near 0
        for (int i = 0; i < 4096; i++) {
            x[i] = -80f - i * (30f / 4096);
            negAbs[i] = -Math.abs(x[i]);
        }
        float[] e = ElementwiseKernelTest.run(UnaryOp.EXP, negAbs);
        float[] sigmoid = ElementwiseKernelTest.run(UnaryOp.SIGMOID, x);
        for (int i = 0; i < n; i++) {
            float positive = 1f / (e[i] + 1f);
            float expected = x[i] < 0 ? e[i] * positive : positive;
            if (Float.isNaN(x[i])) {
                assertEquals(true, Float.isNaN(sigmoid[i]), "sigmoid(NaN)");
            } else {
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(sigmoid[i]), "sigmoid(" + x[i] + ")");
            }
        }
    }
}
