package dev.autograd4j.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX loader: gzip and plain files, and clear errors for files that are not IDX or are truncated. */
class IdxTest {
    @TempDir
    Path dir;

    private static byte[] bundled(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(IdxTest.class.getResourceAsStream("/mnist/" + name + ".gz"))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    @Test
    void plainAndGzipFilesGiveTheSameData() throws IOException {
        byte[] images = bundled("test-images-idx3-ubyte");
        byte[] labels = bundled("test-labels-idx1-ubyte");
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels));
        MnistData plain = MnistData.fromDirectory(dir, "test");
        MnistData packed = MnistData.bundled("test");
        assertEquals(1000, plain.count());
        assertArrayEquals(packed.pixels(), plain.pixels());
        assertArrayEquals(packed.labels(), plain.labels());
        for (byte b : plain.pixels()) {
            assertTrue(b == 0 || b == (byte) 255, "binarized");
        }
    }

    @Test
    void aFileThatIsNotIdxIsNamedWithWhatWasExpected() throws IOException {
        Path png = dir.resolve("digits.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        Path labels = dir.resolve("labels");
        Files.write(labels, bundled("test-labels-idx1-ubyte"));
        String msg = assertThrows(IdxFormatException.class, () -> MnistData.load(png, labels)).getMessage();
        assertEquals(png + " is not an IDX file: expected the magic number 0x00 0x00 0x08 0x03 (MNIST images) in "
                + "its first 4 bytes, found 0x89 0x50 0x4e 0x47", msg);
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        msg = assertThrows(IdxFormatException.class, () -> MnistData.load(empty, labels)).getMessage();
        assertTrue(msg.startsWith(empty + " is not an IDX file: expected a 4-byte magic number"), msg);
        // labels given where images are expected
        msg = assertThrows(IdxFormatException.class, () -> MnistData.load(labels, labels)).getMessage();
        assertEquals(labels + " holds a 1-dimensional IDX array; MNIST images need 3 dimension(s) (count, rows, "
                + "columns) - is this the right file?", msg);
    }

    @Test
    void aTruncatedFileIsNamedWithTheExpectedSize() throws IOException {
        byte[] images = bundled("test-images-idx3-ubyte");
        Path labels = dir.resolve("labels");
        Files.write(labels, bundled("test-labels-idx1-ubyte"));
        Path cut = dir.resolve("cut-images");
        Files.write(cut, Arrays.copyOf(images, 16 + 5000));
        String msg = assertThrows(IdxFormatException.class, () -> MnistData.load(cut, labels)).getMessage();
        assertEquals(cut + " is truncated: expected 784,000 bytes of images data (1000 x 28 x 28) after the 16-byte "
                + "header, but the file holds only 5,000", msg);
        Path cutGz = dir.resolve("cut-images.gz");
        byte[] gz = gzip(images);
        Files.write(cutGz, Arrays.copyOf(gz, gz.length / 2));
        msg = assertThrows(IdxFormatException.class, () -> MnistData.load(cutGz, labels)).getMessage();
        assertTrue(msg.startsWith(cutGz + " is truncated: expected 784,000 bytes of images data (1000 x 28 x 28) "
                + "after the 16-byte header, but the file (after gunzip) holds only "), msg);
        Path header = dir.resolve("header-only");
        Files.write(header, Arrays.copyOf(images, 10));
        msg = assertThrows(IdxFormatException.class, () -> MnistData.load(header, labels)).getMessage();
        assertEquals(header + " is truncated: expected a 16-byte IDX header (3 sizes), but the file ends after 10 "
                + "bytes", msg);
    }

    @Test
    void imagesAndLabelsMustAgree() throws IOException {
        Path images = dir.resolve("images");
        Files.write(images, bundled("test-images-idx3-ubyte"));
        Path labels = dir.resolve("labels");
        Files.write(labels, bundled("train-labels-idx1-ubyte"));
        String msg = assertThrows(IdxFormatException.class, () -> MnistData.load(images, labels)).getMessage();
        assertEquals(images + " holds 1000 images but " + labels + " holds 9000 labels; expected the same count", msg);
    }
}
