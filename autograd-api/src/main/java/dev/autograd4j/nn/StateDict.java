package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Reads and writes a state dict (tensors by name) as a small binary file, the counterpart of
 * {@code torch.save} / {@code torch.load} for state dicts (not PyTorch's file format). All numbers are
 * big-endian
 * ({@link DataOutputStream}):
 *
 * <pre>
 * magic        8 bytes   ASCII "AG4JSTD2"
 * count        int32     number of entries
 * per entry, in order:
 *   name       UTF-8, as DataOutputStream.writeUTF (uint16 byte length, then the bytes)
 *   dtype      uint8     0 = float32, 1 = float64, 2 = int64, 3 = bool
 *   rank       int32
 *   dims       rank x int32
 *   data       numel values, row-major: float32 / float64 (IEEE 754), int64, or one byte (0/1) for bool
 * checksum     int32     CRC-32 of every byte before it (magic included)
 * </pre>
 *
 * <p>Files of the first version (magic {@code "AG4JSTD1"}, the same layout without the checksum) are still
 * read. Tensors are always written from the host (any device), and loaded onto the CPU;
 * {@link Module#loadStateDict} then copies them to each parameter's device. A file that does not start with
 * the magic, has an unknown dtype code, a shape whose data cannot be in the file, a repeated name, a wrong
 * checksum, or ends early is rejected with an {@link IOException} naming the file, the entry and what was
 * expected; a corrupted length never makes the reader allocate more than the file holds.
 *
 * <p><b>safetensors.</b> {@link #saveSafetensors} and {@link #loadSafetensors} read and write Hugging Face's
 * safetensors format instead, the one PyTorch and Hugging Face users exchange weights in (what
 * {@code safetensors.torch.save_file} / {@code load_file} write and read):
 *
 * <pre>
 * N            uint64 little-endian: the length of the header
 * header       N bytes of UTF-8 JSON, padded with spaces to a multiple of 8:
 *              {"__metadata__": {"key": "value", ...},                        (optional, strings only)
 *               "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * data         each tensor's bytes, little-endian, row-major, at [begin, end) counted from the end of the header
 * </pre>
 *
 * <p>The dtypes F32, F64, I64 and BOOL map to float32, float64, int64 and bool; a file holding any other
 * (F16, BF16, I32, ...) is refused with an {@link IOException} naming the entry and its dtype. The writer
 * puts the header entries in the map's order and the data largest elements first, so that every tensor is
 * aligned to its element size; the reader checks the file as the reference implementation does (header at
 * most 100,000,000 bytes and within the file, valid UTF-8 and JSON starting with '{', no repeated names, a
 * known dtype and a non-negative shape per entry, offsets whose size matches the shape and that tile the
 * data exactly: no hole, no overlap, nothing after the last tensor) and names the first problem in an
 * {@link IOException} before it allocates any tensor. {@link Module#save(Path)} and
 * {@link Module#load(Path)} use the format when the file name ends with {@code .safetensors}.
 */
public final class StateDict {
    /** The first eight bytes of every file written now (version 2, with a checksum). */
    public static final String MAGIC = "AG4JSTD2";
    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    /** Version 1: the same layout without the trailing checksum; still read. */
    private static final byte[] MAGIC_V1_BYTES = "AG4JSTD1".getBytes(StandardCharsets.US_ASCII);
    private static final DType[] CODES = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};
    /** Elements allocated up front when the stream's length is unknown; arrays grow as the data arrives. */
    private static final int FIRST_CHUNK = 1 << 16;

    private StateDict() {
    }

    /**
     * Writes {@code state} to {@code file}, creating parent directories and replacing the file if it exists.
     *
     * @param state tensors by name, written in the map's iteration order (any device; read back to the host)
     * @param file the file to write
     * @throws IOException if writing fails, or a name is longer than 65535 bytes in UTF-8
     * @throws NullPointerException if {@code state}, {@code file}, a name or a tensor is null
     */
    public static void save(Map<String, Tensor> state, Path file) throws IOException {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(file, "file must not be null");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            write(state, os);
        }
    }

    /**
     * Writes {@code state} to a stream in the format; the stream is flushed, not closed.
     *
     * @param state tensors by name, written in the map's iteration order
     * @param os the destination
     * @throws IOException if writing fails
     * @throws NullPointerException if {@code state}, {@code os}, a name or a tensor is null
     */
    public static void write(Map<String, Tensor> state, OutputStream os) throws IOException {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(os, "os must not be null");
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(
                new CheckedOutputStream(new BufferedOutputStream(os, 1 << 16), crc));
        out.write(MAGIC_BYTES);
        out.writeInt(state.size());
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Objects.requireNonNull(e.getKey(), "state dict name must not be null");
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "tensor \"" + e.getKey() + "\" must not be null");
            out.writeUTF(e.getKey());
            out.writeByte(code(t.dtype()));
            int[] dims = t.shape().toArray();
            out.writeInt(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            switch (t.dtype()) {
                case FLOAT32 -> {
                    for (float v : t.toFloatArray()) {
                        out.writeFloat(v);
                    }
                }
                case FLOAT64 -> {
                    for (double v : t.toDoubleArray()) {
                        out.writeDouble(v);
                    }
                }
                case INT64 -> {
                    for (long v : t.toLongArray()) {
                        out.writeLong(v);
                    }
                }
                default -> {
                    for (double v : t.toDoubleArray()) {
                        out.writeByte(v != 0 ? 1 : 0);
                    }
                }
            }
        }
        out.writeInt((int) crc.getValue());
        out.flush();
    }

    /**
     * Writes {@code state} to {@code file} in the safetensors format, without metadata, creating parent
     * directories and replacing the file if it exists (like {@code safetensors.torch.save_file(state, file)}).
     *
     * @param state tensors by name (any device; read back to the host); the header lists them in the map's
     *        iteration order
     * @param file the file to write
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if a name is {@code "__metadata__"} or holds a lone surrogate
     * @throws NullPointerException if {@code state}, {@code file}, a name or a tensor is null
     */
    public static void saveSafetensors(Map<String, Tensor> state, Path file) throws IOException {
        SafeTensors.save(state, Map.of(), file);
    }

    /**
     * Writes {@code state} to {@code file} in the safetensors format with a {@code "__metadata__"} object
     * (like {@code safetensors.torch.save_file(state, file, metadata)}), creating parent directories and
     * replacing the file if it exists.
     *
     * @param state tensors by name (any device; read back to the host), listed in the map's iteration order
     * @param metadata free-form strings by key, such as {@code {"format": "pt"}}; written only when not empty
     * @param file the file to write
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if a name is {@code "__metadata__"}, or a name or metadata string
     *         holds a lone surrogate
     * @throws NullPointerException if an argument, a name, a tensor or a metadata key or value is null
     */
    public static void saveSafetensors(Map<String, Tensor> state, Map<String, String> metadata, Path file)
            throws IOException {
        Objects.requireNonNull(metadata, "metadata must not be null");
        SafeTensors.save(state, metadata, file);
    }

    /**
     * Reads a safetensors file (written by autograd4j, {@code safetensors.torch.save_file} or any other
     * writer of the format) whose tensors are F32, F64, I64 or BOOL.
     *
     * @param file the file to read
     * @return the tensors by name, on the CPU, in header order ({@code "__metadata__"} left out)
     * @throws IOException if reading fails, the file holds a dtype autograd4j does not load
     *         ({@code model.safetensors: entry "w" has dtype F16, which autograd4j does not load (supported:
     *         F32, F64, I64, BOOL)}), or it is not a valid safetensors file ({@code model.safetensors: JSON
     *         syntax error in the safetensors header at byte 17 (file offset 25): expected ':', found
     *         character 'x'}, {@code model.safetensors: entries "a" at [0, 16] and "b" at [8, 24] overlap})
     * @throws NullPointerException if {@code file} is null
     */
    public static Map<String, Tensor> loadSafetensors(Path file) throws IOException {
        return SafeTensors.load(file);
    }

    /**
     * Reads the {@code "__metadata__"} strings of a safetensors file, after checking its header as
     * {@link #loadSafetensors} does (the tensor data is not read).
     *
     * @param file the file to read
     * @return the metadata by key, in header order; empty if the file has none
     * @throws IOException if reading fails or the file's header is not valid
     * @throws NullPointerException if {@code file} is null
     */
    public static Map<String, String> loadSafetensorsMetadata(Path file) throws IOException {
        return SafeTensors.metadata(file);
    }

    private static int code(DType dtype) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == dtype) {
                return i;
            }
        }
        throw new IllegalArgumentException("cannot save dtype " + dtype);
    }

    /**
     * Reads a file written by {@link #save}.
     *
     * @param file the file to read
     * @return the tensors by name, on the CPU, in file order
     * @throws IOException if reading fails, or the file is not a state dict, is corrupt or is truncated
     *         (e.g. {@code model.bin is truncated: the file ended inside entry 2 of 4 ("0.bias") of the state dict},
     *         {@code model.bin: entry 1 of 4 ("0.weight") has shape [1073741832, 4] (17179869312 bytes of float32
     *         data) but only 436 bytes remain in the file})
     * @throws NullPointerException if {@code file} is null
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (InputStream is = Files.newInputStream(file)) {
            return read(is, file.toString(), Files.size(file));
        }
    }

    /**
     * Reads the format from a stream, which must hold exactly one state dict (trailing bytes are an error);
     * the stream is not closed. Arrays grow as their data arrives, so a corrupted length costs no more memory
     * than the stream holds.
     *
     * @param is the source of the bytes
     * @param source what to call the stream in error messages (e.g. a file name)
     * @return the tensors by name, on the CPU, in stream order
     * @throws IOException if reading fails, or the data is not a state dict, is corrupt or is truncated
     * @throws NullPointerException if {@code is} is null
     */
    public static Map<String, Tensor> read(InputStream is, String source) throws IOException {
        return read(is, source, -1);
    }

    /** Reads the format; {@code length} is the number of bytes the stream holds, or -1 if unknown. */
    private static Map<String, Tensor> read(InputStream is, String source, long length) throws IOException {
        Objects.requireNonNull(is, "is must not be null");
        Tracked tracked = new Tracked(new BufferedInputStream(is, 1 << 16));
        DataInputStream in = new DataInputStream(tracked);
        String where = "the header";
        try {
            byte[] magic = new byte[MAGIC_BYTES.length];
            in.readFully(magic);
            boolean checksummed = Arrays.equals(magic, MAGIC_BYTES);
            if (!checksummed && !Arrays.equals(magic, MAGIC_V1_BYTES)) {
                throw new IOException(source + " is not an autograd4j state dict: expected the magic \"" + MAGIC
                        + "\" in its first 8 bytes, found " + printable(magic));
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IOException(source + ": corrupt state dict, negative entry count " + count);
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                where = "entry " + (i + 1) + " of " + count;
                String name;
                try {
                    name = in.readUTF();
                } catch (UTFDataFormatException e) {
                    throw new IOException(source + ": corrupt state dict, " + where + " has a malformed name", e);
                }
                where = "entry " + (i + 1) + " of " + count + " (\"" + name + "\")";
                if (out.containsKey(name)) {
                    throw new IOException(source + ": corrupt state dict, " + where + " repeats an earlier name");
                }
                int code = in.readUnsignedByte();
                if (code >= CODES.length) {
                    throw new IOException(source + ": " + where + " has unknown dtype code " + code
                            + " (expected 0..3: float32, float64, int64, bool)");
                }
                DType dtype = CODES[code];
                int rank = in.readInt();
                if (rank < 0 || rank > 64) {
                    throw new IOException(source + ": " + where + " has an invalid rank " + rank);
                }
                int[] dims = new int[rank];
                long numel = 1;
                for (int d = 0; d < rank; d++) {
                    dims[d] = in.readInt();
                    if (dims[d] < 0) {
                        throw new IOException(source + ": " + where + " has a negative dimension " + dims[d]);
                    }
                    // as Shape checks it: every partial product must fit (the product stays below 2^62 here)
                    numel *= dims[d];
                    if (numel > Integer.MAX_VALUE) {
                        throw new IOException(source + ": " + where + " has shape starting "
                                + Arrays.toString(Arrays.copyOf(dims, d + 1))
                                + " of more than 2^31-1 elements (a corrupted length?)");
                    }
                }
                int n = (int) numel;
                long bytes = numel * dataBytes(dtype);
                long left = length < 0 ? -1 : length - tracked.count;
                if (left >= 0 && bytes > left) {
                    throw new IOException(source + ": " + where + " has shape " + Arrays.toString(dims) + " ("
                            + bytes + " bytes of " + dtype + " data) but only " + left + " bytes remain in the file");
                }
                int first = left >= 0 ? n : Math.min(n, FIRST_CHUNK);
                Tensor t;
                try {
                    t = readData(in, dtype, n, first, dims);
                } catch (RuntimeException e) {
                    throw new IOException(source + ": " + where + " cannot be made a tensor: " + e.getMessage(), e);
                }
                out.put(name, t);
            }
            where = "the checksum";
            if (checksummed) {
                int computed = (int) tracked.crc.getValue();
                int stored = in.readInt();
                if (stored != computed) {
                    throw new IOException(source + ": corrupt state dict, the checksum does not match (stored "
                            + String.format("0x%08x", stored) + ", computed " + String.format("0x%08x", computed)
                            + ")");
                }
            }
            if (in.read() != -1) {
                throw new IOException(source + ": unexpected data after the " + count + " entries of the state dict");
            }
            return out;
        } catch (EOFException e) {
            throw new IOException(source + " is truncated: the file ended inside " + where
                    + " of the state dict", e);
        }
    }

    private static int dataBytes(DType dtype) {
        return dtype == DType.BOOL ? 1 : dtype.byteSize();
    }

    /** Reads n values, starting with an array of {@code first} elements that doubles as the data arrives. */
    private static Tensor readData(DataInputStream in, DType dtype, int n, int first, int[] dims) throws IOException {
        Tensor t = switch (dtype) {
            case FLOAT32 -> {
                float[] v = new float[first];
                for (int k = 0; k < n; k++) {
                    if (k == v.length) {
                        v = Arrays.copyOf(v, grow(v.length, n));
                    }
                    v[k] = in.readFloat();
                }
                yield Tensor.of(v, dims);
            }
            case FLOAT64 -> {
                double[] v = new double[first];
                for (int k = 0; k < n; k++) {
                    if (k == v.length) {
                        v = Arrays.copyOf(v, grow(v.length, n));
                    }
                    v[k] = in.readDouble();
                }
                yield Tensor.of(v, dims);
            }
            case INT64 -> {
                long[] v = new long[first];
                for (int k = 0; k < n; k++) {
                    if (k == v.length) {
                        v = Arrays.copyOf(v, grow(v.length, n));
                    }
                    v[k] = in.readLong();
                }
                yield Tensor.of(v, dims);
            }
            default -> {
                boolean[] v = new boolean[first];
                for (int k = 0; k < n; k++) {
                    if (k == v.length) {
                        v = Arrays.copyOf(v, grow(v.length, n));
                    }
                    v[k] = in.readByte() != 0;
                }
                yield Tensor.of(v, dims);
            }
        };
        return t.to(Device.cpu());
    }

    private static int grow(int length, int n) {
        return (int) Math.min(n, Math.max(1L, 2L * length));
    }

    /** Counts the bytes read and keeps their CRC-32. */
    private static final class Tracked extends FilterInputStream {
        final CRC32 crc = new CRC32();
        long count;

        Tracked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                crc.update(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                crc.update(b, off, r);
                count += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
        }
        return "\"" + sb + "\"";
    }
}
