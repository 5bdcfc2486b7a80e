package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.nn.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State dicts in the safetensors format: a fixture written by numpy (make_safetensors_fixture.py, next to it in
 * the resources) loads with exact values, autograd4j's own files have the exact bytes the specification gives,
 * round trips are bit for bit, and corrupt files are IOExceptions naming what is wrong.
 */
@DisplayNameGeneration(ConformanceNames.class)
class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Sequential net(Device device, long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(4, 8, true, DType.FLOAT32, device, g), new ReLU(),
                new Linear(8, 2, true, DType.FLOAT32, device, g));
    }

    private Path fixture() throws IOException {
        Path file = dir.resolve("fixture.safetensors");
        try (InputStream in = SafeTensorsTest.class.getResourceAsStream("fixture.safetensors")) {
            assertNotNull(in, "the fixture is on the class path");
            Files.copy(in, file);
        }
        return file;
    }

    private static String bits(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> {
                StringBuilder sb = new StringBuilder();
                for (float f : t.toFloatArray()) {
                    sb.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(' ');
                }
                yield sb.toString();
            }
            case FLOAT64 -> {
                StringBuilder sb = new StringBuilder();
                for (double d : t.toDoubleArray()) {
                    sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ');
                }
                yield sb.toString();
            }
            case INT64 -> Arrays.toString(t.toLongArray());
            case BOOL -> Arrays.toString(t.toDoubleArray());
        };
    }

    @Test
    void aFileWrittenByNumpyLoadsWithExactValues() throws IOException {
        Path file = fixture();
        Map<String, Tensor> t = StateDict.loadSafetensors(file);
        assertEquals(List.of("bias", "index", "empty", "layer.0.\u00fcn\u00efcode", "scalar", "weight", "mask"),
                List.copyOf(t.keySet()), "header order");
        assertEquals(Map.of("format", "pt", "written by", "numpy"), StateDict.loadSafetensorsMetadata(file));
        Tensor w = t.get("weight");
        assertEquals(DType.FLOAT32, w.dtype());
        assertArrayEquals(new int[] {2, 3}, w.shape().toArray());
        assertEquals(bits(Tensor.of(new float[] {1.5f, -2.25f, 3f, Float.intBitsToFloat(0x3dcccccd), -0f,
                Float.intBitsToFloat(0x116c2)}, 2, 3)), bits(w));
        assertEquals(DType.FLOAT64, t.get("bias").dtype());
        assertEquals(bits(Tensor.of(new double[] {Math.PI, -1e300, Double.MIN_VALUE}, 3)), bits(t.get("bias")));
        assertEquals(DType.INT64, t.get("index").dtype());
        assertArrayEquals(new long[] {Long.MIN_VALUE, (1L << 53) + 1, 7, -3}, t.get("index").toLongArray());
        assertArrayEquals(new int[] {2, 2}, t.get("index").shape().toArray());
        assertEquals(DType.BOOL, t.get("mask").dtype());
        assertArrayEquals(new double[] {1, 0, 0, 1}, t.get("mask").toDoubleArray());
        assertEquals(0, t.get("scalar").shape().toArray().length);
        assertArrayEquals(new float[] {2.5f}, t.get("scalar").toFloatArray());
        assertArrayEquals(new int[] {0, 2}, t.get("empty").shape().toArray());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f},
                t.get("layer.0.\u00fcn\u00efcode").toFloatArray(), 0f);
        assertArrayEquals(new int[] {3, 2}, t.get("layer.0.\u00fcn\u00efcode").shape().toArray());
        // and it survives a round trip through autograd4j's writer
        Path again = dir.resolve("again.safetensors");
        StateDict.saveSafetensors(t, Map.of("format", "pt"), again);
        Map<String, Tensor> back = StateDict.loadSafetensors(again);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(back.keySet()));
        for (String k : t.keySet()) {
            assertEquals(t.get(k).dtype(), back.get(k).dtype(), k);
            assertEquals(t.get(k).shape(), back.get(k).shape(), k);
            assertEquals(bits(t.get(k)), bits(back.get(k)), k);
        }
    }

    /** The bytes any safetensors reader (and make_safetensors_fixture.py --read) expects, byte for byte. */
    @Test
    void theWrittenFileHasTheExactLayoutOfTheSpecification() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("b", Tensor.of(new float[] {1f, -2f}, 2));
        state.put("a", Tensor.of(new long[] {5}, 1));
        state.put("m\"\u00e9", Tensor.of(new boolean[] {true, false}, 2));
        Path file = dir.resolve("known.safetensors");
        StateDict.saveSafetensors(state, Map.of("format", "pt"), file);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"m\\\"\u00e9\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer want = ByteBuffer.allocate(8 + padded + 18).order(ByteOrder.LITTLE_ENDIAN);
        want.putLong(padded).put(header);
        while (want.position() < 8 + padded) {
            want.put((byte) ' ');
        }
        want.putLong(5).putFloat(1f).putFloat(-2f).put((byte) 1).put((byte) 0);
        assertArrayEquals(want.array(), Files.readAllBytes(file));
        assertEquals(0, padded % 8, "the data starts 8-byte aligned");
    }

    @AllDevices
    void aModuleSavedAsSafetensorsLoadsBitForBit(Device device) throws IOException {
        Sequential a = net(device, 1);
        Sequential b = net(device, 2);
        Path file = dir.resolve("sub/model.SafeTensors");
        a.save(file);
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 9);
        assertEquals('{', head[8], "the extension picks safetensors");
        Map<String, Tensor> raw = StateDict.loadSafetensors(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(raw.keySet()));
        b.load(file);
        assertEquals(device, b.parameters().get(0).device());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray(), 0f);
        }
        Path legacy = dir.resolve("model.ag4j");
        a.save(legacy);
        assertEquals(StateDict.MAGIC, new String(Files.readAllBytes(legacy), 0, 8, StandardCharsets.US_ASCII),
                "other extensions keep the AG4JSTD format");
        net(device, 3).load(legacy);
    }

    @Test
    void everyDtypeRoundTrips() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("mask", Tensor.of(new boolean[] {true, false, true}, 3));
        state.put("f32", Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE}, 2, 2));
        state.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, 7, -3}, 3, 1));
        state.put("f64", Tensor.of(new double[] {Math.PI, Double.NEGATIVE_INFINITY}, 2));
        state.put("scalar", Tensor.scalar(2.5));
        state.put("empty", Tensor.zeros(0, 3));
        state.put("view", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
        Path file = dir.resolve("all.safetensors");
        StateDict.saveSafetensors(state, file);
        Map<String, Tensor> back = StateDict.loadSafetensors(file);
        assertEquals(List.copyOf(state.keySet()), List.copyOf(back.keySet()));
        for (String k : state.keySet()) {
            assertEquals(state.get(k).dtype(), back.get(k).dtype(), k);
            assertEquals(state.get(k).shape(), back.get(k).shape(), k);
            assertEquals(bits(state.get(k)), bits(back.get(k)), k);
        }
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.get("view").toFloatArray(), 0f, "row-major");
        assertEquals(Map.of(), StateDict.loadSafetensorsMetadata(file));
        assertThrows(IllegalArgumentException.class,
                () -> StateDict.saveSafetensors(Map.of("__metadata__", Tensor.ones(1)), dir.resolve("x.safetensors")));
    }

    // ------------------------------------------------------------------ corrupt files

    private Path write(String name, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    private String error(String name, String json, int dataBytes) throws IOException {
        Path file = write(name, json, new byte[dataBytes]);
        String msg = assertThrows(IOException.class, () -> StateDict.loadSafetensors(file)).getMessage();
        assertTrue(msg.startsWith(file + ": ") || msg.startsWith(file + " "), msg);
        return msg.substring(file.toString().length());
    }

    @Test
    void eachKindOfCorruptionIsNamed() throws IOException {
        String ok = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "I64", "[1]", 8, 16) + "}";
        assertTrue(error("ok-but-short", ok, 12).contains("entry \"b\" has data_offsets [8, 16] out of range: the "
                + "data section has 12 bytes"));
        assertEquals(": the last 4 bytes of the safetensors data (20 bytes after the header) belong to no tensor",
                error("trailing", ok, 20));
        assertEquals(": entry \"a\" has dtype F16, which autograd4j does not load (supported: F32, F64, I64, BOOL)",
                error("f16", "{" + entry("a", "F16", "[2]", 0, 4) + "}", 4));
        assertEquals(": entry \"a\" has dtype BF16, which autograd4j does not load (supported: F32, F64, I64, BOOL)",
                error("bf16", "{" + entry("a", "BF16", "[2]", 0, 4) + "}", 4));
        assertEquals(": entry \"a\" has unknown dtype \"F17\" (supported: F32, F64, I64, BOOL)",
                error("f17", "{" + entry("a", "F17", "[2]", 0, 4) + "}", 4));
        assertEquals(": entry \"a\" has shape [3] of F32 (12 bytes) but data_offsets [0, 8] hold 8 bytes",
                error("mismatch", "{" + entry("a", "F32", "[3]", 0, 8) + "}", 8));
        assertEquals(": entries \"a\" at [0, 8] and \"b\" at [4, 12] overlap",
                error("overlap", "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12)
                        + "}", 12));
        assertEquals(": the safetensors data has a hole: bytes [8, 12) belong to no tensor (before entry \"b\" at "
                + "[12, 20])", error("hole", "{" + entry("a", "F32", "[2]", 0, 8) + ","
                        + entry("b", "F32", "[2]", 12, 20) + "}", 20));
        assertEquals(": entry \"a\" has data_offsets [8, 0] that end before they begin",
                error("backwards", "{" + entry("a", "F32", "[2]", 8, 0) + "}", 8));
        assertEquals(": entry \"a\" has a shape whose dimension 0 is not a non-negative integer: -2",
                error("negative", "{" + entry("a", "F32", "[-2]", 0, 8) + "}", 8));
        assertEquals(": entry \"a\" has shape [65536, 65536] of more than 2^31-1 elements",
                error("huge", "{" + entry("a", "F32", "[65536,65536]", 0, 8) + "}", 8));
        assertEquals(": entry \"a\" has \"data_offsets\" that are not two non-negative integers [begin, end]: [0]",
                error("offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0]}}", 0));
        assertEquals(": entry \"a\" has no \"shape\"", error("noshape", "{\"a\":{\"dtype\":\"F32\"}}", 0));
        assertEquals(": JSON syntax error in the safetensors header at byte 5 (file offset 13): expected ':', found "
                + "character '{'", error("syntax", "{\"a\" {}}", 0));
        String dup = "{" + entry("a", "F32", "[0]", 0, 0) + "," + entry("a", "F32", "[0]", 0, 0) + "}";
        int second = dup.lastIndexOf("\"a\":");
        assertEquals(": JSON syntax error in the safetensors header at byte " + second + " (file offset " + (8 + second)
                + "): duplicate key \"a\"", error("dup", dup, 0));
        assertEquals(": JSON syntax error in the safetensors header at byte 8 (file offset 16): unterminated string",
                error("unterminated", "{\"\u00e9abcd", 0));
        assertEquals(": the safetensors header does not start with '{' (found '['); not a safetensors file?",
                error("array", "[1, 2]  ", 0));
        assertEquals(": \"__metadata__\" must map strings to strings, but \"n\" is 1",
                error("meta", "{\"__metadata__\":{\"n\":1}}", 0));
        assertEquals(": entry \"m\" of dtype BOOL has byte 2 at element 1 (a bool is 0 or 1)",
                errorWithData("bool", "{" + entry("m", "BOOL", "[2]", 0, 2) + "}", new byte[] {1, 2}));
        // the header length itself
        Path file = dir.resolve("length.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertEquals(file + ": bad safetensors header length 18446744073709551615 (more than the 100000000 bytes "
                + "the format allows)", assertThrows(IOException.class, () -> StateDict.loadSafetensors(file))
                .getMessage());
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(9).array());
        assertEquals(file + ": bad safetensors header length 9: only 8 bytes follow it in the file",
                assertThrows(IOException.class, () -> StateDict.loadSafetensors(file)).getMessage());
        Files.write(file, new byte[] {2, 0, 0});
        assertEquals(file + " is not a safetensors file: it has 3 bytes, fewer than the 8 of the header length",
                assertThrows(IOException.class, () -> StateDict.loadSafetensors(file)).getMessage());
        Files.write(file, new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', (byte) 0xff});
        assertEquals(file + ": the safetensors header is not valid UTF-8 (byte 1 of the header, file offset 9)",
                assertThrows(IOException.class, () -> StateDict.loadSafetensors(file)).getMessage());
    }

    private String errorWithData(String name, String json, byte[] data) throws IOException {
        Path file = write(name, json, data);
        String msg = assertThrows(IOException.class, () -> StateDict.loadSafetensors(file)).getMessage();
        return msg.substring(file.toString().length());
    }

    @Test
    void aHeaderInAnotherWriterStyleIsRead() throws IOException {
        // whitespace, escapes, fields in another order, an extra field, padding: all valid
        String json = "{ \"w\\u00e9\\n\" : { \"shape\" : [ 1 ] , \"data_offsets\" : [ 0 , 4 ], \"dtype\" : \"F32\","
                + " \"extra\": [true, null, {\"x\": -1.5e3}] },\r\n\t\"__metadata__\": {\"k\": \"\\ud83d\\ude00\"} }"
                + "      ";
        Path file = write("style.safetensors", json, new byte[] {0, 0, (byte) 0x80, 0x3f});
        Map<String, Tensor> t = StateDict.loadSafetensors(file);
        assertEquals(List.of("w\u00e9\n"), List.copyOf(t.keySet()));
        assertArrayEquals(new float[] {1f}, t.get("w\u00e9\n").toFloatArray(), 0f);
        assertEquals(Map.of("k", "\ud83d\ude00"), StateDict.loadSafetensorsMetadata(file));
    }

    /**
     * 1,000 seeded random corruptions (header bytes, any bytes, truncations, appended bytes, header lengths) of
     * a valid file: each load gives back a well-formed state dict or throws an IOException naming the file
     * (never OutOfMemoryError, NegativeArraySize or another runtime exception); the module it was loaded into
     * is untouched on failure; a corruption of the data alone (safetensors has no checksum) keeps every name,
     * dtype and shape.
     */
    @Test
    void fuzzedCorruptionsAreIOExceptionsAndLeaveTheModelUntouched() throws IOException {
        Sequential source = net(Device.cpu(), 1);
        Path good = dir.resolve("fuzz-source.safetensors");
        source.save(good);
        byte[] all = Files.readAllBytes(good);
        int dataStart = 8 + (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Map<String, Tensor> expected = StateDict.loadSafetensors(good);
        Sequential target = net(Device.cpu(), 2);
        List<float[]> before = target.parameters().stream().map(Tensor::toFloatArray).toList();
        Random random = new Random(12);
        Path file = dir.resolve("fuzz.safetensors");
        int failures = 0;
        for (int trial = 0; trial < 1000; trial++) {
            byte[] bad = all.clone();
            int kind = random.nextInt(5);
            int lowest = Integer.MAX_VALUE;
            if (kind == 0) { // truncate
                bad = Arrays.copyOf(all, random.nextInt(all.length));
                lowest = bad.length;
            } else if (kind == 3) { // trailing junk
                bad = Arrays.copyOf(all, all.length + 1 + random.nextInt(8));
                lowest = all.length;
            } else if (kind == 4) { // a random header length
                long n = random.nextBoolean() ? random.nextLong() : random.nextInt(all.length + 16);
                ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
                lowest = 0;
            }
            int changes = kind == 1 ? 1 + random.nextInt(3) : kind == 2 ? 1 : 0;
            for (int k = 0; k < changes && bad.length > 0; k++) {
                int at = kind == 2 ? random.nextInt(Math.min(bad.length, dataStart)) : random.nextInt(bad.length);
                bad[at] = (byte) (bad[at] ^ (1 + random.nextInt(255)));
                lowest = Math.min(lowest, at);
            }
            Files.write(file, bad);
            Map<String, Tensor> loaded;
            try {
                loaded = StateDict.loadSafetensors(file);
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
            for (Tensor t : loaded.values()) {
                assertEquals(t.numel(), t.toDoubleArray().length, "trial " + trial);
            }
            if (lowest >= dataStart) {
                assertEquals(List.copyOf(expected.keySet()), List.copyOf(loaded.keySet()), "trial " + trial);
                for (String k : expected.keySet()) {
                    assertEquals(expected.get(k).shape(), loaded.get(k).shape(), "trial " + trial + " " + k);
                    assertEquals(expected.get(k).dtype(), loaded.get(k).dtype(), "trial " + trial + " " + k);
                }
            }
        }
        assertTrue(failures > 600, "most corruptions are caught: " + failures);
    }
}
