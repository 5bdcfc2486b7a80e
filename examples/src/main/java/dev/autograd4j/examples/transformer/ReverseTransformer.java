package dev.autograd4j.examples.transformer;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Embedding;
import dev.autograd4j.nn.LayerNorm;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ModuleList;
import dev.autograd4j.nn.TransformerEncoderLayer;
import dev.autograd4j.optim.AdamW;
import dev.autograd4j.optim.CosineAnnealingLR;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a small transformer encoder to reverse sequences of 16 tokens over a vocabulary of 32: output
 * position {@code i} must be input token {@code 15 - i}, which no per-position model can do, so it has to
 * attend across the sequence. Token embeddings plus sinusoidal positional encodings (a non-persistent
 * buffer), two pre-norm {@link TransformerEncoderLayer}s (given an all-false key padding mask, so the mask
 * path runs), a final layer norm and a linear head; cross-entropy per token, AdamW with cosine annealing.
 * Held-out accuracy is measured on 1,000 fresh random sequences.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.transformer.ReverseTransformer
 * }</pre>
 */
public final class ReverseTransformer {
    /** Sequence length. */
    public static final int LENGTH = 16;
    /** Vocabulary size. */
    public static final int VOCAB = 32;

    private ReverseTransformer() {
    }

    /**
     * What to train.
     *
     * @param steps optimizer steps
     * @param batch sequences per step
     * @param dModel model width
     * @param heads attention heads
     * @param lr peak learning rate
     * @param seed seed of the data and the initial weights
     * @param device where to train
     */
    public record Options(int steps, int batch, int dModel, int heads, double lr, long seed, Device device) {
        /**
         * The settings of the README run.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(600, 64, 64, 4, 2e-3, 1, Device.CPU);
        }

        /**
         * With another step count.
         *
         * @param n steps
         * @return new options
         */
        public Options withSteps(int n) {
            return new Options(n, batch, dModel, heads, lr, seed, device);
        }
    }

    /**
     * The result of a run.
     *
     * @param accuracy held-out token accuracy in [0, 1]
     * @param sequenceAccuracy the fraction of held-out sequences reversed without a mistake
     * @param finalLoss the last training loss
     * @param seconds wall time of training
     * @param model the trained model
     */
    public record Result(double accuracy, double sequenceAccuracy, double finalLoss, double seconds, Model model) {
    }

    /** Embeddings, positional encodings, two encoder layers, a final norm and a head. */
    public static final class Model extends Module {
        private final Embedding embed;
        private final ModuleList layers;
        private final LayerNorm norm;
        private final Linear head;
        private final Tensor positions;

        /**
         * A model of width {@code dModel}.
         *
         * @param dModel the width
         * @param heads the attention heads
         * @param device where its parameters live
         * @param generator the source of the initial weights
         */
        public Model(int dModel, int heads, Device device, Generator generator) {
            embed = registerModule("embed", new Embedding(VOCAB, dModel, null, DType.FLOAT32, device, generator));
            layers = registerModule("layers", new ModuleList(
                    new TransformerEncoderLayer(dModel, heads, 2 * dModel, 0.0, "relu", 1e-5, true, true,
                            DType.FLOAT32, device, generator),
                    new TransformerEncoderLayer(dModel, heads, 2 * dModel, 0.0, "relu", 1e-5, true, true,
                            DType.FLOAT32, device, generator)));
            norm = registerModule("norm", new LayerNorm(new int[] {dModel}, 1e-5, true, true, DType.FLOAT32, device));
            head = registerModule("head", new Linear(dModel, VOCAB, true, DType.FLOAT32, device, generator));
            positions = registerBuffer("pe", sinusoidal(LENGTH, dModel).to(device), false);
        }

        /**
         * Logits for each position.
         *
         * @param tokens {@code [N, LENGTH]} int64
         * @return {@code [N, LENGTH, VOCAB]}
         */
        @Override
        public Tensor forward(Tensor tokens) {
            Tensor x = embed.forward(tokens).add(positions);
            Tensor padding = Tensor.zeros(Shape.of(tokens.size(0), LENGTH), DType.BOOL, tokens.device());
            for (dev.autograd4j.nn.Module layer : layers) {
                x = ((TransformerEncoderLayer) layer).forward(x, null, padding, false);
            }
            return head.forward(norm.forward(x));
        }
    }

    /**
     * The sinusoidal positional encodings of "Attention is all you need".
     *
     * @param length positions
     * @param d width
     * @return {@code [length, d]} float32
     */
    static Tensor sinusoidal(int length, int d) {
        float[] pe = new float[length * d];
        for (int pos = 0; pos < length; pos++) {
            for (int i = 0; i < d; i += 2) {
                double angle = pos / Math.pow(10000, (double) i / d);
                pe[pos * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) {
                    pe[pos * d + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return Tensor.of(pe, length, d);
    }

    /** Random sequences and their reversals, {@code [n, LENGTH]} each. */
    static long[][] batch(Random rnd, int n) {
        long[] in = new long[n * LENGTH];
        long[] out = new long[n * LENGTH];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < LENGTH; i++) {
                in[s * LENGTH + i] = rnd.nextInt(VOCAB);
            }
            for (int i = 0; i < LENGTH; i++) {
                out[s * LENGTH + i] = in[s * LENGTH + LENGTH - 1 - i];
            }
        }
        return new long[][] {in, out};
    }

    /**
     * Trains a model and measures it on 1,000 held-out sequences.
     *
     * @param o the options
     * @param log receives progress lines
     * @return accuracy, loss, time and the model
     */
    public static Result train(Options o, Consumer<String> log) {
        Generator g = new Generator(o.seed());
        Model model = new Model(o.dModel(), o.heads(), o.device(), g);
        AdamW opt = new AdamW(model.parameters(), o.lr(), 0.9, 0.98, 1e-9, 0.01, false);
        CosineAnnealingLR schedule = new CosineAnnealingLR(opt, o.steps(), o.lr() * 0.02);
        Random rnd = new Random(o.seed());
        long start = System.nanoTime();
        double loss = Double.NaN;
        for (int step = 1; step <= o.steps(); step++) {
            long[][] data = batch(rnd, o.batch());
            Tensor x = Tensor.of(data[0], o.batch(), LENGTH).to(o.device());
            Tensor y = Tensor.of(data[1], o.batch() * LENGTH).to(o.device());
            Tensor logits = model.forward(x).reshape(-1, VOCAB);
            Tensor l = Functional.crossEntropy(logits, y);
            opt.zeroGrad();
            l.backward();
            opt.step();
            schedule.step();
            if (step % 100 == 0 || step == o.steps()) {
                loss = l.toDoubleArray()[0];
                log.accept(String.format(Locale.ROOT, "step %5d  loss %.4f  %.1fs", step, loss,
                        (System.nanoTime() - start) / 1e9));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] acc = evaluate(model, new Random(o.seed() + 1_000_003L), 1000, o.device());
        return new Result(acc[0], acc[1], loss, seconds, model);
    }

    /**
     * Token and whole-sequence accuracy on {@code n} fresh sequences, in eval mode without recording.
     *
     * @param model the model
     * @param rnd the source of the sequences
     * @param n how many
     * @param device where the model lives
     * @return {token accuracy, sequence accuracy}
     */
    public static double[] evaluate(Model model, Random rnd, int n, Device device) {
        model.eval();
        long[][] data = batch(rnd, n);
        long[] pred;
        try (var g = Autograd.noGrad()) {
            pred = model.forward(Tensor.of(data[0], n, LENGTH).to(device)).argmax(-1).toLongArray();
        }
        model.train();
        int right = 0;
        int whole = 0;
        for (int s = 0; s < n; s++) {
            boolean all = true;
            for (int i = 0; i < LENGTH; i++) {
                boolean ok = pred[s * LENGTH + i] == data[1][s * LENGTH + i];
                right += ok ? 1 : 0;
                all &= ok;
            }
            whole += all ? 1 : 0;
        }
        return new double[] {right / (double) (n * LENGTH), whole / (double) n};
    }

    /**
     * Reverses a few sequences with a trained model.
     *
     * @param model the model
     * @param inputs {@code [n, LENGTH]} tokens, row-major
     * @param n how many
     * @param device where the model lives
     * @return the predicted tokens, row-major
     */
    public static long[] predict(Model model, long[] inputs, int n, Device device) {
        model.eval();
        try (var g = Autograd.noGrad()) {
            return model.forward(Tensor.of(inputs, n, LENGTH).to(device)).argmax(-1).toLongArray();
        } finally {
            model.train();
        }
    }

    /**
     * Trains with the defaults (or {@code --steps N}, {@code --device cuda:0}) and prints progress, the held-out
     * accuracy and a few reversed sequences.
     *
     * @param args optional {@code --steps N} and {@code --device D}
     */
    public static void main(String[] args) {
        Options o = Options.defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--steps" -> o = o.withSteps(Integer.parseInt(args[i + 1]));
                case "--device" -> o = new Options(o.steps(), o.batch(), o.dModel(), o.heads(), o.lr(), o.seed(),
                        Device.parse(args[i + 1]));
                default -> throw new IllegalArgumentException("usage: ReverseTransformer [--steps N] [--device D]");
            }
        }
        System.out.printf(Locale.ROOT, "reverse %d tokens over a vocabulary of %d: 2 pre-norm encoder layers, "
                + "d_model %d, %d heads, AdamW lr %.0e, batch %d, %d steps on %s%n", LENGTH, VOCAB, o.dModel(),
                o.heads(), o.lr(), o.batch(), o.steps(), o.device());
        Result r = train(o, System.out::println);
        System.out.printf(Locale.ROOT, "held-out token accuracy %.2f%% (whole sequences %.1f%%) after %.1fs%n",
                100 * r.accuracy(), 100 * r.sequenceAccuracy(), r.seconds());
        Random rnd = new Random(42);
        long[][] data = batch(rnd, 3);
        long[] pred = predict(r.model(), data[0], 3, o.device());
        for (int s = 0; s < 3; s++) {
            System.out.println("input  " + Arrays.toString(Arrays.copyOfRange(data[0], s * LENGTH, (s + 1) * LENGTH)));
            System.out.println("output " + Arrays.toString(Arrays.copyOfRange(pred, s * LENGTH, (s + 1) * LENGTH)));
        }
    }
}
