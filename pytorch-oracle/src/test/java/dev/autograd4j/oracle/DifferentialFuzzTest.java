package dev.autograd4j.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DifferentialFuzzer} programs against libtorch and fails on any mismatch that
 * {@link FuzzAllowList} does not explain, printing each unexplained program as a Java and a Python script.
 *
 * <p>{@code -Dfuzz.programs=10000 -Dfuzz.seed=42} for long runs (default: 500 programs of seed 20240611);
 * {@code -Dfuzz.index=N} runs program N alone and prints its script; {@code -Dfuzz.examples=true} prints one
 * program per explained category too.
 * <pre>./mvnw -B -q -o -pl pytorch-oracle -am verify -Dnative.ptx=committed -Dtest=DifferentialFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.programs=10000</pre>
 */
class DifferentialFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(DifferentialFuzzTest.class);

    @Test
    void programsAgreeWithLibtorch() {
        long seed = Long.getLong("fuzz.seed", 20240611L);
        int programs = Integer.getInteger("fuzz.programs", 500);
        Integer only = Integer.getInteger("fuzz.index");
        boolean examples = Boolean.getBoolean("fuzz.examples");
        boolean byOp = Boolean.getBoolean("fuzz.byOp");
        long t0 = System.nanoTime();
        Map<String, Integer> opsDrawn = new TreeMap<>();
        Map<String, Integer> byCategory = new TreeMap<>();
        Map<String, String> example = new TreeMap<>();
        Map<String, List<Integer>> programsOf = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        int ops = 0, bothRaised = 0, messageDiffers = 0, clean = 0;
        int from = only != null ? only : 0;
        int to = only != null ? only + 1 : programs;
        for (int i = from; i < to; i++) {
            DifferentialFuzzer.Result r = DifferentialFuzzer.run(seed, i);
            ops += r.opsDrawn().size();
            r.opsDrawn().forEach(o -> opsDrawn.merge(o, 1, Integer::sum));
            bothRaised += r.bothRaised();
            messageDiffers += r.messageDiffers();
            if (only != null) {
                System.out.println(r.mismatch() + "\n" + r.script());
            }
            if (r.mismatch() == null) {
                clean++;
                continue;
            }
            FuzzAllowList.Known k = FuzzAllowList.explain(r.mismatch(), r.opsDrawn());
            String cat = k == null ? "UNEXPLAINED " + r.mismatch().kind() + " in " + r.mismatch().op().replaceAll(" v\\d+$", "")
                    : k.id().startsWith("UNTRIAGED") ? k.id() + " / " + r.mismatch().kind() + " in "
                    + r.mismatch().op().replaceAll("(in|v)\\d+", "$1") : k.id();
            if (byOp && k != null) {
                cat += " / " + r.mismatch().kind() + " in " + r.mismatch().op().replaceAll("(in|v)\\d+", "$1");
            }
            byCategory.merge(cat, 1, Integer::sum);
            if (byOp) {
                System.out.println("MISMATCH " + i + " [" + cat + "] " + r.mismatch().toString().replace('\n', ' '));
                programsOf.computeIfAbsent(cat, c -> new ArrayList<>()).add(i);
            }
            String text = "program " + i + " (seed " + seed + "): " + r.mismatch() + "\n" + r.script();
            example.putIfAbsent(cat, text);
            if (k == null) {
                unexplained.add(text);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder s = new StringBuilder();
        s.append(String.format("differential fuzz: seed %d, %d programs, %d ops drawn, %.1f s%n", seed, to - from, ops,
                seconds));
        s.append(String.format("  %6d programs agree with libtorch to the end (values, dtypes, shapes, gradients)%n", clean));
        s.append(String.format("  %6d ops raised on both sides (%d with differing messages, not counted)%n", bothRaised,
                messageDiffers));
        s.append("  mismatches by category (first mismatch of each program):\n");
        byCategory.forEach((c, n) -> s.append(String.format("  %6d  %s%s%n", n, c,
                byOp ? " " + programsOf.get(c).subList(0, Math.min(12, n)) : "")));
        s.append("  ops drawn: ").append(opsDrawn).append('\n');
        LOG.info(s.toString());
        System.out.println(s);
        if (examples) {
            example.forEach((c, text) -> System.out.println("==== example of " + c + "\n" + text + "\n"));
        }
        assertTrue(unexplained.isEmpty(), unexplained.size() + " unexplained mismatches (add a FuzzAllowList entry only"
                + " for an explained difference); the first ones:\n" + String.join("\n\n",
                unexplained.subList(0, Math.min(3, unexplained.size()))));
    }
}
