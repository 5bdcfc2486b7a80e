package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.ScalarFunctions;
import dev.autograd4j.spi.UnaryOp;

/**
 * Typed row loops for the hottest elementwise ops: the op is chosen once per row by a switch, so the loop body is
 * the formula itself instead of a call through the op table's lambda (a call the JIT cannot inline in a loop
 * shared by every op). Each formula is the op table's, written out: results are the same bits as
 * {@code op.apply}. Contiguous rows get their own loops, which the JIT vectorizes.
 */
final class TypedKernels {
    private TypedKernels() {
    }

    static boolean serves(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, RELU_BACKWARD, SIGMOID_BACKWARD -> true;
            default -> false;
        };
    }

    static boolean serves(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, STEP, ADD_SCALAR, MUL_SCALAR, EXP, LOG, SQRT, SIGMOID, TANH -> true;
            default -> false;
        };
    }

    /** {@code o = op(x, y)} over a row of float64 ({@link #serves(BinaryOp)} ops). */
    static void binary(BinaryOp op, double[] x, int xi, int xs, double[] y, int yi, int ys, double[] o, int oi,
                       int os, int n) {
        if (xs == 1 && ys == 1 && os == 1) {
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] + y[yi + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] - y[yi + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] * y[yi + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] / y[yi + i];
                    }
                }
                case RELU_BACKWARD -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = y[yi + i] <= 0 ? 0.0 : x[xi + i];
                    }
                }
                case SIGMOID_BACKWARD -> {
                    for (int i = 0; i < n; i++) {
                        double b = y[yi + i];
                        o[oi + i] = x[xi + i] * (b * (1 - b));
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
            return;
        }
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] + y[yi];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] - y[yi];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] * y[yi];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] / y[yi];
                }
            }
            case RELU_BACKWARD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = y[yi] <= 0 ? 0.0 : x[xi];
                }
            }
            case SIGMOID_BACKWARD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    double b = y[yi];
                    o[oi] = x[xi] * (b * (1 - b));
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
    }

    /**
     * {@code o = op(x, y)} over a row of float32 ({@link #serves(BinaryOp)} ops). Add, subtract, multiply and
     * divide in float give the same bits as in double rounded to float (double holds more than twice float's
     * precision), so these are the op table's results; the sigmoid's gradient is computed in double as the table's.
     */
    static void binary(BinaryOp op, float[] x, int xi, int xs, float[] y, int yi, int ys, float[] o, int oi,
                       int os, int n) {
        if (xs == 1 && ys == 1 && os == 1) {
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] + y[yi + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] - y[yi + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] * y[yi + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] / y[yi + i];
                    }
                }
                case RELU_BACKWARD -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = y[yi + i] <= 0 ? 0f : x[xi + i];
                    }
                }
                case SIGMOID_BACKWARD -> {
                    for (int i = 0; i < n; i++) {
                        double b = y[yi + i];
                        o[oi + i] = (float) (x[xi + i] * (b * (1 - b)));
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
            return;
        }
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] + y[yi];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] - y[yi];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] * y[yi];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = x[xi] / y[yi];
                }
            }
            case RELU_BACKWARD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    o[oi] = y[yi] <= 0 ? 0f : x[xi];
                }
            }
            case SIGMOID_BACKWARD -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys, oi += os) {
                    double b = y[yi];
                    o[oi] = (float) (x[xi] * (b * (1 - b)));
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
    }

    /** {@code o = op(x)} over a row of float64 ({@link #serves(UnaryOp)} ops). */
    static void unary(UnaryOp op, double[] x, int xi, int xs, double[] o, int oi, int os, int n, double p0) {
        if (xs == 1 && os == 1) {
            switch (op) {
                case NEG -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = -x[xi + i];
                    }
                }
                case ADD_SCALAR -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] + p0;
                    }
                }
                case MUL_SCALAR -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] * p0;
                    }
                }
                default -> unaryStrided(op, x, xi, 1, o, oi, 1, n, p0);
            }
            return;
        }
        unaryStrided(op, x, xi, xs, o, oi, os, n, p0);
    }

    private static void unaryStrided(UnaryOp op, double[] x, int xi, int xs, double[] o, int oi, int os, int n,
                                     double p0) {
        switch (op) {
            case NEG -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = -x[xi];
                }
            }
            case ABS -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = Math.abs(x[xi]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    double v = x[xi];
                    o[oi] = v > 0 ? v : (v != v ? v : 0.0);
                }
            }
            case STEP -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = x[xi] <= 0 ? 0.0 : 1.0;
                }
            }
            case ADD_SCALAR -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = x[xi] + p0;
                }
            }
            case MUL_SCALAR -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = x[xi] * p0;
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = Math.exp(x[xi]);
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = Math.log(x[xi]);
                }
            }
            case SQRT -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = Math.sqrt(x[xi]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = ScalarFunctions.sigmoid(x[xi]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++, xi += xs, oi += os) {
                    o[oi] = Math.tanh(x[xi]);
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
    }
}
