package dev.autograd4j.distributed.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lock-step schedule and the averaging sums, without Spark. */
class ScheduleTest {
    @Test
    void theLargestPartitionSeesEverySampleOnceAnEpochAndSmallerOnesWrapAround() {
        List<Integer> big = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            big.add(i);
        }
        Schedule s = new Schedule(12, 4, 12, true, 7, 0);
        assertEquals(3, s.stepsPerEpoch());
        int[] order0 = s.order(0);
        List<Integer> seen = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            seen.addAll(s.batch(big, order0, step));
        }
        List<Integer> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(big, sorted, "each sample once in epoch 0");
        assertFalse(Arrays.equals(order0, s.order(1)), "reshuffled per epoch");
        assertFalse(Arrays.equals(order0, new Schedule(12, 4, 12, true, 7, 1).order(0)), "rank mixed in");
        assertArrayEquals(order0, new Schedule(12, 4, 12, true, 7, 0).order(0), "same seed, same order");

        // a partition of 5 with the largest of 12: 3 full batches of 4, wrapping around its 5 samples
        Schedule small = new Schedule(5, 4, 12, false, 0, 1);
        assertEquals(3, small.stepsPerEpoch());
        List<Integer> five = List.of(10, 11, 12, 13, 14);
        int[] order = small.order(0);
        assertEquals(List.of(10, 11, 12, 13), small.batch(five, order, 0));
        assertEquals(List.of(14, 10, 11, 12), small.batch(five, order, 1));
        assertEquals(List.of(13, 14, 10, 11), small.batch(five, order, 2));
    }

    @Test
    void partitionSizesAreChecked() {
        assertEquals(7, Schedule.checkCounts(new long[] {3, 7, 1}));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Schedule.checkCounts(new long[] {3, 0, 2}));
        assertEquals("partition 1 of 3 is empty (sizes [3, 0, 2]): every rank needs samples; repartition the data, "
                + "e.g. rdd.repartition(3)", empty.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> Schedule.checkCounts(new long[] {1, 0, 0, 1}));
        assertEquals("the data set has 2 sample(s), fewer than the world size 4: every rank needs at least one "
                + "(use fewer workers)", small.getMessage());
    }

    @Test
    void averagedStatesKeepEntriesEqualOnEveryReplicaExactly() {
        StateSum sum = new StateSum();
        float[][] weights = {{0.1f, 1f}, {0.2f, 2f}, {0.6f, 4f}};
        for (float[] w : weights) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("w", Tensor.of(w, 2));
            state.put("lr", Tensor.of(new double[] {0.1}));
            state.put("steps", Tensor.of(new long[] {3}, 1));
            sum = sum.add(StateSum.of(state, new double[] {1.5}, new long[] {2}));
        }
        assertEquals(3, sum.replicas());
        Map<String, Tensor> mean = sum.mean();
        // 0.1 + 0.1 + 0.1 is 0.30000000000000004, whose third is not 0.1: equal entries are not averaged
        assertEquals(0.1, mean.get("lr").item());
        assertEquals(DType.INT64, mean.get("steps").dtype());
        assertEquals(3L, mean.get("steps").itemLong());
        assertArrayEquals(new float[] {0.3f, 7f / 3}, mean.get("w").toFloatArray(), 1e-7f);
        assertEquals(4.5, sum.lossSums()[0]);
        assertEquals(6, sum.lossCounts()[0]);
    }
}
