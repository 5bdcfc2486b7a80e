package dev.autograd4j.distributed.nccl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What needs no GPU: discovery that never throws, argument checks and their messages, the id packing. */
class NcclCollectiveChecksTest {
    private static final Device GPU = Device.cuda(0);

    @Test
    void discoveryNeverThrowsAndSaysWhy() {
        boolean available = NcclCollective.isAvailable();
        String reason = NcclCollective.unavailableReason();
        if (available) {
            assertNull(reason);
            assertTrue(NcclCollective.version().matches("2\\.\\d+\\.\\d+"), NcclCollective.version());
            return;
        }
        assertNotNull(reason);
        // here (no GPU): the CUDA backend is what is missing; elsewhere one of the natives or libraries
        assertTrue(reason.contains("CUDA backend is not available") || reason.contains("libnccl.so.2")
                || reason.contains("libcudart.so.13") || reason.contains("org.bytedeco:") || reason.contains("driver"),
                reason);
        IllegalStateException e = assertThrows(IllegalStateException.class, NcclCollective::uniqueId);
        assertEquals("NCCL is not available: " + reason, e.getMessage());
        e = assertThrows(IllegalStateException.class, NcclCollective::version);
        assertEquals("NCCL is not available: " + reason, e.getMessage());
        // argument checks pass, then the missing library is named
        e = assertThrows(IllegalStateException.class, () -> NcclCollective.initRank(GPU, 0, 1, new byte[128]));
        assertEquals("NCCL is not available: " + reason, e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> NcclCollective.createAll(List.of(GPU)));
        assertEquals("NCCL is not available: " + reason, e.getMessage());
    }

    @Test
    void initRankArguments() {
        message("NCCL needs a CUDA device, got cpu", () -> NcclCollective.initRank(Device.CPU, 0, 1, new byte[128]));
        message("world size must be at least 1, got 0", () -> NcclCollective.initRank(GPU, 0, 0, new byte[128]));
        message("rank 2 is out of range for world size 2", () -> NcclCollective.initRank(GPU, 2, 2, new byte[128]));
        message("rank -1 is out of range for world size 2", () -> NcclCollective.initRank(GPU, -1, 2, new byte[128]));
        message("an NCCL unique id has 128 bytes, got 16", () -> NcclCollective.initRank(GPU, 0, 2, new byte[16]));
        assertThrows(NullPointerException.class, () -> NcclCollective.initRank(GPU, 0, 2, null));
        assertThrows(NullPointerException.class, () -> NcclCollective.initRank(GPU, null));
    }

    @Test
    void createAllArguments() {
        message("createAll needs at least one device", () -> NcclCollective.createAll(List.of()));
        message("NCCL needs CUDA devices, got cpu", () -> NcclCollective.createAll(List.of(GPU, Device.CPU)));
        message("cuda:0 is listed twice: NCCL puts one rank on each GPU",
                () -> NcclCollective.createAll(List.of(GPU, Device.cuda(1), GPU)));
    }

    @Test
    void tensorChecksNameTheTensorAndWhatIsWrong() {
        Tensor ok = Tensor.zeros(Shape.of(2, 3), DType.FLOAT32, Device.CPU);
        Tensor t = Tensor.zeros(Shape.of(2, 3), DType.FLOAT32, Device.CPU).transpose(0, 1);
        // on the CPU, so checked against a CPU "device" to reach the other checks
        message("allReduce: tensor 1 is not contiguous (shape [3, 2], strides [1, 3]); NCCL works on flat memory: "
                + "reduce a contiguous copy and copy it back",
                () -> NcclCollective.checkTensors("allReduce", List.of(ok, t), Device.CPU, true));
        Tensor b = Tensor.zeros(Shape.of(4), DType.BOOL, Device.CPU);
        message("allReduce: tensor 0 is bool, which cannot be summed; convert it to int64 first",
                () -> NcclCollective.checkTensors("allReduce", List.of(b), Device.CPU, true));
        NcclCollective.checkTensors("broadcast", List.of(b, ok), Device.CPU, false); // bool broadcasts as bytes
        // CPU tensors next to a GPU communicator are staged through the device, contiguous or not
        NcclCollective.checkTensors("broadcast", List.of(ok, t), GPU, false);
        NcclCollective.checkTensors("allReduce", List.of(ok, t), GPU, true);
        message("allReduce: tensor 1 is null",
                () -> NcclCollective.checkTensors("allReduce", Arrays.asList(ok, null), Device.CPU, true));
        NcclCollective.checkTensors("allReduce", List.of(), GPU, true);
        NcclCollective.checkTensors("allReduce", List.of(ok, ok.narrow(0, 1, 1)), Device.CPU, true); // offset views
    }

    @Test
    void dtypesMapToNcclsEnum() {
        // nccl.h: ncclUint8 1, ncclInt64 4, ncclFloat32 7, ncclFloat64 8; ncclSum 0, ncclAvg 4
        assertEquals(7, NcclCollective.ncclType(DType.FLOAT32));
        assertEquals(8, NcclCollective.ncclType(DType.FLOAT64));
        assertEquals(4, NcclCollective.ncclType(DType.INT64));
        assertEquals(1, NcclCollective.ncclType(DType.BOOL));
        assertEquals(org.bytedeco.cuda.global.nccl.ncclFloat32, NcclCollective.NCCL_FLOAT32); // compile-time constants
        assertEquals(org.bytedeco.cuda.global.nccl.ncclFloat64, NcclCollective.NCCL_FLOAT64);
        assertEquals(org.bytedeco.cuda.global.nccl.ncclInt64, NcclCollective.NCCL_INT64);
        assertEquals(org.bytedeco.cuda.global.nccl.ncclUint8, NcclCollective.NCCL_UINT8);
        assertEquals(org.bytedeco.cuda.global.nccl.ncclSum, NcclCollective.NCCL_SUM);
        assertEquals(org.bytedeco.cuda.global.nccl.ncclAvg, NcclCollective.NCCL_AVG);
        assertEquals(org.bytedeco.cuda.global.nccl.NCCL_UNIQUE_ID_BYTES, NcclCollective.UNIQUE_ID_BYTES);
    }

    @Test
    void uniqueIdSurvivesPackingIntoInt64() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            byte[] id = new byte[128];
            r.nextBytes(id);
            long[] packed = NcclCollective.packId(id);
            assertEquals(16, packed.length);
            assertArrayEquals(id, NcclCollective.unpackId(packed));
            // through a CPU tensor, as initRank(device, bootstrap) sends it
            assertArrayEquals(id, NcclCollective.unpackId(Tensor.of(packed, 16).toLongArray()));
        }
    }

    @Test
    void settingsAreChecked() {
        assertEquals(25L << 20, NcclCollective.DEFAULT_BUCKET_BYTES);
        assertEquals(Duration.ofMinutes(10), NcclCollective.DEFAULT_TIMEOUT);
    }

    @Test
    void libraryMessagesNameWhatIsMissing() {
        String nccl = NcclLibrary.explain("UnsatisfiedLinkError: no jninccl in java.library.path\n"
                + "UnsatisfiedLinkError: /root/.javacpp/cache/x/libjninccl.so: libnccl.so.2: cannot open shared "
                + "object file: No such file or directory\n", "linux-x86_64");
        assertTrue(nccl.startsWith("libnccl.so.2 could not be loaded: install NCCL 2 (PyTorch's pip wheels carry it "
                + "as site-packages/nvidia/nccl/lib/libnccl.so.2"), nccl);
        assertTrue(nccl.contains("-Dautograd4j.nccl.library=") && nccl.contains("AUTOGRAD4J_NCCL_LIBRARY"), nccl);
        String cudart = NcclLibrary.explain("UnsatisfiedLinkError: libjnicudart.so: libcudart.so.13: cannot open",
                "linux-x86_64");
        assertTrue(cudart.startsWith("libcudart.so.13 (the CUDA 13 runtime"), cudart);
        assertEquals("no NVIDIA driver: libcuda.so.1 could not be loaded",
                NcclLibrary.explain("UnsatisfiedLinkError: libjnicudart.so: libcuda.so.1: cannot open", "x"));
        assertTrue(NcclLibrary.explain("UnsatisfiedLinkError: no jnijavacpp in java.library.path", "linux-arm64")
                .startsWith("JavaCPP's natives could not be loaded: add org.bytedeco:javacpp:1.5.14:linux-arm64"));
        assertTrue(NcclLibrary.explain("UnsatisfiedLinkError: something else\nmore", "linux-x86_64")
                .endsWith("could not be loaded (UnsatisfiedLinkError: something else)"));
        assertEquals("the JNI natives of org.bytedeco:cuda are not on the class path: add "
                + "org.bytedeco:cuda:13.3-9.25-1.5.14:linux-x86_64 and org.bytedeco:javacpp:1.5.14:linux-x86_64 "
                + "(classifier linux-x86_64; see the README's NCCL section)",
                NcclLibrary.missingNatives("linux-x86_64", false, false));
        assertTrue(NcclLibrary.missingNatives("linux-x86_64", true, false).contains("add org.bytedeco:javacpp:1.5.14"));
    }

    @Test
    void platformsAndVersions() {
        assertEquals("linux-x86_64", NcclLibrary.platform("Linux", "amd64"));
        assertEquals("linux-arm64", NcclLibrary.platform("Linux", "aarch64"));
        assertNull(NcclLibrary.platform("Mac OS X", "aarch64"));
        assertNull(NcclLibrary.platform("Windows 11", "amd64"));
        assertEquals("2.27.3", NcclLibrary.versionString(22703));
        assertEquals("2.4.8", NcclLibrary.versionString(2408));
    }

    @Test
    void searchesPipAndCondaPlaces() {
        List<Path> c = NcclLibrary.candidates("libnccl.so.2", Map.of("VIRTUAL_ENV", "/nonexistent/venv"), "");
        // only folders that exist are listed below the roots; the names end in pip's layout
        for (Path p : c) {
            assertTrue(p.toString().endsWith("nvidia/nccl/lib/libnccl.so.2"), p.toString());
        }
        List<Path> rt = NcclLibrary.candidates("libcudart.so.13", Map.of(), "/nonexistent-home");
        for (Path p : rt) {
            assertTrue(p.toString().endsWith("nvidia/cuda_runtime/lib/libcudart.so.13")
                    || p.toString().startsWith("/usr/local/cuda"), p.toString());
        }
    }

    private static void message(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
