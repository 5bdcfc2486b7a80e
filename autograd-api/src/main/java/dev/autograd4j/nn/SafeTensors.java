package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The safetensors format (Hugging Face's {@code safetensors}): an unsigned 64-bit little-endian header length
 * N, N bytes of a UTF-8 JSON object (space-padded so that the data starts at a multiple of 8), then the raw
 * little-endian tensor bytes, each tensor contiguous and row-major, at {@code data_offsets} relative to the
 * start of the data. The public entry points are in {@link StateDict}.
 */
final class SafeTensors {
    /** The largest header the reference implementation accepts (its {@code MAX_HEADER_SIZE}). */
    static final long MAX_HEADER = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";
    private static final int MAX_RANK = 64;
    private static final int CHUNK = 1 << 20;
    private static final String SUPPORTED = "F32, F64, I64, BOOL";
    /** Every dtype name of the specification that autograd4j does not load. */
    private static final List<String> UNSUPPORTED = List.of("U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32",
            "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    private SafeTensors() {
    }

    /** Whether a file's name ends with {@code .safetensors} (any case): the format {@link Module} picks. */
    static boolean isSafetensorsPath(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }

    static String name(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case BOOL -> "BOOL";
        };
    }

    private static DType dtype(String name) {
        return switch (name) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }

    // ------------------------------------------------------------------ writing

    /** The header bytes (length prefix excluded, padding included) for tensors laid out as {@link #layout}. */
    static byte[] header(Map<String, Tensor> state, Map<String, String> metadata) {
        Map<String, long[]> offsets = layout(state);
        StringBuilder json = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            Json.writeString(json, METADATA_KEY);
            json.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                Json.writeString(json, requireEncodable(m.getKey(), "metadata key"));
                json.append(':');
                Json.writeString(json, requireEncodable(
                        Objects.requireNonNull(m.getValue(), () -> "metadata \"" + m.getKey() + "\" is null"),
                        "metadata value"));
            }
            json.append('}');
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            Tensor t = e.getValue();
            Json.writeString(json, e.getKey());
            json.append(":{\"dtype\":\"").append(name(t.dtype())).append("\",\"shape\":[");
            int[] dims = t.shape().toArray();
            for (int i = 0; i < dims.length; i++) {
                json.append(i == 0 ? "" : ",").append(dims[i]);
            }
            long[] o = offsets.get(e.getKey());
            json.append("],\"data_offsets\":[").append(o[0]).append(',').append(o[1]).append("]}");
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(bytes, padded);
        Arrays.fill(out, bytes.length, padded, (byte) ' ');
        return out;
    }

    /**
     * Where each tensor's bytes go: larger elements first (stable, so map order within a size), which with
     * the 8-byte aligned header keeps every tensor aligned to its element size, as the reference writer does.
     */
    private static Map<String, long[]> layout(Map<String, Tensor> state) {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>(state.entrySet());
        for (Map.Entry<String, Tensor> e : order) {
            Objects.requireNonNull(e.getKey(), "state dict name must not be null");
            Objects.requireNonNull(e.getValue(), () -> "tensor \"" + e.getKey() + "\" must not be null");
            requireEncodable(e.getKey(), "name");
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named \"" + METADATA_KEY
                        + "\" in a safetensors file (the key is reserved for the metadata)");
            }
        }
        order.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> -e.getValue().dtype().byteSize()));
        Map<String, long[]> out = new LinkedHashMap<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : order) {
            long bytes = (long) e.getValue().numel() * e.getValue().dtype().byteSize();
            out.put(e.getKey(), new long[] {at, at + bytes});
            at += bytes;
        }
        return out;
    }

    private static String requireEncodable(String s, String what) {
        Objects.requireNonNull(s, what + " must not be null");
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException(what + " \"" + s + "\" is not valid Unicode (a lone surrogate)");
        }
        return s;
    }

    static void save(Map<String, Tensor> state, Map<String, String> metadata, Path file) throws IOException {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(file, "file must not be null");
        byte[] header = header(state, metadata);
        Map<String, long[]> offsets = layout(state);
        List<String> order = new ArrayList<>(offsets.keySet());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(length.array());
            out.write(header);
            for (String name : order) {
                writeData(state.get(name), out);
            }
        }
    }

    private static void writeData(Tensor t, OutputStream out) throws IOException {
        int n = t.numel();
        int size = t.dtype().byteSize();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) n * size, CHUNK)).order(ByteOrder.LITTLE_ENDIAN);
        int per = Math.max(1, buf.capacity() / size);
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] v = t.toFloatArray();
                for (int off = 0; off < n; off += per) {
                    buf.clear();
                    buf.asFloatBuffer().put(v, off, Math.min(per, n - off));
                    out.write(buf.array(), 0, Math.min(per, n - off) * size);
                }
            }
            case FLOAT64 -> {
                double[] v = t.toDoubleArray();
                for (int off = 0; off < n; off += per) {
                    buf.clear();
                    buf.asDoubleBuffer().put(v, off, Math.min(per, n - off));
                    out.write(buf.array(), 0, Math.min(per, n - off) * size);
                }
            }
            case INT64 -> {
                long[] v = t.toLongArray();
                for (int off = 0; off < n; off += per) {
                    buf.clear();
                    buf.asLongBuffer().put(v, off, Math.min(per, n - off));
                    out.write(buf.array(), 0, Math.min(per, n - off) * size);
                }
            }
            case BOOL -> {
                double[] v = t.toDoubleArray();
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (v[i] != 0 ? 1 : 0);
                }
                out.write(b);
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** One tensor's description in the header, checked. */
    private record Entry(String name, DType dtype, int[] dims, int numel, long begin, long end) {
    }

    /** The checked header: entries in header order, the metadata, and where the data starts. */
    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    static Map<String, Tensor> load(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(ch, source);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : h.entries()) {
                try {
                    out.put(e.name(), readData(ch, h.dataStart(), e, source));
                } catch (RuntimeException ex) { // a Shape the tensor factory refuses: a corrupt file, not a bug
                    throw new IOException(source + ": entry \"" + e.name() + "\" cannot be made a tensor: "
                            + ex.getMessage(), ex);
                }
            }
            return out;
        }
    }

    static Map<String, String> metadata(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(ch, file.toString()).metadata();
        }
    }

    private static Header header(FileChannel ch, String source) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new IOException(source + " is not a safetensors file: it has " + size
                    + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, source);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER) {
            throw new IOException(source + ": bad safetensors header length " + Long.toUnsignedString(n)
                    + " (more than the " + MAX_HEADER + " bytes the format allows)");
        }
        if (n > size - 8) {
            throw new IOException(source + ": bad safetensors header length " + n + ": only " + (size - 8)
                    + " bytes follow it in the file");
        }
        if (n < 2) {
            throw new IOException(source + ": bad safetensors header length " + n
                    + ": too short for a JSON object");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        readFully(ch, raw, 8, source);
        raw.flip();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate((int) n);
        CoderResult cr = decoder.decode(raw, chars, true);
        if (cr.isError()) {
            throw new IOException(source + ": the safetensors header is not valid UTF-8 (byte " + raw.position()
                    + " of the header, file offset " + (8 + raw.position()) + ")");
        }
        decoder.flush(chars);
        String text = chars.flip().toString();
        if (text.charAt(0) != '{') {
            throw new IOException(source + ": the safetensors header does not start with '{' (found "
                    + printable(text.charAt(0)) + "); not a safetensors file?");
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (Json.Syntax e) {
            int at = text.substring(0, Math.min(e.position, text.length())).getBytes(StandardCharsets.UTF_8).length;
            throw new IOException(source + ": JSON syntax error in the safetensors header at byte " + at
                    + " (file offset " + (8 + at) + "): " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> top = (Map<String, Object>) json; // starts with '{' and parsed: an object
        long dataLength = size - 8 - n;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> kv : top.entrySet()) {
            if (kv.getKey().equals(METADATA_KEY)) {
                metadata = metadata(kv.getValue(), source);
            } else {
                entries.add(entry(kv.getKey(), kv.getValue(), dataLength, source));
            }
        }
        checkLayout(entries, dataLength, source);
        return new Header(entries, metadata, 8 + n);
    }

    private static Map<String, String> metadata(Object value, String source) throws IOException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException(source + ": \"" + METADATA_KEY + "\" must be an object of strings, found "
                    + describe(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IOException(source + ": \"" + METADATA_KEY + "\" must map strings to strings, but \""
                        + e.getKey() + "\" is " + describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String name, Object value, long dataLength, String source) throws IOException {
        String where = source + ": entry \"" + name + "\"";
        if (!(value instanceof Map<?, ?> fields)) {
            throw new IOException(where + " must be an object with dtype, shape and data_offsets, found "
                    + describe(value));
        }
        Object dt = fields.get("dtype");
        if (!(dt instanceof String dtypeName)) {
            throw new IOException(where + " has " + (dt == null ? "no \"dtype\"" : "a \"dtype\" that is not a string: "
                    + describe(dt)));
        }
        DType dtype = dtype(dtypeName);
        if (dtype == null) {
            if (UNSUPPORTED.contains(dtypeName)) {
                throw new IOException(where + " has dtype " + dtypeName + ", which autograd4j does not load"
                        + " (supported: " + SUPPORTED + ")");
            }
            throw new IOException(where + " has unknown dtype " + describe(dtypeName) + " (supported: "
                    + SUPPORTED + ")");
        }
        Object sh = fields.get("shape");
        if (!(sh instanceof List<?> shape)) {
            throw new IOException(where + " has " + (sh == null ? "no \"shape\"" : "a \"shape\" that is not a list: "
                    + describe(sh)));
        }
        if (shape.size() > MAX_RANK) {
            throw new IOException(where + " has a shape of rank " + shape.size() + " (at most " + MAX_RANK + ")");
        }
        int[] dims = new int[shape.size()];
        long numel = 1;
        for (int d = 0; d < dims.length; d++) {
            Object v = shape.get(d);
            if (!(v instanceof Long l) || l < 0) {
                throw new IOException(where + " has a shape whose dimension " + d + " is not a non-negative integer: "
                        + describe(v));
            }
            if (l > Integer.MAX_VALUE) {
                throw new IOException(where + " has dimension " + d + " of size " + l + ", more than 2^31-1");
            }
            dims[d] = (int) (long) l;
            numel *= l;
            if (numel > Integer.MAX_VALUE) {
                throw new IOException(where + " has shape " + describe(shape) + " of more than 2^31-1 elements");
            }
        }
        Object of = fields.get("data_offsets");
        if (!(of instanceof List<?> offs) || offs.size() != 2 || !(offs.get(0) instanceof Long b)
                || !(offs.get(1) instanceof Long e) || b < 0 || e < 0) {
            throw new IOException(where + " has " + (of == null ? "no \"data_offsets\""
                    : "\"data_offsets\" that are not two non-negative integers [begin, end]: " + describe(of)));
        }
        if (e < b) {
            throw new IOException(where + " has data_offsets [" + b + ", " + e + "] that end before they begin");
        }
        if (e > dataLength) {
            throw new IOException(where + " has data_offsets [" + b + ", " + e + "] out of range: the data section"
                    + " has " + dataLength + " bytes (a truncated file or corrupt offsets)");
        }
        long bytes = numel * dtype.byteSize();
        if (e - b != bytes) {
            throw new IOException(where + " has shape " + Arrays.toString(dims) + " of " + dtypeName + " (" + bytes
                    + " bytes) but data_offsets [" + b + ", " + e + "] hold " + (e - b) + " bytes");
        }
        return new Entry(name, dtype, dims, (int) numel, b, e);
    }

    /** The tensors must tile the data section exactly: no hole, no overlap, nothing after the last. */
    private static void checkLayout(List<Entry> entries, long dataLength, String source) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() > at) {
                throw new IOException(source + ": the safetensors data has a hole: bytes [" + at + ", " + e.begin()
                        + ") belong to no tensor (before entry \"" + e.name() + "\" at [" + e.begin() + ", "
                        + e.end() + "])");
            }
            if (e.begin() < at) {
                throw new IOException(source + ": entries \"" + previous.name() + "\" at [" + previous.begin() + ", "
                        + previous.end() + "] and \"" + e.name() + "\" at [" + e.begin() + ", " + e.end()
                        + "] overlap");
            }
            at = e.end();
            if (e.end() > e.begin()) {
                previous = e;
            }
        }
        if (at != dataLength) {
            throw new IOException(source + ": the last " + (dataLength - at) + " bytes of the safetensors data ("
                    + dataLength + " bytes after the header) belong to no tensor");
        }
    }

    private static Tensor readData(FileChannel ch, long dataStart, Entry e, String source) throws IOException {
        int n = e.numel();
        int size = e.dtype().byteSize();
        int per = Math.max(1, CHUNK / size);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) n * size, (long) per * size))
                .order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + e.begin();
        switch (e.dtype()) {
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int off = 0; off < n; off += per) {
                    int k = Math.min(per, n - off);
                    pos = fill(ch, buf, pos, k * size, source);
                    buf.asFloatBuffer().get(v, off, k);
                }
                return Tensor.of(v, e.dims());
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int off = 0; off < n; off += per) {
                    int k = Math.min(per, n - off);
                    pos = fill(ch, buf, pos, k * size, source);
                    buf.asDoubleBuffer().get(v, off, k);
                }
                return Tensor.of(v, e.dims());
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int off = 0; off < n; off += per) {
                    int k = Math.min(per, n - off);
                    pos = fill(ch, buf, pos, k * size, source);
                    buf.asLongBuffer().get(v, off, k);
                }
                return Tensor.of(v, e.dims());
            }
            default -> {
                boolean[] v = new boolean[n];
                for (int off = 0; off < n; off += per) {
                    int k = Math.min(per, n - off);
                    pos = fill(ch, buf, pos, k, source);
                    for (int i = 0; i < k; i++) {
                        byte b = buf.get(i);
                        if (b != 0 && b != 1) {
                            throw new IOException(source + ": entry \"" + e.name() + "\" of dtype BOOL has byte "
                                    + (b & 0xff) + " at element " + (off + i) + " (a bool is 0 or 1)");
                        }
                        v[off + i] = b == 1;
                    }
                }
                return Tensor.of(v, e.dims());
            }
        }
    }

    /** Reads {@code count} bytes at {@code pos} into the start of buf; returns the position after them. */
    private static long fill(FileChannel ch, ByteBuffer buf, long pos, int count, String source) throws IOException {
        buf.clear().limit(count);
        readFully(ch, buf, pos, source);
        buf.flip();
        return pos + count;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, String source) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new IOException(source + " is truncated: it ended at byte " + at
                        + " while the safetensors file was being read (did it change?)");
            }
            at += r;
        }
    }

    private static String describe(Object value) {
        String s;
        if (value instanceof String str) {
            StringBuilder sb = new StringBuilder();
            Json.writeString(sb, str);
            s = sb.toString();
        } else {
            s = String.valueOf(value);
        }
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
