package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.UnaryOp;

/** The elementwise formulas of the CPU backend, one switch each (the JIT inlines them into the loops). */
final class ScalarMath {
    private ScalarMath() {
    }

    static double unary(UnaryOp op, double x, double p0, double p1) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case LOG1P: return Math.log1p(x);
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            case SIGN: return Math.signum(x);
            case RELU: return x > 0 ? x : (x != x ? x : 0.0);
            case SIGMOID: return sigmoid(x);
            case TANH: return Math.tanh(x);
            case SIN: return Math.sin(x);
            case COS: return Math.cos(x);
            case POW_SCALAR: return pow(x, p0);
            case RPOW_SCALAR: return Math.pow(p0, x);
            case ADD_SCALAR: return x + p0;
            case MUL_SCALAR: return x * p0;
            case RDIV_SCALAR: return p0 / x;
            case CLAMP: {
                if (x != x) {
                    return x;
                }
                double r = x;
                if (p0 == p0 && r < p0) {
                    r = p0;
                }
                if (p1 == p1 && r > p1) {
                    r = p1;
                }
                return r;
            }
            case STEP: return x <= 0 ? 0.0 : 1.0;
            case INSIDE: return (p0 != p0 || x >= p0) && (p1 != p1 || x <= p1) ? 1.0 : 0.0;
            default: throw new UnsupportedOperationException("unary op " + op);
        }
    }

    /** Stable for large |x|: never computes exp of a large positive number. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    private static double pow(double x, double p) {
        if (p == 2) {
            return x * x;
        }
        if (p == 1) {
            return x;
        }
        if (p == 0.5) {
            return Math.sqrt(x);
        }
        return Math.pow(x, p);
    }

    static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case MAXIMUM: return a != a || b != b ? Double.NaN : Math.max(a, b);
            case MINIMUM: return a != a || b != b ? Double.NaN : Math.min(a, b);
            case EQ: return a == b ? 1 : 0;
            case NE: return a != b ? 1 : 0;
            case LT: return a < b ? 1 : 0;
            case LE: return a <= b ? 1 : 0;
            case GT: return a > b ? 1 : 0;
            case GE: return a >= b ? 1 : 0;
            case BCE_WITH_LOGITS: return (1 - b) * a + Math.max(-a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
            case SIGMOID_SUB: return sigmoid(a) - b;
            default: throw new UnsupportedOperationException("binary op " + op);
        }
    }
}
