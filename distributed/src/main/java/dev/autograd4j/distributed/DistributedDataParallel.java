package dev.autograd4j.distributed;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Data-parallel training, as PyTorch's {@code torch.nn.parallel.DistributedDataParallel}: every rank holds a
 * replica of the module and trains it on its own share of each batch; after each {@code loss.backward()} every
 * rank holds the gradients averaged over the ranks, so the same optimizer step keeps the replicas identical.
 *
 * <ul>
 *   <li>At construction the ranks check that their modules have the same parameters (count, shapes and dtypes;
 *       on a mismatch every rank throws, naming the first parameter that differs), then rank 0's parameters and
 *       buffers are broadcast to every rank.</li>
 *   <li>The parameters that require grad are cut into buckets of at most {@code bucketCapBytes} (25 MiB by
 *       default, as PyTorch's {@code bucket_cap_mb}), in reverse registration order, the order in which backward
 *       roughly produces their gradients. A post-accumulate-grad hook on each parameter
 *       ({@link Tensor#registerPostAccumulateGradHook}) marks it ready; as soon as a bucket is full it is
 *       flattened and its all-reduce (average) is started asynchronously, in bucket order, so communication
 *       overlaps the rest of backward. A callback queued on the backward pass ({@link Autograd#queueCallback})
 *       starts what is left, waits for every bucket and writes the averaged gradients back before
 *       {@code backward()} returns.</li>
 *   <li>A parameter that got no gradient in a backward pass counts as a zero gradient (its {@code grad} is set
 *       to the average of the other ranks'), so every rank still makes the same collectives.</li>
 *   <li>Inside {@link #noSync()} gradients only accumulate locally; the next backward outside it averages the
 *       accumulated gradients (gradient accumulation, as PyTorch's {@code no_sync}).</li>
 *   <li>In training mode each {@link #forward} first copies rank 0's buffers (BatchNorm's running statistics) to
 *       every rank, as PyTorch's {@code broadcast_buffers=True}.</li>
 * </ul>
 *
 * <p>Move the module to its device before wrapping it, and build the optimizer on {@code ddp.parameters()} (the
 * wrapped module's, named {@code module.*} as in PyTorch). The wrapped module's state is shared, not copied.
 */
public class DistributedDataParallel extends Module {
    /** The default bucket size, 25 MiB as PyTorch's {@code bucket_cap_mb=25}. */
    public static final long DEFAULT_BUCKET_CAP_BYTES = 25L << 20;

    private final Module module;
    private final Collective collective;
    private final List<Bucket> buckets = new ArrayList<>();
    private final Map<Tensor, Bucket> bucketOf = new IdentityHashMap<>();
    private final List<Autograd.HookHandle> hooks = new ArrayList<>();
    private boolean requireSync = true;
    private boolean passActive;
    private int nextToLaunch;

    /** One bucket: parameters of one dtype and device, reduced as one flat tensor. */
    private static final class Bucket {
        final List<Tensor> params = new ArrayList<>();
        long bytes;
        int ready;
        Tensor flat;
        CompletableFuture<Void> reduced;
    }

    /**
     * Wraps {@code module} with the default bucket size.
     *
     * @param module the replica on this rank (on its device)
     * @param collective this rank's collective
     * @throws IllegalArgumentException when the ranks' modules differ in their parameters' count, shapes or dtypes
     * @throws CollectiveException when a rank fails or vanishes
     */
    public DistributedDataParallel(Module module, Collective collective) {
        this(module, collective, DEFAULT_BUCKET_CAP_BYTES);
    }

    /**
     * Wraps {@code module}.
     *
     * @param module the replica on this rank (on its device)
     * @param collective this rank's collective
     * @param bucketCapBytes the largest bucket of gradients reduced as one message (a parameter larger than it
     *     gets a bucket of its own)
     * @throws IllegalArgumentException when the ranks' modules differ in their parameters' count, shapes or
     *     dtypes, or {@code bucketCapBytes < 1}
     * @throws CollectiveException when a rank fails or vanishes
     */
    public DistributedDataParallel(Module module, Collective collective, long bucketCapBytes) {
        this.module = registerModule("module", Objects.requireNonNull(module, "module must not be null"));
        this.collective = Objects.requireNonNull(collective, "collective must not be null");
        if (bucketCapBytes < 1) {
            throw new IllegalArgumentException("bucketCapBytes must be positive, got " + bucketCapBytes);
        }
        ModelCheck.verifySameParameters(module.namedParameters(), collective);
        List<Tensor> state = new ArrayList<>(module.parameters());
        for (Tensor b : module.buffers()) {
            if (b != null) {
                state.add(b);
            }
        }
        collective.broadcast(state, 0);
        makeBuckets(bucketCapBytes);
        for (Bucket bucket : buckets) {
            for (Tensor p : bucket.params) {
                bucketOf.put(p, bucket);
                hooks.add(p.registerPostAccumulateGradHook(this::onGradientReady));
            }
        }
    }

    private void makeBuckets(long cap) {
        List<Tensor> params = module.trainableParameters();
        Map<String, Bucket> open = new java.util.LinkedHashMap<>();
        for (int i = params.size() - 1; i >= 0; i--) {
            Tensor p = params.get(i);
            String key = p.dtype() + "@" + p.device();
            Bucket b = open.get(key);
            long bytes = (long) p.numel() * p.dtype().byteSize();
            if (b != null && b.bytes + bytes > cap && !b.params.isEmpty()) {
                b = null;
            }
            if (b == null) {
                b = new Bucket();
                buckets.add(b);
                open.put(key, b);
            }
            b.params.add(p);
            b.bytes += bytes;
        }
    }

    /**
     * The wrapped module, as PyTorch's {@code ddp.module}.
     *
     * @return the module given at construction
     */
    public Module module() {
        return module;
    }

    /**
     * This rank's collective.
     *
     * @return the collective given at construction
     */
    public Collective collective() {
        return collective;
    }

    /**
     * How the gradients are bucketed: the number of parameters in each bucket, in the order the buckets are
     * reduced.
     *
     * @return one count per bucket
     */
    public List<Integer> bucketSizes() {
        List<Integer> out = new ArrayList<>();
        for (Bucket b : buckets) {
            out.add(b.params.size());
        }
        return out;
    }

    /**
     * Runs the wrapped module; in training mode first copies rank 0's buffers to every rank.
     *
     * @param input the input
     * @return the module's output
     */
    @Override
    public Tensor forward(Tensor input) {
        if (passActive) {
            resetPass(); // the previous backward pass threw before its final callback: start clean
        }
        if (isTraining()) {
            List<Tensor> buffers = new ArrayList<>();
            for (Tensor b : module.buffers()) {
                if (b != null) {
                    buffers.add(b);
                }
            }
            if (!buffers.isEmpty()) {
                collective.broadcast(buffers, 0);
            }
        }
        return module.forward(input);
    }

    /**
     * A scope in which backward passes only accumulate gradients locally, as PyTorch's {@code no_sync()}; the
     * first backward after it averages the accumulated gradients. Every rank must use it for the same steps.
     *
     * <pre>{@code
     * try (var scope = ddp.noSync()) {
     *     lossFn.forward(ddp.forward(x1), y1).backward();   // local
     * }
     * lossFn.forward(ddp.forward(x2), y2).backward();       // averages the sum of both gradients
     * optimizer.step();
     * }</pre>
     *
     * @return the scope; closing it restores synchronization
     */
    public NoSync noSync() {
        return new NoSync(requireSync);
    }

    /** The scope returned by {@link #noSync()}. */
    public final class NoSync implements AutoCloseable {
        private final boolean previous;

        private NoSync(boolean previous) {
            this.previous = previous;
            requireSync = false;
        }

        /** Restores the synchronization state from before the scope. */
        @Override
        public void close() {
            requireSync = previous;
        }
    }

    // ------------------------------------------------------------------ the reducer

    private void onGradientReady(Tensor param) {
        if (!requireSync) {
            return;
        }
        if (!passActive) {
            passActive = true;
            Autograd.queueCallback(this::finishPass);
        }
        Bucket b = bucketOf.get(param);
        b.ready++;
        if (b.ready == b.params.size()) {
            launchReadyInOrder();
        }
    }

    /** Starts the all-reduce of every full bucket from the next one in order, so every rank starts them alike. */
    private void launchReadyInOrder() {
        while (nextToLaunch < buckets.size() && buckets.get(nextToLaunch).ready == buckets.get(nextToLaunch).params.size()) {
            launch(buckets.get(nextToLaunch++));
        }
    }

    private void launch(Bucket b) {
        List<Tensor> flats = new ArrayList<>(b.params.size());
        try (var off = Autograd.noGrad()) {
            for (Tensor p : b.params) {
                Tensor g = p.grad();
                if (g == null) {
                    // no gradient this step: it counts as zeros, and receives the average
                    g = Tensor.zeros(p.shape(), p.dtype(), p.device());
                    p.setGrad(g);
                }
                flats.add(g.reshape(-1));
            }
            b.flat = flats.size() == 1 ? flats.get(0).copy() : Tensor.cat(flats, 0);
            // the collective reduces it in place on its own thread: it must outlive a MemoryScope that a failing
            // backward closes while the all-reduce is still running, or its array could go to another tensor
            MemoryScope.escape(b.flat);
        }
        b.reduced = collective.allReduceAsync(List.of(b.flat), ReduceOp.AVG);
    }

    private void finishPass() {
        try {
            for (Bucket b : buckets) {
                b.ready = b.params.size();
            }
            launchReadyInOrder();
            try (var off = Autograd.noGrad()) {
                for (Bucket b : buckets) {
                    try {
                        b.reduced.join();
                    } catch (CompletionException e) {
                        Throwable cause = e.getCause();
                        throw cause instanceof RuntimeException ? (RuntimeException) cause
                                : new CollectiveException(String.valueOf(cause), cause);
                    }
                    long offset = 0;
                    for (Tensor p : b.params) {
                        int n = p.numel();
                        p.grad().copy_(b.flat.narrow(0, (int) offset, n).reshape(p.shape().toArray()));
                        offset += n;
                    }
                }
            }
        } finally {
            resetPass();
        }
    }

    private void resetPass() {
        for (Bucket b : buckets) {
            b.ready = 0;
            b.flat = null;
            b.reduced = null;
        }
        nextToLaunch = 0;
        passActive = false;
    }

    /** The parameter check of the constructor, kept apart. */
    static final class ModelCheck {
        private static final int MAX_DIMS = 8;
        private static final int ROW = 3 + MAX_DIMS; // dtype, ndim, numel, dims

        private ModelCheck() {
        }

        private static long[] row(Tensor t) {
            long[] r = new long[ROW];
            r[0] = t.dtype().ordinal();
            int[] dims = t.shape().toArray();
            r[1] = dims.length;
            r[2] = t.numel();
            for (int i = 0; i < Math.min(dims.length, MAX_DIMS); i++) {
                r[3 + i] = dims[i];
            }
            return r;
        }

        private static String describe(long[] table, int at) {
            int ndim = (int) table[at + 1];
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < Math.min(ndim, MAX_DIMS); i++) {
                s.append(i > 0 ? ", " : "").append(table[at + 3 + i]);
            }
            return s.append(ndim > MAX_DIMS ? ", ...]" : "]").append(" (").append(DType.values()[(int) table[at]])
                    .append(')').toString();
        }

        /**
         * Every rank learns rank 0's parameter table, finds its own first difference, and the ranks share their
         * findings; all throw the same message naming the lowest differing rank and its first differing
         * parameter (by this rank's name for it).
         */
        static void verifySameParameters(Map<String, Tensor> named, Collective collective) {
            int world = collective.worldSize();
            if (world == 1) {
                return;
            }
            List<String> names = new ArrayList<>(named.keySet());
            List<Tensor> params = new ArrayList<>(named.values());
            Tensor count = Tensor.of(new long[] {params.size()}, 1);
            collective.broadcast(List.of(count), 0);
            int zeroCount = (int) count.toLongArray()[0];
            long[] table = new long[Math.max(1, zeroCount) * ROW];
            if (collective.rank() == 0) {
                for (int i = 0; i < params.size(); i++) {
                    System.arraycopy(row(params.get(i)), 0, table, i * ROW, ROW);
                }
            }
            Tensor zeroTable = Tensor.of(table, table.length);
            collective.broadcast(List.of(zeroTable), 0);
            table = zeroTable.toLongArray();
            int first = -1;
            for (int i = 0; i < Math.max(zeroCount, params.size()) && first < 0; i++) {
                if (i >= zeroCount || i >= params.size()) {
                    first = i;
                } else if (!java.util.Arrays.equals(row(params.get(i)), 0, ROW, table, i * ROW, (i + 1) * ROW)) {
                    first = i;
                }
            }
            // every rank's verdict: [first + 1, own count, own row of that parameter]
            int slot = 2 + ROW;
            long[] report = new long[world * slot];
            int at = collective.rank() * slot;
            if (first >= 0) {
                report[at] = first + 1;
                report[at + 1] = params.size();
                if (first < params.size()) {
                    System.arraycopy(row(params.get(first)), 0, report, at + 2, ROW);
                }
            }
            Tensor all = Tensor.of(report, report.length);
            collective.allReduce(List.of(all), ReduceOp.SUM);
            report = all.toLongArray();
            for (int k = 0; k < world; k++) {
                if (report[k * slot] == 0) {
                    continue;
                }
                int index = (int) report[k * slot] - 1;
                int theirCount = (int) report[k * slot + 1];
                String name = index < names.size() ? "'" + names.get(index) + "'" : "#" + index;
                String message;
                if (index >= theirCount || index >= zeroCount) {
                    message = "DistributedDataParallel expects the same model on every rank, but rank " + k + " has "
                            + theirCount + " parameters while rank 0 has " + zeroCount + " (the first parameter "
                            + "only one of them has is parameter " + index + ", " + name + " here)";
                } else {
                    message = "DistributedDataParallel expects the same model on every rank, but parameter " + index
                            + " (" + name + ") has shape " + describe(report, k * slot + 2) + " on rank " + k
                            + " and " + describe(table, index * ROW) + " on rank 0";
                }
                throw new IllegalArgumentException(message);
            }
        }
    }
}
