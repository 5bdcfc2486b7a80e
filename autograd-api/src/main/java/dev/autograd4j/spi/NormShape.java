package dev.autograd4j.spi;

/**
 * How the fused normalization kernels ({@link Backend#normForward}, {@link Backend#normBackward}) read their
 * contiguous input: as {@code [n, c, s]} (samples, channels, positions per channel), with per-channel weight and
 * bias. {@code groups == 0} is batch norm: one statistics row per channel, over its {@code n * s} values.
 * {@code groups >= 1} is group norm: one row per sample and group of {@code c / groups} consecutive channels, over
 * their {@code c / groups * s} values; layer norm is {@code groups = 1, s = 1}, the normalized elements being the
 * channels.
 *
 * @param n the samples, at least 0
 * @param c the channels, at least 1
 * @param s the positions per channel, at least 1
 * @param groups 0 for batch norm, else the groups, dividing {@code c}
 */
public record NormShape(int n, int c, int s, int groups) {
    /**
     * Checks the values.
     *
     * @param n the samples
     * @param c the channels
     * @param s the positions per channel
     * @param groups 0 or the groups
     * @throws IllegalArgumentException if a value is out of range or the groups do not divide the channels
     */
    public NormShape {
        if (n < 0 || c < 1 || s < 1 || groups < 0 || (groups > 0 && c % groups != 0)) {
            throw new IllegalArgumentException("bad normalization shape n=" + n + " c=" + c + " s=" + s + " groups="
                    + groups);
        }
    }

    /**
     * Whether the statistics are per channel (batch norm).
     *
     * @return {@code groups == 0}
     */
    public boolean perChannel() {
        return groups == 0;
    }

    /**
     * The number of statistics rows: {@code c} for batch norm, {@code n * groups} otherwise.
     *
     * @return the length of the mean and rstd vectors
     */
    public int rows() {
        return perChannel() ? c : n * groups;
    }

    /**
     * The number of values each statistics row is taken over.
     *
     * @return {@code n * s} for batch norm, {@code c / groups * s} otherwise
     */
    public int rowLength() {
        return perChannel() ? n * s : c / groups * s;
    }

    /**
     * The number of elements of the input.
     *
     * @return {@code n * c * s}
     */
    public int numel() {
        return n * c * s;
    }
}
