package dev.autograd4j.examples.distributed;

import dev.autograd4j.Device;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import dev.autograd4j.data.DataLoader;
import dev.autograd4j.distributed.Collective;
import dev.autograd4j.distributed.DistributedDataParallel;
import dev.autograd4j.distributed.DistributedSampler;
import dev.autograd4j.distributed.ReduceOp;
import dev.autograd4j.distributed.TcpRingCollective;
import dev.autograd4j.examples.mnist.MnistBatch;
import dev.autograd4j.examples.mnist.MnistCnn;
import dev.autograd4j.examples.mnist.MnistData;
import dev.autograd4j.examples.mnist.MnistTraining;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Module;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.Optimizer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scaling figures of the {@code distributed} module, between local processes (not a test): the TCP ring
 * all-reduce's bandwidth for 1 MB to 256 MB of float32 between 2 and 4 processes, next to a plain socket copy
 * between two processes (the ceiling of one ring link on this machine), and the MNIST MLP (and, with
 * {@code --cnn}, the CNN) epoch time with {@link DistributedDataParallel} on 1, 2 and 4 processes. Every rank is
 * a fresh JVM started by this program, exchanging addresses through its standard input and output.
 *
 * <pre>
 * ./mvnw -B -o -q -pl examples -am package -DskipTests
 * ./mvnw -B -o -q -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.distributed.DistributedBenchmark \
 *     -Dapp.args="--max-mb 256 --epochs 2"
 * </pre>
 *
 * <p>Options: {@code --max-mb N} (largest buffer, default 256), {@code --worlds 2,4}, {@code --ranks 1,2,4} (the
 * MNIST runs), {@code --epochs N} (MNIST epochs, the first one is the warm-up; default 2), {@code --batch N}
 * (global batch, default 128), {@code --cnn} (also the CNN, on the first {@code --cnn-examples} examples, default
 * 3000), {@code --no-mnist}, {@code --xmx 3g} (each rank's heap), {@code --rank-threads N} (each rank's CPU kernel
 * threads; default the cores divided by the ranks).
 *
 * <p>Each rank runs its CPU kernels on {@code cores / ranks} threads ({@code autograd4j.cpu.threads}), as
 * torchrun sets {@code OMP_NUM_THREADS}, so the ranks do not oversubscribe the machine.
 *
 * <p>The all-reduce figures are what a user gets from {@code Collective.allReduce(List.of(tensor), AVG)}:
 * copying the tensor to host bytes and back is included. "algbw" is the buffer size over the time of one
 * all-reduce; "busbw" is algbw times {@code 2 (W - 1) / W}, the bytes each rank actually sends and receives per
 * byte of buffer in a ring (NCCL's convention), the figure to compare with the socket copy. The "duplex copy"
 * has both processes send to each other at once (the traffic of a 2-rank ring), per direction: on a machine with
 * few cores, where the copies through the kernel take the CPU, it is the 2-rank ring's real ceiling.
 */
public final class DistributedBenchmark {
    /** Kernel threads per rank ({@code --rank-threads}); 0: the cores divided by the ranks. */
    private static int rankThreads;

    private DistributedBenchmark() {
    }

    /**
     * Runs the benchmark (or, with the first argument {@code child}, one rank of it).
     *
     * @param args the options above
     * @throws Exception when a rank fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Map<String, String> o = options(args);
        int maxMb = Integer.parseInt(o.getOrDefault("max-mb", "256"));
        int[] worlds = ints(o.getOrDefault("worlds", "2,4"));
        int[] ranks = ints(o.getOrDefault("ranks", "1,2,4"));
        String epochs = o.getOrDefault("epochs", "2");
        String batch = o.getOrDefault("batch", "128");
        String xmx = o.getOrDefault("xmx", maxMb >= 256 ? "3g" : "1g");
        rankThreads = Integer.parseInt(o.getOrDefault("rank-threads", "0"));
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "# distributed benchmark: %d CPUs, load average %s, %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("os.name"),
                System.getProperty("java.version"));
        List<Integer> sizes = new ArrayList<>();
        for (int mb = 1; mb <= maxMb; mb *= 4) {
            sizes.add(mb);
        }
        out.println();
        out.println("## TCP ring all-reduce (float32, AVG, through Collective.allReduce), GB/s");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %8s | %12s | %12s |", "size",
                "socket copy", "duplex copy"));
        StringBuilder rule = new StringBuilder("|---------:|-------------:|-------------:|");
        for (int w : worlds) {
            header.append(String.format(Locale.ROOT, " %d ranks algbw | %d ranks busbw | ms/call |", w, w));
            rule.append("-------------:|--------------:|--------:|");
        }
        out.println(header);
        out.println(rule);
        Map<Integer, Map<Integer, double[]>> ring = new LinkedHashMap<>();
        Map<Integer, Double> copy = new LinkedHashMap<>();
        for (String line : launch(2, xmx, "copy", join(sizes))) {
            String[] f = line.split(" ");
            copy.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
        }
        Map<Integer, Double> duplex = new LinkedHashMap<>();
        for (String line : launch(2, xmx, "duplex", join(sizes))) {
            String[] f = line.split(" ");
            duplex.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
        }
        for (int w : worlds) {
            for (String line : launch(w, xmx, "allreduce", join(sizes))) {
                String[] f = line.split(" ");
                ring.computeIfAbsent(Integer.parseInt(f[1]), k -> new LinkedHashMap<>()).put(w,
                        new double[] {Double.parseDouble(f[2])});
            }
        }
        for (int mb : sizes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %5d MB | %12.2f | %12.2f |", mb,
                    copy.getOrDefault(mb, Double.NaN), duplex.getOrDefault(mb, Double.NaN)));
            for (int w : worlds) {
                double seconds = ring.getOrDefault(mb, Map.of()).getOrDefault(w, new double[] {Double.NaN})[0];
                double alg = mb * 1e6 / seconds / 1e9;
                row.append(String.format(Locale.ROOT, " %13.2f | %14.2f | %7.1f |", alg, alg * 2 * (w - 1) / w,
                        seconds * 1e3));
            }
            out.println(row);
        }
        if (!o.containsKey("no-mnist")) {
            List<String> models = new ArrayList<>(List.of("mlp"));
            if (o.containsKey("cnn")) {
                models.add("cnn");
            }
            for (String model : models) {
                out.println();
                out.printf(Locale.ROOT, "## MNIST %s with DistributedDataParallel, global batch %s, last of %s "
                        + "epochs%n", model.toUpperCase(Locale.ROOT), batch, epochs);
                out.println("| ranks | examples | epoch s | speed-up | img/s | last epoch loss (rank 0) |");
                out.println("|------:|---------:|--------:|---------:|------:|-------------------------:|");
                double base = Double.NaN;
                for (int w : ranks) {
                    List<String> lines = launch(w, "2g", "mnist", model + "," + epochs + "," + batch + ","
                            + o.getOrDefault("cnn-examples", "3000"));
                    String[] f = lines.get(0).split(" ");
                    int examples = Integer.parseInt(f[1]);
                    double seconds = Double.parseDouble(f[2]);
                    if (w == ranks[0]) {
                        base = seconds * ranks[0];
                    }
                    out.printf(Locale.ROOT, "| %5d | %8d | %7.2f | %8.2f | %5.0f | %24.4f |%n", w, examples, seconds,
                            base / seconds, examples / seconds, Double.parseDouble(f[3]));
                }
            }
        }
        out.printf(Locale.ROOT, "%n# load average at the end: %s%n", loadAverage());
    }

    // ------------------------------------------------------------------ the parent

    /** Starts {@code world} ranks, gives them each other's addresses, returns rank 0's RESULT lines. */
    private static List<String> launch(int world, String xmx, String mode, String arg) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (int r = 0; r < world; r++) {
                // each rank gets its share of the cores for its kernels, as torchrun's OMP_NUM_THREADS: more threads
                // than cores make the matmul kernels' spinning workers wait on each other's time slices
                int threads = rankThreads > 0 ? rankThreads
                        : Math.max(1, Runtime.getRuntime().availableProcessors() / world);
                Process p = new ProcessBuilder(java, "-Xmx" + xmx, "--add-modules=jdk.incubator.vector",
                        "-Dautograd4j.cpu.threads=" + threads, "-cp",
                        System.getProperty("java.class.path"), DistributedBenchmark.class.getName(), "child",
                        mode, Integer.toString(r), Integer.toString(world), arg)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                processes.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            List<String> addresses = new ArrayList<>();
            for (BufferedReader in : outs) {
                String line = in.readLine();
                if (line == null || !line.startsWith("ADDRESS ")) {
                    throw new IllegalStateException("a rank did not start: " + line);
                }
                addresses.add(line.substring(8));
            }
            for (Process p : processes) {
                Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                w.write(String.join(" ", addresses) + "\n");
                w.flush();
            }
            List<String> results = new ArrayList<>();
            String line;
            while ((line = outs.get(0).readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    results.add(line);
                }
            }
            for (Process p : processes) {
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("a rank of " + mode + " exited with " + p.exitValue());
                }
            }
            return results;
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------ one rank

    private static void child(String[] args) throws Exception {
        String mode = args[0];
        int rank = Integer.parseInt(args[1]);
        int world = Integer.parseInt(args[2]);
        String arg = args[3];
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (mode.equals("copy")) {
            copy(rank, arg, in, out);
            return;
        }
        if (mode.equals("duplex")) {
            duplex(rank, arg, in, out);
            return;
        }
        TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
        out.println("ADDRESS " + ep.address());
        out.flush();
        List<String> addresses = List.of(in.readLine().trim().split(" "));
        try (TcpRingCollective ring = ep.join(rank, addresses, Duration.ofMinutes(5))) {
            if (mode.equals("allreduce")) {
                for (int mb : ints(arg)) {
                    Tensor t = Tensor.ones(mb * 1_000_000 / 4);
                    for (int w = 0; w < Math.max(2, Math.min(50, 256 / mb)); w++) {
                        ring.allReduce(List.of(t), ReduceOp.AVG); // warm-up: the JIT compiles the loops
                    }
                    int calls = Math.max(3, Math.min(20, 512 / mb));
                    ring.barrier();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        ring.allReduce(List.of(t), ReduceOp.AVG);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9 / calls;
                    if (rank == 0) {
                        out.printf(Locale.ROOT, "RESULT %d %.6f%n", mb, seconds);
                    }
                }
            } else {
                String[] f = arg.split(",");
                mnist(ring, f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), out);
            }
        }
        out.flush();
    }

    private static void mnist(Collective c, String kind, int epochs, int globalBatch, int cnnExamples,
                              PrintStream out) throws IOException {
        MnistData data = MnistData.bundled("train");
        if (kind.equals("cnn")) {
            data = data.subset(Math.min(cnnExamples, data.count()));
        }
        Module model = kind.equals("cnn") ? MnistCnn.model(Device.cpu(), 1)
                : MnistTraining.model(data.pixelsPerImage(), 256, Device.cpu(), 1);
        DistributedDataParallel ddp = new DistributedDataParallel(model, c);
        Optimizer optimizer = new Adam(ddp.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DistributedSampler sampler = new DistributedSampler(data.count(), c.rank(), c.worldSize(), true, 7);
        int local = Math.max(1, globalBatch / c.worldSize());
        var loader = DataLoader.builder(sampler.subset(MnistBatch.indices(data))).batchSize(local).dropLast(true)
                .numWorkers(1).collate(MnistBatch.collate(data, 0, 7)).build();
        double seconds = 0;
        double lossSum = 0;
        int seen = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            sampler.setEpoch(epoch);
            c.barrier();
            long t0 = System.nanoTime();
            lossSum = 0;
            seen = 0;
            for (MnistBatch batch : loader) {
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor loss = lossFn.forward(ddp.forward(batch.images()), batch.targets());
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item() * batch.labels().length;
                    seen += batch.labels().length;
                }
            }
            c.barrier();
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        if (c.rank() == 0) {
            out.printf(Locale.ROOT, "RESULT %d %.4f %.6f%n", seen * c.worldSize(), seconds, lossSum / seen);
        }
    }

    /** Rank 1 listens and receives; rank 0 sends each size a few times and waits for the one-byte ack. */
    private static void copy(int rank, String arg, BufferedReader in, PrintStream out) throws IOException {
        int[] sizes = ints(arg);
        ServerSocket server = new ServerSocket();
        server.setReceiveBufferSize(4 << 20);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        out.println("ADDRESS 127.0.0.1:" + server.getLocalPort());
        out.flush();
        String[] addresses = in.readLine().trim().split(" ");
        if (rank == 1) {
            try (Socket s = server.accept()) {
                InputStream from = s.getInputStream();
                byte[] buffer = new byte[1 << 20];
                for (int mb : sizes) {
                    for (int i = 0; i < repeats(mb) + 1; i++) {
                        long left = mb * 1_000_000L;
                        while (left > 0) {
                            int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
                            if (n < 0) {
                                throw new IOException("the sender closed early");
                            }
                            left -= n;
                        }
                        s.getOutputStream().write(1);
                    }
                }
            }
        } else {
            server.close();
            String target = addresses[1];
            int colon = target.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.setSendBufferSize(4 << 20);
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))));
                OutputStream to = s.getOutputStream();
                InputStream ack = s.getInputStream();
                for (int mb : sizes) {
                    byte[] data = new byte[mb * 1_000_000];
                    long t0 = 0;
                    for (int i = 0; i < repeats(mb) + 1; i++) {
                        if (i == 1) {
                            t0 = System.nanoTime(); // the first send warms up
                        }
                        to.write(data);
                        to.flush();
                        if (ack.read() < 0) {
                            throw new IOException("the receiver closed early");
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9 / repeats(mb);
                    out.printf(Locale.ROOT, "RESULT %d %.3f%n", mb, mb * 1e6 / seconds / 1e9);
                }
            }
        }
        out.flush();
    }

    /**
     * Both ranks send each size to the other and receive the other's at once (a thread writes, the main thread
     * reads), the traffic of a 2-rank ring all-reduce: the ceiling of its busbw when the cores, not the loopback,
     * limit. Rank 0 reports the bytes per second in one direction.
     */
    private static void duplex(int rank, String arg, BufferedReader in, PrintStream out) throws Exception {
        int[] sizes = ints(arg);
        ServerSocket server = new ServerSocket();
        server.setReceiveBufferSize(4 << 20);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        out.println("ADDRESS 127.0.0.1:" + server.getLocalPort());
        out.flush();
        String target = in.readLine().trim().split(" ")[1 - rank];
        int colon = target.lastIndexOf(':');
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Socket to = new Socket()) {
            to.setSendBufferSize(4 << 20);
            to.setTcpNoDelay(true);
            to.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))));
            try (Socket from = server.accept()) {
                server.close();
                OutputStream sink = to.getOutputStream();
                InputStream source = from.getInputStream();
                byte[] buffer = new byte[1 << 20];
                for (int mb : sizes) {
                    byte[] data = new byte[mb * 1_000_000];
                    long t0 = 0;
                    for (int i = 0; i < repeats(mb) + 1; i++) {
                        if (i == 1) {
                            t0 = System.nanoTime(); // the first round warms up
                        }
                        java.util.concurrent.Future<?> sent = writer.submit(() -> {
                            sink.write(data);
                            return null;
                        });
                        long left = mb * 1_000_000L;
                        while (left > 0) {
                            int n = source.read(buffer, 0, (int) Math.min(buffer.length, left));
                            if (n < 0) {
                                throw new IOException("the other rank closed early");
                            }
                            left -= n;
                        }
                        sent.get();
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9 / repeats(mb);
                    if (rank == 0) {
                        out.printf(Locale.ROOT, "RESULT %d %.3f%n", mb, mb * 1e6 / seconds / 1e9);
                    }
                }
            }
        } finally {
            writer.shutdownNow();
        }
        out.flush();
    }

    private static int repeats(int mb) {
        return Math.max(3, Math.min(20, 512 / mb));
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            o.put(key, flag ? "" : args[++i]);
        }
        return o;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String join(List<Integer> values) {
        StringBuilder s = new StringBuilder();
        for (int v : values) {
            s.append(s.length() > 0 ? "," : "").append(v);
        }
        return s.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
