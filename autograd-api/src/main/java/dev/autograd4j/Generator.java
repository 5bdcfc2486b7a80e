package dev.autograd4j;

/**
 * A seeded source of random numbers, like {@code torch.Generator}. Each draw reserves a range of
 * counters, so results depend only on the seed and the sequence of draws, identically on every backend
 * (see {@link dev.autograd4j.spi.CounterRandom}); the numbers differ from PyTorch's. Thread-safe. Pass one
 * to {@code Tensor.rand}, {@code nn.Linear} or {@code nn.Dropout} for reproducible results independent of
 * other draws; otherwise they use {@link #defaultGenerator()}.
 */
public final class Generator {
    /** PyTorch's default seed, the default generator's seed until {@link #manualSeed} changes it. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    private long seed;
    private long offset;

    /**
     * A generator at the start of {@code seed}'s sequence.
     *
     * @param seed any value
     */
    public Generator(long seed) {
        this.seed = seed;
    }

    /**
     * The process-wide generator used when none is given, like PyTorch's {@code torch.default_generator};
     * {@code Tensor.manualSeed(long)} reseeds it.
     *
     * @return the shared instance
     */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /**
     * Reseeds and restarts the sequence, like {@code Generator.manual_seed}: the draws that follow repeat
     * those after any earlier {@code manualSeed} with the same value.
     *
     * @param newSeed any value
     * @return this generator
     */
    public synchronized Generator manualSeed(long newSeed) {
        this.seed = newSeed;
        this.offset = 0;
        return this;
    }

    /**
     * The seed this generator was made or last reseeded with, like {@code Generator.initial_seed}.
     *
     * @return the seed
     */
    public synchronized long initialSeed() {
        return seed;
    }

    /** Reserves {@code count} counters; returns {seed, first counter}. */
    synchronized long[] reserve(long count) {
        long[] r = {seed, offset};
        offset += count;
        return r;
    }
}
