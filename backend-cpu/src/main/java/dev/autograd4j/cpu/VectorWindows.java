package dev.autograd4j.cpu;

import dev.autograd4j.spi.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API im2col and col2im of one float plane with a horizontal stride of 1 (every convolution of the MNIST CNN).
 * Only reached from {@link Windows} after {@link VectorKernels#ENABLED}, so its Vector API classes are never loaded
 * without the module.
 *
 * <p>Both write a plane in ascending order with whole vectors: a vector that runs past the end of a row spills into
 * the next row, which is written afterwards, so only a vector that would cross the end of the plane (whose next
 * plane another thread may own) is stored through a scratch array. Lanes that fall outside the image or outside a
 * row of columns are masked: im2col puts the padding value there, col2im adds +0.
 *
 * <p>col2im gathers instead of scattering: each output element is the sum, in the order of the taps, of the columns
 * that cover it, starting from +0, so it gets the same adds in the same order as the scalar loop of {@link Windows}
 * (which adds each tap's row into a zero-filled plane), and the same bits; adding +0 in a masked lane changes no
 * sum, which is never -0 when it starts at +0. The plane is fully written, so no zero fill comes first.
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

    /** A scratch array for the plane functions: a vector's lanes. */
    static float[] scratch() {
        return new float[VL];
    }

    /**
     * The columns {@code o[dst ..]} ({@code taps x positions}) of the plane at {@code a[src ..]}; stride W must be 1.
     * The vector work is branch free (every lane masked, the rare load that would leave the array read from a copy):
     * JDK 17's C2 boxes a vector merged from two branches and falls back to the Java lane loops.
     */
    static void im2colF(float[] a, int src, float[] o, int dst, Window2d g, float pad, float[] tmp) {
        int outH = g.outH(), outW = g.outW(), width = g.width(), height = g.height(), positions = g.positions();
        int kw = g.kernelW(), sh = g.strideH(), pt = g.padTop(), dh = g.dilationH();
        int planeEnd = dst + g.taps() * positions;
        FloatVector iota = FloatVector.fromArray(F, IOTA, 0);
        FloatVector padv = FloatVector.broadcast(F, pad);
        for (int t = 0; t < g.taps(); t++) {
            int ki = t / kw, kj = t % kw;
            int row = dst + t * positions;
            int w0 = kj * g.dilationW() - g.padLeft(); // input column of window position 0
            int lo = Math.min(outW, Math.max(0, -w0)), hi = Math.max(lo, Math.min(outW, width - w0));
            for (int oh = 0; oh < outH; oh++) {
                int h = oh * sh - pt + ki * dh;
                int at = row + oh * outW;
                boolean inside = h >= 0 && h < height;
                int line = src + h * width + w0;
                for (int ow0 = 0; ow0 < outW; ow0 += VL) {
                    int l = Math.max(lo, ow0) - ow0, r = inside ? Math.min(hi, ow0 + VL) - ow0 : 0;
                    int base = line + ow0;
                    boolean ok = base >= 0 && base + VL <= a.length;
                    if (!ok) {
                        for (int i = 0; i < VL; i++) {
                            tmp[i] = i >= l && i < r ? a[base + i] : pad;
                        }
                    }
                    VectorMask<Float> m = iota.compare(VectorOperators.GE, (float) l)
                            .and(iota.compare(VectorOperators.LT, (float) r));
                    FloatVector v = padv.blend(FloatVector.fromArray(F, ok ? a : tmp, ok ? base : 0), m);
                    int to = at + ow0;
                    boolean fits = to + VL <= planeEnd;
                    v.intoArray(fits ? o : tmp, fits ? to : 0);
                    if (!fits) {
                        System.arraycopy(tmp, 0, o, to, Math.min(VL, outW - ow0));
                    }
                }
            }
        }
    }

    /**
     * The image plane {@code o[dst ..]} ({@code height x width}) summed from the columns at {@code c[src ..]}
     * ({@code taps x positions}); stride W must be 1. Writes every element of the plane. Branch free in the vector
     * work as {@link #im2colF}, and the sum over the taps is one flat loop: JDK 17's C2 boxes a vector accumulated
     * through two nested loops (15x slower).
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
                    boolean ok = base >= 0 && base + VL <= c.length;
                    if (!ok) {
                        for (int i = 0; i < VL; i++) {
                            tmp[i] = i >= l && i < r ? c[base + i] : 0f;
                        }
                    }
                    VectorMask<Float> m = iota.compare(VectorOperators.GE, (float) l)
                            .and(iota.compare(VectorOperators.LT, (float) r));
                    acc = acc.add(zero.blend(FloatVector.fromArray(F, ok ? c : tmp, ok ? base : 0), m));
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
