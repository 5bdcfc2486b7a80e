package dev.autograd4j.distributed;

import dev.autograd4j.Tensor;
import dev.autograd4j.distributed.RingMessages.Frame;
import dev.autograd4j.distributed.RingMessages.Mismatch;
import dev.autograd4j.distributed.RingMessages.RemoteAbort;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group of processes (or machines) joined in a ring of TCP connections, each rank sending to rank
 * {@code rank + 1} and receiving from rank {@code rank - 1}, as Horovod's and Gloo's ring all-reduce.
 *
 * <p>Joining takes two steps, so an engine such as Spark can bind a port before it knows its peers:
 * <pre>{@code
 * TcpRingCollective.Endpoint ep = TcpRingCollective.listen("0.0.0.0", 0);
 * List<String> addresses = exchange(ep.address());          // e.g. BarrierTaskContext.allGather
 * try (TcpRingCollective ring = ep.join(rank, addresses, Duration.ofMinutes(5))) {
 *     ...
 * }
 * }</pre>
 *
 * <p><b>All-reduce</b> is the bandwidth-optimal ring: each bucket (the tensors of one dtype, flattened) is cut
 * into {@code worldSize} chunks; in {@code worldSize - 1} reduce-scatter steps every rank adds the chunk it
 * receives to its own and passes the sum on, so rank {@code r} ends holding the full sum of chunk
 * {@code r + 1} (divided by the world size for {@link ReduceOp#AVG}); in {@code worldSize - 1} all-gather steps
 * the finished chunks travel round the ring and are copied, not added again, so every rank ends with the same
 * bits. Each rank sends and receives {@code 2 (worldSize - 1) / worldSize} times the buffer, whatever the world
 * size. Chunks move in segments of {@value #SEGMENT_BYTES} bytes, and a dedicated sender thread per rank writes
 * while the collective's thread receives and adds, so a segment is passed on as soon as it is summed
 * (pipelined). Chunk {@code c} is summed in ring order starting at rank {@code c}. A single contiguous CPU tensor
 * is reduced in place in its own storage; segments travel through direct buffers of socket channels.
 *
 * <p><b>Failures</b>: every receive waits at most the timeout given to {@link Endpoint#join}; a rank whose
 * collective fails (a timeout, a closed or reset connection, ranks that disagree on what they exchange, or
 * {@link #abort}) sends an abort message naming itself and the cause round the ring and closes its connections,
 * so every other rank's current or next collective throws a {@link CollectiveException} that carries that
 * message, instead of hanging. A rank that dies without a word closes its sockets (the operating system does),
 * and its neighbours report it by rank and address.
 *
 * <p>A world of one rank opens no connection and its collectives return at once. Collectives run one at a time,
 * in the order they were called, on the ring's own worker thread; {@link #allReduceAsync} returns at once.
 */
public final class TcpRingCollective implements Collective {
    private static final Logger LOG = LoggerFactory.getLogger(TcpRingCollective.class);
    /** The size of the pieces a chunk is sent in: small enough to pipeline, large enough to amortize a write. */
    static final int SEGMENT_BYTES = 512 * 1024;
    private static final int MAGIC = 0x41475244; // "AGRD"
    private static final int PROTOCOL = 1;
    private static final int TAG_DATA = 1;
    private static final int TAG_ABORT = 2;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final long DRAIN_LIMIT_MILLIS = 10_000;
    private static final int HEADER_BYTES = 12;

    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private final List<String> addresses;
    private final Socket toNext;
    private final Socket fromPrevious;
    private final Receiver in;
    private final Sender sender;
    private final ExecutorService worker;
    private final Object lock = new Object();
    private volatile CollectiveException failure;
    private volatile boolean closed;
    /** The worker's reused arrays: buckets of many tensors, and the segments it receives and adds. */
    private final Buckets.Arrays arrays = new Buckets.Arrays();
    private final Buckets.Arrays scratch = new Buckets.Arrays();

    private TcpRingCollective(int rank, List<String> addresses, Duration timeout, Socket toNext,
                              Socket fromPrevious) throws IOException {
        this.rank = rank;
        this.worldSize = addresses.size();
        this.timeout = timeout;
        this.addresses = List.copyOf(addresses);
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        if (worldSize > 1) {
            this.in = new Receiver(fromPrevious.getChannel());
            this.sender = new Sender(toNext.getChannel());
            this.worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "autograd4j-ring-" + rank + "-worker");
                t.setDaemon(true);
                return t;
            });
        } else {
            this.in = null;
            this.sender = null;
            this.worker = null;
        }
    }

    /**
     * Binds a listening socket for this rank's predecessor to connect to.
     *
     * @param bindHost the local address to bind ({@code "0.0.0.0"} for all interfaces, {@code "127.0.0.1"} for
     *     processes of one machine)
     * @param port the port, or 0 for any free one
     * @return the endpoint, whose {@link Endpoint#address()} the ranks exchange
     * @throws CollectiveException when the address cannot be bound
     */
    public static Endpoint listen(String bindHost, int port) {
        Objects.requireNonNull(bindHost, "bindHost must not be null");
        try {
            // sockets from channels: the ring moves direct buffers, without the streams' copy through a
            // temporary buffer
            ServerSocket server = ServerSocketChannel.open().socket();
            server.setReceiveBufferSize(SOCKET_BUFFER);
            server.bind(new InetSocketAddress(bindHost, port), 64);
            InetAddress bound = server.getInetAddress();
            String host = bound.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostAddress() : bindHost;
            return new Endpoint(server, format(host, server.getLocalPort()));
        } catch (IOException e) {
            throw new CollectiveException("cannot listen on " + bindHost + ":" + port + ": " + e, e);
        }
    }

    /** A bound, not yet joined, rank: a listening socket and the address its predecessor will connect to. */
    public static final class Endpoint implements AutoCloseable {
        private final ServerSocket server;
        private final String address;

        private Endpoint(ServerSocket server, String address) {
            this.server = server;
            this.address = address;
        }

        /**
         * Where this rank listens, to give the other ranks.
         *
         * @return {@code "host:port"} ({@code "[v6addr]:port"} for IPv6)
         */
        public String address() {
            return address;
        }

        /**
         * Joins the ring: connects to rank {@code rank + 1}'s address and accepts rank {@code rank - 1}'s
         * connection (each side checks the other's rank and world size), then closes the listening socket. With
         * one address, it opens no connection.
         *
         * @param rank this rank, in {@code [0, addresses.size())}
         * @param addresses every rank's {@link #address()}, indexed by rank (this rank's own included)
         * @param timeout how long to wait for the peers to connect, and later for each receive
         * @return the collective of this rank
         * @throws CollectiveException when a peer does not connect in time, or connects with another world size
         * @throws IllegalArgumentException when the rank is out of range or the timeout not positive
         */
        public TcpRingCollective join(int rank, List<String> addresses, Duration timeout) {
            Objects.requireNonNull(addresses, "addresses must not be null");
            Objects.requireNonNull(timeout, "timeout must not be null");
            int n = addresses.size();
            if (n < 1 || rank < 0 || rank >= n) {
                throw new IllegalArgumentException("rank " + rank + " is not in [0, " + n + ")");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (n == 1) {
                close();
                try {
                    return new TcpRingCollective(0, addresses, timeout, null, null);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            int next = (rank + 1) % n;
            int previous = (rank + n - 1) % n;
            Socket out = null;
            Socket in = null;
            try {
                out = connect(addresses.get(next), deadline, rank, next);
                DataOutputStream hello = new DataOutputStream(out.getOutputStream());
                hello.writeInt(MAGIC);
                hello.writeInt(PROTOCOL);
                hello.writeInt(rank);
                hello.writeInt(n);
                hello.flush();
                in = accept(deadline, rank, previous, n, addresses);
                in.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
                LOG.debug("rank {} joined a ring of {}: sends to {} ({}), receives from {} ({})", rank, n, next,
                        addresses.get(next), previous, addresses.get(previous));
                return new TcpRingCollective(rank, addresses, timeout, out, in);
            } catch (IOException | RuntimeException e) {
                closeQuietly(out);
                closeQuietly(in);
                if (e instanceof CollectiveException) {
                    throw (CollectiveException) e;
                }
                throw new CollectiveException("rank " + rank + ": joining the ring failed: " + e, e);
            } finally {
                close();
            }
        }

        private Socket accept(long deadline, int rank, int previous, int n, List<String> addresses)
                throws IOException {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new CollectiveException("rank " + rank + ": rank " + previous + " (" + addresses.get(previous)
                            + ") did not connect within the timeout");
                }
                server.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
                DataInputStream hello = new DataInputStream(s.getInputStream());
                int magic = hello.readInt();
                int protocol = hello.readInt();
                int from = hello.readInt();
                int size = hello.readInt();
                if (magic != MAGIC || protocol != PROTOCOL) {
                    LOG.warn("rank {}: ignored a connection from {} that is not an autograd4j ring peer", rank,
                            s.getRemoteSocketAddress());
                    closeQuietly(s);
                    continue;
                }
                if (size != n || from != previous) {
                    closeQuietly(s);
                    throw new CollectiveException("rank " + rank + ": expected rank " + previous + " of " + n
                            + " to connect, but rank " + from + " of " + size + " did (are the addresses the same, in "
                            + "rank order, on every rank?)");
                }
                s.setTcpNoDelay(true);
                return s;
            }
        }

        /** Closes the listening socket (join does it); idempotent. */
        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                LOG.debug("closing the listening socket failed", e);
            }
        }
    }

    private static Socket connect(String address, long deadline, int rank, int next) throws IOException {
        InetSocketAddress target = parse(address);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            Socket s = SocketChannel.open().socket();
            try {
                s.setSendBufferSize(SOCKET_BUFFER);
                s.setTcpNoDelay(true);
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                s.connect(target, (int) Math.min(Integer.MAX_VALUE, left));
                return s;
            } catch (ConnectException | SocketTimeoutException e) {
                last = e;
                closeQuietly(s);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CollectiveException("rank " + rank + ": interrupted while connecting to rank " + next, ie);
                }
            }
        }
        throw new CollectiveException("rank " + rank + ": cannot connect to rank " + next + " at " + address
                + " within the timeout: " + last, last);
    }

    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address must be host:port, got '" + address + "'", e);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CollectiveException("unknown host in address '" + address + "'", e);
        }
    }

    private static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.trace("close", e);
            }
        }
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
     * The timeout every receive waits at most.
     *
     * @return the timeout given to {@link Endpoint#join}
     */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public void allReduce(List<Tensor> tensors, ReduceOp op) {
        join(allReduceAsync(tensors, op));
    }

    @Override
    public CompletableFuture<Void> allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        Buckets.check("allReduce", tensors, true);
        Objects.requireNonNull(op, "op must not be null");
        ensureOpen();
        if (worldSize == 1) {
            return CompletableFuture.completedFuture(null);
        }
        // packing runs on the worker, after the previous collective, so the reused arrays are free and the
        // caller (a backward pass launching a bucket) returns at once
        Buckets.checkSizes(tensors);
        List<Tensor> list = List.copyOf(tensors);
        return submit("allReduce", () -> {
            List<Buckets.Bucket> buckets = Buckets.pack(list, arrays, true);
            for (Buckets.Bucket b : buckets) {
                ringAllReduce(b.kind, b.data, b.base, b.elements, op);
            }
            for (Buckets.Bucket b : buckets) {
                Buckets.unpack(b, b.data, b.base);
            }
        });
    }

    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        Buckets.check("broadcast", tensors, false);
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of a group of " + worldSize);
        }
        ensureOpen();
        if (worldSize == 1) {
            return;
        }
        Buckets.checkSizes(tensors);
        join(submit("broadcast", () -> {
            List<Buckets.Bucket> buckets = Buckets.pack(tensors, arrays, true);
            for (Buckets.Bucket b : buckets) {
                ringBroadcast(b.kind, b.data, b.base, b.elements, root);
            }
            if (rank != root) {
                for (Buckets.Bucket b : buckets) {
                    Buckets.unpack(b, b.data, b.base);
                }
            }
        }));
    }

    @Override
    public void barrier() {
        ensureOpen();
        if (worldSize == 1) {
            return;
        }
        // an all-reduce completes on no rank before every rank has sent its part
        join(submit("barrier", () -> ringAllReduce(Buckets.Kind.INT64, new long[worldSize], 0, worldSize, null)));
    }

    @Override
    public void abort(Throwable cause) {
        if (worldSize == 1 || closed) {
            close();
            return;
        }
        String message = "rank " + rank + " failed: " + cause;
        boolean first;
        synchronized (lock) {
            first = failure == null;
            if (first) {
                failure = new CollectiveException(message, cause);
            }
        }
        if (first) {
            sender.abort(message);
            // the worker is the only reader of the predecessor's socket: let it wait for the abort to come round
            try {
                worker.submit(this::drain).get(DRAIN_LIMIT_MILLIS + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("rank {}: draining after abort did not finish", rank, e);
            }
        }
        close();
    }

    /**
     * Leaves the ring: waits (at most the timeout) for the frames already queued to be sent, then closes both
     * connections. The neighbours' next collective fails, naming this rank.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (worldSize == 1) {
            return;
        }
        worker.shutdown();
        try {
            worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.finish(timeout.toMillis());
        closeQuietly(toNext);
        closeReceiving();
        worker.shutdownNow();
        in.close();
    }

    /** Test hook: resets the connection to the next rank, as a crashed process or a broken network would. */
    void killConnectionForTest() throws IOException {
        toNext.setSoLinger(true, 0);
        toNext.close();
    }

    private void ensureOpen() {
        CollectiveException f = failure;
        if (f != null) {
            throw new CollectiveException("rank " + rank + ": the ring has failed before: " + f.getMessage(), f);
        }
        if (closed) {
            throw new CollectiveException("rank " + rank + " has closed its collective");
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    private CompletableFuture<Void> submit(String what, Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                try {
                    CollectiveException f = failure;
                    if (f != null) {
                        throw new CollectiveException("rank " + rank + ": " + what + " failed because the ring has "
                                + "failed: " + f.getMessage(), f);
                    }
                    work.run();
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(onFailure(what, t));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new CollectiveException("rank " + rank + " has closed its collective", e));
        }
        return done;
    }

    private static void join(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new CollectiveException(String.valueOf(cause), cause);
        }
    }

    // ------------------------------------------------------------------ failures

    /** Turns a failure in the worker into the exception of the collective, and fails the ring (once). */
    private CollectiveException onFailure(String what, Throwable t) {
        if (t instanceof CollectiveException && failure != null) {
            return (CollectiveException) t;
        }
        String previous = "rank " + ((rank + worldSize - 1) % worldSize) + " ("
                + addresses.get((rank + worldSize - 1) % worldSize) + ")";
        String next = "rank " + ((rank + 1) % worldSize) + " (" + addresses.get((rank + 1) % worldSize) + ")";
        boolean remote = t instanceof RemoteAbort;
        String origin;
        if (remote) {
            origin = t.getMessage();
        } else if (sender.error != null) {
            origin = "rank " + rank + " lost its connection to " + next + ": " + sender.error;
        } else if (t instanceof SocketTimeoutException) {
            origin = "rank " + rank + " received nothing from " + previous + " for " + timeout
                    + " (it, or a rank before it in the ring, is hung, gone or not calling the same collective)";
        } else if (t instanceof EOFException) {
            origin = previous + " closed its connection to rank " + rank + " (it stopped or crashed)";
        } else if (t instanceof Mismatch) {
            origin = t.getMessage();
        } else if (t instanceof IOException) {
            origin = "rank " + rank + " lost its connection from " + previous + ": " + t;
        } else {
            origin = "rank " + rank + " failed: " + t;
        }
        CollectiveException e;
        boolean first;
        synchronized (lock) {
            first = failure == null;
            if (first) {
                failure = new CollectiveException(origin, t);
            }
            e = new CollectiveException("rank " + rank + ": " + what + " failed because "
                    + (first ? origin : failure.getMessage()), first ? t : failure);
        }
        if (first && !closed) {
            LOG.warn("rank {}: {} failed because {}", rank, what, origin);
            sender.abort(origin);
            if (!remote) {
                drain();
            } else {
                sender.awaitAbortSent(2000);
            }
            closeQuietly(toNext);
            closeReceiving();
        }
        return e;
    }

    /**
     * After this rank failed: reads and drops what the predecessor sends until the abort message comes back
     * round the ring, the connection closes or the drain limit passes, so the predecessor's sends do not fail
     * before the abort reached it.
     */
    private void drain() {
        long deadline = System.currentTimeMillis() + Math.min(DRAIN_LIMIT_MILLIS, timeout.toMillis());
        try {
            while (System.currentTimeMillis() < deadline) {
                ByteBuffer header = in.header();
                int tag = header.getInt(0);
                int length = header.getInt(8);
                while (length > 0) {
                    int piece = Math.min(SEGMENT_BYTES, length);
                    in.payload(piece);
                    length -= piece;
                }
                if (tag == TAG_ABORT) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.trace("rank {}: drain ended", rank, e);
        } finally {
            sender.awaitAbortSent(1000);
            closeQuietly(toNext);
            closeReceiving();
        }
    }

    // ------------------------------------------------------------------ the ring algorithms

    private static final List<String> OPS = List.of("allReduce(SUM)", "allReduce(AVG)", "broadcast", "barrier");

    private static int code(String op, Buckets.Kind kind, int root) {
        return OPS.indexOf(op) | (kind.ordinal() << 8) | (root << 12);
    }

    private static String describe(int code) {
        int op = code & 0xff;
        int kind = (code >> 8) & 0xf;
        return (op < OPS.size() ? OPS.get(op) : "op " + op) + (op == 2 ? " from root " + (code >>> 12) : "")
                + (kind < Buckets.Kind.values().length ? " of " + Buckets.Kind.values()[kind] : "");
    }

    /** Receives one frame header and checks it is the expected data frame; returns nothing, throws otherwise. */
    private void expect(int code, int bytes) throws IOException {
        ByteBuffer header = in.header();
        int tag = header.getInt(0);
        int got = header.getInt(4);
        int length = header.getInt(8);
        if (tag == TAG_ABORT) {
            byte[] message = new byte[Math.max(0, Math.min(length, SEGMENT_BYTES))];
            in.payload(message.length).get(message);
            throw new RemoteAbort(new String(message, StandardCharsets.UTF_8));
        }
        if (tag != TAG_DATA) {
            throw new Mismatch("rank " + rank + " received a corrupt frame (tag " + tag + ") from rank "
                    + (rank + worldSize - 1) % worldSize);
        }
        if (got != code || length != bytes) {
            throw new Mismatch("ranks disagree on the collective: rank " + (rank + worldSize - 1) % worldSize + " sent "
                    + describe(got) + " with " + length + " bytes where rank " + rank + " expected " + describe(code)
                    + " with " + bytes + " bytes (every rank must call the same collectives, in the same order, on "
                    + "tensors of the same shapes and dtypes)");
        }
    }

    private int segmentsOf(int elements, Buckets.Kind kind) {
        int per = SEGMENT_BYTES / kind.bytes;
        return Math.max(1, (elements + per - 1) / per);
    }

    /** The worker's array of one segment of {@code kind}, to receive a segment into before adding it. */
    private Object scratch(Buckets.Kind kind) {
        return scratch.get(kind, SEGMENT_BYTES / kind.bytes);
    }

    /**
     * Ring all-reduce of {@code elements} elements of {@code data} from {@code base}, in place (op null: a
     * barrier's sum). Returns once the last segment is received and every segment this rank sends is written.
     */
    private void ringAllReduce(Buckets.Kind kind, Object data, int base, int elements, ReduceOp op)
            throws IOException {
        int n = worldSize;
        int code = code(op == null ? "barrier" : "allReduce(" + op + ")", kind, 0);
        int per = SEGMENT_BYTES / kind.bytes;
        Object added = scratch(kind);
        int steps = 2 * (n - 1);
        // step 0: send this rank's own chunk
        sendChunk(code, kind, data, base, elements, Math.floorMod(rank, n));
        for (int t = 0; t < steps; t++) {
            boolean reduce = t < n - 1;
            int chunk = reduce ? Math.floorMod(rank - t - 1, n) : Math.floorMod(rank - (t - (n - 1)), n);
            int start = Buckets.chunkStart(elements, n, chunk);
            int end = Buckets.chunkStart(elements, n, chunk + 1);
            int segments = segmentsOf(end - start, kind);
            for (int k = 0; k < segments; k++) {
                int s = start + k * per;
                int count = Math.max(0, Math.min(per, end - s));
                int bytes = count * kind.bytes;
                expect(code, bytes);
                ByteBuffer payload = in.payload(bytes);
                if (reduce) {
                    Buckets.fromBytes(kind, payload, count, added, 0);
                    Buckets.add(kind, data, base + s, added, 0, count);
                    if (t == n - 2 && op == ReduceOp.AVG) {
                        Buckets.divide(kind, data, base + s, count, n);
                    }
                } else {
                    Buckets.fromBytes(kind, payload, count, data, base + s);
                }
                if (t + 1 < steps) {
                    sender.send(code, kind, data, base + s, count);
                }
            }
        }
        sender.awaitWritten();
    }

    private void sendChunk(int code, Buckets.Kind kind, Object data, int base, int elements, int chunk) {
        int per = SEGMENT_BYTES / kind.bytes;
        int start = Buckets.chunkStart(elements, worldSize, chunk);
        int end = Buckets.chunkStart(elements, worldSize, chunk + 1);
        int segments = segmentsOf(end - start, kind);
        for (int k = 0; k < segments; k++) {
            int s = start + k * per;
            int count = Math.max(0, Math.min(per, end - s));
            sender.send(code, kind, data, base + s, count);
        }
    }

    /** Pipelined chain broadcast: root sends every segment; each rank keeps and forwards it, but the last. */
    private void ringBroadcast(Buckets.Kind kind, Object data, int base, int elements, int root) throws IOException {
        int code = code("broadcast", kind, root);
        int per = SEGMENT_BYTES / kind.bytes;
        int segments = segmentsOf(elements, kind);
        boolean forward = (rank + 1) % worldSize != root;
        for (int k = 0; k < segments; k++) {
            int s = k * per;
            int count = Math.max(0, Math.min(per, elements - s));
            if (rank != root) {
                expect(code, count * kind.bytes);
                Buckets.fromBytes(kind, in.payload(count * kind.bytes), count, data, base + s);
            }
            if (forward) {
                sender.send(code, kind, data, base + s, count);
            }
        }
        sender.awaitWritten();
    }

    /** Closes the connection from the predecessor and wakes the worker if it waits for it. */
    private void closeReceiving() {
        closeQuietly(fromPrevious);
        if (in != null) {
            in.selector.wakeup();
        }
    }

    /**
     * Reads frames from the predecessor (the worker's side): a non-blocking channel with a selector, so a read
     * waits at most the timeout, into one direct buffer the payload is decoded from in bulk.
     */
    private final class Receiver {
        private final SocketChannel channel;
        private final Selector selector;
        private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER_BYTES);
        private final ByteBuffer payload = ByteBuffer.allocateDirect(SEGMENT_BYTES);

        Receiver(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.selector = Selector.open();
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        }

        /** Reads the next frame's header: tag, op code and payload length at bytes 0, 4 and 8 (big-endian). */
        ByteBuffer header() throws IOException {
            header.clear();
            fill(header);
            return header;
        }

        /** Reads {@code bytes} (at most a segment) of payload; the buffer's position is 0, its limit the bytes. */
        ByteBuffer payload(int bytes) throws IOException {
            payload.clear().limit(bytes);
            fill(payload);
            payload.flip();
            return payload;
        }

        private void fill(ByteBuffer b) throws IOException {
            long last = System.nanoTime();
            while (b.hasRemaining()) {
                int n = channel.read(b);
                if (n < 0) {
                    throw new EOFException();
                }
                if (n > 0) {
                    last = System.nanoTime();
                    continue;
                }
                long left = timeout.toMillis() - (System.nanoTime() - last) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("Read timed out");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (!channel.isOpen()) {
                    throw new java.net.SocketException("Socket closed");
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while receiving");
                }
            }
        }

        void close() {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.trace("close", e);
            }
        }
    }

    // ------------------------------------------------------------------ the sender thread

    /**
     * Writes queued frames to the next rank, so this rank receives and sends at once. It encodes each data
     * segment (array elements to little-endian bytes, in bulk) into one buffer behind the frame's header and writes
     * header and payload in one call, so a segment is one write (TCP_NODELAY is on: no Nagle delay).
     */
    private final class Sender implements Runnable {
        private final SocketChannel out;
        private final java.util.concurrent.LinkedBlockingDeque<Frame> queue =
                new java.util.concurrent.LinkedBlockingDeque<>();
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch abortSent = new java.util.concurrent.CountDownLatch(1);
        private final Frame stop = new Frame(0, 0, null, null, 0, 0, null);
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(HEADER_BYTES + SEGMENT_BYTES);
        /** Data frames queued (by the worker) and written (by this thread); guarded by {@code this}. */
        private long queued;
        private long written;
        private boolean stopped;
        volatile IOException error;

        Sender(SocketChannel channel) {
            this.out = channel;
            this.thread = new Thread(this, "autograd4j-ring-" + rank + "-send");
            thread.setDaemon(true);
            thread.start();
        }

        void send(int code, Buckets.Kind kind, Object array, int elem, int count) {
            synchronized (this) {
                queued++;
            }
            queue.add(new Frame(TAG_DATA, code, kind, array, elem, count, null));
        }

        /**
         * Waits until every queued data frame is written, so the caller may reuse or hand back the arrays they
         * read from.
         *
         * @throws IOException when writing failed, the ring failed, or the writes did not finish in the timeout
         */
        void awaitWritten() throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (written < queued) {
                    if (error != null) {
                        throw new IOException("sending to rank " + (rank + 1) % worldSize + " failed: " + error, error);
                    }
                    if (stopped || failure != null) {
                        throw new IOException("the sender stopped before its frames were written");
                    }
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new IOException("rank " + rank + " could not send to rank "
                                + (rank + 1) % worldSize + " for " + timeout);
                    }
                    try {
                        wait(Math.min(left, 100));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while sending");
                    }
                }
            }
        }

        /** Drops the queued data frames and sends the abort message next. */
        void abort(String message) {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            queue.clear();
            queue.addFirst(new Frame(TAG_ABORT, 0, null, null, 0, bytes.length, bytes));
        }

        void awaitAbortSent(long millis) {
            try {
                abortSent.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Sends what is queued (at most {@code millis}), then stops the thread. */
        void finish(long millis) {
            queue.add(stop);
            try {
                thread.join(Math.max(1, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void header(int tag, int code, int length) {
            buffer.putInt(0, tag);
            buffer.putInt(4, code);
            buffer.putInt(8, length);
        }

        private void write(int bytes) throws IOException {
            buffer.limit(bytes).position(0);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Frame frame = queue.take();
                    if (frame == stop) {
                        return;
                    }
                    if (frame.tag == TAG_ABORT) {
                        int length = Math.min(frame.count, SEGMENT_BYTES);
                        header(TAG_ABORT, 0, length);
                        buffer.clear().position(HEADER_BYTES);
                        buffer.put(frame.bytes, 0, length);
                        write(HEADER_BYTES + length);
                        abortSent.countDown();
                        continue;
                    }
                    int length = frame.count * frame.kind.bytes;
                    header(TAG_DATA, frame.code, length);
                    Buckets.toBytes(frame.kind, frame.array, frame.elem, frame.count, buffer, HEADER_BYTES);
                    write(HEADER_BYTES + length);
                    synchronized (this) {
                        written++;
                        if (written == queued) {
                            notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                if (!closed && failure == null) {
                    error = e;
                    LOG.debug("rank {}: sending to rank {} failed", rank, (rank + 1) % worldSize, e);
                    // unblock the worker's receive, which then reports this error
                    closeReceiving();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    stopped = true;
                    notifyAll();
                }
                abortSent.countDown();
            }
        }
    }
}
