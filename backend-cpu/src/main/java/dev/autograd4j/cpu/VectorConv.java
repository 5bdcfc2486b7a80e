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
     * long (a multiple of {@link #VL}): {@code part[partBase + ((o * rowsC) + k) * VL + lane] += sum over p = lane (mod VL) of
     * g[o][p] * c[k][p]}, each product fused into the lane's running sum in order of p, for the pairs inside the
     * matrices.
     */
    static void dot4x4(float[] g, int gBase, int gStride, int rowsG, int o0, float[] c, int cBase, int cStride,
                       int rowsC, int k0, int len, float[] part, int partBase) {
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
        int rows = Math.min(4, rowsG - o0), cols = Math.min(4, rowsC - k0);
        int at = partBase + (o0 * rowsC + k0) * VL, next = rowsC * VL, q;
        // each pair written out: a vector chosen by a branch, or passed to a helper, may be boxed
        q = at;
        FloatVector.fromArray(F, part, q).add(a00).intoArray(part, q);
        if (cols > 1) {
            q = at + VL;
            FloatVector.fromArray(F, part, q).add(a01).intoArray(part, q);
        }
        if (cols > 2) {
            q = at + 2 * VL;
            FloatVector.fromArray(F, part, q).add(a02).intoArray(part, q);
        }
        if (cols > 3) {
            q = at + 3 * VL;
            FloatVector.fromArray(F, part, q).add(a03).intoArray(part, q);
        }
        if (rows > 1) {
            q = at + next;
            FloatVector.fromArray(F, part, q).add(a10).intoArray(part, q);
        }
        if (rows > 1 && cols > 1) {
            q = at + next + VL;
            FloatVector.fromArray(F, part, q).add(a11).intoArray(part, q);
        }
        if (rows > 1 && cols > 2) {
            q = at + next + 2 * VL;
            FloatVector.fromArray(F, part, q).add(a12).intoArray(part, q);
        }
        if (rows > 1 && cols > 3) {
            q = at + next + 3 * VL;
            FloatVector.fromArray(F, part, q).add(a13).intoArray(part, q);
        }
        if (rows > 2) {
            q = at + 2 * next;
            FloatVector.fromArray(F, part, q).add(a20).intoArray(part, q);
        }
        if (rows > 2 && cols > 1) {
            q = at + 2 * next + VL;
            FloatVector.fromArray(F, part, q).add(a21).intoArray(part, q);
        }
        if (rows > 2 && cols > 2) {
            q = at + 2 * next + 2 * VL;
            FloatVector.fromArray(F, part, q).add(a22).intoArray(part, q);
        }
        if (rows > 2 && cols > 3) {
            q = at + 2 * next + 3 * VL;
            FloatVector.fromArray(F, part, q).add(a23).intoArray(part, q);
        }
        if (rows > 3) {
            q = at + 3 * next;
            FloatVector.fromArray(F, part, q).add(a30).intoArray(part, q);
        }
        if (rows > 3 && cols > 1) {
            q = at + 3 * next + VL;
            FloatVector.fromArray(F, part, q).add(a31).intoArray(part, q);
        }
        if (rows > 3 && cols > 2) {
            q = at + 3 * next + 2 * VL;
            FloatVector.fromArray(F, part, q).add(a32).intoArray(part, q);
        }
        if (rows > 3 && cols > 3) {
            q = at + 3 * next + 3 * VL;
            FloatVector.fromArray(F, part, q).add(a33).intoArray(part, q);
        }
    }
}
