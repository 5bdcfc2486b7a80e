package dev.autograd4j.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains on a small subset of the bundled digits: it learns, and the same seed gives the same losses. */
class MnistTrainingTest {
    static MnistData train;
    static MnistData test;

    @BeforeAll
    static void load() throws Exception {
        train = MnistData.bundled("train");
        test = MnistData.bundled("test");
    }

    @Test
    void bundledDataIsTheDocumentedSplit() {
        assertEquals(9000, train.count());
        assertEquals(1000, test.count());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        int[] perClass = new int[10];
        for (byte b : train.labels()) {
            perClass[b]++;
        }
        for (int c : perClass) {
            assertTrue(c > 700 && c < 1100, "about 900 per class: " + c);
        }
    }

    @Test
    void affineAugmentationIsSeededKeepsPixelsBinaryAndMovesTheDigits() {
        List<Integer> idx = List.of(5, 17, 3, 250);
        float[] plain = MnistBatch.collate(train, 0, 1).apply(idx).images().toFloatArray();
        float[] a = MnistBatch.collate(train, 2, 12, 0.1, 7).apply(idx).images().toFloatArray();
        float[] b = MnistBatch.collate(train, 2, 12, 0.1, 7).apply(idx).images().toFloatArray();
        float[] c = MnistBatch.collate(train, 2, 12, 0.1, 8).apply(idx).images().toFloatArray();
        assertArrayEquals(a, b, "same seed and indices, same images");
        assertTrue(!java.util.Arrays.equals(a, c), "another seed, other maps");
        assertTrue(!java.util.Arrays.equals(a, plain), "the images moved");
        // without rotation and scaling it is the plain integer shift, bit for bit
        assertArrayEquals(MnistBatch.collate(train, 1, 3).apply(idx).images().toFloatArray(),
                MnistBatch.collate(train, 1, 0, 0, 3).apply(idx).images().toFloatArray());
        for (int i = 0; i < idx.size(); i++) {
            double inkPlain = 0, inkMoved = 0;
            for (int p = i * 784; p < (i + 1) * 784; p++) {
                assertTrue(a[p] == 0 || a[p] == 1, "binary pixels: " + a[p]);
                inkPlain += plain[p];
                inkMoved += a[p];
            }
            // nearest-pixel sampling at a scale of 0.9 to 1.1 keeps the amount of ink within about 25%
            assertTrue(Math.abs(inkMoved - inkPlain) < 0.3 * inkPlain, inkPlain + " vs " + inkMoved);
        }
    }

    private static MnistTraining.Options small(long seed) {
        return MnistTraining.Options.defaults().withEpochs(3).withBatch(50, 2e-3).withHidden(32).withSeed(seed)
                .withOut(null);
    }

    @Test
    void aSmallSubsetTrainsQuicklyAndReproducibly() {
        MnistData sub = train.subset(1000);
        MnistData subTest = test.subset(300);
        // Warm-up run, discarded: with the Vector API enabled, the CPU kernels' first (not yet
        // JIT-compiled) calls round differently in the last bits from the compiled ones, so a cold
        // run can differ from a warm one (reported to the core). Warm runs are bit-identical.
        MnistTraining.train(small(7).withShift(1), sub, subTest, s -> { });
        var a = MnistTraining.train(small(7).withShift(1), sub, subTest, s -> { });
        var b = MnistTraining.train(small(7).withShift(1), sub, subTest, s -> { });
        var c = MnistTraining.train(small(8).withShift(1), sub, subTest, s -> { });
        double[] la = losses(a.epochs()), lb = losses(b.epochs()), lc = losses(c.epochs());
        assertArrayEquals(la, lb, 0.0, "same seed, same device: identical losses epoch by epoch");
        assertTrue(la[0] != lc[0], "another seed gives other losses");
        assertArrayEquals(a.model().parameters().get(0).toFloatArray(), b.model().parameters().get(0).toFloatArray(),
                0f);
        assertTrue(la[2] < la[0], "loss decreases: " + java.util.Arrays.toString(la));
        assertTrue(a.testAccuracy() > 0.75, "learns from 1,000 digits: " + a.testAccuracy());
    }

    private static double[] losses(List<MnistTraining.EpochStats> epochs) {
        return epochs.stream().mapToDouble(MnistTraining.EpochStats::loss).toArray();
    }

    @Test
    void writesCsvSvgAndAReloadableModel(@TempDir Path dir) throws Exception {
        var r = MnistTraining.train(small(3).withEpochs(2), train.subset(300), test.subset(100), s -> { });
        LossCurve.writeCsv(r.epochs(), dir.resolve("loss.csv"));
        LossCurve.writeSvg(r.epochs(), "test <chart>", dir.resolve("loss.svg"));
        List<String> csv = Files.readAllLines(dir.resolve("loss.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(0).startsWith("epoch,train_loss,train_accuracy,test_accuracy"));
        assertTrue(csv.get(1).startsWith("1,"));
        String svg = Files.readString(dir.resolve("loss.svg"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains("test &lt;chart&gt;") && svg.contains("<polyline"));
        r.model().save(dir.resolve("m.ag4j"));
        var fresh = MnistTraining.model(784, 32, dev.autograd4j.Device.cpu(), 99);
        fresh.load(dir.resolve("m.ag4j"));
        assertEquals(MnistTraining.evaluate(r.model(), test.subset(100), dev.autograd4j.Device.cpu()),
                MnistTraining.evaluate(fresh, test.subset(100), dev.autograd4j.Device.cpu()));
    }

    @Test
    void optionsAreParsedAndCheck() {
        var o = MnistTraining.parse(new String[] {"--device", "cpu", "--epochs", "2", "--batch-size", "32", "--lr",
            "0.01", "--seed", "5", "--out", "x/y", "--shift", "0"});
        assertEquals("cpu", o.device());
        assertEquals(2, o.epochs());
        assertEquals(32, o.batchSize());
        assertEquals(0.01, o.lr());
        assertEquals(5, o.seed());
        assertEquals(Path.of("x/y"), o.out());
        assertEquals(0, o.shift());
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MnistTraining.parse(new String[] {"--epochs", "zero"})).getMessage();
        assertEquals("option --epochs expects a number, got 'zero'", msg);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MnistTraining.parse(new String[] {"--lr", "-1"}));
    }
}
