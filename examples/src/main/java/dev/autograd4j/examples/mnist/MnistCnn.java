package dev.autograd4j.examples.mnist;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
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
 * Trains a small convolutional network on the MNIST digits: two blocks of 5x5 convolution (padding 2), ReLU and
 * 2x2 max pooling (1 to 32 to 64 channels, 28x28 to 7x7), then dropout (0.5) and a linear head to 10 classes.
 * The same data, loader, optimizer (Adam with cosine annealing), progress lines and loss curve as the MLP of
 * {@link MnistTraining}, whose options it takes; it defaults to 15 epochs of batch 32.
 *
 * <pre>
 * ./mvnw -q -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.mnist.MnistCnn \
 *     -Dapp.args="--device cpu --out target/mnist-cnn"
 * </pre>
 */
public final class MnistCnn {
    /** The default network's channels: the first block's, then the second's (also the benchmark's W6). */
    public static final int[] CHANNELS = {32, 64};

    /** The options {@link #main} puts before the command line's (which override them). */
    static final String[] DEFAULTS = {"--epochs", "15", "--batch-size", "32", "--lr", "0.002"};

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
     * {@code Sequential(Unflatten(1, (1, 28, 28)), Conv2d(1, c1, 5, padding=2), ReLU(), MaxPool2d(2), Conv2d(c1,
     * c2, 5, padding=2), ReLU(), MaxPool2d(2), Flatten(), Dropout(0.5), Linear(c2 * 49, 10))}, with the same state
     * dict names.
     *
     * @param device where the parameters live
     * @param seed seeds the initial values
     * @param c1 the first block's channels
     * @param c2 the second block's channels
     * @return the model, taking {@code [n, 784]} images to {@code [n, 10]} logits
     */
    public static Sequential model(Device device, long seed, int c1, int c2) {
        Generator g = new Generator(seed);
        int[] one = {1};
        int[] five = {5};
        int[] two = {2};
        return new Sequential(new ToImages(),
                new Conv2d(1, c1, five, one, two, null, one, 1, true, DType.FLOAT32, device, g), new ReLU(),
                new MaxPool2d(2),
                new Conv2d(c1, c2, five, one, two, null, one, 1, true, DType.FLOAT32, device, g), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Dropout(0.5, new Generator(seed + 1)),
                new Linear(c2 * 49, 10, true, DType.FLOAT32, device, g));
    }

    /**
     * The default network, with {@link #CHANNELS}.
     *
     * @param device where the parameters live
     * @param seed seeds the initial values
     * @return the model
     */
    public static Sequential model(Device device, long seed) {
        return model(device, seed, CHANNELS[0], CHANNELS[1]);
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
        String[] all = new String[DEFAULTS.length + args.length];
        System.arraycopy(DEFAULTS, 0, all, 0, DEFAULTS.length);
        System.arraycopy(args, 0, all, DEFAULTS.length, args.length);
        MnistTraining.Options o;
        try {
            o = MnistTraining.parse(all);
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
        System.out.printf(Locale.ROOT, "model: %s%nAdam lr %.0e with cosine annealing, batch %d, %d epochs, seed %d, "
                + "random shifts of up to %d px%n", model, o.lr(), o.batchSize(), o.epochs(), o.seed(), o.shift());
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
