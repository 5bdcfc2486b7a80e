package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.CrossEntropyLoss;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.ReLU;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.optim.Adam;
import dev.autograd4j.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;

/**
 * The freezing guarantee: train a network, freeze its body, replace its head, train only the head;
 * the body gets no gradient and its weights are unchanged bit for bit, while the head learns.
 */
@DisplayNameGeneration(ConformanceNames.class)
class FineTuneTest {
    @AllDevices
    void frozenBodyIsBitForBitUnchangedWhileTheNewHeadTrains(Device device) {
        Generator gen = new Generator(42);
        Tensor x = Tensor.randn(Shape.of(64, 8), DType.FLOAT32, device, gen);
        Tensor y = x.narrow(1, 0, 1).gt(0.0).squeeze(1).to(DType.INT64);   // class 1 when x[:,0] > 0
        Tensor y3 = x.narrow(1, 1, 1).gt(0.5).squeeze(1).to(DType.INT64)
                .add(x.narrow(1, 1, 1).gt(-0.5).squeeze(1).to(DType.INT64)); // 3 classes from x[:,1]

        // 1. train the whole network
        Sequential body = new Sequential(new Linear(8, 16, true, DType.FLOAT32, device, gen), new ReLU());
        Sequential net = new Sequential(body, new Linear(16, 2, true, DType.FLOAT32, device, gen));
        var lossFn = new CrossEntropyLoss();
        var opt = new Adam(net.parameters(), 0.01);
        for (int i = 0; i < 20; i++) {
            opt.zeroGrad();
            lossFn.forward(net.forward(x), y).backward();
            opt.step();
        }

        // 2. freeze the body, replace the head, train only the head (momentum and weight decay included)
        net.zeroGrad();               // as in PyTorch, freezing keeps old gradients; clear them first
        body.requiresGrad(false);
        List<float[]> before = new ArrayList<>();
        body.parameters().forEach(p -> before.add(p.toFloatArray().clone()));
        Linear head = new Linear(16, 3, true, DType.FLOAT32, device, gen);
        net.set(1, head);
        float[] headBefore = head.weight().toFloatArray().clone();
        var headOpt = new SGD(net.trainableParameters(), 0.1, 0.9, 0, 1e-4, true);
        assertEquals(2, headOpt.parameters().size());
        double first = 0, last = 0;
        for (int i = 0; i < 30; i++) {
            headOpt.zeroGrad();
            var loss = lossFn.forward(net.forward(x), y3);
            loss.backward();
            headOpt.step();
            if (i == 0) {
                first = loss.item();
            }
            last = loss.item();
        }

        // 3. the body got no gradient and is unchanged, bit for bit; the head learned
        for (int i = 0; i < before.size(); i++) {
            Tensor p = body.parameters().get(i);
            assertNull(p.grad(), "frozen parameters get no gradient");
            assertArrayEquals(before.get(i), p.toFloatArray(), 0f);
            float[] now = p.toFloatArray();
            for (int k = 0; k < now.length; k++) {
                assertEquals(Float.floatToRawIntBits(before.get(i)[k]), Float.floatToRawIntBits(now[k]));
            }
        }
        assertNotNull(head.weight().grad());
        assertTrue(!java.util.Arrays.equals(headBefore, head.weight().toFloatArray()), "the head moved");
        assertTrue(last < first * 0.8, "head loss went from " + first + " to " + last);
        // the body's output is not part of the graph at all: no backward work for frozen parameters
        assertNull(body.forward(x).gradFn());
    }

    @AllDevices
    void aSingleFrozenParameterIsSkippedByTheOptimizer(Device device) {
        Linear lin = new Linear(3, 2, true, DType.FLOAT32, device, new Generator(3));
        lin.bias().requiresGrad(false);
        float[] bias = lin.bias().toFloatArray().clone();
        float[] weight = lin.weight().toFloatArray().clone();
        var opt = new Adam(lin.parameters(), 0.1);
        for (int i = 0; i < 3; i++) {
            opt.zeroGrad();
            lin.forward(Tensor.ones(Shape.of(4, 3), DType.FLOAT32, device)).pow(2).sum().backward();
            opt.step();
        }
        assertArrayEquals(bias, lin.bias().toFloatArray(), 0f);
        assertTrue(!java.util.Arrays.equals(weight, lin.weight().toFloatArray()));
    }
}
