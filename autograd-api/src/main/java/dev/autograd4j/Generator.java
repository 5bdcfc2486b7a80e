package dev.autograd4j;

/**
 * A seeded source of random numbers. Each draw reserves a range of counters, so results depend only
 * on the seed and the sequence of draws, identically on every backend (see
 * {@link dev.autograd4j.spi.CounterRandom}).
 */
public final class Generator {
    /** PyTorch's default seed. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    private long seed;
    private long offset;

    public Generator(long seed) {
        this.seed = seed;
    }

    /** The process-wide generator used when none is given (like PyTorch's default CPU generator). */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    public synchronized Generator manualSeed(long newSeed) {
        this.seed = newSeed;
        this.offset = 0;
        return this;
    }

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
