package dev.autograd4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2 x 2 max pooling with stride 2 (no padding, no dilation) of a float plane with 512-bit vectors: sixteen inputs of
 * each of the two rows give eight outputs, the row split into its even and odd columns by two lane shuffles, then the
 * four taps taken in order exactly as the scalar loop takes them (a later tap wins when greater or NaN), so values
 * and winning taps are the same. Only loaded when {@link VectorKernels#ENABLED} and the vectors are 512-bit.
 */
final class VectorPooling {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> (2 * i) & 15);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F, i -> (2 * i + 1) & 15);
    /** Outputs per step. */
    private static final int STEP = 8;

    private VectorPooling() {
    }

    /**
     * Pools rows [0, outH) of the plane at x[src] (row stride width) into o[dst] (row stride outW) and the winning taps
     * (0 to 3, row-major in the window) into taps[tapsAt]. Reads up to 16 elements from a row's start, past the
     * row's end into the next ones (never past the array: the last steps run scalar).
     */
    static void maxPool2x2(float[] x, int src, float[] o, int dst, long[] taps, int tapsAt, int outH, int outW,
                           int width) {
        float[] val = new float[16], win = new float[16];
        FloatVector one = FloatVector.broadcast(F, 1f), two = FloatVector.broadcast(F, 2f);
        FloatVector three = FloatVector.broadcast(F, 3f), zero = FloatVector.zero(F);
        for (int oh = 0; oh < outH; oh++) {
            int r0 = src + 2 * oh * width, r1 = r0 + width, at = oh * outW;
            int ow = 0;
            for (; ow < outW && r1 + 2 * ow + 16 <= x.length; ow += STEP) {
                FloatVector a = FloatVector.fromArray(F, x, r0 + 2 * ow);
                FloatVector b = FloatVector.fromArray(F, x, r1 + 2 * ow);
                FloatVector best = a.rearrange(EVEN), w = zero, v;
                VectorMask<Float> m;
                v = a.rearrange(ODD);
                m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                w = w.blend(one, m);
                v = b.rearrange(EVEN);
                m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                w = w.blend(two, m);
                v = b.rearrange(ODD);
                m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                w = w.blend(three, m);
                best.intoArray(val, 0);
                w.intoArray(win, 0);
                int n = Math.min(STEP, outW - ow);
                for (int j = 0; j < n; j++) {
                    o[dst + at + ow + j] = val[j];
                    taps[tapsAt + at + ow + j] = (long) win[j];
                }
            }
            for (; ow < outW; ow++) {
                Windows.maxOf2x2(x, r0 + 2 * ow, r1 + 2 * ow, o, taps, dst + at + ow, tapsAt + at + ow);
            }
        }
    }
}
