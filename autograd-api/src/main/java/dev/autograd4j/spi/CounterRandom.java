package dev.autograd4j.spi;

/**
 * The random-number formula every backend implements, so a seed gives the same numbers on every
 * device: element i of a draw at generator offset o is a pure function of (seed, o + i)
 * (counter-based, like Philox in PyTorch's CUDA generator, here SplitMix64's finalizer).
 */
public final class CounterRandom {
    private CounterRandom() {
    }

    /**
     * 64 random bits for one counter of one seed: SplitMix64's finalizer applied to
     * {@code seed + golden * (counter + 1)}. Pure, so any thread or device can compute any element.
     *
     * @param seed the generator's seed
     * @param counter the element's counter
     * @return the mixed bits
     */
    public static long mix(long seed, long counter) {
        long z = seed + 0x9E3779B97F4A7C15L * (counter + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in [0, 1) with 53 random bits (what {@code torch.rand} draws per element).
     *
     * @param seed the generator's seed
     * @param counter the element's counter
     * @return a double in [0, 1)
     */
    public static double uniform(long seed, long counter) {
        return (mix(seed, counter) >>> 11) * 0x1.0p-53;
    }

    /**
     * {@link #uniform} rounded to float32 and kept in [0, 1): a draw within 2^-25 of 1 would round up to exactly
     * 1.0f, outside {@code torch.rand}'s range (and a dropout mask compares against it), so it becomes the
     * largest float below 1, {@code 1 - 2^-24} (PyTorch's largest float32 draw too).
     *
     * @param seed the generator's seed
     * @param counter the element's counter
     * @return a float in [0, 1)
     */
    public static float uniformFloat(long seed, long counter) {
        float f = (float) uniform(seed, counter);
        return f < 1f ? f : LARGEST_FLOAT_BELOW_ONE;
    }

    /** {@code Math.nextDown(1f)}, {@code 1 - 2^-24}. */
    public static final float LARGEST_FLOAT_BELOW_ONE = 0x1.fffffep-1f;

    /**
     * Standard normal by Box-Muller over two counters ({@code 2 * counter} and {@code 2 * counter + 1}) of
     * an independent stream (what {@code torch.randn} draws per element). Always finite.
     *
     * @param seed the generator's seed
     * @param counter the element's counter
     * @return a sample of N(0, 1)
     */
    public static double normal(long seed, long counter) {
        double u1 = ((mix(seed, 2 * counter) >>> 11) + 1) * 0x1.0p-53; // (0, 1]: log is finite
        double u2 = (mix(seed, 2 * counter + 1) >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
