package dev.autograd4j.distributed;

import dev.autograd4j.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A group of ranks that are threads of one JVM (several GPUs of one workstation, or CPU ranks for tests), as
 * {@code torch.distributed} with the {@code gloo} backend on one host, without sockets. {@link #create(int)}
 * makes one {@link Collective} per rank; each must be used by its own thread (the collectives block until every
 * rank has called them).
 *
 * <p>An all-reduce meets in two rendezvous: every rank copies its tensors into host buckets, then rank {@code r}
 * sums chunk {@code r} of every bucket over the ranks in rank order ({@code x0 + x1 + ...}), then every rank
 * copies the same summed bytes back, so every rank ends with the same bits. {@link #allReduceAsync} runs the
 * same steps on a thread of the rank's own ({@code autograd4j-rank-<r>-collective}) and returns at once, so a
 * backward pass overlaps it; every later collective of that rank waits for it first. A rank that calls {@link #abort}
 * (or {@link #run} on its behalf when its code throws), or closes, makes every other rank's waiting or next call
 * throw a {@link CollectiveException} naming it and carrying the cause; a rank that never arrives makes the others
 * throw after the timeout, naming it.
 *
 * <pre>{@code
 * List<Double> losses = InProcessCollective.run(4, collective -> {
 *     var model = new DistributedDataParallel(new Mlp(), collective);
 *     ... // train on this rank's share of the data
 *     return lastLoss;
 * });
 * }</pre>
 */
public final class InProcessCollective implements Collective {
    /** How long a rank waits for the others in one collective unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final Group group;
    private final int rank;
    private long calls;
    private volatile boolean closed;
    /** Runs this rank's asynchronous all-reduces in call order; made at the first one. */
    private ExecutorService worker;
    /** The last asynchronous collective started; every later collective waits for it first, to keep the order. */
    private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);

    private InProcessCollective(Group group, int rank) {
        this.group = group;
        this.rank = rank;
    }

    /**
     * A group of {@code worldSize} ranks with the {@linkplain #DEFAULT_TIMEOUT default timeout}.
     *
     * @param worldSize the number of ranks, at least 1
     * @return the collectives of ranks {@code 0..worldSize-1}, in rank order
     * @throws IllegalArgumentException when {@code worldSize < 1}
     */
    public static List<Collective> create(int worldSize) {
        return create(worldSize, DEFAULT_TIMEOUT);
    }

    /**
     * A group of {@code worldSize} ranks.
     *
     * @param worldSize the number of ranks, at least 1
     * @param timeout how long a rank waits for the others in one collective before it fails
     * @return the collectives of ranks {@code 0..worldSize-1}, in rank order
     * @throws IllegalArgumentException when {@code worldSize < 1} or the timeout is not positive
     */
    public static List<Collective> create(int worldSize, Duration timeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be at least 1, got " + worldSize);
        }
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Group group = new Group(worldSize, timeout);
        List<Collective> out = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            out.add(new InProcessCollective(group, r));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Runs {@code body} once per rank, each in its own thread ({@code autograd4j-rank-<r>}) with its rank's
     * collective, and waits for all. When a rank's body throws, its collective is {@linkplain #abort aborted}, so
     * the other ranks fail at once; then this method throws a {@link CollectiveException} naming the first rank
     * that failed, whose cause is that rank's exception (the other ranks' exceptions are suppressed into it).
     * Every collective is closed at the end.
     *
     * @param <R> what each rank returns
     * @param worldSize the number of ranks, at least 1
     * @param body the code of one rank
     * @return each rank's result, in rank order
     * @throws CollectiveException when a rank's body throws
     * @throws IllegalArgumentException when {@code worldSize < 1}
     */
    public static <R> List<R> run(int worldSize, Function<? super Collective, ? extends R> body) {
        return run(worldSize, DEFAULT_TIMEOUT, body);
    }

    /**
     * {@link #run(int, Function)} with a timeout per collective.
     *
     * @param <R> what each rank returns
     * @param worldSize the number of ranks, at least 1
     * @param timeout how long a rank waits for the others in one collective
     * @param body the code of one rank
     * @return each rank's result, in rank order
     * @throws CollectiveException when a rank's body throws
     * @throws IllegalArgumentException when {@code worldSize < 1} or the timeout is not positive
     */
    public static <R> List<R> run(int worldSize, Duration timeout, Function<? super Collective, ? extends R> body) {
        Objects.requireNonNull(body, "body must not be null");
        List<Collective> ranks = create(worldSize, timeout);
        Group group = ((InProcessCollective) ranks.get(0)).group;
        List<R> results = new ArrayList<>(Collections.nCopies(worldSize, null));
        Throwable[] errors = new Throwable[worldSize];
        Thread[] threads = new Thread[worldSize];
        for (int r = 0; r < worldSize; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                Collective c = ranks.get(rank);
                try {
                    results.set(rank, body.apply(c));
                } catch (Throwable t) {
                    errors[rank] = t;
                    c.abort(t);
                } finally {
                    c.close();
                }
            }, "autograd4j-rank-" + r);
            threads[r].setDaemon(true);
            threads[r].start();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int first = group.firstFailedRank();
        if (first < 0 || errors[first] == null) {
            for (int r = 0; r < worldSize && (first < 0 || errors[first] == null); r++) {
                if (errors[r] != null) {
                    first = r;
                }
            }
        }
        if (first >= 0 && errors[first] != null) {
            Throwable cause = errors[first];
            CollectiveException e = new CollectiveException("rank " + first + " failed: " + cause, cause);
            for (int r = 0; r < worldSize; r++) {
                if (r != first && errors[r] != null) {
                    e.addSuppressed(errors[r]);
                }
            }
            throw e;
        }
        return results;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return group.size;
    }

    @Override
    public void allReduce(List<Tensor> tensors, ReduceOp op) {
        Buckets.check("allReduce", tensors, true);
        Objects.requireNonNull(op, "op must not be null");
        ensureOpen();
        if (group.size == 1) {
            return; // the sum and the average over one rank are the rank's values
        }
        awaitPending();
        reduce(tensors, op);
    }

    /**
     * Starts the all-reduce on this rank's collective thread and returns at once, so the caller (a backward pass
     * launching a bucket) goes on computing while the ranks meet and sum; collectives still run in call order.
     */
    @Override
    public CompletableFuture<Void> allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        try {
            Buckets.check("allReduce", tensors, true);
            Objects.requireNonNull(op, "op must not be null");
            ensureOpen();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (group.size == 1) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Tensor> list = List.copyOf(tensors);
        try {
            worker().execute(() -> {
                try {
                    reduce(list, op);
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new CollectiveException("rank " + rank + " has closed its collective", e));
        }
        pending = done;
        return done;
    }

    private synchronized ExecutorService worker() {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "autograd4j-rank-" + rank + "-collective");
                t.setDaemon(true);
                return t;
            });
        }
        return worker;
    }

    /** Waits for the asynchronous collectives started before (their failures are their futures'). */
    private void awaitPending() {
        try {
            pending.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // reported through that call's future; a failed group fails the next meeting too
        }
    }

    private void reduce(List<Tensor> tensors, ReduceOp op) {
        List<Buckets.Bucket> mine = Buckets.pack(tensors);
        Entry[] all = meet(new Entry("allReduce(" + op + ")", Buckets.signature(tensors), mine));
        int n = group.size;
        for (int b = 0; b < mine.size(); b++) {
            Buckets.Kind kind = mine.get(b).kind;
            int elements = mine.get(b).elements();
            int start = Buckets.chunkStart(elements, n, rank);
            int count = Buckets.chunkStart(elements, n, rank + 1) - start;
            Object target = all[0].buckets.get(b).data;
            for (int k = 1; k < n; k++) {
                Buckets.add(kind, target, start, all[k].buckets.get(b).data, start, count);
            }
            if (op == ReduceOp.AVG) {
                Buckets.divide(kind, target, start, count, n);
            }
        }
        group.await(rank, "allReduce");
        for (int b = 0; b < mine.size(); b++) {
            Buckets.unpack(mine.get(b), all[0].buckets.get(b).data, 0);
        }
    }

    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        Buckets.check("broadcast", tensors, false);
        if (root < 0 || root >= group.size) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of a group of "
                    + group.size);
        }
        ensureOpen();
        if (group.size == 1) {
            return;
        }
        awaitPending();
        List<Buckets.Bucket> mine = Buckets.pack(tensors);
        Entry[] all = meet(new Entry("broadcast(root " + root + ")", Buckets.signature(tensors), mine));
        if (rank != root) {
            for (int b = 0; b < mine.size(); b++) {
                Buckets.unpack(mine.get(b), all[root].buckets.get(b).data, 0);
            }
        }
    }

    @Override
    public void barrier() {
        ensureOpen();
        if (group.size > 1) {
            awaitPending();
            meet(new Entry("barrier", List.of(), List.of()));
        }
    }

    @Override
    public void abort(Throwable cause) {
        group.fail(rank, "rank " + rank + " failed: " + cause, cause);
        close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            synchronized (this) {
                if (worker != null) {
                    worker.shutdown(); // a queued all-reduce then fails in its meeting, as this rank left
                }
            }
            group.leave(rank);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new CollectiveException("rank " + rank + " has closed its collective");
        }
    }

    /**
     * Publishes this rank's entry, waits for every rank, and checks that all called the same collective on the
     * same shapes (every rank reaches the same verdict, so all throw alike).
     */
    private Entry[] meet(Entry entry) {
        Entry[] slots = group.slots[(int) (calls++ & 1)];
        slots[rank] = entry;
        group.await(rank, entry.op);
        Entry[] all = slots.clone();
        for (int k = 1; k < all.length; k++) {
            if (!all[k].op.equals(all[0].op)) {
                throw new CollectiveException("rank " + rank + ": ranks called different collectives: rank 0 "
                        + all[0].op + ", rank " + k + " " + all[k].op);
            }
            if (!all[k].signature.equals(all[0].signature)) {
                throw new CollectiveException("rank " + rank + ": " + entry.op + ": rank " + k
                        + "'s tensors disagree with rank 0's: " + firstDifference(all[0].signature, all[k].signature, k));
            }
        }
        return all;
    }

    static String firstDifference(List<String> zero, List<String> other, int k) {
        if (zero.size() != other.size()) {
            return zero.size() + " tensors on rank 0, " + other.size() + " on rank " + k;
        }
        for (int i = 0; i < zero.size(); i++) {
            if (!zero.get(i).equals(other.get(i))) {
                return "tensor " + i + " is " + zero.get(i) + " on rank 0 and " + other.get(i) + " on rank " + k;
            }
        }
        return "none";
    }

    private static final class Entry {
        final String op;
        final List<String> signature;
        final List<Buckets.Bucket> buckets;

        Entry(String op, List<String> signature, List<Buckets.Bucket> buckets) {
            this.op = op;
            this.signature = signature;
            this.buckets = buckets;
        }
    }

    /** The shared state: the rendezvous, the two alternating slot rows, and the first failure. */
    private static final class Group {
        final int size;
        final long timeoutNanos;
        final Duration timeout;
        final Entry[][] slots;
        private final boolean[] present;
        private int arrived;
        private long generation;
        private String failure;
        private Throwable failureCause;
        private int failedRank = -1;

        Group(int size, Duration timeout) {
            this.size = size;
            this.timeout = timeout;
            this.timeoutNanos = timeout.toNanos();
            this.slots = new Entry[2][size];
            this.present = new boolean[size];
        }

        synchronized int firstFailedRank() {
            return failedRank;
        }

        synchronized void fail(int rank, String message, Throwable cause) {
            if (failure == null) {
                failure = message;
                failureCause = cause;
                failedRank = rank;
            }
            notifyAll();
        }

        synchronized void leave(int rank) {
            fail(rank, "rank " + rank + " left the group (closed its collective)", null);
        }

        private CollectiveException failed(int rank, String op) {
            return new CollectiveException("rank " + rank + ": " + op + " failed because " + failure, failureCause);
        }

        /** Waits until every rank has arrived; throws when the group failed or the timeout passed. */
        synchronized void await(int rank, String op) {
            if (failure != null) {
                throw failed(rank, op);
            }
            long gen = generation;
            present[rank] = true;
            if (++arrived == size) {
                arrived = 0;
                java.util.Arrays.fill(present, false);
                generation++;
                notifyAll();
                return;
            }
            long deadline = System.nanoTime() + timeoutNanos;
            boolean interrupted = false;
            try {
                while (generation == gen && failure == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        List<Integer> missing = new ArrayList<>();
                        for (int r = 0; r < size; r++) {
                            if (!present[r]) {
                                missing.add(r);
                            }
                        }
                        fail(missing.get(0), "rank(s) " + missing + " did not reach " + op + " within " + timeout,
                                null);
                        break;
                    }
                    try {
                        wait(Math.max(1, left / 1_000_000), 0);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        fail(rank, "rank " + rank + " was interrupted", e);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (generation == gen) {
                throw failed(rank, op);
            }
        }
    }
}
