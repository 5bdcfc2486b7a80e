package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API loops for contiguous float32 elementwise ops. Load only through {@link VectorKernels}. */
final class VectorElementwise {
    /** Must be static final: a species read from a field the JIT cannot fold is ~60x slower. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    private VectorElementwise() {
    }

    static boolean supports(UnaryOp op) {
        return switch (op) {
            // Not EXP, LOG, TANH, SIGMOID: their lanewise forms are SVML intrinsics once C2 compiles the loop
            // (8x faster) but a per-lane Java fallback before that, so the same run gave different last
            // bits cold and warm: seeded training must reproduce exactly.
            case NEG, ABS, RELU, STEP, ADD_SCALAR, MUL_SCALAR, SQRT -> true;
            default -> false;
        };
    }

    static boolean supports(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV -> true;
            default -> false;
        };
    }

    static void unary(UnaryOp op, float[] x, int xo, float[] o, int oo, int n, float p0, float p1) {
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector r = switch (op) {
                case NEG -> v.neg();
                case ABS -> v.abs();
                // max(v, 0) would turn NaN into 0; the blend keeps NaN as PyTorch does
                case RELU -> v.blend(0f, v.compare(VectorOperators.LT, 0f));
                case STEP -> ONE.blend(0f, v.compare(VectorOperators.LE, 0f));
                case ADD_SCALAR -> v.add(p0);
                case MUL_SCALAR -> v.mul(p0);
                case SQRT -> v.sqrt();
                default -> throw new IllegalStateException(op.name());
            };
            r.intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            o[oo + i] = (float) ScalarMath.unary(op, x[xo + i], p0, p1);
        }
    }

    static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, a, ao + i), y = FloatVector.fromArray(F, b, bo + i);
            FloatVector r = switch (op) {
                case ADD -> x.add(y);
                case SUB -> x.sub(y);
                case MUL -> x.mul(y);
                case DIV -> x.div(y);
                default -> throw new IllegalStateException(op.name());
            };
            r.intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            o[oo + i] = (float) ScalarMath.binary(op, a[ao + i], b[bo + i]);
        }
    }
}
