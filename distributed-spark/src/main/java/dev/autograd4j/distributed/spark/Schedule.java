package dev.autograd4j.distributed.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which samples of its partition a rank trains on at each step. Every rank runs the same number of steps with
 * full batches, so the ranks stay in lock-step: an epoch is {@code ceil(largest partition / batchSize)} steps,
 * and a rank walks through its partition's samples in a per-epoch order (shuffled with a seed shared by all
 * ranks and mixed with the rank and epoch, or in partition order), wrapping around to the start of that order
 * when it runs out. So the largest partition sees each of its samples once an epoch, smaller ones repeat some,
 * as PyTorch's {@code DistributedSampler} pads the shorter ranks.
 */
final class Schedule {
    private final int count;
    private final int batchSize;
    private final int stepsPerEpoch;
    private final boolean shuffle;
    private final long seed;
    private final int rank;

    Schedule(int count, int batchSize, int largest, boolean shuffle, long seed, int rank) {
        if (count < 1) {
            throw new IllegalArgumentException("partition " + rank + " holds no sample");
        }
        this.count = count;
        this.batchSize = batchSize;
        this.stepsPerEpoch = stepsPerEpoch(largest, batchSize);
        this.shuffle = shuffle;
        this.seed = seed;
        this.rank = rank;
    }

    /** The steps of one epoch when the largest partition holds {@code largest} samples. */
    static int stepsPerEpoch(int largest, int batchSize) {
        return (largest + batchSize - 1) / batchSize;
    }

    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The order of the partition's samples in {@code epoch} (0-based). */
    int[] order(int epoch) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 31L * epoch + rank * 1_000_003L);
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The samples of step {@code step} (0-based, within the epoch whose order is {@code order}). */
    <S> List<S> batch(List<S> samples, int[] order, int step) {
        List<S> out = new ArrayList<>(batchSize);
        long start = (long) step * batchSize;
        for (int i = 0; i < batchSize; i++) {
            out.add(samples.get(order[(int) ((start + i) % count)]));
        }
        return out;
    }

    /**
     * Checks the partition sizes that the ranks report before training, the same check on every rank (so each
     * throws the same message).
     *
     * @param counts the number of samples of each rank's partition, by rank
     * @return the largest count
     * @throws IllegalArgumentException if the data set is smaller than the world size or a partition is empty
     */
    static int checkCounts(long[] counts) {
        long total = 0;
        long largest = 0;
        int empty = -1;
        for (int r = 0; r < counts.length; r++) {
            total += counts[r];
            largest = Math.max(largest, counts[r]);
            if (counts[r] == 0 && empty < 0) {
                empty = r;
            }
        }
        if (total < counts.length) {
            throw new IllegalArgumentException("the data set has " + total + " sample(s), fewer than the world size "
                    + counts.length + ": every rank needs at least one (use fewer workers)");
        }
        if (empty >= 0) {
            throw new IllegalArgumentException("partition " + empty + " of " + counts.length + " is empty (sizes "
                    + java.util.Arrays.toString(counts) + "): every rank needs samples; repartition the data, e.g. "
                    + "rdd.repartition(" + counts.length + ")");
        }
        if (largest > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition of " + largest + " samples is too large for one rank");
        }
        return (int) largest;
    }
}
