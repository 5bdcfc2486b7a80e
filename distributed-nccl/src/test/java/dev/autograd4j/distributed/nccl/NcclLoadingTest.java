package dev.autograd4j.distributed.nccl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loading chain without a GPU, against stand-ins built with gcc: a libcuda.so.1 that exports nothing (the
 * JNI library links it; nothing is called) and libnccl.so.2 files whose ncclGetVersion answers. The real JNI
 * natives, JavaCPP's loader and the machine's libcudart.so.13 take part; each case runs in a fresh JVM. Skips
 * where gcc, x86-64 Linux or libcudart.so.13 is missing, or where a real libnccl.so.2 is installed.
 */
class NcclLoadingTest {
    @TempDir
    static Path dir;
    private static Path driver;

    @BeforeAll
    static void buildStandIns() throws Exception {
        Assumptions.assumeTrue("linux-x86_64".equals(NcclLibrary.platform(System.getProperty("os.name"),
                System.getProperty("os.arch"))), "x86-64 Linux only");
        driver = Files.createDirectories(dir.resolve("driver"));
        Assumptions.assumeTrue(gcc("int cuStandIn(void) { return 0; }", driver.resolve("libcuda.so.1"), "libcuda.so.1"),
                "no gcc to build the stand-in libraries");
    }

    @Test
    void findsNothingThenSaysWhereNcclComesFrom() throws Exception {
        String out = run("-", "-");
        Assumptions.assumeFalse(out.contains("libcudart.so.13"), "no CUDA 13 runtime here: " + out);
        Assumptions.assumeFalse(out.startsWith("available"), "a real libnccl.so.2 is installed: " + out);
        assertTrue(out.startsWith("unavailable libnccl.so.2 could not be loaded: install NCCL 2 (PyTorch's pip "
                + "wheels carry it as site-packages/nvidia/nccl/lib/libnccl.so.2"), out);
    }

    @Test
    void loadsPipsNcclFromAVirtualEnvironment() throws Exception {
        Path venv = dir.resolve("venv");
        Path lib = Files.createDirectories(venv.resolve("lib/python3.12/site-packages/nvidia/nccl/lib"));
        assertTrue(gcc("int ncclGetVersion(int* v) { *v = 22703; return 0; }", lib.resolve("libnccl.so.2"),
                "libnccl.so.2"));
        String out = run("-", venv.toString());
        Assumptions.assumeFalse(out.contains("libcudart.so.13"), "no CUDA 13 runtime here: " + out);
        Assumptions.assumeFalse(out.startsWith("available") && !out.equals("available 22703"),
                "a real libnccl.so.2 is installed, and found first: " + out);
        assertEquals("available 22703", out);
    }

    @Test
    void explicitLibraryByFolderAndTooOld() throws Exception {
        Path old = Files.createDirectories(dir.resolve("old"));
        assertTrue(gcc("int ncclGetVersion(int* v) { *v = 21205; return 0; }", old.resolve("libnccl.so.2"),
                "libnccl.so.2"));
        String out = run(old.toString(), "-");
        Assumptions.assumeFalse(out.contains("libcudart.so.13"), "no CUDA 13 runtime here: " + out);
        assertEquals("unavailable libnccl.so.2 is NCCL 2.12.5, older than the 2.13.0 this needs (ncclGetLastError): "
                + "install a newer NCCL 2", out);
        out = run(dir.resolve("nowhere").toString(), "-");
        assertEquals("unavailable autograd4j.nccl.library / AUTOGRAD4J_NCCL_LIBRARY names " + dir.resolve("nowhere")
                + ", where there is no libnccl.so.2", out);
    }

    /**
     * Every binding the collectives use, against recording stand-ins for libcuda.so.1, libcudart.so.13 and
     * libnccl.so.2: the C side must receive the raw addresses, stream, enums, unique id bytes and communicator
     * handles exactly as passed, and the out-parameters (communicators, events, the unique id) must come back.
     */
    @Test
    void bindingsPassArgumentsAsTheCSideExpects() throws Exception {
        Path fakes = Files.createDirectories(dir.resolve("fakes"));
        Path src = Files.createDirectories(dir.resolve("fakes-src"));
        for (String f : new String[] {"cuda.c", "cudart.c", "cudart.map", "nccl.c"}) {
            try (var in = NcclLoadingTest.class.getResourceAsStream("/stand-ins/" + f)) {
                Files.write(src.resolve(f), in.readAllBytes());
            }
        }
        assertTrue(gccFile(src.resolve("cuda.c"), fakes.resolve("libcuda.so.1"), "libcuda.so.1"));
        assertTrue(gccFile(src.resolve("cudart.c"), fakes.resolve("libcudart.so.13"), "libcudart.so.13",
                "-Wl,--version-script=" + src.resolve("cudart.map")));
        assertTrue(gccFile(src.resolve("nccl.c"), fakes.resolve("libnccl.so.2"), "libnccl.so.2"));
        List<String> out = runMain(NcclBindingMain.class.getName(), fakes, List.of());
        String all = String.join("\n", out);
        assertTrue(out.size() >= 3, all);
        assertEquals("ids 0 7 14 121 polls 3 asyncError null", out.get(out.size() - 3), all);
        // unique id 255 - i: byte 1 is 254, byte 127 is 128, the sum 128 * 191.5
        assertEquals("nccl initRank 4 2 254 128 24512;"
                + "allReduce 0xdead00 0xdead00 10 7 4 0x1234 0xabc;"
                + "broadcast 0xbeef00 0xbeef00 3 4 1 0x1234 0xabc;"
                + "initAll 2 0..1;"
                + "allReduce 0x10 0x10 1 8 0 0x2001 0x222;"
                + "destroy 0x1234;"
                + "abort 0x2000; (1000)", out.get(out.size() - 2), all);
        assertEquals("cudart setDevice 3;setDevice 3;eventCreate 2;eventRecord 0x5000 0xabc;eventDestroy 0x5000;"
                + "setDevice 0;setDevice 3;setDevice 0;", out.get(out.size() - 1), all);
    }

    private static boolean gccFile(Path source, Path out, String soname, String... extra)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-o", out.toString(),
                "-Wl,-soname," + soname));
        cmd.addAll(List.of(extra));
        cmd.add(source.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            System.err.println(log);
        }
        return ok;
    }

    private static boolean gcc(String source, Path out, String soname) throws IOException, InterruptedException {
        Path c = Files.writeString(Files.createTempFile(dir, "standin", ".c"), source + "\n");
        try {
            Process p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", out.toString(), "-Wl,-soname," + soname,
                    c.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) { // no gcc
            return false;
        }
    }

    /** NcclLoadingMain in a fresh JVM with the stand-in driver on LD_LIBRARY_PATH; its last line of output. */
    private static String run(String explicit, String venv) throws IOException, InterruptedException {
        List<String> out = runMain(NcclLoadingMain.class.getName(), driver, List.of(explicit, venv));
        return out.isEmpty() ? "" : out.get(out.size() - 1);
    }

    /** A main class in a fresh JVM with {@code libraries} on LD_LIBRARY_PATH; its lines of output. */
    private static List<String> runMain(String main, Path libraries, List<String> args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("LD_LIBRARY_PATH", libraries.toString());
        pb.environment().remove("LD_BIND_NOW");
        pb.environment().remove("VIRTUAL_ENV");
        pb.environment().remove("CONDA_PREFIX");
        pb.environment().remove(NcclLibrary.LIBRARY_ENV);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
