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
 */
public record MnistData(int count, int rows, int cols, byte[] pixels, byte[] labels) {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_IMAGES_ALT = "test-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final String TEST_LABELS_ALT = "test-labels-idx1-ubyte";

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** The first {@code n} examples (all when n is at least the count). */
    public MnistData subset(int n) {
        if (n >= count) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * pixelsPerImage());
        return new MnistData(n, rows, cols, p, java.util.Arrays.copyOf(labels, n));
    }

    /** Pairs an images array and a labels array, checking that they fit together. */
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

    /** Loads images and labels from two files (gzip or plain IDX). */
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

    /** Loads the bundled copy: {@code split} is "train" or "test". */
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
