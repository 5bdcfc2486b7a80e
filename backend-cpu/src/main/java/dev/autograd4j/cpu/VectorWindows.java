package dev.autograd4j.cpu;

import dev.autograd4j.spi.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API col2im of one float plane with a horizontal stride of 1 (every convolution of the MNIST CNN). Only
 * reached from {@link Windows} after {@link VectorKernels#ENABLED}, so its Vector API classes are never loaded
 * without the module.
 *
 * <p>col2im gathers instead of scattering: each output element is the sum, in the order of the taps, of the columns
 * that cover it, starting from +0, so it gets the same adds in the same order as the scalar loop of {@link Windows}
 * (which adds each tap's row into a zero-filled plane), and the same bits; a lane outside a row of columns is masked
 * to +0, which changes no sum (never -0 when it starts at +0). The plane is fully written, so no zero fill comes
 * first. Rows are written in ascending order with whole vectors: one that runs past the end of a row spills into the
 * next row, written afterwards; only one that would cross the end of the plane (whose next plane another thread may
 * own) goes through a scratch array.
 *
 * <p>The vector work is free of branches that merge vectors (JDK 17's C2 boxes such a vector and falls back to the
 * Java lane loops) and of rarely taken branches (a first hit after compilation deoptimizes to the interpreter, where
 * every vector operation is ~100x slower): the caller takes a plane here only when every whole-vector read stays in
 * the array ({@link #readsInside}), the scalar loop otherwise.
 */
final class VectorWindows {
    /** Must be static final: a species read from a field the JIT cannot fold is ~60x slower. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    private static final float[] IOTA = new float[VL];

    static {
        for (int i = 0; i < VL; i++) {
            IOTA[i] = i;
        }
    }

    private VectorWindows() {
    }

    /**
     * Whether every whole-vector read of {@link #col2imF} for the plane at {@code c[src ..]} stays inside an array of
     * {@code length}: the reads start at most {@code (kernelW - 1) * dilationW} before the plane and end at most a
     * vector, a row and the left padding after it.
     */
    static boolean readsInside(int src, Window2d g, int length) {
        long lo = (long) src - (long) (g.kernelW() - 1) * g.dilationW();
        long hi = (long) src + (long) g.taps() * g.positions() + g.padLeft() + g.width() + VL;
        return lo >= 0 && hi <= length;
    }

    /** A scratch array for the plane functions: a vector's lanes. */
    static float[] scratch() {
        return new float[VL];
    }

    /**
     * The image plane {@code o[dst ..]} ({@code height x width}) summed from the columns at {@code c[src ..]}
     * ({@code taps x positions}); stride W must be 1 and {@link #readsInside} true. Writes every element of the
     * plane. The sum over the taps is one flat loop: JDK 17's C2 boxes a vector accumulated through two nested loops
     * (15x slower).
     */
    static void col2imF(float[] c, int src, float[] o, int dst, Window2d g, float[] tmp) {
        int outH = g.outH(), outW = g.outW(), width = g.width(), height = g.height(), positions = g.positions();
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), pt = g.padTop(), pl = g.padLeft();
        int dh = g.dilationH(), dw = g.dilationW();
        int planeEnd = dst + height * width;
        int[] rows = new int[kh];
        // one read per cache line, in order, before the gather reads the plane's columns as kernelH * kernelW
        // interleaved streams, more than the hardware prefetcher follows when the columns come from memory
        int end = src + g.taps() * positions, bits = 0;
        for (int i = src; i < end; i += 16) {
            bits |= Float.floatToRawIntBits(c[i]);
        }
        tmp[0] = bits;
        FloatVector iota = FloatVector.fromArray(F, IOTA, 0);
        FloatVector zero = FloatVector.zero(F);
        for (int h = 0; h < height; h++) {
            int n = 0; // the column rows of the taps that reach image row h, in tap order
            for (int ki = 0; ki < kh; ki++) {
                int num = h + pt - ki * dh, oh = num / sh;
                if (num >= 0 && oh * sh == num && oh < outH) {
                    rows[n++] = src + ki * kw * positions + oh * outW;
                }
            }
            int orow = dst + h * width, entries = n * kw;
            for (int w0 = 0; w0 < width; w0 += VL) {
                FloatVector acc = zero;
                int wEnd = Math.min(w0 + VL, width);
                for (int e = 0, q = 0, kj = 0; e < entries; e++) {
                    int shift = pl - kj * dw; // window position of column w: w + shift
                    int l = Math.max(w0, -shift) - w0, r = Math.min(wEnd, outW - shift) - w0;
                    int base = rows[q] + kj * positions + shift + w0;
                    VectorMask<Float> m = iota.compare(VectorOperators.GE, (float) l)
                            .and(iota.compare(VectorOperators.LT, (float) r));
                    acc = acc.add(zero.blend(FloatVector.fromArray(F, c, base), m));
                    if (++kj == kw) {
                        kj = 0;
                        q++;
                    }
                }
                int to = orow + w0;
                boolean fits = to + VL <= planeEnd;
                acc.intoArray(fits ? o : tmp, fits ? to : 0);
                if (!fits) {
                    System.arraycopy(tmp, 0, o, to, wEnd - w0);
                }
            }
        }
    }
}
