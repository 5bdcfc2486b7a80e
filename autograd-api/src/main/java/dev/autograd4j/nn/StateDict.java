package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes a state dict (tensors by name) as a small binary file, the counterpart of
 * {@code torch.save} / {@code torch.load} for state dicts (not PyTorch's file format). All numbers are
 * big-endian
 * ({@link DataOutputStream}):
 *
 * <pre>
 * magic        8 bytes   ASCII "AG4JSTD1"
 * count        int32     number of entries
 * per entry, in order:
 *   name       UTF-8, as DataOutputStream.writeUTF (uint16 byte length, then the bytes)
 *   dtype      uint8     0 = float32, 1 = float64, 2 = int64, 3 = bool
 *   rank       int32
 *   dims       rank x int32
 *   data       numel values, row-major: float32 / float64 (IEEE 754), int64, or one byte (0/1) for bool
 * </pre>
 *
 * <p>Tensors are always written from the host (any device), and loaded onto the CPU; {@link Module#loadStateDict}
 * then copies them to each parameter's device. A file that does not start with the magic, has an
 * unknown dtype code, or ends early is rejected with an {@link IOException} naming the file and what was expected.
 */
public final class StateDict {
    /** The first eight bytes of every file. */
    public static final String MAGIC = "AG4JSTD1";
    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    private static final DType[] CODES = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};

    private StateDict() {
    }

    /**
     * Writes {@code state} to {@code file}, creating parent directories and replacing the file if it exists.
     *
     * @param state tensors by name, written in the map's iteration order (any device; read back to the host)
     * @param file the file to write
     * @throws IOException if writing fails, or a name is longer than 65535 bytes in UTF-8
     */
    public static void save(Map<String, Tensor> state, Path file) throws IOException {
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
     */
    public static void write(Map<String, Tensor> state, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
        out.write(MAGIC_BYTES);
        out.writeInt(state.size());
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = e.getValue();
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
        out.flush();
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
     *         (e.g. {@code model.bin is truncated: the file ended inside entry 2 of 4 ("0.bias") of the state dict})
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file)) {
            return read(is, file.toString());
        }
    }

    /**
     * Reads the format from a stream, which must hold exactly one state dict (trailing bytes are an error);
     * the stream is not closed.
     *
     * @param is the source of the bytes
     * @param source what to call the stream in error messages (e.g. a file name)
     * @return the tensors by name, on the CPU, in stream order
     * @throws IOException if reading fails, or the data is not a state dict, is corrupt or is truncated
     */
    public static Map<String, Tensor> read(InputStream is, String source) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16));
        String where = "the header";
        try {
            byte[] magic = new byte[MAGIC_BYTES.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC_BYTES)) {
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
                String name = in.readUTF();
                where = "entry " + (i + 1) + " of " + count + " (\"" + name + "\")";
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
                    numel *= dims[d];
                }
                if (numel > Integer.MAX_VALUE) {
                    throw new IOException(source + ": " + where + " is too large (" + numel + " elements)");
                }
                int n = (int) numel;
                Tensor t = switch (dtype) {
                    case FLOAT32 -> {
                        float[] v = new float[n];
                        for (int k = 0; k < n; k++) {
                            v[k] = in.readFloat();
                        }
                        yield Tensor.of(v, dims);
                    }
                    case FLOAT64 -> {
                        double[] v = new double[n];
                        for (int k = 0; k < n; k++) {
                            v[k] = in.readDouble();
                        }
                        yield Tensor.of(v, dims);
                    }
                    case INT64 -> {
                        long[] v = new long[n];
                        for (int k = 0; k < n; k++) {
                            v[k] = in.readLong();
                        }
                        yield Tensor.of(v, dims);
                    }
                    default -> {
                        boolean[] v = new boolean[n];
                        for (int k = 0; k < n; k++) {
                            v[k] = in.readByte() != 0;
                        }
                        yield Tensor.of(v, dims);
                    }
                };
                out.put(name, t.to(Device.cpu()));
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

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
        }
        return "\"" + sb + "\"";
    }
}
