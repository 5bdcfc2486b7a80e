package dev.autograd4j.spi;

/**
 * Float64 formulas of the op tables that {@link Math} lacks (erf, erfc, softplus) or that need care at
 * the edges (NaN, signed zeros, overflow). They are the CPU kernels and the reference for every other backend.
 */
public final class ScalarFunctions {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double INV_SQRT_PI = 0.5641895835477563;
    private static final double LN2 = 0.6931471805599453;
    /** Where erfc switches from 1 - series to the continued fraction (which needs ~250 terms at 0.7). */
    private static final double ERFC_FRACTION_FROM = 0.7;

    private ScalarFunctions() {
    }

    /**
     * The logistic function, computed so that no exp overflows.
     *
     * @param x any value
     * @return {@code 1 / (1 + e^-x)}
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * Power with the common exponents computed exactly as a multiplication or a square root.
     *
     * @param x the base
     * @param p the exponent
     * @return {@code x^p}
     */
    public static double pow(double x, double p) {
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

    /**
     * Clamps to {@code [lo, hi]}; a NaN bound is no bound and a NaN input stays NaN, as {@code torch.clamp}.
     *
     * @param x the value
     * @param lo the lower bound or NaN
     * @param hi the upper bound or NaN
     * @return the clamped value
     */
    public static double clamp(double x, double lo, double hi) {
        if (x != x) {
            return x;
        }
        double r = x;
        if (lo == lo && r < lo) {
            r = lo;
        }
        if (hi == hi && r > hi) {
            r = hi;
        }
        return r;
    }

    /**
     * Rounds toward zero, keeping the sign of zero results ({@code trunc(-0.5)} is -0.0).
     *
     * @param x the value
     * @return its integer part
     */
    public static double trunc(double x) {
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    /**
     * {@code floor(a / b)} as PyTorch's {@code div_floor_floating}: from {@code fmod}, so the quotient of exact
     * multiples is exact; IEEE {@code a / b} where b is 0.
     *
     * @param a the dividend
     * @param b the divisor
     * @return the floored quotient
     */
    public static double floorDivide(double a, double b) {
        if (b == 0) {
            return a / b;
        }
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) {
            div -= 1;
        }
        if (div == 0) {
            return Math.copySign(0.0, a / b);
        }
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1 : floor;
    }

    /**
     * Base-2 logarithm from the binary exponent and the logarithm of the significand, so powers of two are exact.
     *
     * @param x the value
     * @return {@code log2(x)}
     */
    public static double log2(double x) {
        if (!(x > 0) || Double.isInfinite(x) || x < Double.MIN_NORMAL) {
            return Math.log(x) / LN2; // NaN, negatives, zero, infinity and subnormals
        }
        int e = Math.getExponent(x);
        double m = Math.scalb(x, -e); // in [1, 2)
        return e + Math.log(m) / LN2;
    }

    /**
     * The error function, with a relative error of a few ulp: the everywhere-positive series
     * {@code 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!} below |x| = 2, {@code 1 - erfc} above.
     *
     * @param x the value
     * @return {@code erf(x)}
     */
    public static double erf(double x) {
        if (x != x) {
            return x;
        }
        double a = Math.abs(x);
        double r = a < 2.0 ? erfSeries(a) : 1.0 - erfcFraction(a);
        return Math.copySign(r, x);
    }

    /**
     * The complementary error function {@code 1 - erf(x)}, accurate in the tail (a continued fraction from
     * x = 0.7 on), where {@code 1 - erf} would lose every digit.
     *
     * @param x the value
     * @return {@code erfc(x)}
     */
    public static double erfc(double x) {
        if (x != x) {
            return x;
        }
        if (x < ERFC_FRACTION_FROM) {
            return x > -2.0 ? 1.0 - Math.copySign(erfSeries(Math.abs(x)), x) : 2.0 - erfcFraction(-x);
        }
        return erfcFraction(x);
    }

    private static double erfSeries(double a) {
        double x2 = a * a, term = a, sum = a;
        for (int n = 1; n < 200 && term > sum * 1e-17; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x >= 2 by Lentz's evaluation of its continued fraction, with e^(-x^2) split to stay exact. */
    private static double erfcFraction(double x) {
        if (x > 27.3) {
            return 0.0; // below the smallest subnormal
        }
        double f = x, c = x, d = 0;
        for (int n = 1; n < 2000; n++) {
            double an = n * 0.5;
            d = x + an * d;
            d = 1.0 / d;
            c = x + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                break;
            }
        }
        // x^2 = hi^2 + (x - hi)(x + hi) with hi^2 exact, so e^(-x^2) keeps full precision for large x
        double hi = Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0xffffffff00000000L);
        double expNegX2 = Math.exp(-hi * hi) * Math.exp((hi - x) * (hi + x));
        return INV_SQRT_PI * expNegX2 / f;
    }

    /**
     * Softplus as PyTorch computes it: linear above the threshold.
     *
     * @param x the value
     * @param beta the sharpness
     * @param threshold where {@code beta x} above it gives x itself
     * @return {@code log(1 + e^(beta x)) / beta}
     */
    public static double softplus(double x, double beta, double threshold) {
        double bx = x * beta;
        return bx > threshold ? x : Math.log1p(Math.exp(bx)) / beta;
    }
}
