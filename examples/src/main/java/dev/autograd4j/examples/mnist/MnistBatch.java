package dev.autograd4j.examples.mnist;

import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.data.Dataset;
import dev.autograd4j.data.Transferable;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One training batch of MNIST digits as the {@link dev.autograd4j.data.DataLoader} hands it out: the
 * images (float32 {@code [n, pixels]} in [0, 1], randomly shifted when augmenting), the class targets
 * (int64 {@code [n]}) and the labels as a Java array (to count correct predictions without reading
 * the device).
 *
 * @param images {@code [n, rows * cols]} float32
 * @param targets {@code [n]} int64 classes, on the same device as {@code images}
 * @param labels the same classes on the host
 */
public record MnistBatch(Tensor images, Tensor targets, long[] labels) implements Transferable<MnistBatch> {
    /**
     * The examples' indices as a dataset: {@code get(i)} is {@code i}; the collate function reads the
     * pixels, so a batch is made from the raw bytes in one pass.
     *
     * @param data the examples
     * @return the dataset of indices {@code 0..count-1}
     */
    public static Dataset<Integer> indices(MnistData data) {
        return new Dataset<>() {
            @Override
            public int size() {
                return data.count();
            }

            @Override
            public Integer get(int index) {
                return java.util.Objects.checkIndex(index, data.count());
            }
        };
    }

    /**
     * The collate function: reads the images at the batch's indices, each moved by a random offset of up to
     * {@code shift} pixels. The offsets come from a random stream seeded by {@code seed} and the batch's
     * indices, so a batch is the same whichever thread makes it and whenever (prefetch does not change the
     * training), and differs from epoch to epoch as the shuffled batches do.
     *
     * @param data the examples
     * @param shift the largest shift in pixels, 0 for none
     * @param seed seeds the shifts
     * @return the function from a list of indices to a host batch
     */
    public static Function<List<Integer>, MnistBatch> collate(MnistData data, int shift, long seed) {
        return collate(data, shift, 0, 0, seed);
    }

    /**
     * As {@link #collate(MnistData, int, long)}, each image also rotated by up to {@code rotate} degrees and
     * scaled by a factor in {@code [1 - scale, 1 + scale]} (one random affine map about the image's centre,
     * sampled at the nearest pixel; the shift is then a real number of pixels). With {@code rotate} and
     * {@code scale} 0 it is the plain shift of {@link #collate(MnistData, int, long)}.
     *
     * @param data the examples
     * @param shift the largest shift in pixels, 0 for none
     * @param rotate the largest rotation in degrees, 0 for none
     * @param scale the largest relative change of scale, 0 for none
     * @param seed seeds the random maps
     * @return the function from a list of indices to a host batch
     */
    public static Function<List<Integer>, MnistBatch> collate(MnistData data, int shift, double rotate, double scale,
                                                              long seed) {
        boolean augment = shift > 0 || rotate > 0 || scale > 0;
        return idx -> {
            int n = idx.size();
            int[] index = new int[n];
            long h = seed;
            for (int i = 0; i < n; i++) {
                index[i] = idx.get(i);
                h = h * 0x9E3779B97F4A7C15L + index[i];
            }
            SplittableRandom random = augment ? new SplittableRandom(h) : null;
            Tensor x = MnistTraining.images(data, index, 0, n, Device.cpu(), shift, rotate, scale, random);
            long[] y = MnistTraining.labels(data, index, 0, n);
            return new MnistBatch(x, Tensor.of(y, n), y);
        };
    }

    @Override
    public MnistBatch to(Device device) {
        return new MnistBatch(images.to(device), targets.to(device), labels);
    }
}
