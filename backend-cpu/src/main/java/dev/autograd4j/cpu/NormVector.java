package dev.autograd4j.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link NormStats}' float32 row sums, with the same bits. JDK 17 does not intrinsify the
 * float-to-double conversion ({@code castShape(F2D)} ran 2 ns an element, 30x slower), so each float vector is
 * read as longs and every float widened exactly by moving bits: the float's magnitude bits shifted left by 29 are
 * a double of the same mantissa whose value is the float's times 2^-896 (subnormals included), so one
 * multiplication by 2^896 (exact) gives the float as a double, and the sign bit is put back. The even elements of
 * a vector go to one double accumulator, the odd ones to another; {@link NormStats} adds the same elements in the
 * same order in plain Java. Infinite and NaN inputs would come out finite this way: the loops keep the largest
 * magnitude bits and, when a row holds one, hand it to the plain version. Load only through {@link NormStats}.
 *
 * <p>The vector math is written out in each loop body (no helper taking or returning vectors), so C2 compiles each
 * loop whole instead of refusing to inline a helper compiled on its own first; and each row is one flat loop over
 * its whole vectors, stepping to the next segment inside it, with the segments' tails in a scalar loop after: with
 * a loop over segments around a loop over vectors, C2 (JDK 17) kept the accumulators boxed across the outer loop
 * and the sums ran 15x slower.
 */
final class NormVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats per vector: the lanes of {@link NormStats}' order. */
    static final int LANES = F.length();
    private static final double SCALE = 0x1p896;
    private static final long ABS = 0x7FFFFFFFL;
    private static final long SIGN = Long.MIN_VALUE;
    /** Magnitude bits from here up are an infinity or a NaN. */
    private static final long NON_FINITE = 0x7F800000L;

    private NormVector() {
    }

    /** Whether these vector shapes fit together (floats and doubles of one shape): checked once by the gate. */
    static boolean usable() {
        return L.length() * 2 == F.length() && D.length() * 2 == F.length();
    }

    /** As {@link NormStats#sumPlain}; lanes holds at least {@link #LANES} doubles. */
    static double sum(float[] a, int base, int segs, int len, int stride, double[] lanes) {
        DoubleVector ev = DoubleVector.zero(D), od = DoubleVector.zero(D);
        LongVector big = LongVector.zero(L);
        int full = F.loopBound(len), total = segs * (full / F.length());
        for (int t = 0, off = base, i = 0; t < total; t++) {
            LongVector l = FloatVector.fromArray(F, a, off + i).reinterpretAsLongs();
            LongVector ea = l.and(ABS);
            LongVector oa = l.lanewise(VectorOperators.LSHR, 32).and(ABS);
            big = big.max(ea).max(oa);
            LongVector eb = ea.lanewise(VectorOperators.LSHL, 29)
                    .or(l.lanewise(VectorOperators.LSHL, 32).and(SIGN));
            LongVector ob = oa.lanewise(VectorOperators.LSHL, 29).or(l.and(SIGN));
            ev = ev.add(eb.reinterpretAsDoubles().mul(SCALE));
            od = od.add(ob.reinterpretAsDoubles().mul(SCALE));
            i += F.length();
            if (i == full) {
                i = 0;
                off += stride;
            }
        }
        double rest = 0;
        for (int k = 0; k < segs; k++) {
            for (int j = base + k * stride + full, end = base + k * stride + len; j < end; j++) {
                rest += a[j];
            }
        }
        if (big.reduceLanes(VectorOperators.MAX) >= NON_FINITE) {
            return NormStats.sumPlain(a, base, segs, len, stride, lanes, LANES);
        }
        ev.intoArray(lanes, 0);
        od.intoArray(lanes, LANES / 2);
        return NormStats.combine(lanes, 0, LANES, rest);
    }

    /** As {@link NormStats#squaredDeviationsPlain}. */
    static double squaredDeviations(float[] a, int base, int segs, int len, int stride, double m, double[] lanes) {
        DoubleVector ev = DoubleVector.zero(D), od = DoubleVector.zero(D);
        LongVector big = LongVector.zero(L);
        int full = F.loopBound(len), total = segs * (full / F.length());
        for (int t = 0, off = base, i = 0; t < total; t++) {
            LongVector l = FloatVector.fromArray(F, a, off + i).reinterpretAsLongs();
            LongVector ea = l.and(ABS);
            LongVector oa = l.lanewise(VectorOperators.LSHR, 32).and(ABS);
            big = big.max(ea).max(oa);
            LongVector eb = ea.lanewise(VectorOperators.LSHL, 29)
                    .or(l.lanewise(VectorOperators.LSHL, 32).and(SIGN));
            LongVector ob = oa.lanewise(VectorOperators.LSHL, 29).or(l.and(SIGN));
            DoubleVector ed = eb.reinterpretAsDoubles().mul(SCALE).sub(m);
            DoubleVector odd = ob.reinterpretAsDoubles().mul(SCALE).sub(m);
            ev = ev.add(ed.mul(ed));
            od = od.add(odd.mul(odd));
            i += F.length();
            if (i == full) {
                i = 0;
                off += stride;
            }
        }
        double rest = 0;
        for (int k = 0; k < segs; k++) {
            for (int j = base + k * stride + full, end = base + k * stride + len; j < end; j++) {
                double d = a[j] - m;
                rest += d * d;
            }
        }
        if (big.reduceLanes(VectorOperators.MAX) >= NON_FINITE) {
            return NormStats.squaredDeviationsPlain(a, base, segs, len, stride, m, lanes, LANES);
        }
        ev.intoArray(lanes, 0);
        od.intoArray(lanes, LANES / 2);
        return NormStats.combine(lanes, 0, LANES, rest);
    }
}
