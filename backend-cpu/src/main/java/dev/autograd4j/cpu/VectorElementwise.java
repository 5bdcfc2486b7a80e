package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API loops for contiguous float32 elementwise ops. Load only through {@link VectorKernels}. */
final class VectorElementwise {
    /** Must be static final: a species read from a field the JIT cannot fold is ~60x slower. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    /**
     * {@link #ROUNDER} + 152, sigmoid's: the same n (152 is even, so ties round alike) and shifted's low bits already
     * hold the exponent field of 2^(n + 25), which saves an integer add per vector.
     */
    private static final float ROUNDER_152 = 12582912f + 152f;
    private static final float NEG_LN2_HI = -0.693359375f;
    private static final float NEG_LN2_LO = 2.12194440e-4f;
    private static final float EXP_C1 = 1.9875691500E-4f, EXP_C2 = 1.3981999507E-3f, EXP_C3 = 8.3334519073E-3f,
            EXP_C4 = 4.1665795894E-2f, EXP_C5 = 1.6666665459E-1f, EXP_C6 = 5.0000001201E-1f;

    private VectorElementwise() {
    }

    static boolean supports(UnaryOp op) {
        return switch (op) {
            // EXP and SIGMOID use our own polynomial, not lanewise(EXP): that one is an SVML intrinsic once
            // C2 compiles the loop but a per-lane Java fallback before, so the same run gave different
            // last bits cold and warm, and seeded training must reproduce exactly.
            case NEG, ABS, RELU, STEP, ADD_SCALAR, MUL_SCALAR, SQRT, EXP, SIGMOID -> true;
            default -> false;
        };
    }

    static boolean supports(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, RELU_BACKWARD -> true;
            default -> false;
        };
    }

    /**
     * One loop per op, the switch outside it: a switch choosing among vector results inside the loop merges
     * vectors through a phi, which JDK 17's C2 cannot keep in registers, so it boxed every vector and fell back to
     * the Java implementations of the lane operations.
     */
    static void unary(UnaryOp op, float[] x, int xo, float[] o, int oo, int n, float p0, float p1) {
        int bound = F.loopBound(n), step = F.length();
        int i = 0;
        switch (op) {
            case NEG -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, x, xo + i).neg().intoArray(o, oo + i);
                }
            }
            case ABS -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, x, xo + i).abs().intoArray(o, oo + i);
                }
            }
            case RELU -> {
                // max(v, 0) would turn NaN into 0; the blend keeps NaN as PyTorch does
                for (; i < bound; i += step) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    v.blend(0f, v.compare(VectorOperators.LT, 0f)).intoArray(o, oo + i);
                }
            }
            case STEP -> {
                for (; i < bound; i += step) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    FloatVector.broadcast(F, 1f).blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(o, oo + i);
                }
            }
            case ADD_SCALAR -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, x, xo + i).add(p0).intoArray(o, oo + i);
                }
            }
            case MUL_SCALAR -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, x, xo + i).mul(p0).intoArray(o, oo + i);
                }
            }
            case SQRT -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, x, xo + i).sqrt().intoArray(o, oo + i);
                }
            }
            case EXP -> i = expLoop(x, xo, o, oo, bound);
            case SIGMOID -> i = sigmoidLoop(x, xo, o, oo, bound);
            default -> throw new IllegalStateException(op.name());
        }
        for (; i < n; i++) {
            o[oo + i] = (float) op.apply(x[xo + i], p0, p1);
        }
    }

    /*
     * The transcendental loops write their vector math out in the loop body, with no helper method taking or
     * returning vectors: when C2 (JDK 17) had compiled such a helper on its own first, it would not inline the
     * bigger compiled code into the loop ("already compiled into a big method"), every vector was then boxed and
     * the lanes ran the Java fallbacks (FloatVector.blendTemplate, stOp): sigmoid in W4 ran 5-10x slower than
     * the same loop compiled whole. Constants are scalars or vectors broadcast in the loop, never static final
     * vectors: C2 reloads a static vector's payload on every use (about 20% slower).
     */

    /**
     * e^x in float32 from IEEE add/mul/fma only (Cephes' expf: x = n ln2 + r, |r| <= ln2/2, degree-6
     * polynomial, 2^n applied as two exponent-bit factors so subnormal results survive), so every JIT
     * tier gives the same bits; within a few ulp of Math.exp. Returns the index after the last element written.
     */
    private static int expLoop(float[] x, int xo, float[] o, int oo, int bound) {
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector clamped = v.max(-104f).min(88.7228f);
            FloatVector shifted = clamped.fma(LOG2E, ROUNDER);          // 1.5 * 2^23 + round(x / ln2)
            FloatVector n = shifted.sub(ROUNDER);
            // r = x - n ln2 in two parts; e^r = 1 + r + r^2 p(r)
            FloatVector r = n.fma(FloatVector.broadcast(F, NEG_LN2_HI), clamped).add(n.mul(NEG_LN2_LO));
            FloatVector p = r.fma(EXP_C1, EXP_C2);
            p = p.fma(r, FloatVector.broadcast(F, EXP_C3));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C4));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C5));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C6));
            FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
            IntVector whole = shifted.reinterpretAsInts().sub(0x4B400000);
            IntVector half = whole.lanewise(VectorOperators.ASHR, 1);
            FloatVector scaleA = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector scaleB = whole.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector result = e.mul(scaleA).mul(scaleB);
            result = result.blend(0f, v.compare(VectorOperators.LT, -104f));
            result = result.blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.GT, 88.7228f));
            result.blend(v, v.compare(VectorOperators.NE, v)).intoArray(o, oo + i); // NaN stays NaN
        }
        return i;
    }

    /**
     * 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below, so no exp overflows (as ScalarFunctions.sigmoid), with
     * e = e^-|x| by {@link #expLoop}'s method and bits, in less work: for t = -|x| &lt;= 0, n = round(t / ln2) lies
     * in [-150, 0], so 2^n is one exact scaling by 2^(n + 25) (a normal number for every n) and one rounding
     * multiply by 2^-25, which rounds e 2^n once as expLoop's two factors do; below -104 the clamped argument's
     * result rounds to 0, as expLoop gives there; NaN propagates through max. Returns the index after the last
     * element written.
     */
    private static int sigmoidLoop(float[] x, int xo, float[] o, int oo, int bound) {
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            // -|x| as one OR of the sign bit (abs then neg were two ops; same bits for every float, NaN included)
            FloatVector clamped = v.reinterpretAsInts().or(0x80000000).reinterpretAsFloats().max(-104f);
            FloatVector shifted = clamped.fma(LOG2E, ROUNDER_152); // 1.5 * 2^23 + 152 + n
            FloatVector n = shifted.sub(ROUNDER_152);
            FloatVector r = n.fma(FloatVector.broadcast(F, NEG_LN2_HI), clamped).add(n.mul(NEG_LN2_LO));
            FloatVector p = r.fma(EXP_C1, EXP_C2);
            p = p.fma(r, FloatVector.broadcast(F, EXP_C3));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C4));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C5));
            p = p.fma(r, FloatVector.broadcast(F, EXP_C6));
            FloatVector poly = p.mul(r.mul(r)).add(r).add(1f);
            // shifted's low 9 bits are n + 152's (1.5 * 2^23 has none): (n + 25 + 127) << 23 is 2^(n + 25)
            FloatVector scale = shifted.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = poly.mul(scale).mul(0x1p-25f);
            FloatVector positive = FloatVector.broadcast(F, 1f).div(e.add(1f));
            positive.blend(e.mul(positive), v.compare(VectorOperators.LT, 0f)).intoArray(o, oo + i);
        }
        return i;
    }

    static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int bound = F.loopBound(n), step = F.length();
        int i = 0;
        switch (op) {
            case ADD -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                }
            }
            case SUB -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).sub(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                }
            }
            case MUL -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                }
            }
            case DIV -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).div(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                }
            }
            case RELU_BACKWARD -> {
                for (; i < bound; i += step) {
                    FloatVector x = FloatVector.fromArray(F, a, ao + i), y = FloatVector.fromArray(F, b, bo + i);
                    x.blend(0f, y.compare(VectorOperators.LE, 0f)).intoArray(o, oo + i);
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
        for (; i < n; i++) {
            o[oo + i] = (float) op.apply(a[ao + i], b[bo + i]);
        }
    }

    /**
     * {@link #binary} with one operand a scalar broadcast along the row ({@code a[ao]} when {@code aScalar},
     * else {@code b[bo]}): a per-channel mean or scale applied to a row of pixels. Same bits as the scalar loop.
     */
    static void binaryBroadcast(BinaryOp op, float[] a, int ao, boolean aScalar, float[] b, int bo, float[] o,
                                int oo, int n) {
        int bound = F.loopBound(n), step = F.length();
        int i = 0;
        if (aScalar) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            switch (op) {
                case ADD -> {
                    for (; i < bound; i += step) {
                        x.add(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                }
                case SUB -> {
                    for (; i < bound; i += step) {
                        x.sub(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                }
                case MUL -> {
                    for (; i < bound; i += step) {
                        x.mul(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                }
                case DIV -> {
                    for (; i < bound; i += step) {
                        x.div(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                }
                case RELU_BACKWARD -> {
                    for (; i < bound; i += step) {
                        FloatVector y = FloatVector.fromArray(F, b, bo + i);
                        x.blend(0f, y.compare(VectorOperators.LE, 0f)).intoArray(o, oo + i);
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
            for (; i < n; i++) {
                o[oo + i] = (float) op.apply(a[ao], b[bo + i]);
            }
            return;
        }
        FloatVector y = FloatVector.broadcast(F, b[bo]);
        switch (op) {
            case ADD -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).add(y).intoArray(o, oo + i);
                }
            }
            case SUB -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).sub(y).intoArray(o, oo + i);
                }
            }
            case MUL -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).mul(y).intoArray(o, oo + i);
                }
            }
            case DIV -> {
                for (; i < bound; i += step) {
                    FloatVector.fromArray(F, a, ao + i).div(y).intoArray(o, oo + i);
                }
            }
            case RELU_BACKWARD -> {
                for (; i < bound; i += step) {
                    FloatVector x = FloatVector.fromArray(F, a, ao + i);
                    x.blend(0f, y.compare(VectorOperators.LE, 0f)).intoArray(o, oo + i);
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
        for (; i < n; i++) {
            o[oo + i] = (float) op.apply(a[ao + i], b[bo]);
        }
    }

    /** {@code d += s * a}: the product rounded, then the sum (the bits of MUL_SCALAR then ADD). */
    static void addScaled(float[] s, int so, float a, float[] d, int dOff, int n) {
        int bound = F.loopBound(n), step = F.length();
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector product = FloatVector.fromArray(F, s, so + i).mul(a);
            FloatVector.fromArray(F, d, dOff + i).add(product).intoArray(d, dOff + i);
        }
        for (; i < n; i++) {
            d[dOff + i] = d[dOff + i] + s[so + i] * a;
        }
    }
}
