package dev.autograd4j.examples.mnist;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.BatchNorm2d;
import dev.autograd4j.nn.Conv2d;
import dev.autograd4j.nn.Dropout;
import dev.autograd4j.nn.Flatten;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.MaxPool2d;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains a small convolutional network on the MNIST digits: two blocks of 5x5 convolution (padding 2), batch norm,
 * ReLU and 2x2 max pooling (1 to 16 to 32 channels, 28x28 to 7x7), a 3x3 convolution (32 to 128 channels) with batch
 * norm and ReLU, then dropout (0.25) and a linear head to 10 classes. The same data, loader, progress lines and loss
 * curve as the MLP of {@link MnistTraining}, whose options it takes; it defaults to 14 epochs of batch 32 with AdamW
 * (learning rate 0.002, weight decay 0.05, cosine annealing) and augments each training image by a random affine
 * map (shift up to 2 pixels, rotation up to 12 degrees, scale 0.9 to 1.1), seeded, made in the loader's collate
 * function. The test accuracy is measured in eval mode (batch norm's running statistics, no dropout).
 *
 * <pre>
 * ./mvnw -q -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.mnist.MnistCnn \
 *     -Dapp.args="--device cpu --out target/mnist-cnn"
 * </pre>
 */
public final class MnistCnn {
    /** The default network's channels: the first block's, the second's, the third's (also the benchmark's W6). */
    public static final int[] CHANNELS = {16, 32, 128};

    /** The dropout probability before the linear head. */
    public static final double DROPOUT = 0.25;

    /** The options {@link #main} puts before the command line's (which override them). */
    static final String[] DEFAULTS = {"--epochs", "14", "--batch-size", "32", "--lr", "0.002", "--weight-decay", "0.05",
        "--shift", "2", "--rotate", "12", "--scale", "0.1"};

    private MnistCnn() {
    }

    /** {@code [n, 784]} to {@code [n, 1, 28, 28]}, like {@code torch.nn.Unflatten(1, (1, 28, 28))}. */
    static final class ToImages extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.reshape(-1, 1, 28, 28);
        }

        @Override
        protected String extraRepr() {
            return "dim=1, unflattened_size=(1, 28, 28)";
        }
    }

    /**
     * The network, with PyTorch's default initialisation drawn from {@code seed}: in PyTorch,
     * {@code Sequential(Unflatten(1, (1, 28, 28)), Conv2d(1, c1, 5, padding=2, bias=False), BatchNorm2d(c1), ReLU(),
     * MaxPool2d(2), Conv2d(c1, c2, 5, padding=2, bias=False), BatchNorm2d(c2), ReLU(), MaxPool2d(2), Conv2d(c2, c3,
     * 3, padding=1, bias=False), BatchNorm2d(c3), ReLU(), Flatten(), Dropout(0.25), Linear(c3 * 49, 10))}, with
     * the same state dict names (the batch norms' running statistics included).
     *
     * @param device where the parameters live
     * @param seed seeds the initial values
     * @param c1 the first block's channels
     * @param c2 the second block's channels
     * @param c3 the third block's channels
     * @return the model, taking {@code [n, 784]} images to {@code [n, 10]} logits
     */
    public static Sequential model(Device device, long seed, int c1, int c2, int c3) {
        Generator g = new Generator(seed);
        int[] one = {1};
        int[] two = {2};
        int[] three = {3};
        int[] five = {5};
        return new Sequential(new ToImages(),
                new Conv2d(1, c1, five, one, two, null, one, 1, false, DType.FLOAT32, device, g), norm(c1, device),
                new ReLU(), new MaxPool2d(2),
                new Conv2d(c1, c2, five, one, two, null, one, 1, false, DType.FLOAT32, device, g), norm(c2, device),
                new ReLU(), new MaxPool2d(2),
                new Conv2d(c2, c3, three, one, one, null, one, 1, false, DType.FLOAT32, device, g), norm(c3, device),
                new ReLU(), new Flatten(), new Dropout(DROPOUT, new Generator(seed + 1)),
                new Linear(c3 * 49, 10, true, DType.FLOAT32, device, g));
    }

    private static BatchNorm2d norm(int channels, Device device) {
        return new BatchNorm2d(channels, 1e-5, 0.1, true, true, DType.FLOAT32, device);
    }

    /**
     * The default network, with {@link #CHANNELS}.
     *
     * @param device where the parameters live
     * @param seed seeds the initial values
     * @return the model
     */
    public static Sequential model(Device device, long seed) {
        return model(device, seed, CHANNELS[0], CHANNELS[1], CHANNELS[2]);
    }

    /**
     * The options of a run: this example's defaults (14 epochs of batch 32, AdamW with learning rate 0.002 and
     * weight decay 0.05, shifts of up to 2 pixels, rotations of up to 12 degrees, scaling by up to 10%), then
     * {@code args} (which override them), as {@link MnistTraining#parse} reads them.
     *
     * @param args command-line options
     * @return the options
     * @throws IllegalArgumentException on a bad option (see {@link MnistTraining#parse})
     */
    public static MnistTraining.Options options(String... args) {
        String[] all = new String[DEFAULTS.length + args.length];
        System.arraycopy(DEFAULTS, 0, all, 0, DEFAULTS.length);
        System.arraycopy(args, 0, all, DEFAULTS.length, args.length);
        return MnistTraining.parse(all);
    }

    /**
     * Trains, prints one line per epoch and the final accuracy, and writes the loss curve (CSV, SVG) and the
     * model under {@code --out} (default {@code target/mnist}).
     *
     * @param args {@link MnistTraining}'s options ({@code --hidden} is not used); a bad one prints the problem and
     *     exits with status 2
     * @throws IOException if the data cannot be read or the outputs cannot be written
     */
    public static void main(String[] args) throws IOException {
        MnistTraining.Options o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Device device = dev.autograd4j.DefaultDevice.parse(o.device());
        MnistData train = o.data() == null ? MnistData.bundled("train") : MnistData.fromDirectory(o.data(), "train");
        MnistData test = o.data() == null ? MnistData.bundled("test") : MnistData.fromDirectory(o.data(), "test");
        train = train.subset(o.trainLimit());
        Sequential model = model(device, o.seed());
        System.out.printf(Locale.ROOT, "MNIST: %,d training and %,d test images (%dx%d) from %s; device %s%n",
                train.count(), test.count(), train.rows(), train.cols(),
                o.data() == null ? "the bundled binarized digits" : o.data(), device);
        System.out.printf(Locale.ROOT, "model: %s%n%s lr %.0e (weight decay %s) with cosine annealing, batch %d, "
                + "%d epochs, seed %d; augmentation: shifts of up to %d px, rotations of up to %s degrees, scaling by "
                + "up to %s%n", model, o.weightDecay() > 0 ? "AdamW" : "Adam", o.lr(), o.weightDecay(),
                o.batchSize(), o.epochs(), o.seed(), o.shift(), o.rotate(), o.scale());
        MnistTraining.Result r = MnistTraining.train(o, model, train, test, System.out::println);
        double seconds = r.epochs().get(r.epochs().size() - 1).elapsedSeconds();
        System.out.printf(Locale.ROOT, "final test accuracy: %.2f%% (%d/%d) after %.1f s of training%n",
                100 * r.testAccuracy(), Math.round(r.testAccuracy() * test.count()), test.count(), seconds);
        Files.createDirectories(o.out());
        Path csv = o.out().resolve("mnist-cnn-loss.csv");
        Path svg = o.out().resolve("mnist-cnn-loss.svg");
        Path weights = o.out().resolve("mnist-cnn.ag4j");
        LossCurve.writeCsv(r.epochs(), csv);
        LossCurve.writeSvg(r.epochs(), String.format(Locale.ROOT, "MNIST CNN on %s: final test accuracy %.2f%%",
                device, 100 * r.testAccuracy()), svg);
        r.model().save(weights);
        System.out.printf("wrote %s, %s and %s (%,d bytes)%n", csv, svg, weights, Files.size(weights));
    }
}
