package dev.autograd4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.data.Datasets;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Optimizer;
import dev.autograd4j.optim.SGD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * DistributedDataParallel against one process.
 *
 * <p><b>The bound.</b> With every rank's batch of {@code b = B / W} examples and a mean loss, DDP's gradient is
 * {@code (1/W) sum_r (1/b) sum_{i in r} g_i}, one process's {@code (1/B) sum_i g_i}: the same number, summed in
 * another order. The forward passes are the same per example, so only the summation of the {@code B} per-example
 * gradients (and of the {@code W} rank means) differs: each gradient element differs by at most
 * {@code gamma_{B+W} max_i |g_i|} with {@code gamma_n = n u / (1 - n u)}, {@code u = 2^-24} in float32 (Higham,
 * the error of recursive summation). Over {@code T} SGD steps of learning rate {@code lr} (without momentum, and
 * neglecting the second-order feedback of the parameters' difference through the gradient, which is of the same
 * order times {@code lr * L} per step) the parameters differ by at most {@code T lr gamma_{B+W} max|g_i|}. Here
 * {@code T = 8}, {@code lr = 0.1}, {@code B + W = 36}, and the per-example gradients of this MLP stay below 10 in
 * magnitude (cross-entropy's gradient is at most 1 per logit, times inputs and hidden activations of order 3),
 * so the bound is {@code 8 * 0.1 * 2.2e-6 * 10 = 1.7e-5}; the test asserts {@code 2e-5}.
 */
class DistributedDataParallelTest {
    static final int FEATURES = 20;
    static final int CLASSES = 5;
    static final int EXAMPLES = 128;
    static final int GLOBAL_BATCH = 32;
    static final int EPOCHS = 2;
    static final double LR = 0.1;
    static final double BOUND = 2e-5;

    static final float[][] X = new float[EXAMPLES][FEATURES];
    static final long[] Y = new long[EXAMPLES];

    static {
        Random random = new Random(11);
        for (int i = 0; i < EXAMPLES; i++) {
            for (int j = 0; j < FEATURES; j++) {
                X[i][j] = (float) random.nextGaussian();
            }
            Y[i] = random.nextInt(CLASSES);
        }
    }

    static Sequential mlp(long seed, int hidden) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(FEATURES, hidden, true, DType.FLOAT32, Device.cpu(), g), new ReLU(),
                new Linear(hidden, CLASSES, true, DType.FLOAT32, Device.cpu(), g));
    }

    static Tensor[] batch(int[] indices, int from, int count) {
        float[] x = new float[count * FEATURES];
        long[] y = new long[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(X[indices[from + i]], 0, x, i * FEATURES, FEATURES);
            y[i] = Y[indices[from + i]];
        }
        return new Tensor[] {Tensor.of(x, count, FEATURES), Tensor.of(y, count)};
    }

    static List<float[]> values(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : m.parameters()) {
            out.add(p.toFloatArray());
        }
        return out;
    }

    /** One process on the union of every rank's batches: the same permutations, blocks of the global batch. */
    static List<float[]> reference() {
        Sequential model = mlp(0, 32);
        Optimizer opt = new SGD(model.parameters(), LR);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            int[] perm = Datasets.randperm(EXAMPLES, new Generator(42 + epoch));
            for (int s = 0; s + GLOBAL_BATCH <= EXAMPLES; s += GLOBAL_BATCH) {
                Tensor[] b = batch(perm, s, GLOBAL_BATCH);
                opt.zeroGrad();
                loss.forward(model.forward(b[0]), b[1]).backward();
                opt.step();
            }
        }
        return values(model);
    }

    /** One rank: its own initialization (seed = rank), overwritten by rank 0's; its share through the sampler. */
    static List<float[]> trainRank(Collective c) {
        int world = c.worldSize();
        DistributedDataParallel ddp = new DistributedDataParallel(mlp(c.rank(), 32), c, 2048);
        Optimizer opt = new SGD(ddp.parameters(), LR);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        DistributedSampler sampler = new DistributedSampler(EXAMPLES, c.rank(), world, true, 42);
        int local = GLOBAL_BATCH / world;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            sampler.setEpoch(epoch);
            int[] mine = sampler.indices();
            for (int s = 0; s + local <= mine.length; s += local) {
                Tensor[] b = batch(mine, s, local);
                opt.zeroGrad();
                loss.forward(ddp.forward(b[0]), b[1]).backward();
                opt.step();
            }
        }
        return values(ddp.module());
    }

    static void assertMatchesReference(List<List<float[]>> ranks) {
        List<float[]> expected = reference();
        double worst = 0;
        for (int r = 0; r < ranks.size(); r++) {
            List<float[]> got = ranks.get(r);
            for (int p = 0; p < expected.size(); p++) {
                // every rank ends with the same bits
                assertArrayEquals(ranks.get(0).get(p), got.get(p), "rank " + r + " parameter " + p);
                for (int i = 0; i < expected.get(p).length; i++) {
                    worst = Math.max(worst, Math.abs(expected.get(p)[i] - got.get(p)[i]));
                }
            }
        }
        assertTrue(worst <= BOUND, "largest difference from one process " + worst + " > " + BOUND);
        // and training did move the parameters (the test is not vacuous)
        float[] initial = mlp(0, 32).parameters().get(0).toFloatArray();
        assertTrue(Math.abs(initial[0] - expected.get(0)[0]) > 1e-4);
    }

    @Test
    void fourInProcessRanksMatchOneProcessOnTheUnionOfTheBatches() {
        assertMatchesReference(InProcessCollective.run(4, DistributedDataParallelTest::trainRank));
    }

    @Test
    void fourTcpRanksMatchOneProcessOnTheUnionOfTheBatches() {
        List<TcpRingCollective> ring = Ranks.tcp(4, Duration.ofSeconds(30));
        assertMatchesReference(Ranks.values(Ranks.each(4, r -> {
            try (Collective c = ring.get(r)) {
                return trainRank(c);
            }
        })));
    }

    @Test
    void worldSizeOneIsPlainTraining() {
        assertMatchesReference(InProcessCollective.run(1, DistributedDataParallelTest::trainRank));
    }

    @Test
    void constructionCopiesRankZerosParameters() {
        List<List<float[]>> out = InProcessCollective.run(3, c -> values(new DistributedDataParallel(
                mlp(100 + c.rank(), 8), c).module()));
        List<float[]> zero = values(mlp(100, 8));
        for (List<float[]> rank : out) {
            for (int p = 0; p < zero.size(); p++) {
                assertArrayEquals(zero.get(p), rank.get(p));
            }
        }
    }

    @Test
    void ranksThatDisagreeOnShapesFailOnEveryRankNamingTheParameter() {
        List<Collective> ranks = InProcessCollective.create(4);
        List<Ranks.Outcome<Object>> out = Ranks.each(4, r ->
                new DistributedDataParallel(mlp(r, r == 2 ? 33 : 32), ranks.get(r)));
        for (int r = 0; r < 4; r++) {
            Throwable e = out.get(r).error;
            assertNotNull(e, "rank " + r);
            assertEquals("DistributedDataParallel expects the same model on every rank, but parameter 0 ('0.weight') "
                    + "has shape [33, 20] (torch.float32) on rank 2 and [32, 20] (torch.float32) on rank 0",
                    e.getMessage());
        }
        List<Collective> counts = InProcessCollective.create(2);
        List<Ranks.Outcome<Object>> out2 = Ranks.each(2, r -> new DistributedDataParallel(
                r == 1 ? new Sequential(mlp(r, 4), new Linear(CLASSES, 2)) : mlp(r, 4), counts.get(r)));
        for (int r = 0; r < 2; r++) {
            assertTrue(out2.get(r).error.getMessage().contains("rank 1 has 6 parameters while rank 0 has 4"),
                    out2.get(r).error.getMessage());
        }
    }

    @Test
    void noSyncAccumulatesLocallyThenAveragesTheSum() {
        // rank r's micro-batches: examples 8r..8r+3 (under noSync), then 8r+4..8r+7
        IntFunction<int[]> ids = r -> new int[] {8 * r, 8 * r + 1, 8 * r + 2, 8 * r + 3, 8 * r + 4, 8 * r + 5,
            8 * r + 6, 8 * r + 7};
        List<List<float[]>> grads = InProcessCollective.run(2, c -> {
            DistributedDataParallel ddp = new DistributedDataParallel(mlp(0, 16), c);
            CrossEntropyLoss loss = new CrossEntropyLoss();
            int[] mine = ids.apply(c.rank());
            try (var scope = ddp.noSync()) {
                Tensor[] b = batch(mine, 0, 4);
                loss.forward(ddp.forward(b[0]), b[1]).backward();
            }
            List<float[]> local = grads(ddp);
            Tensor[] b = batch(mine, 4, 4);
            loss.forward(ddp.forward(b[0]), b[1]).backward();
            List<float[]> out = grads(ddp);
            out.add(0, local.get(0)); // the local gradient after the noSync step, to check it was not reduced
            return out;
        });
        // reference: the mean over ranks of each rank's sum of its two micro-batch means
        Sequential model = mlp(0, 16);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<float[]> perRankFirst = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            for (int half = 0; half < 2; half++) {
                Tensor[] b = batch(ids.apply(r), 4 * half, 4);
                loss.forward(model.forward(b[0]), b[1]).mul(0.5).backward();
                if (half == 0) {
                    perRankFirst.add(model.parameters().get(0).grad().mul(2.0 * (r == 0 ? 1 : 1)).toFloatArray());
                }
            }
        }
        List<float[]> expected = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            expected.add(p.grad().toFloatArray());
        }
        for (int r = 0; r < 2; r++) {
            List<float[]> got = grads.get(r);
            for (int p = 0; p < expected.size(); p++) {
                assertArrayEquals(expected.get(p), got.get(p + 1), 1e-6f, "rank " + r + " parameter " + p);
            }
        }
        // the first rank's noSync gradient was its own (model.grad after rank 0's first micro-batch, times 2 / 1)
        assertArrayEquals(perRankFirst.get(0), grads.get(0).get(0), 1e-6f);
    }

    static List<float[]> grads(DistributedDataParallel ddp) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : ddp.parameters()) {
            out.add(p.grad().toFloatArray());
        }
        return out;
    }

    /** A module whose second layer runs only on rank 0: the others count its gradient as zeros. */
    static final class Branchy extends Module {
        final Linear a = registerModule("a", new Linear(3, 2, true, new Generator(1)));
        final Linear b = registerModule("b", new Linear(3, 2, true, new Generator(2)));
        boolean useB;

        @Override
        public Tensor forward(Tensor x) {
            return useB ? a.forward(x).add(b.forward(x)) : a.forward(x);
        }
    }

    @Test
    void aParameterWithoutGradientCountsAsZeros() {
        List<List<float[]>> out = InProcessCollective.run(2, c -> {
            Branchy m = new Branchy();
            m.useB = c.rank() == 0;
            DistributedDataParallel ddp = new DistributedDataParallel(m, c, 8); // several buckets
            ddp.forward(Tensor.ones(1, 3)).sum().backward();
            return grads(ddp);
        });
        assertArrayEquals(out.get(0).get(2), out.get(1).get(2));
        // b.weight: rank 0's gradient (ones) averaged with rank 1's zeros
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, out.get(1).get(2));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, out.get(1).get(0));
    }

    @Test
    void bucketsFollowTheCapInReverseOrder() {
        List<Collective> one = InProcessCollective.create(1);
        // parameters 20x32 (2560 B), 32 (128 B), 32x5 (640 B), 5 (20 B); reversed: 20, 640, 128, 2560
        assertEquals(List.of(2, 1, 1), new DistributedDataParallel(mlp(0, 32), one.get(0), 700).bucketSizes());
        assertEquals(List.of(4), new DistributedDataParallel(mlp(0, 32), one.get(0)).bucketSizes());
    }

    @Test
    void samplerSharesTheDataSetAndReshufflesPerEpoch() {
        int n = 10;
        int world = 4;
        List<Integer> all = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            DistributedSampler s = new DistributedSampler(n, r, world, true, 5);
            assertEquals(3, s.size());
            int[] e0 = s.indices();
            s.setEpoch(1);
            assertTrue(!java.util.Arrays.equals(e0, s.indices()) || r == 3, "epoch 1 reshuffles");
            s.setEpoch(0);
            for (int i : s) {
                all.add(i);
            }
        }
        // 12 places for 10 examples: every example once, two repeated
        assertEquals(12, all.size());
        assertEquals(n, new java.util.HashSet<>(all).size());
        DistributedSampler plain = new DistributedSampler(n, 1, world, false, 0);
        assertArrayEquals(new int[] {1, 5, 9}, plain.indices());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistributedSampler(3, 0, 4, true, 0));
        assertEquals("the data set has 3 examples, fewer than the world size 4: every rank needs at least one "
                + "example of its own", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 4, 4, true, 0));
    }

    @Test
    void aRankThatThrowsInTrainingFailsTheWholeJobWithItsCause() {
        CollectiveException e = assertThrows(CollectiveException.class, () -> InProcessCollective.run(4, c -> {
            DistributedDataParallel ddp = new DistributedDataParallel(mlp(0, 8), c);
            for (int step = 0; step < 3; step++) {
                if (c.rank() == 3 && step == 1) {
                    throw new IllegalStateException("rank 3's data is corrupt");
                }
                Tensor[] b = batch(new int[] {c.rank()}, 0, 1);
                new CrossEntropyLoss().forward(ddp.forward(b[0]), b[1]).backward();
            }
            return null;
        }));
        assertEquals("rank 3's data is corrupt", e.getCause().getMessage());
        for (Throwable other : e.getSuppressed()) {
            assertTrue(other.getMessage().contains("rank 3's data is corrupt"), other.getMessage());
        }
    }
}
