package dev.autograd4j.examples.mnist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MNIST images (unsigned bytes, row-major, {@code rows x cols} each) with their labels 0..9. The
 * copy bundled in this module's resources ({@code /mnist/}) holds 10,000 real binarized digits:
 * {@code train-*} 9,000 images and {@code test-*} 1,000 (see {@code mnist/README.md}). The same loader
 * reads the full MNIST files from a directory ({@code --data DIR}), gzip-compressed or plain.
 *
 * @param count the number of examples
 * @param rows the height of each image
 * @param cols the width of each image
 * @param pixels {@code count * rows * cols} unsigned bytes, image after image
 * @param labels {@code count} classes 0..9
 */
public record MnistData(int count, int rows, int cols, byte[] pixels, byte[] labels) {
    /** The training images' file name (without {@code .gz}). */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The training labels' file name (without {@code .gz}). */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The test images' file name in the MNIST distribution (without {@code .gz}). */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** Another name the test images go by. */
    public static final String TEST_IMAGES_ALT = "test-images-idx3-ubyte";
    /** The test labels' file name in the MNIST distribution (without {@code .gz}). */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** Another name the test labels go by. */
    public static final String TEST_LABELS_ALT = "test-labels-idx1-ubyte";

    /**
     * The size of one image.
     *
     * @return {@code rows * cols}
     */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * The first {@code n} examples.
     *
     * @param n how many to keep
     * @return a copy of the first {@code n}, or this when {@code n} is at least the count
     */
    public MnistData subset(int n) {
        if (n >= count) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * pixelsPerImage());
        return new MnistData(n, rows, cols, p, java.util.Arrays.copyOf(labels, n));
    }

    /**
     * Pairs an images array and a labels array, checking that they fit together.
     *
     * @param images a 3-D array {@code [count, rows, cols]}
     * @param imagesSource its name, for messages
     * @param labels a 1-D array {@code [count]}
     * @param labelsSource its name, for messages
     * @return the examples
     * @throws IdxFormatException if the counts differ or a label is above 9
     */
    public static MnistData of(Idx.Array images, String imagesSource, Idx.Array labels, String labelsSource)
            throws IdxFormatException {
        if (images.count() != labels.count()) {
            throw new IdxFormatException(imagesSource + " holds " + images.count() + " images but " + labelsSource
                    + " holds " + labels.count() + " labels; expected the same count");
        }
        for (int i = 0; i < labels.data().length; i++) {
            int label = labels.data()[i] & 0xff;
            if (label > 9) {
                throw new IdxFormatException(labelsSource + ": label " + i + " is " + label
                        + "; expected a digit class 0..9");
            }
        }
        return new MnistData(images.count(), images.dims()[1], images.dims()[2], images.data(), labels.data());
    }

    /**
     * Loads images and labels from two files (gzip or plain IDX).
     *
     * @param images the images file
     * @param labels the labels file
     * @return the examples
     * @throws IOException if reading fails or the files are not MNIST data ({@link IdxFormatException})
     */
    public static MnistData load(Path images, Path labels) throws IOException {
        Idx.Array img;
        Idx.Array lab;
        try (InputStream in = Files.newInputStream(images)) {
            img = Idx.read(in, images.toString(), 3, "images");
        }
        try (InputStream in = Files.newInputStream(labels)) {
            lab = Idx.read(in, labels.toString(), 1, "labels");
        }
        return of(img, images.toString(), lab, labels.toString());
    }

    /**
     * Loads the copy bundled in this module's resources.
     *
     * @param split {@code "train"} (9,000 examples) or {@code "test"} (1,000)
     * @return the examples
     * @throws IOException if the resource is missing or corrupt
     */
    public static MnistData bundled(String split) throws IOException {
        String images = "/mnist/" + split + "-images-idx3-ubyte.gz";
        String labels = "/mnist/" + split + "-labels-idx1-ubyte.gz";
        Idx.Array img;
        Idx.Array lab;
        try (InputStream in = open(images)) {
            img = Idx.read(in, "classpath:" + images, 3, "images");
        }
        try (InputStream in = open(labels)) {
            lab = Idx.read(in, "classpath:" + labels, 1, "labels");
        }
        return of(img, "classpath:" + images, lab, "classpath:" + labels);
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = MnistData.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " is missing from the classpath (examples module)");
        }
        return in;
    }

    /**
     * Loads "train" or "test" from a directory of MNIST files: {@code train-*} and {@code t10k-*} (or
     * {@code test-*}), each with or without {@code .gz}.
     *
     * @param dir the directory
     * @param split {@code "train"}, or anything else for the test set
     * @return the examples
     * @throws IOException if a file is missing, reading fails, or the files are not MNIST data
     */
    public static MnistData fromDirectory(Path dir, String split) throws IOException {
        boolean train = split.equals("train");
        Path images = find(dir, train ? new String[] {TRAIN_IMAGES} : new String[] {TEST_IMAGES, TEST_IMAGES_ALT});
        Path labels = find(dir, train ? new String[] {TRAIN_LABELS} : new String[] {TEST_LABELS, TEST_LABELS_ALT});
        return load(images, labels);
    }

    private static Path find(Path dir, String[] names) throws IOException {
        for (String name : names) {
            for (String suffix : new String[] {".gz", ""}) {
                Path p = dir.resolve(name + suffix);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IOException("no " + String.join(" or ", names) + "[.gz] in " + dir);
    }
}
