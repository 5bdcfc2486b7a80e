package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayNameGeneration;

/** Leaves, grad accumulation, retained graphs, grad mode and gradFn names, as PyTorch defines them. */
@DisplayNameGeneration(ConformanceNames.class)
class AutogradSemanticsTest {
    private static Tensor leaf(Device device, double... values) {
        return Tensor.of(values, values.length).to(device).requiresGrad(true);
    }

    @AllDevices
    void leavesAndNonLeaves(Device device) {
        Tensor a = leaf(device, 1, 2, 3);
        Tensor b = a.mul(2.0);
        assertTrue(a.isLeaf());
        assertFalse(b.isLeaf());
        assertTrue(b.requiresGrad());
        Tensor c = Tensor.zeros(Shape.of(3), DType.FLOAT64, device);
        assertTrue(c.isLeaf());
        assertFalse(c.requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.requiresGrad(false));
        assertTrue(e.getMessage().startsWith("you can only change requires_grad flags of leaf variables."));
        assertSame(b, b.requiresGrad(true), "requiresGrad(true) on a non-leaf that requires grad is a no-op");
        assertFalse(b.isLeaf());
        assertTrue(b.requiresGrad());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new long[] {1, 2}, 2).requiresGrad(true));
        assertTrue(ints.getMessage().contains("only Tensors of floating point dtype can require gradients"));
    }

    @AllDevices
    void gradAccumulatesUntilCleared(Device device) {
        Tensor a = leaf(device, 1, 2, 3);
        a.mul(a).sum().backward();
        assertArrayEquals(new double[] {2, 4, 6}, a.grad().toDoubleArray());
        a.mul(a).sum().backward();
        assertArrayEquals(new double[] {4, 8, 12}, a.grad().toDoubleArray());
        a.setGrad(null);
        a.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3, 3}, a.grad().toDoubleArray());
        Tensor nonLeaf = a.mul(2.0);
        nonLeaf.sum().backward();
        assertNull(nonLeaf.grad());
    }

    @AllDevices
    void secondBackwardNeedsRetainGraph(Device device) {
        Tensor a = leaf(device, 1, 2);
        Tensor loss = a.exp().sum();
        loss.backward(null, true);
        loss.backward(null, true);
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, a.grad().toDoubleArray(), 1e-12);
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    }

    @AllDevices
    void aSecondBackwardThroughAGraphThatSavedNothingWorks(Device device) {
        Tensor a = leaf(device, 1, 2);
        Tensor loss = a.mul(2.0).add(1.0).sum(); // MulBackward1, AddBackward1, SumBackward0 save no tensor
        loss.backward();
        loss.backward();
        assertArrayEquals(new double[] {4, 4}, a.grad().toDoubleArray(), 1e-12);
        // a graph that saved tensors is still refused once freed
        Tensor saving = a.mul(a).add(a.mul(2.0)).sum();
        saving.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, saving::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
        // max over a dim saves its indices, as PyTorch's MaxBackward0 does: refused the second time too
        Tensor m = a.unsqueeze(0).max(1, false).values().sum();
        m.backward();
        assertThrows(IllegalStateException.class, m::backward);
    }

    @AllDevices
    void createGraphWithoutRetainGraphFreesTheGraph(Device device) {
        Tensor a = leaf(device, 1, 2);
        Tensor loss = a.exp().sum();
        loss.backward(null, false, true); // PyTorch: retain_graph=False, create_graph=True
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, a.grad().toDoubleArray(), 1e-12);
        assertTrue(a.grad().requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());

        Tensor y = a.exp().sum();
        Autograd.grad(new Tensor[] {y}, new Tensor[] {a}, null, false, true, false);
        assertThrows(IllegalStateException.class, () -> Autograd.grad(y, a));
        // retainGraph = createGraph = true keeps it (PyTorch's default for create_graph=True)
        Tensor z = a.exp().sum();
        Autograd.grad(new Tensor[] {z}, new Tensor[] {a}, null, true, true, false);
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, Autograd.grad(z, a)[0].toDoubleArray(), 1e-12);
    }

    @AllDevices
    void backwardOnNonScalarNeedsGradient(Device device) {
        Tensor a = leaf(device, 1, 2, 3);
        Tensor out = a.mul(a);
        IllegalStateException e = assertThrows(IllegalStateException.class, out::backward);
        assertEquals("grad can be implicitly created only for scalar outputs", e.getMessage());
        out.backward(Tensor.of(new double[] {1, 0.5, 2}, 3).to(device));
        assertArrayEquals(new double[] {2, 2, 12}, a.grad().toDoubleArray(), 1e-12);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> a.mul(2.0).backward(Tensor.ones(Shape.of(2), DType.FLOAT64, device)));
        assertTrue(shape.getMessage().startsWith("Mismatch in shape: grad_output[0] has a shape of torch.Size([2])"),
                shape.getMessage());
    }

    @AllDevices
    void backwardWithoutGradThrows(Device device) {
        Tensor a = Tensor.ones(Shape.of(2), DType.FLOAT32, device);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.sum().backward());
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
    }

    @AllDevices
    void broadcastGradientsAreSummedBack(Device device) {
        Generator gen = new Generator(1);
        Tensor a = Tensor.randn(Shape.of(2, 3), DType.FLOAT64, device, gen).requiresGrad(true);
        Tensor b = Tensor.randn(Shape.of(3), DType.FLOAT64, device, gen).requiresGrad(true);
        Tensor c = Tensor.randn(Shape.of(2, 1), DType.FLOAT64, device, gen).requiresGrad(true);
        a.add(b).mul(c).sum().backward();
        assertEquals(Shape.of(3), b.grad().shape());
        assertEquals(Shape.of(2, 1), c.grad().shape());
        double[] cv = c.toDoubleArray();
        assertArrayEquals(new double[] {cv[0] + cv[1], cv[0] + cv[1], cv[0] + cv[1]}, b.grad().toDoubleArray(), 1e-12);
    }

    @AllDevices
    void gradFnNamesArePyTorchs(Device device) {
        Tensor a = Tensor.ones(Shape.of(2, 2), DType.FLOAT32, device).requiresGrad(true);
        Tensor v = Tensor.ones(Shape.of(2), DType.FLOAT32, device).requiresGrad(true);
        assertEquals("AddBackward0", a.add(a).gradFn().name());
        assertEquals("AddBackward0", a.add(1.0).gradFn().name());
        assertEquals("SubBackward0", a.sub(a).gradFn().name());
        assertEquals("SubBackward0", a.sub(1.0).gradFn().name());
        assertEquals("MulBackward0", a.mul(a).gradFn().name());
        assertEquals("MulBackward0", a.mul(2.0).gradFn().name());
        assertEquals("DivBackward0", a.div(a).gradFn().name());
        assertEquals("DivBackward0", a.div(2.0).gradFn().name());
        assertEquals("MmBackward0", a.mm(a).gradFn().name());
        assertEquals("MmBackward0", a.matmul(a).gradFn().name());
        assertEquals("MvBackward0", a.matmul(v).gradFn().name());
        assertEquals("DotBackward0", v.matmul(v).gradFn().name());
        assertEquals("SumBackward0", a.sum().gradFn().name());
        assertEquals("SumBackward1", a.sum(0).gradFn().name());
        assertEquals("MeanBackward0", a.mean().gradFn().name());
        assertEquals("MeanBackward1", a.mean(1).gradFn().name());
        assertEquals("MaxBackward0", a.max(0, false).values().gradFn().name());
        assertEquals("MaxBackward1", a.max().gradFn().name());
        assertEquals("ExpBackward0", a.exp().gradFn().name());
        assertEquals("LogBackward0", a.log().gradFn().name());
        assertEquals("SqrtBackward0", a.sqrt().gradFn().name());
        assertEquals("PowBackward0", a.pow(2).gradFn().name());
        assertEquals("NegBackward0", a.neg().gradFn().name());
        assertEquals("AbsBackward0", a.abs().gradFn().name());
        assertEquals("ReluBackward0", a.relu().gradFn().name());
        assertEquals("SigmoidBackward0", a.sigmoid().gradFn().name());
        assertEquals("TanhBackward0", a.tanh().gradFn().name());
        assertEquals("ClampBackward1", a.clamp(0, 1).gradFn().name());
        assertEquals("SoftmaxBackward0", a.softmax(1).gradFn().name());
        assertEquals("LogSoftmaxBackward0", a.logSoftmax(1).gradFn().name());
        assertEquals("TBackward0", a.t().gradFn().name());
        assertEquals("TransposeBackward0", a.transpose(0, 1).gradFn().name());
        assertEquals("ViewBackward0", a.view(4).gradFn().name());
        assertEquals("CatBackward0", Tensor.cat(0, a, a).gradFn().name());
        assertEquals("StackBackward0", Tensor.stack(0, a, a).gradFn().name());
        assertEquals("WhereBackward0", Tensor.where(a.gt(0), a, a).gradFn().name());
        Tensor y = Tensor.zeros(Shape.of(2, 2), DType.FLOAT32, device);
        assertEquals("BinaryCrossEntropyWithLogitsBackward0",
                Functional.binaryCrossEntropyWithLogits(a, y).gradFn().name());
        assertEquals("MseLossBackward0", Functional.mseLoss(a, y).gradFn().name());
        assertEquals("NllLossBackward0",
                Functional.crossEntropy(a, Tensor.of(new long[] {0, 1}, 2).to(device)).gradFn().name());
        assertEquals("<AddBackward0>", a.add(a).gradFn().toString());
    }

    @AllDevices
    void gradModeScopesNestAndAreThreadLocal(Device device) throws InterruptedException {
        Tensor a = Tensor.ones(Shape.of(2), DType.FLOAT32, device).requiresGrad(true);
        assertTrue(Autograd.isGradEnabled());
        try (var outer = Autograd.noGrad()) {
            assertFalse(a.mul(2.0).requiresGrad());
            try (var inner = Autograd.enableGrad()) {
                assertTrue(a.mul(2.0).requiresGrad());
                AtomicBoolean otherThread = new AtomicBoolean();
                Thread t = new Thread(() -> {
                    try (var none = Autograd.noGrad()) {
                        otherThread.set(Autograd.isGradEnabled());
                    }
                });
                t.start();
                t.join();
                assertFalse(otherThread.get());
                assertTrue(Autograd.isGradEnabled(), "another thread's noGrad() must not leak here");
            }
            assertFalse(Autograd.isGradEnabled());
            try (var set = Autograd.setGradEnabled(true)) {
                assertTrue(a.mul(2.0).requiresGrad());
            }
        }
        assertTrue(Autograd.isGradEnabled());
    }

    @AllDevices
    void detachLeavesTheGraph(Device device) {
        Tensor a = Tensor.ones(Shape.of(2), DType.FLOAT32, device).requiresGrad(true);
        Tensor b = a.mul(3.0);
        Tensor d = b.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertArrayEquals(b.toFloatArray(), d.toFloatArray());
        assertEquals(b.version(), d.version());
    }

    @AllDevices
    void deepChainDoesNotOverflowTheStack(Device device) {
        Tensor x = Tensor.of(new double[] {1.5}, 1).to(device).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(1.0);
        }
        y.sum().backward();
        assertArrayEquals(new double[] {1}, x.grad().toDoubleArray());
    }

    @AllDevices
    void printsLikePyTorch(Device device) {
        Tensor a = Tensor.of(new float[] {0.0936f, 0.3226f, -1f}, 1, 3).to(device).detach().requiresGrad(true);
        String suffix = device.isCuda() ? ", device='" + device + "'" : "";
        assertEquals("tensor([[ 0.0936,  0.3226, -1.0000]]" + suffix + ", requires_grad=True)", a.toString());
        assertEquals("tensor([[1.0936, 1.3226, 0.0000]]" + suffix + ", grad_fn=<AddBackward0>)",
                a.add(1.0).toString());
        assertEquals("tensor([[1., 2.],\n        [3., 4.]]" + suffix + ", dtype=torch.float64)",
                Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(device).toString());
        assertEquals("tensor(2.5000" + suffix + ")", Tensor.scalar(2.5).to(device).toString());
        assertEquals("tensor([ True, False]" + suffix + ")", Tensor.of(new boolean[] {true, false}, 2).to(device)
                .toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00]" + suffix + ")",
                Tensor.of(new float[] {1e-5f, 1f}, 2).to(device).toString());
    }
}
