package dev.autograd4j.conformance.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.data.Collate;
import dev.autograd4j.data.DataLoader;
import dev.autograd4j.data.DataLoaderException;
import dev.autograd4j.data.Dataset;
import dev.autograd4j.data.Datasets;
import dev.autograd4j.data.Subset;
import dev.autograd4j.data.TensorDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * {@code DataLoader}, {@code TensorDataset} and {@code randomSplit} as PyTorch's {@code torch.utils.data}:
 * batching, seeded shuffling, drop-last, collate, prefetch on worker threads (same batches, failures
 * surfacing in the consumer with their cause, threads stopped by close), device transfer.
 */
@DisplayNameGeneration(ConformanceNames.class)
class DataLoaderTest {
    /** Examples 0..n-1 as int64 scalars x = i, y = 10 * i. */
    private static TensorDataset range(int n) {
        long[] x = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 10L * i;
        }
        return new TensorDataset(Tensor.of(x, n), Tensor.of(y, n));
    }

    /** The indices of every batch of one epoch, from the first column. */
    private static List<long[]> epoch(DataLoader<Tensor[], Tensor[]> loader) {
        List<long[]> out = new ArrayList<>();
        try (DataLoader.Iterator<Tensor[]> it = loader.iterator()) {
            while (it.hasNext()) {
                Tensor[] b = it.next();
                long[] x = b[0].toLongArray();
                long[] y = b[1].toLongArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(10 * x[i], y[i], "columns stay paired");
                }
                out.add(x);
            }
        }
        return out;
    }

    private static DataLoader.Builder<Tensor[], Tensor[]> loader(Dataset<Tensor[]> d) {
        return DataLoader.builder(d).collate(Collate::stack);
    }

    @Test
    void tensorDatasetRowsAndChecks() {
        Tensor x = Tensor.arange(0, 12, 1, DType.FLOAT32, Device.cpu()).reshape(4, 3);
        TensorDataset d = new TensorDataset(x, Tensor.of(new long[] {5, 6, 7, 8}, 4));
        assertEquals(4, d.size());
        Tensor[] row = d.get(2);
        assertArrayEquals(new int[] {3}, row[0].shape().toArray());
        assertArrayEquals(new double[] {6, 7, 8}, row[0].toDoubleArray());
        assertEquals(7, row[1].toLongArray()[0]);
        assertEquals("index 4 is out of bounds for dimension 0 with size 4",
                assertThrows(IndexOutOfBoundsException.class, () -> d.get(4)).getMessage());
        assertEquals("Size mismatch between tensors", assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(x, Tensor.zeros(Shape.of(3), DType.FLOAT32, Device.cpu()))).getMessage());
    }

    @Test
    void batchesInOrderWithAPartialLastBatch() {
        var l = loader(range(10)).batchSize(4).build();
        assertEquals(3, l.size());
        List<long[]> e = epoch(l);
        assertEquals(3, e.size());
        assertArrayEquals(new long[] {0, 1, 2, 3}, e.get(0));
        assertArrayEquals(new long[] {4, 5, 6, 7}, e.get(1));
        assertArrayEquals(new long[] {8, 9}, e.get(2));
        Tensor[] first = l.iterator().next();
        assertArrayEquals(new int[] {4}, first[0].shape().toArray());
        assertEquals(DType.INT64, first[0].dtype());
    }

    @Test
    void dropLastDropsOnlyAPartialBatch() {
        var l = loader(range(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, l.size());
        assertEquals(2, epoch(l).size());
        assertEquals(5, loader(range(10)).batchSize(2).dropLast(true).build().size());
        assertEquals(0, loader(range(3)).batchSize(4).dropLast(true).build().size());
        assertFalse(loader(range(3)).batchSize(4).dropLast(true).build().iterator().hasNext());
    }

    @Test
    void shuffleIsAPermutationReproducibleWithASeedAndNewEachEpoch() {
        var a = loader(range(50)).batchSize(8).shuffle(true).generator(new Generator(3)).build();
        var b = loader(range(50)).batchSize(8).shuffle(true).generator(new Generator(3)).build();
        var c = loader(range(50)).batchSize(8).shuffle(true).generator(new Generator(4)).build();
        long[] a1 = flat(epoch(a)), a2 = flat(epoch(a)), b1 = flat(epoch(b)), b2 = flat(epoch(b));
        long[] c1 = flat(epoch(c));
        assertArrayEquals(a1, b1, "same seed, same first epoch");
        assertArrayEquals(a2, b2, "same seed, same second epoch");
        assertFalse(Arrays.equals(a1, a2), "reshuffled per epoch");
        assertFalse(Arrays.equals(a1, c1), "another seed, another order");
        long[] sorted = a1.clone();
        Arrays.sort(sorted);
        long[] expected = new long[50];
        Arrays.setAll(expected, i -> i);
        assertArrayEquals(expected, sorted, "every example once");
        assertFalse(Arrays.equals(expected, a1), "shuffled");
    }

    private static long[] flat(List<long[]> batches) {
        return batches.stream().flatMapToLong(Arrays::stream).toArray();
    }

    @Test
    void defaultCollateStacksTensorsAndNumbersAndPassesTheRestThrough() {
        Dataset<Object> mixed = new Dataset<>() {
            @Override
            public int size() {
                return 6;
            }

            @Override
            public Object get(int i) {
                return Map.of("x", Tensor.full(Shape.of(2), i, DType.FLOAT32, Device.cpu()), "label", i,
                        "w", 0.5 * i, "name", "ex" + i);
            }
        };
        var l = DataLoader.builder(mixed).batchSize(4).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> batch = (Map<String, Object>) l.iterator().next();
        Tensor x = (Tensor) batch.get("x");
        assertArrayEquals(new int[] {4, 2}, x.shape().toArray());
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2, 3, 3}, x.toDoubleArray());
        assertEquals(DType.INT64, ((Tensor) batch.get("label")).dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3}, ((Tensor) batch.get("label")).toLongArray());
        assertEquals(DType.FLOAT64, ((Tensor) batch.get("w")).dtype());
        assertEquals(List.of("ex0", "ex1", "ex2", "ex3"), batch.get("name"));
    }

    @Test
    void customCollateGetsTheExamplesInBatchOrder() {
        var l = DataLoader.builder(range(7)).batchSize(3)
                .collate(rows -> rows.stream().mapToLong(r -> r[1].toLongArray()[0]).sum()).build();
        List<Long> sums = new ArrayList<>();
        l.forEach(sums::add);
        assertEquals(List.of(30L, 120L, 60L), sums);
    }

    @Test
    void prefetchGivesTheSameBatchesAsTheConsumerThread() {
        for (int workers : new int[] {1, 3}) {
            var plain = loader(range(101)).batchSize(7).shuffle(true).generator(new Generator(9)).build();
            var ahead = loader(range(101)).batchSize(7).shuffle(true).generator(new Generator(9))
                    .numWorkers(workers).prefetchFactor(2).build();
            for (int e = 0; e < 3; e++) {
                List<long[]> p = epoch(plain), a = epoch(ahead);
                assertEquals(p.size(), a.size());
                for (int i = 0; i < p.size(); i++) {
                    assertArrayEquals(p.get(i), a.get(i), "workers " + workers + " epoch " + e + " batch " + i);
                }
            }
        }
    }

    @Test
    void prefetchReadsAheadOnWorkerThreads() throws Exception {
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Set<Device> devices = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch ahead = new CountDownLatch(3);
        Dataset<Integer> d = new Dataset<>() {
            @Override
            public int size() {
                return 20;
            }

            @Override
            public Integer get(int i) {
                threads.add(Thread.currentThread().getName());
                devices.add(dev.autograd4j.DefaultDevice.get());
                ahead.countDown();
                return i;
            }
        };
        try (var l = DataLoader.builder(d).batchSize(1).numWorkers(2).prefetchFactor(2).build()) {
            var it = l.iterator();
            assertTrue(ahead.await(10, java.util.concurrent.TimeUnit.SECONDS),
                    "batches are read before next() asks for them");
            assertEquals(0L, ((Tensor) it.next()).toLongArray()[0]);
        }
        assertFalse(threads.contains(Thread.currentThread().getName()));
        assertTrue(threads.stream().allMatch(n -> n.startsWith("autograd4j-data-")), threads.toString());
        assertEquals(Set.of(Device.cpu()), devices, "workers make batches on the host");
    }

    @Test
    void aWorkerFailureSurfacesInTheConsumerWithItsCause() {
        Dataset<Integer> d = new Dataset<>() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Integer get(int i) {
                if (i == 5) {
                    throw new IllegalStateException("corrupt example 5");
                }
                return i;
            }
        };
        var l = DataLoader.builder(d).batchSize(2).numWorkers(2).build();
        var it = l.iterator();
        it.next();
        it.next();
        DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
        assertTrue(e.getCause() instanceof IllegalStateException);
        assertEquals("corrupt example 5", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("IllegalStateException") && e.getMessage().contains("batch 2"),
                e.getMessage());
        assertFalse(it.hasNext(), "the epoch ends at the failure");
        // without workers the dataset's exception is thrown as is
        var sync = DataLoader.builder(d).batchSize(2).build().iterator();
        sync.next();
        sync.next();
        assertEquals("corrupt example 5", assertThrows(IllegalStateException.class, sync::next).getMessage());
    }

    @Test
    void closeStopsTheWorkerThreads() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Dataset<Integer> slow = new Dataset<>() {
            @Override
            public int size() {
                return 1000;
            }

            @Override
            public Integer get(int i) {
                started.countDown();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                return i;
            }
        };
        var l = DataLoader.builder(slow).batchSize(4).numWorkers(3).build();
        var it = l.iterator();
        it.next();
        assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
        var it2 = l.iterator();
        List<Thread> workers = workerThreads();
        assertTrue(workers.size() >= 3, "workers running: " + workers);
        it.close();
        l.close();   // closes it2, still open
        for (Thread t : workers) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " still running after close()");
        }
        assertFalse(it.hasNext());
        assertFalse(it2.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        // exhausting an epoch stops its workers too
        var small = DataLoader.builder(range(6)).batchSize(2).numWorkers(2).build();
        Set<Thread> before = new HashSet<>(workerThreads());
        small.forEach(b -> { });
        for (Thread t : workerThreads()) {
            if (!before.contains(t)) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName() + " still running after the last batch");
            }
        }
    }

    @Test
    void anEpochLeftEarlyDoesNotKeepItsThreads() throws Exception {
        var l = DataLoader.builder(range(100)).batchSize(2).numWorkers(2).build();
        Set<Thread> before = new HashSet<>(workerThreads());
        for (Object batch : l) {
            break;   // no close(): the idle workers end by themselves
        }
        for (Thread t : workerThreads()) {
            if (!before.contains(t)) {
                t.join(15_000);
                assertFalse(t.isAlive(), t.getName() + " still running after the epoch was left");
            }
        }
    }

    private static List<Thread> workerThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("autograd4j-data-")) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void badInputGivesPyTorchsMessages() {
        var b = DataLoader.builder(range(4));
        assertEquals("batch_size should be a positive integer value, but got batch_size=0",
                assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage());
        assertEquals("batch_size should be a positive integer value, but got batch_size=-3",
                assertThrows(IllegalArgumentException.class, () -> b.batchSize(-3)).getMessage());
        assertEquals("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.",
                assertThrows(IllegalArgumentException.class, () -> b.numWorkers(-1)).getMessage());
        assertEquals("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to "
                + "enable multiprocessing, otherwise set prefetch_factor to None.",
                assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(range(4)).prefetchFactor(2)
                        .build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.prefetchFactor(0));
        assertThrows(NullPointerException.class, () -> DataLoader.builder(null));
    }

    @Test
    void randomSplitSizesAreDisjointAndReproducible() {
        TensorDataset d = range(103);
        List<Subset<Tensor[]>> parts = Datasets.randomSplit(d, new int[] {50, 30, 23}, new Generator(1));
        assertEquals(List.of(50, 30, 23), parts.stream().map(Subset::size).toList());
        Set<Integer> seen = new HashSet<>();
        for (Subset<Tensor[]> p : parts) {
            for (int i : p.indices()) {
                assertTrue(seen.add(i), "index " + i + " in two subsets");
            }
            assertSame(d, p.dataset());
            assertEquals(p.indices()[0], p.get(0)[0].toLongArray()[0]);
        }
        assertEquals(103, seen.size());
        var again = Datasets.randomSplit(d, new int[] {50, 30, 23}, new Generator(1));
        assertArrayEquals(parts.get(1).indices(), again.get(1).indices(), "same seed, same split");
        var other = Datasets.randomSplit(d, new int[] {50, 30, 23}, new Generator(2));
        assertNotEquals(Arrays.toString(parts.get(0).indices()), Arrays.toString(other.get(0).indices()));

        // fractions: floor, then the remainder round-robin (PyTorch: 103 * [0.5, 0.3, 0.2] -> 52, 31, 20)
        var byFraction = Datasets.randomSplit(d, new double[] {0.5, 0.3, 0.2}, new Generator(1));
        assertEquals(List.of(52, 31, 20), byFraction.stream().map(Subset::size).toList());
        assertEquals("Sum of input lengths does not equal the length of the input dataset!",
                assertThrows(IllegalArgumentException.class,
                        () -> Datasets.randomSplit(d, new int[] {50, 50}, new Generator(1))).getMessage());
        assertEquals("Fraction at index 1 is not between 0 and 1", assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(d, new double[] {0.5, 1.5}, new Generator(1))).getMessage());
    }

    @AllDevices
    void batchesMoveToTheTargetDevice(Device device) {
        Tensor x = Tensor.randn(Shape.of(10, 3), DType.FLOAT32, Device.cpu(), new Generator(0));
        Tensor y = Tensor.arange(0, 10, 1, DType.INT64, Device.cpu());
        for (int workers : new int[] {0, 2}) {
            var l = loader(new TensorDataset(x, y)).batchSize(4).numWorkers(workers).device(device).build();
            int seen = 0;
            for (Tensor[] b : l) {
                assertEquals(device, b[0].device());
                assertEquals(device, b[1].device());
                assertArrayEquals(x.narrow(0, seen, b[0].size(0)).toFloatArray(), b[0].toFloatArray(), 0f);
                seen += b[0].size(0);
            }
            assertEquals(10, seen);
        }
        var untyped = DataLoader.builder(new TensorDataset(x, y)).batchSize(5).device(device).build();
        Tensor[] b = (Tensor[]) untyped.iterator().next();
        assertEquals(device, b[0].device());
    }
}
