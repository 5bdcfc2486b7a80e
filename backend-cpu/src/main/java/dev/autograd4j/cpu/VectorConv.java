package dev.autograd4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API inner kernel of {@link ConvWeights}: lane-wise partial dot products of the output gradient's rows
 * with one sample's columns, four rows of each at a time. Only reached after {@link VectorKernels#ENABLED}.
 *
 * <p>Everything stays inside one method, accumulators included, and no vector crosses a call: JDK 17's C2 sometimes
 * compiles a small vector helper on its own and will not inline it afterwards, and vectors passed to or returned from
 * a call that is not inlined are boxed (the Java fallback of every lane operation).
 */
final class VectorConv {
    /** Must be static final: a species read from a field the JIT cannot fold is ~60x slower. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int VL = F.length();

    private VectorConv() {
    }

    /**
     * For rows {@code o0..o0+3} of g (clamped to {@code rowsG - 1}; row r at {@code g[gBase + r * gStride]}) and rows
     * {@code k0..k0+3} of c (clamped to {@code rowsC - 1}; row r at {@code c[cBase + r * cStride]}), both {@code len}
     * long (a multiple of {@link #VL}): {@code part[partBase + ((o * partStride) + k) * VL + lane] += sum over p = lane
     * (mod VL) of g[o][p] * c[k][p]}, each product fused into the lane's running sum in order of p. All 16 pairs are
     * stored: part must have room for rows {@code o0 + 3} and columns {@code k0 + 3} ({@code partStride} at least
     * {@code k0 + 4}); the pairs past the matrices hold clamped rows' sums, to be ignored.
     */
    static void dot4x4(float[] g, int gBase, int gStride, int rowsG, int o0, float[] c, int cBase, int cStride,
                       int rowsC, int k0, int len, float[] part, int partBase, int partStride) {
        int g0 = gBase + Math.min(o0, rowsG - 1) * gStride, g1 = gBase + Math.min(o0 + 1, rowsG - 1) * gStride;
        int g2 = gBase + Math.min(o0 + 2, rowsG - 1) * gStride, g3 = gBase + Math.min(o0 + 3, rowsG - 1) * gStride;
        int c0 = cBase + Math.min(k0, rowsC - 1) * cStride, c1 = cBase + Math.min(k0 + 1, rowsC - 1) * cStride;
        int c2 = cBase + Math.min(k0 + 2, rowsC - 1) * cStride, c3 = cBase + Math.min(k0 + 3, rowsC - 1) * cStride;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int p = 0; p < len; p += VL) {
            FloatVector x0 = FloatVector.fromArray(F, c, c0 + p), x1 = FloatVector.fromArray(F, c, c1 + p);
            FloatVector x2 = FloatVector.fromArray(F, c, c2 + p), x3 = FloatVector.fromArray(F, c, c3 + p);
            FloatVector y = FloatVector.fromArray(F, g, g0 + p);
            a00 = y.fma(x0, a00);
            a01 = y.fma(x1, a01);
            a02 = y.fma(x2, a02);
            a03 = y.fma(x3, a03);
            y = FloatVector.fromArray(F, g, g1 + p);
            a10 = y.fma(x0, a10);
            a11 = y.fma(x1, a11);
            a12 = y.fma(x2, a12);
            a13 = y.fma(x3, a13);
            y = FloatVector.fromArray(F, g, g2 + p);
            a20 = y.fma(x0, a20);
            a21 = y.fma(x1, a21);
            a22 = y.fma(x2, a22);
            a23 = y.fma(x3, a23);
            y = FloatVector.fromArray(F, g, g3 + p);
            a30 = y.fma(x0, a30);
            a31 = y.fma(x1, a31);
            a32 = y.fma(x2, a32);
            a33 = y.fma(x3, a33);
        }
        // every pair stored, the ones past the matrices into padding the caller ignores: no branch to deoptimize on
        int r0 = partBase + (o0 * partStride + k0) * VL, r1 = r0 + partStride * VL, r2 = r1 + partStride * VL;
        int r3 = r2 + partStride * VL;
        FloatVector.fromArray(F, part, r0).add(a00).intoArray(part, r0);
        FloatVector.fromArray(F, part, r0 + VL).add(a01).intoArray(part, r0 + VL);
        FloatVector.fromArray(F, part, r0 + 2 * VL).add(a02).intoArray(part, r0 + 2 * VL);
        FloatVector.fromArray(F, part, r0 + 3 * VL).add(a03).intoArray(part, r0 + 3 * VL);
        FloatVector.fromArray(F, part, r1).add(a10).intoArray(part, r1);
        FloatVector.fromArray(F, part, r1 + VL).add(a11).intoArray(part, r1 + VL);
        FloatVector.fromArray(F, part, r1 + 2 * VL).add(a12).intoArray(part, r1 + 2 * VL);
        FloatVector.fromArray(F, part, r1 + 3 * VL).add(a13).intoArray(part, r1 + 3 * VL);
        FloatVector.fromArray(F, part, r2).add(a20).intoArray(part, r2);
        FloatVector.fromArray(F, part, r2 + VL).add(a21).intoArray(part, r2 + VL);
        FloatVector.fromArray(F, part, r2 + 2 * VL).add(a22).intoArray(part, r2 + 2 * VL);
        FloatVector.fromArray(F, part, r2 + 3 * VL).add(a23).intoArray(part, r2 + 3 * VL);
        FloatVector.fromArray(F, part, r3).add(a30).intoArray(part, r3);
        FloatVector.fromArray(F, part, r3 + VL).add(a31).intoArray(part, r3 + VL);
        FloatVector.fromArray(F, part, r3 + 2 * VL).add(a32).intoArray(part, r3 + 2 * VL);
        FloatVector.fromArray(F, part, r3 + 3 * VL).add(a33).intoArray(part, r3 + 3 * VL);
    }
}
