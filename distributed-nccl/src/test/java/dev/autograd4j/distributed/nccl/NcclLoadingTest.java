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
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                NcclLoadingMain.class.getName(), explicit, venv));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("LD_LIBRARY_PATH", driver.toString());
        pb.environment().remove("LD_BIND_NOW");
        pb.environment().remove("VIRTUAL_ENV");
        pb.environment().remove("CONDA_PREFIX");
        pb.environment().remove(NcclLibrary.LIBRARY_ENV);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }
}
