package dev.autograd4j.distributed.spark.examples;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import dev.autograd4j.distributed.spark.OptimizerFactory;
import dev.autograd4j.distributed.spark.Sample;
import dev.autograd4j.distributed.spark.SparkTrainer;
import dev.autograd4j.distributed.spark.TrainResult;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.SGD;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Trains the MNIST MLP (784-hidden-10, ReLU) data-parallel on Spark, in the TCP-ring mode or by parameter
 * averaging, and prints each epoch's loss and the test accuracy. Run from the repository root, in
 * {@code local[4]}:
 *
 * <pre>
 * ./mvnw -q install -DskipTests &amp;&amp; ./mvnw -q -pl distributed-spark exec:exec \
 *     -Dapp.args="--master local[4] --workers 4 --mode ring --epochs 3"
 * </pre>
 *
 * ({@code exec:exec} adds the {@code --add-opens} flags Spark needs on Java 17, {@code spark.jvm.args} in the
 * module's pom), or on a cluster with {@code spark-submit} (see the README), which adds them itself. The digits are read on the driver from
 * {@code --data DIR} (MNIST IDX files {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code test-*} or {@code t10k-*}; default: the 10,000 binarized digits in {@code examples/src/main/resources/mnist})
 * and spread over {@code --workers} partitions, one rank each.
 */
public final class SparkMnist {
    private SparkMnist() {
    }

    /**
     * Parses the options, trains and prints the results.
     *
     * @param args {@code --master M} (default: spark-submit's, else {@code local[4]}), {@code --workers N} (4),
     *     {@code --mode ring|average} (ring), {@code --k STEPS} (averaging period, 4), {@code --epochs E} (3),
     *     {@code --batch-size B} per rank (32), {@code --optimizer adam|sgd} (adam), {@code --lr R} (1e-3 for
     *     Adam, 0.05 for SGD with momentum 0.9), {@code --hidden H} (128), {@code --seed S} (1), {@code --data DIR}
     * @throws IOException if the digits cannot be read
     */
    public static void main(String[] args) throws IOException {
        String master = null;
        int workers = 4;
        String mode = "ring";
        int k = 4;
        int epochs = 3;
        int batch = 32;
        String optimizer = "adam";
        double lr = Double.NaN;
        int hidden = 128;
        long seed = 1;
        // the bundled digits, from the repository root or from this module's directory (where exec:exec runs)
        Path data = Files.isDirectory(Path.of("examples/src/main/resources/mnist"))
                ? Path.of("examples/src/main/resources/mnist") : Path.of("../examples/src/main/resources/mnist");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--master" -> master = v;
                case "--workers" -> workers = Integer.parseInt(v);
                case "--mode" -> mode = v;
                case "--k" -> k = Integer.parseInt(v);
                case "--epochs" -> epochs = Integer.parseInt(v);
                case "--batch-size" -> batch = Integer.parseInt(v);
                case "--optimizer" -> optimizer = v;
                case "--lr" -> lr = Double.parseDouble(v);
                case "--hidden" -> hidden = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--data" -> data = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!mode.equals("ring") && !mode.equals("average")) {
            throw new IllegalArgumentException("--mode must be ring or average, got " + mode);
        }
        boolean adam = optimizer.equals("adam");
        if (!adam && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("--optimizer must be adam or sgd, got " + optimizer);
        }
        double rate = Double.isNaN(lr) ? (adam ? 1e-3 : 0.05) : lr;

        List<Sample> train = load(data, "train");
        List<Sample> test = load(data, "test");
        SparkConf conf = new SparkConf().setAppName("autograd4j SparkMnist");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[4]");
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<Sample> samples = sc.parallelize(train, workers);
            int h = hidden;
            long s = seed;
            Sequential model = mlp(h, s);
            OptimizerFactory opt = adam ? p -> new Adam(p, rate) : p -> new SGD(p, rate, 0.9);
            SparkTrainer.Builder builder = SparkTrainer.builder(() -> mlp(h, 0), opt)
                    .batchSize(batch).epochs(epochs).shuffle(true, seed).workers(workers);
            if (mode.equals("average")) {
                builder.averageEvery(k);
            }
            System.out.printf(Locale.ROOT, "MNIST: %,d training and %,d test images; master %s, %d ranks, mode %s%s; "
                    + "784-%d-10 MLP, %s lr %.0e, batch %d per rank, %d epochs%n", train.size(), test.size(),
                    spark.sparkContext().master(), workers, mode, mode.equals("average") ? " every " + k + " steps" : "",
                    hidden, optimizer, rate, batch, epochs);
            TrainResult r = builder.build().fit(model, samples);
            for (int e = 0; e < r.epochLoss().size(); e++) {
                System.out.printf(Locale.ROOT, "epoch %d  loss %.4f%n", e + 1, r.epochLoss().get(e));
            }
            System.out.printf(Locale.ROOT, "%d steps per rank on %d ranks in %.1f s; test accuracy %.2f%%%n",
                    r.steps(), r.worldSize(), r.seconds(), 100 * accuracy(model, test));
        } finally {
            spark.stop();
        }
    }

    /** The MLP 784-hidden-10, initialised from {@code seed}. */
    static Sequential mlp(int hidden, long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(784, hidden, true, DType.FLOAT32, Device.cpu(), g), new ReLU(),
                new Linear(hidden, 10, true, DType.FLOAT32, Device.cpu(), g));
    }

    static double accuracy(Sequential model, List<Sample> test) {
        model.eval();
        try (var g = Autograd.noGrad()) {
            var batch = Sample.classification().apply(test);
            long[] predicted = model.forward(batch.input()).argmax(1).toLongArray();
            long[] labels = batch.target().toLongArray();
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        } finally {
            model.train();
        }
    }

    /** The images (pixels scaled to [0, 1]) and labels of one split of MNIST IDX files in {@code dir}. */
    static List<Sample> load(Path dir, String split) throws IOException {
        if (!Files.exists(find(dir, "train-images-idx3-ubyte"))) {
            throw new IOException("no MNIST files (train-images-idx3-ubyte[.gz], ...) in " + dir.toAbsolutePath()
                    + "; pass --data DIR");
        }
        String prefix = split.equals("test") && !Files.exists(find(dir, "test-images-idx3-ubyte")) ? "t10k" : split;
        byte[][] images = read(find(dir, prefix + "-images-idx3-ubyte"), 3);
        byte[][] labels = read(find(dir, prefix + "-labels-idx1-ubyte"), 1);
        if (images.length != labels[0].length) {
            throw new IOException(dir + ": " + images.length + " " + split + " images but " + labels[0].length
                    + " labels");
        }
        List<Sample> out = new ArrayList<>(images.length);
        for (int i = 0; i < images.length; i++) {
            float[] x = new float[images[i].length];
            for (int j = 0; j < x.length; j++) {
                x[j] = (images[i][j] & 0xff) / 255f;
            }
            out.add(new Sample(x, labels[0][i] & 0xff));
        }
        return out;
    }

    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.exists(gz) ? gz : dir.resolve(name);
    }

    /** An unsigned-byte IDX array: {@code dims == 3} gives one row per image, {@code dims == 1} one row. */
    private static byte[][] read(Path file, int dims) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            if (magic != (0x0800 | dims)) {
                throw new IOException(file + " is not an unsigned-byte IDX file of " + dims + " dimension(s) (magic 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int count = d.readInt();
            int size = 1;
            for (int i = 1; i < dims; i++) {
                size *= d.readInt();
            }
            if (dims == 1) {
                byte[] all = new byte[count];
                d.readFully(all);
                return new byte[][] {all};
            }
            byte[][] rows = new byte[count][size];
            for (byte[] row : rows) {
                d.readFully(row);
            }
            return rows;
        }
    }
}
