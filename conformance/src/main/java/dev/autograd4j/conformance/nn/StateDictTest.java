package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.nn.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State dicts: save/load round trips, the file format, and the errors for mismatches and bad files. */
@DisplayNameGeneration(ConformanceNames.class)
class StateDictTest {
    @TempDir
    Path dir;

    private static Sequential net(Device device, long seed, int hidden) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(4, hidden, true, DType.FLOAT32, device, g), new ReLU(),
                new Linear(hidden, 2, true, DType.FLOAT32, device, g));
    }

    @AllDevices
    void saveAndLoadRoundTripBitForBit(Device device) throws IOException {
        Sequential a = net(device, 1, 8);
        Sequential b = net(device, 2, 8);
        Tensor bWeight = b.parameters().get(0);
        Path file = dir.resolve("sub/model.ag4j");
        a.save(file);
        b.load(file);
        assertSame(bWeight, b.parameters().get(0), "loaded in place");
        assertTrue(bWeight.isLeaf() && bWeight.requiresGrad());
        assertEquals(device, bWeight.device());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray(), 0f);
        }
        Tensor x = Tensor.ones(3, 4).to(device);
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray(), 0f);
        long expectedSize = 8 + 4 + (2 + 8 + 1 + 4 + 8 + 4 * 32) + (2 + 6 + 1 + 4 + 4 + 4 * 8)
                + (2 + 8 + 1 + 4 + 8 + 4 * 16) + (2 + 6 + 1 + 4 + 4 + 4 * 2) + 4;
        assertEquals(expectedSize, Files.size(file), "the documented layout");
    }

    @Test
    void everyDtypeRoundTripsThroughTheFormat() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("f32", Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE}, 2, 2));
        state.put("f64", Tensor.of(new double[] {Math.PI, -1e300}, 2));
        state.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, 7, -3}, 3, 1));
        state.put("bool", Tensor.of(new boolean[] {true, false, true}, 3));
        state.put("scalar", Tensor.scalar(2.5));
        state.put("empty", Tensor.zeros(0, 3));
        state.put("ünïcode name", Tensor.ones(1));
        Path file = dir.resolve("all.ag4j");
        StateDict.save(state, file);
        Map<String, Tensor> back = StateDict.load(file);
        assertEquals(List.copyOf(state.keySet()), List.copyOf(back.keySet()));
        for (String k : state.keySet()) {
            Tensor want = state.get(k), got = back.get(k);
            assertEquals(want.shape(), got.shape(), k);
            assertEquals(want.dtype(), got.dtype(), k);
            assertEquals(Arrays.toString(want.toDoubleArray()), Arrays.toString(got.toDoubleArray()), k);
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.get("f32").toFloatArray()[1]));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 7, -3}, back.get("i64").toLongArray());
    }

    @Test
    void aStateDictFromAnotherArchitectureNamesEveryMismatch() throws IOException {
        Sequential small = net(Device.cpu(), 1, 8);
        Sequential wide = net(Device.cpu(), 1, 16);
        Sequential deeper = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2), new ReLU(),
                new Linear(2, 2));
        float[] before = wide.parameters().get(0).toFloatArray();
        String msg = assertThrows(IllegalArgumentException.class, () -> wide.loadStateDict(small.stateDict()))
                .getMessage();
        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tsize mismatch for 0.weight: copying a param with shape [8, 4] from checkpoint, the shape in "
                + "current model is [16, 4].\n"
                + "\tsize mismatch for 0.bias: copying a param with shape [8] from checkpoint, the shape in current "
                + "model is [16].\n"
                + "\tsize mismatch for 2.weight: copying a param with shape [2, 8] from checkpoint, the shape in "
                + "current model is [2, 16].", msg);
        assertArrayEquals(before, wide.parameters().get(0).toFloatArray(), 0f, "nothing copied on error");
        Path file = dir.resolve("deep.ag4j");
        deeper.save(file);
        msg = assertThrows(IllegalArgumentException.class, () -> small.load(file)).getMessage();
        assertEquals(file + ": Error(s) in loading state_dict for Sequential:\n"
                + "\tUnexpected key(s) in state_dict: \"4.weight\", \"4.bias\".", msg);
        msg = assertThrows(IllegalArgumentException.class, () -> deeper.loadStateDict(small.stateDict()))
                .getMessage();
        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tMissing key(s) in state_dict: \"4.weight\", \"4.bias\".", msg);
        Module.LoadResult r = deeper.loadStateDict(small.stateDict(), false);
        assertEquals(List.of("4.weight", "4.bias"), r.missingKeys());
        assertArrayEquals(small.parameters().get(0).toFloatArray(), deeper.parameters().get(0).toFloatArray(), 0f);
    }

    /** A corrupted shape never makes the reader allocate what the file cannot hold: an IOException names the entry. */
    @Test
    void aCorruptedLengthFieldIsAnIOExceptionNamingTheEntry() throws IOException {
        Path good = dir.resolve("len.ag4j");
        net(Device.cpu(), 1, 8).save(good);
        byte[] all = Files.readAllBytes(good);
        // entry 1: name "0.weight" at 12 (2 + 8 bytes), dtype at 22, rank at 23, dims at 27 and 31
        byte[] bad = all.clone();
        java.nio.ByteBuffer.wrap(bad).putInt(27, 0x7fff_fff0);
        Path file = dir.resolve("bad-length.ag4j");
        Files.write(file, bad);
        String msg = assertThrows(IOException.class, () -> StateDict.load(file)).getMessage();
        assertTrue(msg.startsWith(file + ": entry 1 of 4 (\"0.weight\") has shape starting [2147483632, 4] of "
                + "more than 2^31-1 elements"),
                msg);
        java.nio.ByteBuffer.wrap(bad).putInt(27, 0x1000_0000);
        Files.write(file, bad);
        msg = assertThrows(IOException.class, () -> StateDict.load(file)).getMessage();
        assertEquals(file + ": entry 1 of 4 (\"0.weight\") has shape [268435456, 4] (4294967296 bytes of "
                + "torch.float32 data) but only " + (all.length - 35) + " bytes remain in the file", msg);
        // a stream, whose length is unknown: the array grows with the data, which ends first
        msg = assertThrows(IOException.class, () -> StateDict.read(new java.io.ByteArrayInputStream(bad), "stream"))
                .getMessage();
        assertEquals("stream is truncated: the file ended inside entry 1 of 4 (\"0.weight\") of the state dict", msg);
        java.nio.ByteBuffer.wrap(bad).putInt(23, -7);
        msg = assertThrows(IOException.class, () -> StateDict.read(new java.io.ByteArrayInputStream(bad), "stream"))
                .getMessage();
        assertEquals("stream: entry 1 of 4 (\"0.weight\") has an invalid rank -7", msg);
    }

    /**
     * 1,000 seeded random corruptions (byte changes, truncations, appended bytes) of a valid file: each load
     * either gives back identical data or throws an IOException (never OutOfMemoryError, NegativeArraySize or
     * another runtime exception), and the module it was loaded into is untouched on failure.
     */
    @Test
    void fuzzedCorruptionsAreIOExceptionsAndLeaveTheModelUntouched() throws IOException {
        Sequential source = net(Device.cpu(), 1, 8);
        Path good = dir.resolve("fuzz-source.ag4j");
        source.save(good);
        byte[] all = Files.readAllBytes(good);
        Map<String, Tensor> expected = StateDict.load(good);
        Sequential target = net(Device.cpu(), 2, 8);
        List<float[]> before = target.parameters().stream().map(Tensor::toFloatArray).toList();
        java.util.Random random = new java.util.Random(11);
        Path file = dir.resolve("fuzz.ag4j");
        int failures = 0;
        for (int trial = 0; trial < 1000; trial++) {
            byte[] bad = all.clone();
            int kind = random.nextInt(4);
            if (kind == 0) { // truncate
                bad = Arrays.copyOf(all, random.nextInt(all.length));
            } else if (kind == 3) { // trailing junk
                bad = Arrays.copyOf(all, all.length + 1 + random.nextInt(8));
                bad[bad.length - 1] = (byte) random.nextInt(256);
            }
            int changes = kind == 1 ? 1 : random.nextInt(4);
            for (int k = 0; k < changes && bad.length > 0; k++) {
                int at = kind == 2 ? random.nextInt(Math.min(bad.length, 40)) : random.nextInt(bad.length);
                bad[at] = (byte) (bad[at] ^ (1 + random.nextInt(255)));
            }
            Files.write(file, bad);
            Map<String, Tensor> loaded;
            try {
                loaded = StateDict.load(file);
            } catch (IOException e) {
                failures++;
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                IOException viaModule = assertThrows(IOException.class, () -> target.load(file));
                assertEquals(e.getMessage(), viaModule.getMessage());
                for (int i = 0; i < before.size(); i++) {
                    assertArrayEquals(before.get(i), target.parameters().get(i).toFloatArray(), 0f, "untouched");
                }
                continue;
            }
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(loaded.keySet()), "trial " + trial);
            for (String k : expected.keySet()) {
                assertEquals(Arrays.toString(expected.get(k).toDoubleArray()),
                        Arrays.toString(loaded.get(k).toDoubleArray()), "trial " + trial + " " + k);
            }
        }
        assertTrue(failures > 900, "almost every corruption is caught: " + failures);
    }

    @Test
    void filesOfTheFirstVersionWithoutChecksumStillLoad() throws IOException {
        Path good = dir.resolve("v2.ag4j");
        Sequential a = net(Device.cpu(), 1, 8);
        a.save(good);
        byte[] all = Files.readAllBytes(good);
        byte[] v1 = Arrays.copyOf(all, all.length - 4);
        v1[7] = '1';
        Path old = dir.resolve("v1.ag4j");
        Files.write(old, v1);
        Map<String, Tensor> back = StateDict.load(old);
        assertArrayEquals(a.parameters().get(0).toFloatArray(), back.get("0.weight").toFloatArray(), 0f);
    }

    @Test
    void aFileThatIsNotAStateDictOrIsTruncatedIsNamed() throws IOException {
        Path junk = dir.resolve("junk.bin");
        Files.write(junk, "hello world, not a model".getBytes());
        String msg = assertThrows(IOException.class, () -> StateDict.load(junk)).getMessage();
        assertEquals(junk + " is not an autograd4j state dict: expected the magic \"AG4JSTD2\" in its first 8 bytes, "
                + "found \"hello wo\"", msg);
        Path good = dir.resolve("good.ag4j");
        net(Device.cpu(), 1, 8).save(good);
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.ag4j");
        Files.write(cut, Arrays.copyOf(all, all.length - 10));
        msg = assertThrows(IOException.class, () -> StateDict.load(cut)).getMessage();
        assertEquals(cut + ": entry 4 of 4 (\"2.bias\") has shape [2] (8 bytes of torch.float32 data) but only 2 "
                + "bytes remain in the file", msg);
        msg = assertThrows(IOException.class, () -> StateDict.read(new java.io.ByteArrayInputStream(
                Arrays.copyOf(all, all.length - 10)), "cut")).getMessage();
        assertEquals("cut is truncated: the file ended inside entry 4 of 4 (\"2.bias\") of the state dict", msg);
        Files.write(cut, Arrays.copyOf(all, 5));
        msg = assertThrows(IOException.class, () -> StateDict.load(cut)).getMessage();
        assertEquals(cut + " is truncated: the file ended inside the header of the state dict", msg);
    }
}
