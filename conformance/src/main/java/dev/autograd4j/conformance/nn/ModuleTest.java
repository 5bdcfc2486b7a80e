package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Reduction;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.BCELoss;
import dev.autograd4j.nn.BCEWithLogitsLoss;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Dropout;
import dev.autograd4j.nn.Flatten;
import dev.autograd4j.nn.L1Loss;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.MSELoss;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.NLLLoss;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.nn.Sigmoid;
import dev.autograd4j.nn.Tanh;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/** nn modules: parameters, initialisation, forward results, modes, device/dtype moves and freezing. */
@DisplayNameGeneration(ConformanceNames.class)
class ModuleTest {
    private static Sequential mlp(Device device, long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Flatten(), new Linear(6, 5, true, DType.FLOAT32, device, g), new ReLU(),
                new Linear(5, 3, true, DType.FLOAT32, device, g));
    }

    @AllDevices
    void linearHasPyTorchsDefaultInitialisationAndForward(Device device) {
        Linear lin = new Linear(400, 30, true, DType.FLOAT32, device, new Generator(7));
        assertEquals(Shape.of(30, 400), lin.weight().shape());
        assertEquals(Shape.of(30), lin.bias().shape());
        double bound = 1 / Math.sqrt(400);
        for (Tensor t : List.of(lin.weight(), lin.bias())) {
            assertTrue(t.isLeaf() && t.requiresGrad());
            assertEquals(device, t.device());
            double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0;
            for (double v : t.toDoubleArray()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertTrue(min >= -bound && max <= bound, min + " " + max);
            if (t.numel() > 1000) {
                assertTrue(max > 0.95 * bound && min < -0.95 * bound, "covers the range");
                assertEquals(0, sum / t.numel(), 0.05 * bound);
            }
        }
        Tensor x = Tensor.randn(Shape.of(4, 400), DType.FLOAT32, device, new Generator(1));
        Tensor y = lin.forward(x);
        assertEquals(Shape.of(4, 30), y.shape());
        assertArrayEquals(x.matmul(lin.weight().t()).add(lin.bias()).toFloatArray(), y.toFloatArray(), 1e-6f);
        assertEquals("AddBackward0", y.gradFn().name());
        Linear noBias = new Linear(3, 2, false);
        assertNull(noBias.bias());
        assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
        String msg = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(2, 3))).getMessage();
        assertTrue(msg.contains("expected input with last dimension 400"), msg);
        assertEquals(toString(new Generator(7)), toString(new Generator(7)), "same seed, same weights");
    }

    private static String toString(Generator g) {
        return java.util.Arrays.toString(new Linear(3, 2, true, g).weight().toFloatArray());
    }

    @Test
    void sequentialNamesParametersAndChainsForward() {
        Sequential net = mlp(Device.cpu(), 3);
        assertEquals(List.of("1.weight", "1.bias", "3.weight", "3.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(4, net.parameters().size());
        assertSame(((Linear) net.get(1)).weight(), net.parameters().get(0), "the leaf tensor itself");
        assertEquals(4, net.size());
        assertTrue(net.get(-1) instanceof Linear);
        Tensor x = Tensor.randn(Shape.of(2, 2, 3), DType.FLOAT32, Device.cpu(), new Generator(2));
        Linear l1 = (Linear) net.get(1), l2 = (Linear) net.get(3);
        Tensor manual = Functional.linear(Functional.linear(x.reshape(2, 6), l1.weight(), l1.bias()).relu(),
                l2.weight(), l2.bias());
        assertArrayEquals(manual.toFloatArray(), net.forward(x).toFloatArray(), 0f);
        net.forward(x).sum().backward();
        for (Tensor p : net.parameters()) {
            assertEquals(p.shape(), p.grad().shape());
        }
        net.zeroGrad();
        assertTrue(net.parameters().stream().allMatch(p -> p.grad() == null));
        assertEquals("Sequential(\n  (0): Flatten(start_dim=1, end_dim=-1)\n  (1): Linear(in_features=6, "
                + "out_features=5, bias=true)\n  (2): ReLU()\n  (3): Linear(in_features=5, out_features=3, bias=true)\n)",
                net.toString());
        assertThrows(IndexOutOfBoundsException.class, () -> net.get(4));
        assertEquals(List.of("", "0", "1", "2", "3"), List.copyOf(net.namedModules().keySet()));
    }

    @Test
    void customModulesNestAndNameTheirParametersWithDots() {
        class Net extends Module {
            final Sequential body = registerModule("body", new Sequential(new Linear(2, 3), new Tanh()));
            final Linear head = registerModule("head", new Linear(3, 1));
            final Tensor scale = registerParameter("scale", Tensor.ones(1)).data();

            @Override
            public Tensor forward(Tensor x) {
                return head.forward(body.forward(x)).mul(scale);
            }
        }
        Net net = new Net();
        assertEquals(List.of("scale", "body.0.weight", "body.0.bias", "head.weight", "head.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(Shape.of(4, 1), net.forward(Tensor.zeros(4, 2)).shape());
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("a.b", Tensor.zeros(1));
            }
        });
    }

    @AllDevices
    void activationsAndFlattenMatchTheTensorOps(Device device) {
        Tensor x = Tensor.randn(Shape.of(2, 3, 4), DType.FLOAT32, device, new Generator(5));
        assertArrayEquals(x.relu().toFloatArray(), new ReLU().forward(x).toFloatArray(), 0f);
        assertArrayEquals(x.sigmoid().toFloatArray(), new Sigmoid().forward(x).toFloatArray(), 0f);
        assertArrayEquals(x.tanh().toFloatArray(), new Tanh().forward(x).toFloatArray(), 0f);
        assertEquals(Shape.of(2, 12), new Flatten().forward(x).shape());
        assertEquals(Shape.of(6, 4), new Flatten(0, 1).forward(x).shape());
    }

    @AllDevices
    void dropoutScalesInTrainingAndIsTheIdentityInEval(Device device) {
        Dropout drop = new Dropout(0.25, new Generator(11));
        Tensor x = Tensor.ones(Shape.of(100, 100), DType.FLOAT32, device).requiresGrad(true);
        Tensor y = drop.forward(x);
        int zeros = 0;
        for (float v : y.toFloatArray()) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.75f, v, 1e-6f);
            }
        }
        assertEquals(0.25, zeros / 10000.0, 0.02);
        y.sum().backward();
        assertArrayEquals(y.toFloatArray(), x.grad().toFloatArray(), 0f, "gradient is the mask");
        Sequential net = new Sequential(new Linear(3, 3), drop);
        net.eval();
        assertFalse(drop.isTraining());
        assertSame(x, drop.forward(x));
        net.train();
        assertTrue(drop.isTraining());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertEquals(0, new Dropout(1.0).forward(x).sum().item());
    }

    @Test
    void lossModulesComputeTheFunctionalLosses() {
        Generator g = new Generator(9);
        Tensor logits = Tensor.randn(Shape.of(4, 3), DType.FLOAT64, Device.cpu(), g);
        Tensor classes = Tensor.of(new long[] {0, 2, 1, 2}, 4);
        Tensor target = Tensor.rand(Shape.of(4, 3), DType.FLOAT64, Device.cpu(), g);
        assertEquals(Functional.crossEntropy(logits, classes).item(), new CrossEntropyLoss().forward(logits, classes)
                .item(), 0);
        assertEquals(Functional.crossEntropy(logits, classes, null, Reduction.SUM, -100).item(),
                new CrossEntropyLoss(Reduction.SUM).forward(logits, classes).item(), 0);
        assertEquals(Functional.nllLoss(logits.logSoftmax(1), classes).item(),
                new NLLLoss().forward(logits.logSoftmax(1), classes).item(), 0);
        assertEquals(Functional.mseLoss(logits, target).item(), new MSELoss().forward(logits, target).item(), 0);
        assertEquals(Functional.l1Loss(logits, target).item(), new L1Loss().forward(logits, target).item(), 0);
        assertEquals(Functional.binaryCrossEntropyWithLogits(logits, target).item(),
                new BCEWithLogitsLoss().forward(logits, target).item(), 0);
        assertEquals(Functional.binaryCrossEntropy(logits.sigmoid(), target).item(),
                new BCELoss().forward(logits.sigmoid(), target).item(), 0);
        assertEquals(Shape.of(4, 3), new MSELoss(Reduction.NONE).forward(logits, target).shape());
        assertEquals("MSELoss(reduction=mean)", new MSELoss().toString());
        assertThrows(UnsupportedOperationException.class, () -> new MSELoss().forward(logits));
    }

    @Test
    void toDtypeReplacesParametersKeepingFlagsAndGradients() {
        Sequential net = mlp(Device.cpu(), 1);
        Tensor w = net.parameters().get(0);
        net.forward(Tensor.ones(1, 6)).sum().backward();
        net.get(3).requiresGrad(false);
        net.to(DType.FLOAT64);
        List<Tensor> ps = net.parameters();
        assertNotSame(w, ps.get(0));
        assertArrayEquals(w.toDoubleArray(), ps.get(0).toDoubleArray(), 1e-7);
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(DType.FLOAT64, ps.get(i).dtype());
            assertTrue(ps.get(i).isLeaf());
            assertEquals(i < 2, ps.get(i).requiresGrad());
            assertEquals(DType.FLOAT64, ps.get(i).grad().dtype());
        }
        assertSame(net, net.to(Device.cpu()));
        assertSame(ps.get(0), net.parameters().get(0), "same device: nothing replaced");
        assertThrows(IllegalArgumentException.class, () -> net.to(DType.INT64));
    }

    @AllDevices
    void toDeviceMovesEveryParameter(Device device) {
        Sequential net = mlp(Device.cpu(), 2);
        float[] before = net.parameters().get(0).toFloatArray();
        net.to(device);
        for (Tensor p : net.parameters()) {
            assertEquals(device, p.device());
            assertTrue(p.isLeaf() && p.requiresGrad());
        }
        assertArrayEquals(before, net.parameters().get(0).toFloatArray(), 0f);
        Map<String, Tensor> sd = net.stateDict();
        assertFalse(sd.get("1.weight").requiresGrad());
    }

    @Test
    void requiresGradFalseFreezesAModuleAndTrainableParametersSkipsIt() {
        Sequential net = mlp(Device.cpu(), 4);
        net.get(1).requiresGrad(false);
        assertEquals(2, net.trainableParameters().size());
        Tensor x = Tensor.ones(2, 6);
        net.forward(x).sum().backward();
        assertNull(net.parameters().get(0).grad());
        assertNull(net.parameters().get(1).grad());
        assertTrue(net.parameters().get(2).grad() != null);
        net.requiresGrad(true);
        assertEquals(4, net.trainableParameters().size());
    }
}
