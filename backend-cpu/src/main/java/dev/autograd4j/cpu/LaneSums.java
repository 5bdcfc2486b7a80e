package dev.autograd4j.cpu;

/**
 * Float32 and float64 sums of contiguous runs ("segments") in a fixed order that a vector unit can follow: each
 * segment's elements in whole groups of {@link #LANES} go to {@link #LANES} double accumulators (element i of a
 * group into lane i), the rest of each segment (fewer than {@link #LANES} elements) into one more double, in order;
 * the result is the lanes added first to last, then that rest. The order depends only on the segments, so the
 * bits are the same on every JIT tier and whatever thread a block runs on. Plain Java: C2 vectorises the lane loop
 * (widening eight floats at a time), about 3x faster than one running sum; a Vector API version with
 * {@code convertShape} was 5x slower on JDK 17 (not intrinsified).
 */
final class LaneSums {
    /** Lanes: 32 doubles, four 512-bit vectors. */
    static final int LANES = 32;

    private LaneSums() {
    }

    /**
     * The sum of segments {@code [s0, s1)}: segment s holds {@code segLen[s]} contiguous elements from
     * {@code a[base + segOff[s]]}.
     */
    static double sum(float[] a, int base, int[] segOff, int[] segLen, int s0, int s1) {
        double[] lanes = new double[LANES];
        double rest = 0;
        for (int s = s0; s < s1; s++) {
            int off = base + segOff[s], len = segLen[s], full = len - len % LANES;
            for (int i = 0; i < full; i += LANES) {
                for (int l = 0; l < LANES; l++) {
                    lanes[l] += a[off + i + l];
                }
            }
            for (int i = full; i < len; i++) {
                rest += a[off + i];
            }
        }
        return combine(lanes, rest);
    }

    /** As the float version. */
    static double sum(double[] a, int base, int[] segOff, int[] segLen, int s0, int s1) {
        double[] lanes = new double[LANES];
        double rest = 0;
        for (int s = s0; s < s1; s++) {
            int off = base + segOff[s], len = segLen[s], full = len - len % LANES;
            for (int i = 0; i < full; i += LANES) {
                for (int l = 0; l < LANES; l++) {
                    lanes[l] += a[off + i + l];
                }
            }
            for (int i = full; i < len; i++) {
                rest += a[off + i];
            }
        }
        return combine(lanes, rest);
    }

    /** The lanes first to last, then the rest. */
    static double combine(double[] lanes, double rest) {
        double acc = 0;
        for (double l : lanes) {
            acc += l;
        }
        return acc + rest;
    }
}
