package dev.autograd4j.distributed.nccl;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.cuda.CudaInterop;
import dev.autograd4j.distributed.Collective;
import dev.autograd4j.distributed.CollectiveException;
import dev.autograd4j.distributed.ReduceOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Collective} over NCCL for CUDA tensors of the CUDA backend, through {@code org.bytedeco:cuda}: one
 * rank per GPU, like PyTorch's {@code ProcessGroupNCCL}. Optional and found at run time: {@link #isAvailable()}
 * loads the JNI natives, the CUDA backend and {@code libnccl.so.2} once, never throws, and
 * {@link #unavailableReason()} names what is missing. Nothing is loaded when the class is.
 *
 * <p>Two ways to build one: {@link #createAll(List)} gives one rank per local GPU for threads of one process
 * ({@code ncclCommInitAll}, like {@code InProcessCollective}); {@link #initRank} joins one rank of a group
 * spread over processes or machines ({@code ncclCommInitRank}) with the unique id that rank 0 made with
 * {@link #uniqueId()} and handed to the others, for instance through {@link #initRank(Device, Collective)}, which
 * broadcasts it over another collective such as a TCP ring.
 *
 * <p>Collectives run on the CUDA backend's stream of the communicator's device, in order with every kernel and
 * copy of that device. Tensors on the CPU (small metadata, such as DDP's parameter check) are copied to the
 * device and back; tensors on another GPU are an error. Tensors are flattened into buckets of up to {@link #bucketBytes()} per dtype (a bucket of
 * one tensor is reduced in place). A call then waits, polling, until this rank's part is done, and throws
 * {@link CollectiveException} if NCCL reports an error or {@link #timeout()} passes (a peer failed, vanished or
 * never called it); the communicator is aborted then and cannot be used again. Use each rank from one thread at
 * a time, as every collective.
 */
public final class NcclCollective implements Collective {
    private static final Logger LOG = LoggerFactory.getLogger(NcclCollective.class);
    /** The length of NCCL's unique id ({@code NCCL_UNIQUE_ID_BYTES}). */
    public static final int UNIQUE_ID_BYTES = 128;
    /** The default bucket size, PyTorch DDP's {@code bucket_cap_mb=25}. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;
    /** The default time a collective may take before the communicator is aborted, PyTorch's NCCL default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    // NCCL's enum values (nccl.h), kept here so that argument checks need no natives
    static final int NCCL_SUM = 0, NCCL_AVG = 4;
    static final int NCCL_UINT8 = 1, NCCL_INT64 = 4, NCCL_FLOAT32 = 7, NCCL_FLOAT64 = 8;

    private final NcclNative.Comm comm;
    private final Device device;
    private final int rank;
    private final int worldSize;
    private volatile long bucketBytes = DEFAULT_BUCKET_BYTES;
    private volatile Duration timeout = DEFAULT_TIMEOUT;
    private final Object lock = new Object();
    private ExecutorService poller;
    private boolean closed;
    private String aborted;

    private NcclCollective(NcclNative.Comm comm, Device device, int rank, int worldSize) {
        this.comm = comm;
        this.device = device;
        this.rank = rank;
        this.worldSize = worldSize;
    }

    // ------------------------------------------------------------------ discovery

    /**
     * Whether NCCL can be used here: the bytedeco natives load, the CUDA backend has a device and
     * {@code libnccl.so.2} is found. The first call loads them; never throws.
     *
     * @return true if communicators can be made
     */
    public static boolean isAvailable() {
        return probe().available();
    }

    /**
     * Why NCCL cannot be used here, naming what is missing and where to get it.
     *
     * @return the reason, or null when {@link #isAvailable()}
     */
    public static String unavailableReason() {
        return probe().reason();
    }

    /**
     * The version of the loaded {@code libnccl.so.2}.
     *
     * @return e.g. "2.27.3"
     * @throws IllegalStateException if NCCL is not available (the message says why)
     */
    public static String version() {
        return NcclLibrary.versionString(requireAvailable().version());
    }

    private static NcclLibrary.Probe probe() {
        try {
            return NcclLibrary.probe();
        } catch (Throwable t) { // a LinkageError where even the bytedeco Java classes are missing
            return new NcclLibrary.Probe(0, "loading NCCL failed: " + t);
        }
    }

    private static NcclLibrary.Probe requireAvailable() {
        NcclLibrary.Probe p = probe();
        if (!p.available()) {
            throw new IllegalStateException("NCCL is not available: " + p.reason());
        }
        return p;
    }

    // ------------------------------------------------------------------ making communicators

    /**
     * A new unique id for {@link #initRank}: rank 0 makes it and hands it to every other rank, which pass the same
     * bytes ({@code ncclGetUniqueId}; it holds rank 0's address, so it is good for one group only).
     *
     * @return {@value #UNIQUE_ID_BYTES} bytes
     * @throws IllegalStateException if NCCL is not available
     * @throws CollectiveException if NCCL fails (no network interface, say)
     */
    public static byte[] uniqueId() {
        requireAvailable();
        return NcclNative.uniqueId();
    }

    /**
     * Joins one rank of a group of {@code worldSize} ranks, one per GPU, in this or other processes
     * ({@code ncclCommInitRank}); blocks until every rank has joined.
     *
     * @param device this rank's GPU
     * @param rank this rank, in {@code [0, worldSize)}
     * @param worldSize the number of ranks
     * @param uniqueId the bytes of rank 0's {@link #uniqueId()}, the same on every rank
     * @return this rank's collective
     * @throws IllegalArgumentException for a device that is not CUDA, a rank out of range or an id of the wrong
     *     length
     * @throws IllegalStateException if NCCL is not available
     * @throws CollectiveException if NCCL fails to set the group up
     */
    public static NcclCollective initRank(Device device, int rank, int worldSize, byte[] uniqueId) {
        checkInitRank(device, rank, worldSize, uniqueId);
        requireAvailable();
        long stream = CudaInterop.stream(device);
        NcclNative.Comm c = NcclNative.Comm.initRank(device.index(), stream, worldSize, uniqueId, rank);
        return new NcclCollective(c, device, rank, worldSize);
    }

    /**
     * Joins the NCCL group with the same ranks as {@code bootstrap} (a TCP ring, say): its rank 0 makes the unique
     * id and broadcasts it over {@code bootstrap}, then every rank calls {@link #initRank}. Collective: every rank
     * of {@code bootstrap} must call it. The bootstrap collective stays open and is the caller's to close.
     *
     * @param device this rank's GPU
     * @param bootstrap a collective over CPU tensors with the same ranks
     * @return this rank's collective, with {@code bootstrap}'s rank and world size
     * @throws IllegalArgumentException for a device that is not CUDA
     * @throws IllegalStateException if NCCL is not available (on any rank: the others then fail in the broadcast
     *     or in NCCL's set-up)
     * @throws CollectiveException if the broadcast or NCCL's set-up fails
     */
    public static NcclCollective initRank(Device device, Collective bootstrap) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        checkInitRank(device, bootstrap.rank(), bootstrap.worldSize(), new byte[UNIQUE_ID_BYTES]);
        requireAvailable();
        byte[] id = bootstrap.rank() == 0 ? uniqueId() : new byte[UNIQUE_ID_BYTES];
        Tensor packed = Tensor.of(packId(id), UNIQUE_ID_BYTES / Long.BYTES).to(Device.CPU);
        bootstrap.broadcast(List.of(packed), 0);
        return initRank(device, bootstrap.rank(), bootstrap.worldSize(), unpackId(packed.toLongArray()));
    }

    /**
     * One rank per device, all in this process ({@code ncclCommInitAll}): rank {@code i} is
     * {@code devices.get(i)}. Use each from its own thread: a collective on one rank waits for all the others.
     *
     * @param devices distinct CUDA devices
     * @return the collectives, indexed by rank
     * @throws IllegalArgumentException for no devices, a device that is not CUDA, or one listed twice
     * @throws IllegalStateException if NCCL is not available
     * @throws CollectiveException if NCCL fails to set the group up
     */
    public static List<NcclCollective> createAll(List<Device> devices) {
        checkDevices(devices);
        requireAvailable();
        int[] indices = new int[devices.size()];
        long[] streams = new long[devices.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = devices.get(i).index();
            streams[i] = CudaInterop.stream(devices.get(i));
        }
        List<NcclNative.Comm> comms = NcclNative.Comm.initAll(indices, streams);
        List<NcclCollective> out = new ArrayList<>();
        for (int i = 0; i < comms.size(); i++) {
            out.add(new NcclCollective(comms.get(i), devices.get(i), i, comms.size()));
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ settings

    /**
     * The most bytes one bucket of several tensors holds.
     *
     * @return bytes, {@link #DEFAULT_BUCKET_BYTES} unless set
     */
    public long bucketBytes() {
        return bucketBytes;
    }

    /**
     * Sets the bucket size; must agree on every rank (the buckets are the NCCL calls that ranks match up).
     *
     * @param bytes at least 1
     * @return this
     * @throws IllegalArgumentException for a size below 1
     */
    public NcclCollective bucketBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bucket size must be at least 1 byte, got " + bytes);
        }
        this.bucketBytes = bytes;
        return this;
    }

    /**
     * How long a collective may take on this rank before the communicator is aborted.
     *
     * @return the timeout, {@link #DEFAULT_TIMEOUT} unless set
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sets the timeout of every later collective.
     *
     * @param timeout positive
     * @return this
     * @throws IllegalArgumentException for a timeout that is not positive
     */
    public NcclCollective timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * This rank's GPU.
     *
     * @return the CUDA device the communicator is bound to
     */
    public Device device() {
        return device;
    }

    // ------------------------------------------------------------------ Collective

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    /**
     * {@inheritDoc} Float32, float64 and int64 tensors on this rank's {@link #device()}; {@code AVG} is NCCL's
     * {@code ncclAvg}: floats are scaled by {@code 1/worldSize} before the sum (the last bits may differ from
     * the sum divided afterwards), int64 sums are divided by the world size, rounded toward zero.
     */
    @Override
    public void allReduce(List<Tensor> tensors, ReduceOp op) {
        Objects.requireNonNull(op, "op");
        checkTensors("allReduce", tensors, device, true);
        List<Tensor> work = stage(tensors);
        await(startAllReduce(work, op), "allReduce");
        unstage(tensors, work);
    }

    /**
     * {@inheritDoc} The NCCL calls are queued on the calling thread before this returns (so the order of
     * collectives is the order of calls); a helper thread polls for their end.
     */
    @Override
    public CompletableFuture<Void> allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        NcclNative.Event e;
        try {
            Objects.requireNonNull(op, "op");
            checkTensors("allReduceAsync", tensors, device, true);
            if (stage(tensors) != tensors) { // CPU tensors come back through the host: done at once
                allReduce(tensors, op);
                return CompletableFuture.completedFuture(null);
            }
            e = startAllReduce(tensors, op);
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        if (e == null) {
            return CompletableFuture.completedFuture(null);
        }
        ExecutorService p;
        synchronized (lock) {
            if (poller == null) {
                poller = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "nccl-poller-rank-" + rank);
                    t.setDaemon(true);
                    return t;
                });
            }
            p = poller;
        }
        return CompletableFuture.runAsync(() -> await(e, "allReduceAsync"), p);
    }

    /** {@inheritDoc} Float32, float64, int64 and bool tensors on this rank's {@link #device()} (or the CPU). */
    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        checkTensors("broadcast", tensors, device, false);
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of a group of "
                    + worldSize);
        }
        List<Tensor> work = stage(tensors);
        broadcastOnDevice(work, root);
        if (rank != root) {
            unstage(tensors, work);
        }
    }

    private void broadcastOnDevice(List<Tensor> tensors, int root) {
        List<Buckets.Bucket> plan = plan(tensors);
        if (plan.isEmpty()) {
            return;
        }
        NcclNative.Event e;
        synchronized (lock) {
            ensureOpen();
            try (NcclNative.DeviceScope s = comm.enter(); var g = Autograd.noGrad()) {
                for (Buckets.Bucket b : plan) {
                    run(b, tensors, rank == root, rank != root,
                            (ptr, count) -> comm.broadcast(ptr, count, ncclType(b.dtype()), root));
                }
                e = comm.record();
            }
        }
        await(e, "broadcast");
    }

    /** {@inheritDoc} An all-reduce of one element, as PyTorch's NCCL barrier. */
    @Override
    public void barrier() {
        synchronized (lock) {
            ensureOpen();
        }
        allReduce(List.of(Tensor.ones(Shape.of(1), DType.FLOAT32, device)), ReduceOp.SUM);
    }

    /**
     * Aborts the communicator ({@code ncclCommAbort}) instead of waiting for the collectives queued so far, and
     * leaves the group. NCCL does not pass the cause on: the other ranks' collectives fail when NCCL sees the
     * broken connections, or at their timeout.
     *
     * @param cause why this rank gives up (logged)
     */
    @Override
    public void abort(Throwable cause) {
        LOG.warn("{} aborted: {}", this, String.valueOf(cause));
        abortCommunicator("aborted by this rank: " + cause);
        close();
    }

    /** Destroys the communicator (after the collectives queued so far); idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (poller != null) {
                poller.shutdown();
            }
            if (aborted == null) {
                comm.destroy();
            }
        }
    }

    @Override
    public String toString() {
        return "NcclCollective[rank " + rank + " of " + worldSize + " on " + device + "]";
    }

    // ------------------------------------------------------------------ internals

    /**
     * The tensors to hand to NCCL: the same list when all are on the device, else a copy of the list in which
     * each CPU tensor is replaced by a copy on the device (small metadata, such as DDP's parameter check).
     */
    private List<Tensor> stage(List<Tensor> tensors) {
        List<Tensor> work = null;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!t.device().equals(device)) {
                if (work == null) {
                    work = new ArrayList<>(tensors);
                }
                try (var g = Autograd.noGrad()) {
                    work.set(i, t.contiguous().to(device));
                }
            }
        }
        return work == null ? tensors : work;
    }

    /** Copies the results of staged CPU tensors back (waits for the device: the copy reads to the host). */
    private static void unstage(List<Tensor> tensors, List<Tensor> work) {
        if (work == tensors) {
            return;
        }
        try (var g = Autograd.noGrad()) {
            for (int i = 0; i < tensors.size(); i++) {
                if (work.get(i) != tensors.get(i)) {
                    tensors.get(i).copy_(work.get(i).to(tensors.get(i).device()));
                }
            }
        }
    }

    private NcclNative.Event startAllReduce(List<Tensor> tensors, ReduceOp op) {
        List<Buckets.Bucket> plan = plan(tensors);
        if (plan.isEmpty()) {
            return null;
        }
        int ncclOp = op == ReduceOp.AVG ? NCCL_AVG : NCCL_SUM;
        synchronized (lock) {
            ensureOpen();
            try (NcclNative.DeviceScope s = comm.enter(); var g = Autograd.noGrad()) {
                for (Buckets.Bucket b : plan) {
                    run(b, tensors, true, true, (ptr, count) -> comm.allReduce(ptr, count, ncclType(b.dtype()), ncclOp));
                }
                return comm.record();
            }
        }
    }

    private List<Buckets.Bucket> plan(List<Tensor> tensors) {
        List<DType> dtypes = new ArrayList<>(tensors.size());
        int[] numels = new int[tensors.size()];
        for (int i = 0; i < numels.length; i++) {
            dtypes.add(tensors.get(i).dtype());
            numels[i] = tensors.get(i).numel();
        }
        return Buckets.plan(dtypes, numels, bucketBytes);
    }

    private interface Call {
        void run(long address, long count);
    }

    /**
     * One bucket: in place for a single tensor, else packed into a flat tensor (copies on the backend's stream,
     * so ordered with the NCCL call), the call, and the results copied back.
     */
    private void run(Buckets.Bucket b, List<Tensor> tensors, boolean packIn, boolean copyOut, Call call) {
        if (b.inPlace()) {
            Tensor t = tensors.get(b.members()[0]);
            call.run(CudaInterop.devicePointer(t), t.numel());
            return;
        }
        Tensor flat = Tensor.zeros(Shape.of(b.numel()), b.dtype(), device);
        int[] members = b.members(), offsets = b.offsets();
        if (packIn) {
            for (int k = 0; k < members.length; k++) {
                Tensor t = tensors.get(members[k]);
                flat.narrow(0, offsets[k], t.numel()).copy_(t.reshape(t.numel()));
            }
        }
        call.run(CudaInterop.devicePointer(flat), b.numel());
        if (copyOut) {
            for (int k = 0; k < members.length; k++) {
                Tensor t = tensors.get(members[k]);
                t.copy_(flat.narrow(0, offsets[k], t.numel()).view(t.shape().toArray()));
            }
        }
    }

    private void ensureOpen() {
        if (aborted != null) {
            throw new IllegalStateException(this + " was aborted after an earlier failure (" + aborted
                    + "); make a new communicator");
        }
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Polls until the stream passes the event, NCCL reports an error, or the timeout passes (then aborts). */
    private void await(NcclNative.Event e, String what) {
        if (e == null) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1_000;
        try (NcclNative.DeviceScope s = comm.enter()) {
            while (true) {
                String failure = null;
                try {
                    if (e.done()) {
                        return;
                    }
                } catch (CollectiveException ex) {
                    failure = ex.getMessage();
                }
                if (failure == null) {
                    failure = comm.asyncError();
                }
                if (failure == null && System.nanoTime() - deadline > 0) {
                    failure = "did not finish within " + timeout + ": a peer rank failed, vanished or never called it";
                }
                if (failure != null) {
                    abortCommunicator(failure);
                    throw new CollectiveException(what + " on rank " + rank + " of " + worldSize + " (" + device
                            + ") failed: " + failure + "; the communicator was aborted");
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 200_000);
            }
        } finally {
            e.destroy();
        }
    }

    private void abortCommunicator(String why) {
        synchronized (lock) {
            if (aborted == null && !closed) {
                aborted = why;
                comm.abort();
            }
        }
    }

    // ------------------------------------------------------------------ checks (no natives needed)

    /** NCCL's data type for a dtype; bool travels as uint8 (broadcast only). */
    static int ncclType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> NCCL_FLOAT32;
            case FLOAT64 -> NCCL_FLOAT64;
            case INT64 -> NCCL_INT64;
            case BOOL -> NCCL_UINT8;
        };
    }

    static void checkTensors(String op, List<Tensor> tensors, Device device, boolean reduce) {
        // the wording of the other collectives (InProcessCollective, TcpRingCollective) where the checks agree
        Objects.requireNonNull(tensors, "tensors must not be null");
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t == null) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is null");
            }
            if (reduce && t.dtype() == DType.BOOL) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is bool, which cannot be summed; "
                        + "convert it to int64 first");
            }
            if (!t.device().equals(device)) {
                if (t.device().type() == Device.Type.CPU) {
                    continue; // staged through the device
                }
                throw new IllegalArgumentException(op + ": tensor " + i + " is on " + t.device() + ", but this "
                        + "rank's NCCL communicator is on " + device + " (move it with .to(" + device + "); CPU "
                        + "tensors are copied through the GPU)");
            }
            if (!t.isContiguous()) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is not contiguous (shape "
                        + Arrays.toString(t.shape().toArray()) + ", strides " + Arrays.toString(t.stride())
                        + "); NCCL works on flat memory: reduce a contiguous copy and copy it back");
            }
        }
    }

    static void checkInitRank(Device device, int rank, int worldSize, byte[] uniqueId) {
        Objects.requireNonNull(device, "device");
        if (!device.isCuda()) {
            throw new IllegalArgumentException("NCCL needs a CUDA device, got " + device);
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be at least 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is out of range for world size " + worldSize);
        }
        Objects.requireNonNull(uniqueId, "uniqueId");
        if (uniqueId.length != UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, got "
                    + uniqueId.length);
        }
    }

    static void checkDevices(List<Device> devices) {
        Objects.requireNonNull(devices, "devices");
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("createAll needs at least one device");
        }
        Set<Device> seen = new HashSet<>();
        for (Device d : devices) {
            Objects.requireNonNull(d, "devices contains null");
            if (!d.isCuda()) {
                throw new IllegalArgumentException("NCCL needs CUDA devices, got " + d);
            }
            if (!seen.add(d)) {
                throw new IllegalArgumentException(d + " is listed twice: NCCL puts one rank on each GPU");
            }
        }
    }

    /** The unique id as int64 elements (little-endian), for a broadcast over a collective of tensors. */
    static long[] packId(byte[] id) {
        long[] out = new long[id.length / Long.BYTES];
        for (int i = 0; i < id.length; i++) {
            out[i / Long.BYTES] |= (id[i] & 0xFFL) << (8 * (i % Long.BYTES));
        }
        return out;
    }

    static byte[] unpackId(long[] packed) {
        byte[] out = new byte[packed.length * Long.BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (packed[i / Long.BYTES] >>> (8 * (i % Long.BYTES)));
        }
        return out;
    }
}
