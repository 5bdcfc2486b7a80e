package dev.autograd4j.distributed.nccl;

import dev.autograd4j.Device;
import dev.autograd4j.cuda.CudaBackend;
import dev.autograd4j.spi.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds NCCL at run time, once, and never throws: the bytedeco JNI natives on the class path, the CUDA backend,
 * then {@code libnccl.so.2} and {@code libcudart.so.13} through the dynamic linker. Where the linker cannot find
 * them, an explicit path ({@value #LIBRARY_PROPERTY}, env {@value #LIBRARY_ENV}) and the usual places (pip's
 * {@code nvidia/nccl/lib} and {@code nvidia/cuda_runtime/lib}, {@code /usr/local/cuda*}) are tried before giving
 * up with a message naming what is missing.
 */
final class NcclLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NcclLibrary.class);
    /** A path to {@code libnccl.so.2}, or the folder holding it. */
    static final String LIBRARY_PROPERTY = "autograd4j.nccl.library";
    /** The environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    static final String LIBRARY_ENV = "AUTOGRAD4J_NCCL_LIBRARY";
    static final String NCCL = "libnccl.so.2";
    static final String CUDART = "libcudart.so.13";
    static final String CUDA_VERSION = "13.3-9.25-1.5.14";
    static final String JAVACPP_VERSION = "1.5.14";
    /**
     * The oldest NCCL used (ncclGetLastError came with 2.13, ncclAvg with 2.10). bytedeco's binding is built
     * against 2.30 but binds lazily: an older libnccl.so.2 loads, and only functions it lacks would fail, none of
     * which this module calls.
     */
    static final int MIN_VERSION = 21300;

    /** What the probe found: NCCL's version code (e.g. 22703 for 2.27.3), or why it is not available. */
    record Probe(int version, String reason) {
        boolean available() {
            return reason == null;
        }
    }

    private static volatile Probe probe;

    private NcclLibrary() {
    }

    static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (NcclLibrary.class) {
                p = probe;
                if (p == null) {
                    try {
                        p = load();
                    } catch (Throwable t) { // LinkageError without the bytedeco jars, anything
                        p = new Probe(0, "loading NCCL failed: " + firstLine(t));
                    }
                    if (p.available()) {
                        LOG.debug("autograd4j NCCL: version {}", versionString(p.version()));
                    } else {
                        LOG.info("autograd4j NCCL collective not available: {}", p.reason());
                    }
                    probe = p;
                }
            }
        }
        return p;
    }

    private static Probe load() {
        String platform = platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (platform == null) {
            return new Probe(0, "NCCL runs on Linux (x86-64, arm64, ppc64le) only, this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
        ClassLoader cl = NcclLibrary.class.getClassLoader();
        boolean cudaJni = cl.getResource("org/bytedeco/cuda/" + platform + "/libjninccl.so") != null;
        boolean javacppJni = cl.getResource("org/bytedeco/javacpp/" + platform + "/libjnijavacpp.so") != null;
        if (!cudaJni || !javacppJni) {
            return new Probe(0, missingNatives(platform, cudaJni, javacppJni));
        }
        if (!Backends.isAvailable(Device.Type.CUDA)) {
            return new Probe(0, "the CUDA backend is not available ("
                    + new CudaBackend().describe() + ")");
        }
        String explicit = System.getProperty(LIBRARY_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(LIBRARY_ENV);
        }
        return loadNatives(platform, explicit, System.getenv(), System.getProperty("user.home", ""));
    }

    /**
     * Loads the natives. JavaCPP's loader initializes the binding's classes, and a class whose initializer failed
     * stays unusable, so the shared libraries are opened first, one by one ({@code dlopen} with RTLD_GLOBAL: a
     * library already open satisfies later lookups of its soname): the explicit {@code libnccl.so.2} if given,
     * else what the dynamic linker finds, else the first of {@link #candidates} that exists.
     */
    static Probe loadNatives(String platform, String explicit, Map<String, String> env, String home) {
        javacppLogsThroughSlf4j();
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.trim());
            if (Files.isDirectory(p)) {
                p = p.resolve(NCCL);
            }
            if (!Files.isRegularFile(p)) {
                return new Probe(0, LIBRARY_PROPERTY + " / " + LIBRARY_ENV + " names " + explicit
                        + ", where there is no " + NCCL);
            }
            String failure = NcclNative.loadGlobal(p.toAbsolutePath().toString());
            if (failure != null) {
                return new Probe(0, "the " + NCCL + " that " + LIBRARY_PROPERTY + " / " + LIBRARY_ENV
                        + " names could not be loaded: " + firstLine(failure));
            }
        }
        for (String lib : new String[] {CUDART, NCCL}) {
            if (lib.equals(NCCL) && explicit != null && !explicit.isBlank()) {
                continue;
            }
            String failure = NcclNative.loadGlobal(lib);
            if (failure == null) {
                continue;
            }
            Path found = candidates(lib, env, home).stream().filter(Files::isRegularFile).findFirst().orElse(null);
            if (found == null || NcclNative.loadGlobal(found.toAbsolutePath().toString()) != null) {
                return new Probe(0, explain(failure, platform));
            }
            LOG.debug("autograd4j NCCL: the dynamic linker did not find {}; loaded {}", lib, found);
        }
        Throwable failure = NcclNative.load();
        if (failure != null) {
            return new Probe(0, explain(messages(failure), platform));
        }
        int version = NcclNative.version();
        if (version < MIN_VERSION) {
            return new Probe(version, NCCL + " is NCCL " + versionString(version) + ", older than the "
                    + versionString(MIN_VERSION) + " this needs (ncclGetLastError): install a newer NCCL 2");
        }
        return new Probe(version, null);
    }

    /** JavaCPP's own logger writes to stderr; a library logs through slf4j (unless the user chose otherwise). */
    private static void javacppLogsThroughSlf4j() {
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
    }

    /** JavaCPP's platform name, or null where bytedeco's CUDA presets have no NCCL. */
    static String platform(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-arm64";
            case "ppc64le" -> "linux-ppc64le";
            default -> null;
        };
    }

    static String missingNatives(String platform, boolean cudaJni, boolean javacppJni) {
        List<String> jars = new ArrayList<>();
        if (!cudaJni) {
            jars.add("org.bytedeco:cuda:" + CUDA_VERSION + ":" + platform);
        }
        if (!javacppJni) {
            jars.add("org.bytedeco:javacpp:" + JAVACPP_VERSION + ":" + platform);
        }
        return "the JNI natives of org.bytedeco:cuda are not on the class path: add " + String.join(" and ", jars)
                + " (classifier " + platform + "; see the README's NCCL section)";
    }

    /** What to tell the user, from the messages of a failed native load. */
    static String explain(String messages, String platform) {
        if (messages.contains("libnccl.so")) {
            return NCCL + " could not be loaded: install NCCL 2 (PyTorch's pip wheels carry it as "
                    + "site-packages/nvidia/nccl/lib/libnccl.so.2, NVIDIA's packages as libnccl2) and put its folder "
                    + "on LD_LIBRARY_PATH, or name the file with -D" + LIBRARY_PROPERTY + "=... (env " + LIBRARY_ENV
                    + ")";
        }
        if (messages.contains("libcudart.so")) {
            return CUDART + " (the CUDA 13 runtime that org.bytedeco:cuda " + CUDA_VERSION + " links) could not be "
                    + "loaded: install CUDA 13 (or pip's nvidia-cuda-runtime) and put its lib folder on "
                    + "LD_LIBRARY_PATH";
        }
        if (messages.contains("libcuda.so")) {
            return "no NVIDIA driver: libcuda.so.1 could not be loaded";
        }
        if (messages.contains("jnijavacpp")) {
            return "JavaCPP's natives could not be loaded: add org.bytedeco:javacpp:" + JAVACPP_VERSION + ":"
                    + platform + " (" + firstLine(messages) + ")";
        }
        if (messages.contains("GLIBC") || messages.contains("GLIBCXX")) {
            return "the bytedeco natives need a newer glibc or libstdc++ than this machine has ("
                    + firstLine(messages) + ")";
        }
        return "the NCCL natives of org.bytedeco:cuda " + CUDA_VERSION + " could not be loaded ("
                + firstLine(messages) + ")";
    }

    /** Where {@code fileName} may be when the dynamic linker does not know it: pip's wheels, the CUDA toolkit. */
    static List<Path> candidates(String fileName, Map<String, String> env, String home) {
        String sub = fileName.startsWith("libnccl") ? "nccl" : "cuda_runtime";
        List<Path> roots = new ArrayList<>();
        for (String var : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                roots.add(Path.of(v, "lib"));
            }
        }
        if (!home.isBlank()) {
            roots.add(Path.of(home, ".local", "lib"));
        }
        for (String r : new String[] {"/usr/local/lib", "/usr/lib", "/usr/lib64", "/opt/conda/lib"}) {
            roots.add(Path.of(r));
        }
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            for (Path python : children(root, "python3")) {
                for (String packages : new String[] {"site-packages", "dist-packages"}) {
                    out.add(python.resolve(packages).resolve("nvidia").resolve(sub).resolve("lib").resolve(fileName));
                }
            }
        }
        if (sub.equals("cuda_runtime")) {
            for (Path cuda : children(Path.of("/usr/local"), "cuda")) {
                out.add(cuda.resolve("lib64").resolve(fileName));
                out.add(cuda.resolve("targets").resolve("x86_64-linux").resolve("lib").resolve(fileName));
            }
        }
        return out;
    }

    /** The sub-folders of {@code dir} whose names start with {@code prefix}, newest-looking name first. */
    private static List<Path> children(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Every message of a throwable, its causes and suppressed ones, one per line. */
    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        Set<Throwable> seen = new LinkedHashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable x = todo.remove(0);
            if (x == null || !seen.add(x)) {
                continue;
            }
            b.append(x.getClass().getSimpleName()).append(": ").append(x.getMessage()).append('\n');
            todo.add(x.getCause());
            todo.addAll(List.of(x.getSuppressed()));
        }
        return b.toString();
    }

    private static String firstLine(Throwable t) {
        return firstLine(t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl >= 0 ? s.substring(0, nl) : s;
    }

    /** NCCL's version code as text: 22703 is 2.27.3. */
    static String versionString(int code) {
        return code >= 10000 ? code / 10000 + "." + code / 100 % 100 + "." + code % 100
                : code / 1000 + "." + code / 100 % 10 + "." + code % 100;
    }
}
