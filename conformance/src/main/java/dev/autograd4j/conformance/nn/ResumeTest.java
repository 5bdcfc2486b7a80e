package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.ClipGrad;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.MSELoss;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.nn.StateDict;
import dev.autograd4j.optim.Adagrad;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.CosineAnnealingLR;
import dev.autograd4j.optim.LRScheduler;
import dev.autograd4j.optim.LinearLR;
import dev.autograd4j.optim.OneCycleLR;
import dev.autograd4j.optim.Optimizer;
import dev.autograd4j.optim.RMSprop;
import dev.autograd4j.optim.SGD;
import dev.autograd4j.optim.StepLR;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * Resumable training: a run checkpointed after k steps (model, optimizer and scheduler state dicts written to
 * one file), reloaded into freshly built objects and continued to N steps gives the uninterrupted run's losses
 * bit for bit.
 */
@DisplayNameGeneration(ConformanceNames.class)
class ResumeTest {
    private static final int N = 24;
    private static final int K = 9;

    private record Run(Sequential net, Optimizer opt, LRScheduler sched) {
    }

    private static Sequential mlp(Device device, long seed) {
        Generator gen = new Generator(seed);
        return new Sequential(new Linear(6, 16, true, DType.FLOAT32, device, gen), new ReLU(),
                new Linear(16, 3, true, DType.FLOAT32, device, gen));
    }

    private static double[] train(Run run, Tensor x, Tensor y, int from, int to) {
        var lossFn = new MSELoss();
        double[] losses = new double[to - from];
        for (int i = from; i < to; i++) {
            run.opt().zeroGrad();
            Tensor loss = lossFn.forward(run.net().forward(x), y);
            loss.backward();
            ClipGrad.clipGradNorm_(run.net().parameters(), 0.5);
            run.opt().step();
            run.sched().step();
            losses[i - from] = loss.item();
        }
        return losses;
    }

    private static void resumesBitForBit(Device device, Function<Sequential, Optimizer> makeOpt,
                                         Function<Optimizer, LRScheduler> makeSched) throws IOException {
        Generator data = new Generator(7);
        Tensor x = Tensor.randn(Shape.of(32, 6), DType.FLOAT32, device, data);
        Tensor y = Tensor.randn(Shape.of(32, 3), DType.FLOAT32, device, data);

        Sequential net = mlp(device, 1);
        Optimizer opt = makeOpt.apply(net);
        double[] uninterrupted = train(new Run(net, opt, makeSched.apply(opt)), x, y, 0, N);

        Sequential first = mlp(device, 1);
        Optimizer firstOpt = makeOpt.apply(first);
        LRScheduler firstSched = makeSched.apply(firstOpt);
        double[] before = train(new Run(first, firstOpt, firstSched), x, y, 0, K);
        Map<String, Tensor> checkpoint = new LinkedHashMap<>();
        first.stateDict().forEach((k, v) -> checkpoint.put("model." + k, v));
        firstOpt.stateDict().forEach((k, v) -> checkpoint.put("optimizer." + k, v));
        firstSched.stateDict().forEach((k, v) -> checkpoint.put("scheduler." + k, v));
        Path file = Files.createTempFile("resume", ".ag4j");
        Map<String, Tensor> loaded;
        try {
            StateDict.save(checkpoint, file);
            loaded = StateDict.load(file);
        } finally {
            Files.deleteIfExists(file);
        }

        Sequential second = mlp(device, 99); // different initial weights: everything must come from the file
        Optimizer secondOpt = makeOpt.apply(second);
        LRScheduler secondSched = makeSched.apply(secondOpt);
        second.loadStateDict(part(loaded, "model."));
        secondOpt.loadStateDict(part(loaded, "optimizer."));
        secondSched.loadStateDict(part(loaded, "scheduler."));
        assertEquals(firstOpt.lr(), secondOpt.lr(), 0.0);
        assertEquals(K, secondSched.lastEpoch());
        assertEquals(K, secondOpt.stepCount());
        double[] after = train(new Run(second, secondOpt, secondSched), x, y, K, N);

        double[] resumed = new double[N];
        System.arraycopy(before, 0, resumed, 0, K);
        System.arraycopy(after, 0, resumed, K, N - K);
        for (int i = 0; i < N; i++) {
            assertEquals(uninterrupted[i], resumed[i], 0.0, "loss at step " + i);
        }
        assertTrue(uninterrupted[N - 1] < uninterrupted[0], "the run learns");
        for (int i = 0; i < net.parameters().size(); i++) {
            assertArrayEquals(net.parameters().get(i).toFloatArray(), second.parameters().get(i).toFloatArray(), 0f);
        }
    }

    private static Map<String, Tensor> part(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    @AllDevices
    void adamWithACosineScheduleResumesBitForBit(Device device) throws IOException {
        resumesBitForBit(device, net -> new Adam(net.parameters(), 0.01, 0.9, 0.999, 1e-8, 1e-4, true),
                opt -> new CosineAnnealingLR(opt, N, 1e-4));
    }

    @AllDevices
    void sgdWithMomentumAndAStepScheduleResumesBitForBit(Device device) throws IOException {
        resumesBitForBit(device, net -> new SGD(net.parameters(), 0.05, 0.9, 0.1, 1e-4, false),
                opt -> new StepLR(opt, 5, 0.5));
    }

    @AllDevices
    void centeredRmspropWithMomentumAndOneCycleResumesBitForBit(Device device) throws IOException {
        resumesBitForBit(device, net -> new RMSprop(net.parameters(), 0.01, 0.9, 1e-8, 1e-4, 0.5, true),
                opt -> new OneCycleLR(opt, 0.02, N));
    }

    @AllDevices
    void adagradWithALinearWarmupResumesBitForBit(Device device) throws IOException {
        resumesBitForBit(device, net -> new Adagrad(net.parameters(), 0.05, 0.01, 1e-4, 0.1, 1e-10),
                opt -> new LinearLR(opt, 0.25, 1.0, 12));
    }

    @Test
    void optimizerStateDictNamesEntriesAsPyTorch() {
        Tensor p = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor q = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Adam adam = new Adam(List.of(p, q), 0.1);
        p.mul(p).sum().backward();
        adam.step();
        Map<String, Tensor> sd = adam.stateDict();
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "param_groups.0.lr",
                "param_groups.0.beta1", "param_groups.0.beta2", "param_groups.0.eps", "param_groups.0.weight_decay",
                "param_groups.0.amsgrad", "step_count"), List.copyOf(sd.keySet()));
        assertEquals(1.0, sd.get("state.0.step").item());
        assertArrayEquals(new double[] {0.2, 0.4, 0.6}, sd.get("state.0.exp_avg").toDoubleArray(), 1e-15);
        // a snapshot: later steps do not change it
        adam.step();
        assertArrayEquals(new double[] {0.2, 0.4, 0.6}, sd.get("state.0.exp_avg").toDoubleArray(), 1e-15);

        Adam other = new Adam(List.of(p, q), 0.5, 0.8, 0.99, 1e-6, 0, false);
        other.loadStateDict(sd);
        assertEquals(0.1, other.lr());
        assertEquals(sd.keySet(), other.stateDict().keySet());
        assertEquals(0.999, other.stateDict().get("param_groups.0.beta2").item());

        Map<String, Tensor> bad = new LinkedHashMap<>(sd);
        bad.put("state.0.exp_avg", Tensor.zeros(Shape.of(4), DType.FLOAT64, Device.cpu()));
        var e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(bad));
        assertEquals("optimizer state \"state.0.exp_avg\" has shape [4] but parameter 0 has shape [3]", e.getMessage());
        Map<String, Tensor> outOfRange = new LinkedHashMap<>(sd);
        outOfRange.put("state.5.exp_avg", Tensor.zeros(3));
        assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(outOfRange));
        Map<String, Tensor> noLr = new LinkedHashMap<>(sd);
        noLr.remove("param_groups.0.lr");
        assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(noLr));
    }

    @Test
    void schedulerStateDictRestoresThePosition() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 1.0);
        StepLR s = new StepLR(opt, 2, 0.5);
        for (int i = 0; i < 5; i++) {
            s.step();
        }
        Map<String, Tensor> sd = s.stateDict();
        assertEquals(List.of("last_epoch", "base_lr"), List.copyOf(sd.keySet()));
        SGD opt2 = new SGD(List.of(p), 0.25);
        StepLR s2 = new StepLR(opt2, 2, 0.5);
        s2.loadStateDict(sd);
        assertEquals(5, s2.lastEpoch());
        s2.step();
        assertEquals(0.125, opt2.lr(), 0.0);
        Map<String, Tensor> extra = new LinkedHashMap<>(sd);
        extra.put("bogus", Tensor.scalar(1));
        assertThrows(IllegalArgumentException.class, () -> s2.loadStateDict(extra));
    }

    @AllDevices
    void clipGradNormScalesToTheMaxNormAndReturnsTheTotalNorm(Device device) {
        Tensor a = Tensor.of(new double[] {3, 0}, 2).to(device).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0, 4}, 2).to(device).requiresGrad(true);
        Tensor frozen = Tensor.of(new double[] {100}, 1).to(device).requiresGrad(true);
        a.mul(a).sum().div(2).add(b.mul(b).sum().div(2)).backward();  // grads: (3, 0) and (0, 4)
        double total = ClipGrad.clipGradNorm_(List.of(a, b, frozen), 1.0);
        assertEquals(5.0, total, 1e-12);
        double coef = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 0}, a.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 4 * coef}, b.grad().toDoubleArray(), 1e-15);
        // below the limit: unchanged
        double again = ClipGrad.clipGradNorm_(List.of(a, b), 10.0);
        assertEquals(5.0 * coef, again, 1e-12);
        assertArrayEquals(new double[] {3 * coef, 0}, a.grad().toDoubleArray(), 0.0);
        // inf norm and p = 1
        assertEquals(4 * coef, ClipGrad.clipGradNorm_(List.of(a, b), 10.0, Double.POSITIVE_INFINITY), 1e-15);
        assertEquals(7 * coef, ClipGrad.clipGradNorm_(List.of(a, b), 10.0, 1.0), 1e-15);
        // p = 3
        double p3 = Math.cbrt(27 + 64) * coef;
        assertEquals(p3, ClipGrad.clipGradNorm_(List.of(a, b), 10.0, 3.0), 1e-12);
        // no gradients at all
        assertEquals(0.0, ClipGrad.clipGradNorm_(List.of(frozen), 1.0));
    }

    @Test
    void clipGradNormOnANonFiniteNorm() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        a.mul(Float.POSITIVE_INFINITY).sum().backward();
        var e = assertThrows(ArithmeticException.class, () -> ClipGrad.clipGradNorm_(List.of(a), 1.0, 2.0, true));
        assertTrue(e.getMessage().startsWith("The total norm of order 2.0 for gradients from `parameters` is "
                + "non-finite, so it cannot be clipped."), e.getMessage());
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, a.grad().toFloatArray());
        assertEquals(Double.POSITIVE_INFINITY, ClipGrad.clipGradNorm_(List.of(a), 1.0));
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm_(List.of(a), -1.0));
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm_(List.of(a), 1.0, 0.0));
    }

    @AllDevices
    void clipGradValueClampsInPlace(Device device) {
        Tensor a = Tensor.of(new double[] {-3, 0.5, 2}, 3).to(device).requiresGrad(true);
        a.mul(Tensor.of(new double[] {1, 1, 1}, 3).to(device)).mul(a).sum().backward(); // grad 2a
        Tensor g = a.grad();
        ClipGrad.clipGradValue_(List.of(a), 1.5);
        assertTrue(g == a.grad(), "in place");
        assertArrayEquals(new double[] {-1.5, 1.0, 1.5}, a.grad().toDoubleArray(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradValue_(List.of(a), Double.NaN));
    }
}
