package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Window2d;

/**
 * The weight gradient of a 2-D convolution with one group, straight from the input and the output's gradient, for
 * convolutions with few weights (the MNIST CNN's first: 16 x 25 weights, but {@code N * positions = 50176} long
 * dot products). The GEMM over the batch's column matrix packs both long operands for a tiny product (8 MB of
 * traffic for 40 MFLOP); here each sample's columns are built in a scratch array that stays in cache and the
 * products are taken from there, lane by lane ({@link VectorConv#dot4x4}).
 *
 * <p>The batch is cut into blocks of {@link #SAMPLES_PER_BLOCK} samples whatever the thread count; each block
 * sums into its own lanes, and the blocks' lanes are added in order at the end (in double), so the bits do not depend
 * on the thread count. Only with the Vector API; without it the caller's GEMM runs.
 */
final class ConvWeights {
    /** Up to this many weight elements (output channels x input channels x taps) the direct path runs. */
    static final int MAX_WEIGHTS = 4096;
    static final int SAMPLES_PER_BLOCK = 4;
    /** The blocks' partial sums may always take this many floats, whatever the output gradient's size. */
    static final long MIN_PART = 1L << 20;

    private ConvWeights() {
    }

    /**
     * {@code out[o][c * taps + t] = sum over samples and positions of grad[n][o][l] * x at tap t of window l} (zero
     * in the padding), x {@code [N, C, H, W]}, grad {@code [N, O, outH, outW]}, out {@code [O, C * taps]}, all
     * contiguous float32; false (nothing written) when the direct path does not apply.
     */
    static boolean weightGradient(CpuStorage x, Layout xLayout, CpuStorage grad, Layout gradLayout, Window2d g,
                                  CpuStorage out, Layout outLayout) {
        if (!VectorKernels.ENABLED || x.dtype != DType.FLOAT32 || grad.dtype != DType.FLOAT32
                || out.dtype != DType.FLOAT32 || !xLayout.isContiguous() || !gradLayout.isContiguous()
                || !outLayout.isContiguous() || xLayout.shape().length != 4 || gradLayout.shape().length != 4) {
            return false;
        }
        int[] xs = xLayout.shape(), gs = gradLayout.shape();
        int n = xs[0], c = xs[1], o = gs[1], taps = g.taps(), k = c * taps, p = g.positions();
        int hw = g.height() * g.width();
        if (gs[0] != n || gs[2] * gs[3] != p || (long) o * k > MAX_WEIGHTS || outLayout.numel() != o * k || n == 0
                || p == 0) {
            return false;
        }
        int vl = VectorConv.VL, pp = (p + vl - 1) / vl * vl, ok = o * k;
        int o4 = (o + 3) / 4 * 4, k4 = (k + 3) / 4 * 4, block = o4 * k4 * vl; // a block's lanes, padded to 4 x 4
        int blocks = (n + SAMPLES_PER_BLOCK - 1) / SAMPLES_PER_BLOCK;
        if ((long) blocks * block > Math.max((long) o * n * p, MIN_PART)) {
            // the blocks' lanes (o4 x k4 x VL a block of samples) would outgrow the transposed output gradient the
            // caller's GEMM path builds: few positions with many weights (a 1 x 4096 weight over 1 x 1 outputs needs
            // 4 x 4096 x 16 floats per 4 samples, and past 32k samples more than an int can count)
            return false;
        }
        float[] part = new float[blocks * block];
        float[] xa = x.f(), ga = grad.f();
        int xo = xLayout.offset(), go = gradLayout.offset();
        Parallel.forRange(blocks, (long) SAMPLES_PER_BLOCK * ok * pp, (from, to) -> {
            float[] cols = new float[k * pp]; // the tails past p stay zero
            float[] raw = pp == p ? cols : new float[k * p];
            float[] gpad = pp == p ? null : new float[o * pp];
            for (int b = from; b < to; b++) {
                for (int s = b * SAMPLES_PER_BLOCK; s < Math.min(n, (b + 1) * SAMPLES_PER_BLOCK); s++) {
                    for (int ch = 0; ch < c; ch++) {
                        int src = xo + (s * c + ch) * hw;
                        Windows.im2colF(xa, src, raw, ch * taps * p, g, 0f);
                    }
                    float[] gsrc = ga;
                    int gBase = go + s * o * p;
                    if (pp != p) {
                        for (int r = 0; r < k; r++) {
                            System.arraycopy(raw, r * p, cols, r * pp, p);
                        }
                        for (int r = 0; r < o; r++) {
                            System.arraycopy(ga, gBase + r * p, gpad, r * pp, p);
                        }
                        gsrc = gpad;
                        gBase = 0;
                    }
                    for (int ob = 0; ob < o; ob += 4) {
                        for (int kb = 0; kb < k; kb += 4) {
                            VectorConv.dot4x4(gsrc, gBase, pp, o, ob, cols, 0, pp, k, kb, pp, part, b * block, k4);
                        }
                    }
                }
            }
        });
        float[] res = out.f();
        int oo = outLayout.offset();
        for (int i = 0; i < ok; i++) {
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                int at = b * block + ((i / k) * k4 + i % k) * vl;
                for (int l = 0; l < vl; l++) {
                    sum += part[at + l];
                }
            }
            res[oo + i] = (float) sum;
        }
        return true;
    }
}
