package dev.autograd4j.examples.mnist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of the MNIST files (gzip-compressed or plain, detected from the first bytes):
 * a 4-byte magic {@code 0x00 0x00 type ndims}, then {@code ndims} big-endian int32 sizes, then the
 * values row-major. Only the unsigned-byte type ({@code 0x08}) used by MNIST is read.
 */
public final class Idx {
    /**
     * The sizes and raw unsigned bytes of one IDX file.
     *
     * @param dims the sizes, e.g. {@code [count, rows, cols]}
     * @param data the values, row-major
     */
    public record Array(int[] dims, byte[] data) {
        /**
         * The size of the first dim: the number of images or labels.
         *
         * @return {@code dims[0]}
         */
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    /**
     * Reads one IDX array of {@code expectedDims} dimensions from {@code raw}; {@code source} (a file
     * name) and {@code what} ("images", "labels") name it in error messages.
     *
     * @param raw the stream, gzip-compressed or plain (not closed)
     * @param source the stream's name, for messages
     * @param expectedDims the number of dims the array must have (3 for images, 1 for labels)
     * @param what what the array holds, for messages
     * @return the array
     * @throws IdxFormatException if the data is not an unsigned-byte IDX array of {@code expectedDims} dims,
     *         or is truncated
     * @throws IOException if reading fails
     */
    public static Array read(InputStream raw, String source, int expectedDims, String what) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read(), b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = buffered;
        if (gzip) {
            try {
                in = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
            } catch (EOFException e) {
                throw new IdxFormatException(source + " is truncated: the gzip header is incomplete", e);
            }
        }
        DataInputStream data = new DataInputStream(in);
        String container = gzip ? " (after gunzip)" : "";
        byte[] magic = new byte[4];
        int got = readFully(data, magic, source, gzip);
        if (got < 4) {
            throw new IdxFormatException(source + " is not an IDX file: expected a 4-byte magic number "
                    + "(0x00 0x00 0x08 0x0" + expectedDims + " for MNIST " + what + ") but the file" + container
                    + " has only " + got + " byte(s)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(source + " is not an IDX file: expected the magic number 0x00 0x00 0x08 0x0"
                    + expectedDims + " (MNIST " + what + ") in its first 4 bytes" + container + ", found "
                    + hex(magic));
        }
        if (magic[2] != 0x08) {
            throw new IdxFormatException(source + ": IDX data type 0x" + String.format("%02x", magic[2] & 0xff)
                    + " is not supported; expected 0x08 (unsigned byte) as in MNIST " + what);
        }
        int ndims = magic[3] & 0xff;
        if (ndims != expectedDims) {
            throw new IdxFormatException(source + " holds a " + ndims + "-dimensional IDX array; MNIST " + what
                    + " need " + expectedDims + " dimension(s) (" + (expectedDims == 3 ? "count, rows, columns"
                    : "count") + ") - is this the right file?");
        }
        byte[] header = new byte[4 * ndims];
        got = readFully(data, header, source, gzip);
        if (got < header.length) {
            throw new IdxFormatException(source + " is truncated: expected a " + (4 + header.length)
                    + "-byte IDX header (" + ndims + " sizes), but the file" + container + " ends after "
                    + (4 + got) + " bytes");
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = ((header[4 * i] & 0xff) << 24) | ((header[4 * i + 1] & 0xff) << 16)
                    | ((header[4 * i + 2] & 0xff) << 8) | (header[4 * i + 3] & 0xff);
            if (dims[i] < 0) {
                throw new IdxFormatException(source + ": IDX size " + i + " is negative (" + dims[i] + ")");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(source + ": IDX array of " + total + " values is too large");
        }
        byte[] values = new byte[(int) total];
        got = readFully(data, values, source, gzip);
        if (got < values.length) {
            throw new IdxFormatException(source + " is truncated: expected " + String.format("%,d", total)
                    + " bytes of " + what + " data (" + shape(dims) + ") after the " + (4 + header.length)
                    + "-byte header, but the file" + container + " holds only " + String.format("%,d", got));
        }
        return new Array(dims, values);
    }

    /** Reads until {@code buf} is full or the stream ends; returns how many bytes were read. */
    private static int readFully(InputStream in, byte[] buf, String source, boolean gzip) throws IOException {
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (EOFException e) {
            // a gzip stream cut short: report what was read so the caller names the truncation
            return n;
        } catch (ZipException e) {
            throw new IdxFormatException(source + " is not a valid gzip file: " + e.getMessage()
                    + (gzip ? " (after " + n + " decompressed bytes)" : ""), e);
        }
        return n;
    }

    private static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d : dims) {
            if (sb.length() > 0) {
                sb.append(" x ");
            }
            sb.append(d);
        }
        return sb.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : Arrays.copyOf(bytes, bytes.length)) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("0x%02x", b & 0xff));
        }
        return sb.toString();
    }
}
