package dev.autograd4j.examples.mnist;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import dev.autograd4j.data.DataLoader;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.AdamW;
import dev.autograd4j.optim.CosineAnnealingLR;
import dev.autograd4j.optim.LRScheduler;
import dev.autograd4j.optim.Optimizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a multilayer perceptron (784-256-10, ReLU) on real MNIST digits with Adam and a cosine
 * learning-rate schedule, prints one line per epoch, writes the loss curve (CSV and SVG), saves the
 * model, reloads it and runs inference under {@code noGrad()}, comparing it with the same inference
 * while recording the graph.
 *
 * <pre>
 * ./mvnw -q -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.mnist.MnistTraining \
 *     -Dapp.args="--device cpu --epochs 15 --batch-size 128 --lr 0.002 --seed 1 --out target/mnist"
 * </pre>
 *
 * By default it uses the 10,000 binarized digits bundled in this module (9,000 to train, 1,000 to
 * test); {@code --data DIR} reads the full MNIST files ({@code train-*}, {@code t10k-*}, gzip or plain).
 */
public final class MnistTraining {
    /**
     * The command-line options (see {@code --help}).
     *
     * @param device the device to train on, as {@code Device.parse} reads it
     * @param epochs passes over the training set
     * @param batchSize images per step
     * @param lr Adam's initial learning rate, annealed by a cosine schedule
     * @param seed seeds the initialisation and the shuffling
     * @param out where the CSV, the SVG chart and the model go
     * @param hidden the hidden layer's width
     * @param data a directory of MNIST IDX files, or null for the bundled copy
     * @param trainLimit {@link #main} uses only the first this many training images
     * @param testLimit a limit on test images for callers of {@link #train} to apply ({@link #main} does not
     *        read it)
     * @param shift augmentation: shift each training image by up to this many pixels each way (0 = off)
     * @param rotate augmentation: also rotate each training image by up to this many degrees each way (0 = off;
     *        with {@code scale}, see {@link MnistBatch#collate(MnistData, int, double, double, long)})
     * @param scale augmentation: also scale each training image by a factor in {@code [1 - scale, 1 + scale]}
     *        (0 = off)
     * @param weightDecay AdamW's decoupled weight decay; 0 trains with Adam
     */
    public record Options(String device, int epochs, int batchSize, double lr, long seed, Path out, int hidden,
                          Path data, int trainLimit, int testLimit, int shift, double rotate, double scale,
                          double weightDecay) {
        /**
         * The defaults: the best device, 15 epochs, batch 128, lr 0.002, seed 1, {@code target/mnist},
         * hidden width 256, the bundled data, no limits, shift 1, no rotation or scaling, no weight decay.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(DefaultDevice.best().toString(), 15, 128, 2e-3, 1, Path.of("target/mnist"), 256, null,
                    Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 0, 0, 0);
        }

        /**
         * These options with another shift.
         *
         * @param s the shift in pixels
         * @return new options
         */
        public Options withShift(int s) {
            return new Options(device, epochs, batchSize, lr, seed, out, hidden, data, trainLimit, testLimit, s,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another batch size and learning rate.
         *
         * @param b the batch size
         * @param rate the learning rate
         * @return new options
         */
        public Options withBatch(int b, double rate) {
            return new Options(device, epochs, b, rate, seed, out, hidden, data, trainLimit, testLimit, shift,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another epoch count.
         *
         * @param e the number of epochs
         * @return new options
         */
        public Options withEpochs(int e) {
            return new Options(device, e, batchSize, lr, seed, out, hidden, data, trainLimit, testLimit, shift,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another seed.
         *
         * @param s the seed
         * @return new options
         */
        public Options withSeed(long s) {
            return new Options(device, epochs, batchSize, lr, s, out, hidden, data, trainLimit, testLimit, shift,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another output directory.
         *
         * @param o the directory
         * @return new options
         */
        public Options withOut(Path o) {
            return new Options(device, epochs, batchSize, lr, seed, o, hidden, data, trainLimit, testLimit, shift,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another hidden width.
         *
         * @param h the width
         * @return new options
         */
        public Options withHidden(int h) {
            return new Options(device, epochs, batchSize, lr, seed, out, h, data, trainLimit, testLimit, shift,
                    rotate, scale, weightDecay);
        }

        /**
         * These options with another pair of limits.
         *
         * @param train the new {@code trainLimit}
         * @param test the new {@code testLimit}
         * @return new options
         */
        public Options withLimits(int train, int test) {
            return new Options(device, epochs, batchSize, lr, seed, out, hidden, data, train, test, shift, rotate,
                    scale, weightDecay);
        }

        /**
         * These options with another augmentation.
         *
         * @param pixels the shift in pixels
         * @param degrees the largest rotation in degrees
         * @param factor the largest relative change of scale
         * @return new options
         */
        public Options withAugmentation(int pixels, double degrees, double factor) {
            return new Options(device, epochs, batchSize, lr, seed, out, hidden, data, trainLimit, testLimit, pixels,
                    degrees, factor, weightDecay);
        }

        /**
         * These options with another weight decay.
         *
         * @param decay AdamW's weight decay, 0 for Adam
         * @return new options
         */
        public Options withWeightDecay(double decay) {
            return new Options(device, epochs, batchSize, lr, seed, out, hidden, data, trainLimit, testLimit, shift,
                    rotate, scale, decay);
        }
    }

    /**
     * One epoch's statistics.
     *
     * @param epoch the epoch, from 1
     * @param loss the mean training loss over the epoch's batches (weighted by batch size)
     * @param trainAccuracy the fraction of training images classified correctly during the epoch
     * @param testAccuracy the fraction of test images classified correctly after the epoch
     * @param lr the learning rate the epoch used
     * @param imagesPerSecond training throughput
     * @param elapsedSeconds time since training started
     */
    public record EpochStats(int epoch, double loss, double trainAccuracy, double testAccuracy, double lr,
                             double imagesPerSecond, double elapsedSeconds) {
    }

    /**
     * What {@link #train} returns.
     *
     * @param model the trained model
     * @param epochs each epoch's statistics
     * @param testAccuracy the last epoch's test accuracy (0 with no epochs)
     */
    public record Result(Sequential model, List<EpochStats> epochs, double testAccuracy) {
    }

    private MnistTraining() {
    }

    static final String USAGE = """
            usage: MnistTraining [--device cpu|cuda:0] [--epochs N] [--batch-size N] [--lr X] [--seed N]
                                 [--out DIR] [--hidden N] [--data DIR] [--train-limit N] [--shift N]
                                 [--rotate DEG] [--scale X] [--weight-decay X]
              --device      device to train on (default: the best available)
              --epochs      passes over the training set (default 15)
              --batch-size  images per step (default 128)
              --lr          Adam's initial learning rate, annealed by a cosine schedule (default 0.002)
              --seed        seeds the initialisation and the shuffling (default 1)
              --out         where the CSV, the SVG chart and the model go (default target/mnist)
              --hidden      hidden layer width (default 256)
              --data        a directory with MNIST IDX files (train-*, t10k-* or test-*; .gz or plain);
                            default: the 10,000 binarized digits bundled in this module
              --train-limit use only the first N training images
              --shift       augment: shift each training image by up to N pixels each way (default 1; 0 = off)
              --rotate      augment: also rotate each training image by up to DEG degrees each way (default 0)
              --scale       augment: also scale each training image by a factor in [1 - X, 1 + X] (default 0)
              --weight-decay  train with AdamW and this decoupled weight decay (default 0: Adam)
            """;

    /**
     * Parses the command line; {@code --help} prints the usage and exits.
     *
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException on an unknown option, a missing or malformed value, or a non-positive
     *         count or rate
     */
    public static Options parse(String[] args) {
        Options o = Options.defaults();
        String device = o.device();
        int epochs = o.epochs(), batch = o.batchSize(), hidden = o.hidden(), trainLimit = o.trainLimit();
        int shift = o.shift();
        double lr = o.lr(), rotate = o.rotate(), scale = o.scale(), weightDecay = o.weightDecay();
        long seed = o.seed();
        Path out = o.out(), data = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--device" -> device = v;
                    case "--epochs" -> epochs = positive(a, Integer.parseInt(v));
                    case "--batch-size" -> batch = positive(a, Integer.parseInt(v));
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--out" -> out = Path.of(v);
                    case "--hidden" -> hidden = positive(a, Integer.parseInt(v));
                    case "--data" -> data = Path.of(v);
                    case "--train-limit" -> trainLimit = positive(a, Integer.parseInt(v));
                    case "--shift" -> shift = Math.max(0, Integer.parseInt(v));
                    case "--rotate" -> rotate = between(a, Double.parseDouble(v), 0, 180);
                    case "--scale" -> scale = between(a, Double.parseDouble(v), 0, 0.5);
                    case "--weight-decay" -> weightDecay = between(a, Double.parseDouble(v), 0, 1);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + a + " expects a number, got '" + v + "'");
            }
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        return new Options(device, epochs, batch, lr, seed, out, hidden, data, trainLimit, Integer.MAX_VALUE, shift,
                rotate, scale, weightDecay);
    }

    private static double between(String option, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    private static int positive(String option, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + v);
        }
        return v;
    }

    /**
     * The network: pixels, hidden, 10 with a ReLU between, PyTorch's default initialisation from {@code seed}.
     *
     * @param pixels the input size (784 for MNIST)
     * @param hidden the hidden layer's width
     * @param device where the parameters live
     * @param seed seeds the initial values
     * @return {@code Sequential(Linear, ReLU, Linear)}
     */
    public static Sequential model(int pixels, int hidden, Device device, long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(pixels, hidden, true, DType.FLOAT32, device, g), new ReLU(),
                new Linear(hidden, 10, true, DType.FLOAT32, device, g));
    }

    /** Images [from, from+n) as a float tensor [n, pixels] in [0, 1], in the order given by {@code index}. */
    static Tensor images(MnistData d, int[] index, int from, int n, Device device) {
        return images(d, index, from, n, device, 0, null);
    }

    /**
     * As above, each image moved by a random offset of up to {@code shift} pixels in x and y (drawn
     * from {@code random}; pixels moved in from outside are 0): cheap augmentation that helps an MLP
     * generalise from 9,000 digits.
     */
    static Tensor images(MnistData d, int[] index, int from, int n, Device device, int shift,
                         SplittableRandom random) {
        return images(d, index, from, n, device, shift, 0, 0, random);
    }

    /**
     * As above with random rotations and scaling too: with {@code rotate} or {@code scale} non-zero, each image
     * goes through a random affine map about its centre (an angle in {@code [-rotate, rotate]} degrees, a scale
     * in {@code [1 - scale, 1 + scale]}, a translation in {@code [-shift, shift]} pixels each way), sampled at
     * the nearest pixel so the binarized digits stay binary; pixels from outside are 0.
     */
    static Tensor images(MnistData d, int[] index, int from, int n, Device device, int shift, double rotate,
                         double scale, SplittableRandom random) {
        if (rotate > 0 || scale > 0) {
            return affine(d, index, from, n, device, shift, rotate, scale, random);
        }
        int p = d.pixelsPerImage(), rows = d.rows(), cols = d.cols();
        float[] x = new float[n * p];
        byte[] px = d.pixels();
        for (int i = 0; i < n; i++) {
            int src = (index == null ? from + i : index[from + i]) * p;
            int dy = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
            int dx = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
            for (int r = Math.max(0, dy); r < Math.min(rows, rows + dy); r++) {
                int srcRow = src + (r - dy) * cols - dx;
                int dst = i * p + r * cols;
                for (int c = Math.max(0, dx); c < Math.min(cols, cols + dx); c++) {
                    x[dst + c] = (px[srcRow + c] & 0xff) * (1f / 255f);
                }
            }
        }
        return Tensor.of(x, n, p).to(device);
    }

    private static Tensor affine(MnistData d, int[] index, int from, int n, Device device, int shift,
                                 double rotate, double scale, SplittableRandom random) {
        int p = d.pixelsPerImage(), rows = d.rows(), cols = d.cols();
        float[] x = new float[n * p];
        byte[] px = d.pixels();
        double cy = (rows - 1) / 2.0, cx = (cols - 1) / 2.0;
        for (int i = 0; i < n; i++) {
            int src = (index == null ? from + i : index[from + i]) * p;
            double angle = Math.toRadians((2 * random.nextDouble() - 1) * rotate);
            double factor = 1 + (2 * random.nextDouble() - 1) * scale;
            double ty = (2 * random.nextDouble() - 1) * shift, tx = (2 * random.nextDouble() - 1) * shift;
            // the inverse map: output pixel -> source pixel
            double cos = Math.cos(angle) / factor, sin = Math.sin(angle) / factor;
            for (int r = 0; r < rows; r++) {
                double y = r - cy - ty;
                for (int c = 0; c < cols; c++) {
                    double xx = c - cx - tx;
                    int sr = (int) Math.round(cos * y - sin * xx + cy);
                    int sc = (int) Math.round(sin * y + cos * xx + cx);
                    if (sr >= 0 && sr < rows && sc >= 0 && sc < cols) {
                        x[i * p + r * cols + c] = (px[src + sr * cols + sc] & 0xff) * (1f / 255f);
                    }
                }
            }
        }
        return Tensor.of(x, n, p).to(device);
    }

    static long[] labels(MnistData d, int[] index, int from, int n) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = d.labels()[index == null ? from + i : index[from + i]];
        }
        return y;
    }

    static int correct(Tensor logits, long[] y) {
        long[] pred = logits.argmax(1).toLongArray();
        int c = 0;
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                c++;
            }
        }
        return c;
    }

    /**
     * Accuracy on {@code data}, in eval mode under {@code noGrad()}, in batches of 1,000; the model is left
     * in training mode.
     *
     * @param model a classifier of {@code [n, pixels]} images to {@code [n, 10]} logits
     * @param data the examples
     * @param device the model's device
     * @return the fraction classified correctly
     */
    public static double evaluate(Module model, MnistData data, Device device) {
        model.eval();
        int c = 0;
        try (var g = Autograd.noGrad()) {
            for (int from = 0; from < data.count(); from += 1000) {
                int n = Math.min(1000, data.count() - from);
                c += correct(model.forward(images(data, null, from, n, device)), labels(data, null, from, n));
            }
        }
        model.train();
        return (double) c / data.count();
    }

    /**
     * Trains a fresh model with cross-entropy and Adam under a cosine schedule, each step in a
     * {@link dev.autograd4j.MemoryScope}. The batches come from a {@link DataLoader} (shuffled by a
     * generator seeded with {@code o.seed()}, made one batch ahead on a worker thread).
     *
     * @param o the options ({@code data}, {@code out} and the limits are not read here)
     * @param trainData the training examples
     * @param testData the examples evaluated after each epoch
     * @param log receives one line per epoch
     * @return the model and its statistics
     */
    public static Result train(Options o, MnistData trainData, MnistData testData, Consumer<String> log) {
        Device device = DefaultDevice.parse(o.device());
        return train(o, model(trainData.pixelsPerImage(), o.hidden(), device, o.seed()), trainData, testData, log);
    }

    /**
     * As {@link #train(Options, MnistData, MnistData, Consumer)} with a given model (the CNN of
     * {@link MnistCnn}): one that takes {@code [n, pixels]} images to {@code [n, 10]} logits, on the device of
     * {@code o.device()}.
     *
     * @param o the options ({@code hidden}, {@code data}, {@code out} and the limits are not read here)
     * @param model the fresh model to train
     * @param trainData the training examples
     * @param testData the examples evaluated after each epoch
     * @param log receives one line per epoch
     * @return the model and its statistics
     */
    public static Result train(Options o, Sequential model, MnistData trainData, MnistData testData,
                               Consumer<String> log) {
        Optimizer optimizer = o.weightDecay() > 0
                ? new AdamW(model.parameters(), o.lr(), 0.9, 0.999, 1e-8, o.weightDecay(), false)
                : new Adam(model.parameters(), o.lr());
        return train(o, model, optimizer, new CosineAnnealingLR(optimizer, o.epochs()), trainData, testData, log);
    }

    /**
     * As {@link #train(Options, Sequential, MnistData, MnistData, Consumer)} with a given optimizer (of the
     * model's parameters) and a learning-rate schedule stepped once per epoch.
     *
     * @param o the options ({@code lr}, {@code hidden}, {@code data}, {@code out} and the limits are not read
     *     here: the optimizer has its rate)
     * @param model the fresh model to train
     * @param optimizer the optimizer of {@code model.parameters()}
     * @param schedule the schedule of {@code optimizer}, stepped after each epoch
     * @param trainData the training examples
     * @param testData the examples evaluated (in eval mode) after each epoch
     * @param log receives one line per epoch
     * @return the model and its statistics
     */
    public static Result train(Options o, Sequential model, Optimizer optimizer, LRScheduler schedule,
                               MnistData trainData, MnistData testData, Consumer<String> log) {
        Device device = DefaultDevice.parse(o.device());
        var lossFn = new CrossEntropyLoss();
        int n = trainData.count();
        // shuffled per epoch by a seeded generator; the next batch is made on a worker thread while this
        // step runs, and moved to the device in this thread (inside the step's memory scope)
        var loader = DataLoader.builder(MnistBatch.indices(trainData)).batchSize(o.batchSize()).shuffle(true)
                .generator(new Generator(o.seed())).numWorkers(1)
                .collate(MnistBatch.collate(trainData, o.shift(), o.rotate(), o.scale(), o.seed())).device(device).build();
        List<EpochStats> history = new ArrayList<>();
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            int correct = 0;
            double lr = optimizer.lr();
            model.train();
            try (DataLoader.Iterator<MnistBatch> batches = loader.iterator()) {
                while (batches.hasNext()) {
                    // the batch's tensors go back to the (GPU) allocator at the end of each step
                    try (MemoryScope scope = MemoryScope.open()) {
                        MnistBatch batch = batches.next();
                        int b = batch.labels().length;
                        Tensor logits = model.forward(batch.images());
                        Tensor loss = lossFn.forward(logits, batch.targets());
                        optimizer.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        lossSum += loss.item() * b;
                        correct += correct(logits.detach(), batch.labels());
                    }
                }
            }
            schedule.step();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double testAcc = evaluate(model, testData, device);
            EpochStats s = new EpochStats(epoch, lossSum / n, (double) correct / n, testAcc, lr, n / seconds,
                    (System.nanoTime() - start) / 1e9);
            history.add(s);
            log.accept(String.format(Locale.ROOT, "epoch %2d/%d  loss %.4f  train acc %6.2f%%  test acc %6.2f%%  "
                    + "lr %.2e  %,7.0f img/s  elapsed %5.1f s", epoch, o.epochs(), s.loss(), 100 * s.trainAccuracy(),
                    100 * s.testAccuracy(), lr, s.imagesPerSecond(), s.elapsedSeconds()));
        }
        return new Result(model, history, history.isEmpty() ? 0 : history.get(history.size() - 1).testAccuracy());
    }

    /** Time and bytes allocated (by all threads) for {@code passes} forward passes over the test set. */
    record InferenceCost(double millisPerPass, double bytesPerPass, long retainedBytes) {
    }

    static InferenceCost measure(Module model, Tensor x, int passes, boolean recordGraph) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Tensor> outputs = new ArrayList<>();
        long heap0 = usedHeapAfterGc();
        long bytes0 = allocated(threads);
        long t0 = System.nanoTime();
        try (var g = Autograd.setGradEnabled(recordGraph)) {
            for (int i = 0; i < passes; i++) {
                outputs.add(model.forward(x));
            }
        }
        long t1 = System.nanoTime();
        long bytes1 = allocated(threads);
        long retained = Math.max(0, usedHeapAfterGc() - heap0) / passes;
        if (recordGraph != outputs.get(0).requiresGrad()) {
            throw new IllegalStateException("grad mode was not applied");
        }
        return new InferenceCost((t1 - t0) / 1e6 / passes, (double) (bytes1 - bytes0) / passes, retained);
    }

    private static long allocated(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Trains, writes the loss curve and the model under {@code --out}, reloads the model and compares
     * inference with and without graph recording.
     *
     * @param args the options (see {@code --help}); a bad one prints the problem and exits with status 2
     * @throws IOException if the data cannot be read or the outputs cannot be written
     */
    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Device device = DefaultDevice.parse(o.device());
        MnistData train = o.data() == null ? MnistData.bundled("train") : MnistData.fromDirectory(o.data(), "train");
        MnistData test = o.data() == null ? MnistData.bundled("test") : MnistData.fromDirectory(o.data(), "test");
        train = train.subset(o.trainLimit());
        System.out.printf(Locale.ROOT, "MNIST: %,d training and %,d test images (%dx%d) from %s; device %s%n",
                train.count(), test.count(), train.rows(), train.cols(),
                o.data() == null ? "the bundled binarized digits" : o.data(), device);
        System.out.printf(Locale.ROOT, "model: %d-%d-10 MLP, Adam lr %.0e with cosine annealing, batch %d, "
                + "%d epochs, seed %d, random shifts of up to %d px%n", train.pixelsPerImage(), o.hidden(), o.lr(),
                o.batchSize(), o.epochs(), o.seed(), o.shift());
        Result r = train(o, train, test, System.out::println);
        double seconds = r.epochs().get(r.epochs().size() - 1).elapsedSeconds();
        System.out.printf(Locale.ROOT, "final test accuracy: %.2f%% (%d/%d) after %.1f s of training%n",
                100 * r.testAccuracy(), Math.round(r.testAccuracy() * test.count()), test.count(), seconds);

        Files.createDirectories(o.out());
        Path csv = o.out().resolve("mnist-loss.csv");
        Path svg = o.out().resolve("mnist-loss.svg");
        Path weights = o.out().resolve("mnist-mlp.ag4j");
        LossCurve.writeCsv(r.epochs(), csv);
        LossCurve.writeSvg(r.epochs(), String.format(Locale.ROOT, "MNIST MLP on %s: final test accuracy %.2f%%",
                device, 100 * r.testAccuracy()), svg);
        r.model().save(weights);
        System.out.printf("wrote %s, %s and %s (%,d bytes)%n", csv, svg, weights, Files.size(weights));

        // reload into a fresh model (other seed, so other weights) and run inference under noGrad
        Sequential reloaded = model(train.pixelsPerImage(), o.hidden(), device, o.seed() + 1);
        reloaded.load(weights);
        reloaded.eval();
        double acc = evaluate(reloaded, test, device);
        System.out.printf(Locale.ROOT, "reloaded model: test accuracy %.2f%% (%s)%n", 100 * acc,
                acc == r.testAccuracy() ? "identical" : "DIFFERENT from the trained model");

        Tensor x = images(test, null, 0, test.count(), device);
        int passes = 20;
        measure(reloaded, x, 5, true);   // warm up both paths
        measure(reloaded, x, 5, false);
        InferenceCost withGraph = measure(reloaded, x, passes, true);
        InferenceCost noGrad = measure(reloaded, x, passes, false);
        System.out.printf(Locale.ROOT, "inference on %,d images, mean of %d passes:%n", test.count(), passes);
        System.out.printf(Locale.ROOT, "  recording the graph: %7.2f ms, %,12.0f bytes allocated, %,12d bytes kept "
                + "alive by the output's graph%n", withGraph.millisPerPass(), withGraph.bytesPerPass(),
                withGraph.retainedBytes());
        System.out.printf(Locale.ROOT, "  under noGrad():      %7.2f ms, %,12.0f bytes allocated, %,12d bytes kept "
                + "alive by the output%n", noGrad.millisPerPass(), noGrad.bytesPerPass(), noGrad.retainedBytes());
        System.out.printf(Locale.ROOT, "  noGrad() is %.2fx as fast, allocates %.3fx as many bytes as recording (the "
                + "same result tensors; the graph adds its nodes) and keeps %.0fx fewer bytes alive (no saved "
                + "activations)%n", withGraph.millisPerPass() / noGrad.millisPerPass(),
                noGrad.bytesPerPass() / withGraph.bytesPerPass(),
                (double) withGraph.retainedBytes() / Math.max(1, noGrad.retainedBytes()));
        if (r.testAccuracy() < 0.95) {
            System.out.println("WARNING: test accuracy below 95%");
        }
    }
}
