package dev.autograd4j.examples.transformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shortened run of the transformer example still reverses held-out sequences almost perfectly. */
class ReverseTransformerTest {
    @Test
    void aShortRunLearnsToReverse() {
        List<String> log = new ArrayList<>();
        ReverseTransformer.Result r = ReverseTransformer.train(ReverseTransformer.Options.defaults().withSteps(250),
                log::add);
        assertTrue(r.accuracy() >= 0.99, "held-out token accuracy " + r.accuracy() + "; log " + log);
        assertTrue(r.finalLoss() < 0.1, "final loss " + r.finalLoss());
        long[] in = new long[ReverseTransformer.LENGTH];
        long[] expected = new long[ReverseTransformer.LENGTH];
        for (int i = 0; i < in.length; i++) {
            in[i] = (7L * i + 3) % ReverseTransformer.VOCAB;
            expected[in.length - 1 - i] = in[i];
        }
        long[] out = ReverseTransformer.predict(r.model(), in, 1, ReverseTransformer.Options.defaults().device());
        int right = 0;
        for (int i = 0; i < in.length; i++) {
            right += out[i] == expected[i] ? 1 : 0;
        }
        assertTrue(right >= in.length - 1, "reversed " + java.util.Arrays.toString(out));
        assertTrue(log.size() == 3 && log.get(2).startsWith("step   250"),
                "progress at steps 100, 200 and the last: " + log);
    }
}
