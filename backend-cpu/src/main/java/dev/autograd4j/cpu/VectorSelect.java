package dev.autograd4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops of {@code where} on float32 rows: the condition read as a mask straight from the boolean[],
 * each choice a contiguous run or one scalar. A select moves bits, so the result is the scalar loop's. One loop
 * per case, the case chosen outside it (a choice among vectors inside a loop boxed them on JDK 17). Load only
 * through {@link Selects}.
 */
final class VectorSelect {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorSelect() {
    }

    /**
     * {@code o[oi + i] = c[ci + i] ? x : y} for i in [0, n), x read at {@code x[xi + i]} or, when xScalar, always at
     * {@code x[xi]} (y likewise).
     */
    static void where(boolean[] c, int ci, float[] x, int xi, boolean xScalar, float[] y, int yi, boolean yScalar,
                      float[] o, int oi, int n) {
        int i = 0, bound = F.loopBound(n);
        if (xScalar && yScalar) {
            float a = x[xi], b = y[yi];
            for (; i < bound; i += F.length()) {
                VectorMask<Float> m = VectorMask.fromArray(F, c, ci + i);
                FloatVector.broadcast(F, b).blend(FloatVector.broadcast(F, a), m).intoArray(o, oi + i);
            }
        } else if (xScalar) {
            float a = x[xi];
            for (; i < bound; i += F.length()) {
                VectorMask<Float> m = VectorMask.fromArray(F, c, ci + i);
                FloatVector.fromArray(F, y, yi + i).blend(FloatVector.broadcast(F, a), m).intoArray(o, oi + i);
            }
        } else if (yScalar) {
            float b = y[yi];
            for (; i < bound; i += F.length()) {
                VectorMask<Float> m = VectorMask.fromArray(F, c, ci + i);
                FloatVector.broadcast(F, b).blend(FloatVector.fromArray(F, x, xi + i), m).intoArray(o, oi + i);
            }
        } else {
            for (; i < bound; i += F.length()) {
                VectorMask<Float> m = VectorMask.fromArray(F, c, ci + i);
                FloatVector.fromArray(F, y, yi + i).blend(FloatVector.fromArray(F, x, xi + i), m).intoArray(o, oi + i);
            }
        }
        for (; i < n; i++) {
            o[oi + i] = c[ci + i] ? x[xScalar ? xi : xi + i] : y[yScalar ? yi : yi + i];
        }
    }
}
