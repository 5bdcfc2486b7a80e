package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;

/**
 * Typed row loops of {@code where} and of the comparisons (eq, ne, lt, le, gt, ge) into bool, for the strided walk
 * of {@link CpuBackend}: the op chosen once per row, not per element through {@link BinaryOp#apply}. Float32
 * {@code where} over contiguous rows runs on the Vector API when it is there ({@link VectorSelect}), otherwise
 * without branches (a random mask, dropout's, made the branchy loop mispredict half its elements: 5 ns each).
 */
final class Selects {
    private Selects() {
    }

    /** {@code o = c ? x : y} along one row of a strided walk (strides of cond, x, y, out). */
    static void where(boolean[] c, int ci, int cs, float[] x, int xi, int xs, float[] y, int yi, int ys, float[] o,
                      int oi, int os, int n) {
        if (VectorKernels.ENABLED && cs == 1 && os == 1 && (xs == 0 || xs == 1) && (ys == 0 || ys == 1)) {
            VectorSelect.where(c, ci, x, xi, xs == 0, y, yi, ys == 0, o, oi, n);
            return;
        }
        for (int i = 0; i < n; i++, ci += cs, xi += xs, yi += ys, oi += os) {
            int a = Float.floatToRawIntBits(x[xi]), b = Float.floatToRawIntBits(y[yi]);
            o[oi] = Float.intBitsToFloat(b ^ ((a ^ b) & -(c[ci] ? 1 : 0)));
        }
    }

    /** Whether {@link #compare} serves op. */
    static boolean serves(BinaryOp op) {
        return op.isComparison();
    }

    /** {@code o = x op y} along one row (float32 operands). */
    static void compare(BinaryOp op, float[] x, int xi, int xs, float[] y, int yi, int ys, boolean[] o, int oi,
                        int os, int n) {
        switch (op) {
            case EQ -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] == y[yi];
                }
            }
            case NE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] != y[yi];
                }
            }
            case LT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] < y[yi];
                }
            }
            case LE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] <= y[yi];
                }
            }
            case GT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] > y[yi];
                }
            }
            case GE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] >= y[yi];
                }
            }
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    /** {@code o = x op y} along one row (float64 operands). */
    static void compare(BinaryOp op, double[] x, int xi, int xs, double[] y, int yi, int ys, boolean[] o, int oi,
                        int os, int n) {
        switch (op) {
            case EQ -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] == y[yi];
                }
            }
            case NE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] != y[yi];
                }
            }
            case LT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] < y[yi];
                }
            }
            case LE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] <= y[yi];
                }
            }
            case GT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] > y[yi];
                }
            }
            case GE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] >= y[yi];
                }
            }
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    /** Uniform draws in [0, 1) as float32: {@code CounterRandom.uniformFloat(seed, counter + i)} into o[from, to). */
    static void uniform(float[] o, int base, long seed, long counter, int from, int to) {
        for (int i = from; i < to; i++) {
            o[base + i] = dev.autograd4j.spi.CounterRandom.uniformFloat(seed, counter + i);
        }
    }
}
