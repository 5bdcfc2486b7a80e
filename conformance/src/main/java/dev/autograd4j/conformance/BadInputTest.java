package dev.autograd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets an exception that names the problem, as PyTorch's messages do; never a wrong number. */
@DisplayNameGeneration(ConformanceNames.class)
class BadInputTest {
    private static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    private static Tensor t(Device device, int... shape) {
        return Tensor.ones(Shape.of(shape), DType.FLOAT32, device);
    }

    /** A null argument names the parameter, never a JDK message about an internal variable. */
    @AllDevices
    void nullArgumentsNameTheParameter(Device device) {
        Tensor a = t(device, 2, 2);
        Tensor target = Tensor.of(new long[] {0, 1}, 2).to(device);
        java.util.Map<String, Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("other", () -> a.add(null));
        calls.put("other ", () -> a.sub((Tensor) null));
        calls.put("other  ", () -> a.mul((Tensor) null));
        calls.put("other   ", () -> a.div((Tensor) null));
        calls.put("other    ", () -> a.matmul(null));
        calls.put("other     ", () -> a.mm(null));
        calls.put("other      ", () -> a.add_((Tensor) null));
        calls.put("src", () -> a.copy_(null));
        calls.put("condition", () -> a.where(null, a));
        calls.put("dims", () -> a.sum((int[]) null, false));
        calls.put("dims ", () -> a.mean((int[]) null, false));
        calls.put("dims  ", () -> a.permute((int[]) null));
        calls.put("shape", () -> a.reshape((int[]) null));
        calls.put("a", () -> Tensor.where(a.gt(0), null, a));
        calls.put("tensors", () -> Tensor.cat(0, (Tensor[]) null));
        calls.put("t", () -> Tensor.zerosLike(null));
        calls.put("data", () -> Tensor.of((float[]) null, 2));
        calls.put("dtype", () -> Tensor.zeros(Shape.of(2), null, device));
        calls.put("device", () -> Tensor.zeros(Shape.of(2), DType.FLOAT32, null));
        calls.put("input", () -> Functional.crossEntropy(null, target));
        calls.put("target", () -> Functional.nllLoss(a, null));
        calls.put("target ", () -> Functional.mseLoss(a, null));
        calls.put("reduction", () -> Functional.mseLoss(a, a, null));
        calls.put("x", () -> Functional.relu(null));
        calls.put("spec", () -> Device.parse(null));
        for (var e : calls.entrySet()) {
            assertEquals(e.getKey().strip() + " must not be null",
                    message(NullPointerException.class, e.getValue()), e.getKey());
        }
    }

    @org.junit.jupiter.api.Test
    void aNegativeDeviceIndexIsNamed() {
        assertEquals("Device index must not be negative, got -1",
                message(IllegalArgumentException.class, () -> Device.parse("cuda:-1")));
        assertEquals("Device index must not be negative, got -1",
                message(IllegalArgumentException.class, () -> Device.cuda(-1)));
        assertEquals(Device.cuda(3), Device.parse("cuda:3"));
        assertTrue(message(IllegalArgumentException.class, () -> Device.parse("cuda:x"))
                .startsWith("Expected one of cpu, cuda"));
    }

    @AllDevices
    void matrixShapesThatDoNotFit(Device device) {
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x5 and 4x3)",
                message(IllegalArgumentException.class, () -> t(device, 1, 5).mm(t(device, 4, 3))));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x5 and 4x3)",
                message(IllegalArgumentException.class, () -> t(device, 5).matmul(t(device, 4, 3))));
        assertEquals("size mismatch, got input (3), mat (3x4), vec (5)",
                message(IllegalArgumentException.class, () -> t(device, 3, 4).matmul(t(device, 5))));
        assertTrue(message(IllegalArgumentException.class, () -> t(device, 5).matmul(t(device, 4)))
                .startsWith("inconsistent tensor size, expected tensor [5] and src [4]"));
        assertTrue(message(IllegalArgumentException.class, () -> t(device, 2, 3, 5).matmul(t(device, 2, 4, 3)))
                .contains("[batch, 5] but got: [batch, 4]"));
        assertTrue(message(IllegalArgumentException.class, () -> t(device).matmul(t(device, 3)))
                .contains("both arguments to matmul need to be at least 1D"));
    }

    @AllDevices
    void shapesThatDoNotBroadcast(Device device) {
        assertEquals("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                message(IllegalArgumentException.class, () -> t(device, 2, 3).add(t(device, 4))));
        assertTrue(message(IllegalArgumentException.class, () -> t(device, 2, 3).expand(2, 4))
                .startsWith("The expanded size of the tensor (4) must match the existing size (3) at non-singleton "
                        + "dimension 1."));
        assertEquals("shape '[4, 2]' is invalid for input of size 6",
                message(IllegalArgumentException.class, () -> t(device, 2, 3).reshape(4, 2)));
        assertTrue(message(IllegalStateException.class, () -> t(device, 2, 3).t().view(6))
                .startsWith("view size is not compatible with input tensor's size and stride"));
        assertEquals("Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor "
                + "number 1 in the list.", message(IllegalArgumentException.class,
                        () -> Tensor.cat(0, t(device, 2, 3), t(device, 2, 4))));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.stack(0, t(device, 3), t(device, 4)))
                .startsWith("stack expects each tensor to be equal size, but got [3] at entry 0 and [4] at entry 1"));
    }

    @AllDevices
    void mixedDtypesNameBoth(Device device) {
        Tensor f = t(device, 2);
        Tensor d = Tensor.ones(Shape.of(2), DType.FLOAT64, device);
        assertEquals(DType.FLOAT64, f.add(d).dtype()); // elementwise ops promote; matmul does not
        String m = message(IllegalArgumentException.class, () -> t(device, 2, 2).mm(Tensor.ones(Shape.of(2, 2),
                DType.FLOAT64, device)));
        assertTrue(m.contains("torch.float32") && m.contains("torch.float64"), m);
        assertEquals("where expected condition to be a boolean tensor, but got a tensor with dtype Float",
                message(IllegalArgumentException.class, () -> Tensor.where(f, f, f)));
        assertEquals("\"gelu\" not implemented for 'Long'",
                message(IllegalArgumentException.class, () -> Tensor.of(new long[] {1}, 1).gelu()));
    }

    @AllDevices
    void lossTargetsMustFit(Device device) {
        assertEquals("Target size (torch.Size([4])) must be the same as input size (torch.Size([3]))",
                message(IllegalArgumentException.class,
                        () -> Functional.binaryCrossEntropyWithLogits(t(device, 3), t(device, 4))));
        assertEquals("Target size (torch.Size([2, 1])) must be the same as input size (torch.Size([2]))",
                message(IllegalArgumentException.class, () -> Functional.mseLoss(t(device, 2), t(device, 2, 1))));
        Tensor logits = t(device, 2, 3);
        // the check runs on the device: a GPU reports it at the next synchronization (here item()), as PyTorch's
        // device-side assert does; the CPU at once
        assertTrue(message(IndexOutOfBoundsException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {0, 3}, 2).to(device)).item())
                .startsWith("Target 3 is out of bounds"));
        assertTrue(message(IndexOutOfBoundsException.class,
                () -> Functional.nllLoss(logits, Tensor.of(new long[] {-1, 0}, 2).to(device)).item())
                .startsWith("Target -1 is out of bounds (expected class indices in [0, 2])."));
        Tensor valid = Tensor.of(new long[] {0, 1}, 2).to(device);
        assertEquals(Math.log(3), Functional.crossEntropy(logits, valid).item(), 1e-6,
                "the device is usable again after the error");
        assertTrue(message(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {0, 1, 2}, 3).to(device)))
                .startsWith("Expected input batch_size (2) to match target batch_size (3)"));
        assertTrue(message(IllegalArgumentException.class,
                () -> Functional.nllLoss(logits, Tensor.of(new float[] {0, 1}, 2).to(device)))
                .startsWith("expected scalar type Long but found Float"));
        assertTrue(message(IllegalArgumentException.class,
                () -> Functional.binaryCrossEntropy(t(device, 2).mul(2.0), t(device, 2)))
                .startsWith("all elements of input should be between 0 and 1"));
    }

    @AllDevices
    void indicesAndDimsOutOfRangeNameTheRange(Device device) {
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
                message(IndexOutOfBoundsException.class, () -> t(device, 2, 3).sum(2)));
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got -3)",
                message(IndexOutOfBoundsException.class, () -> t(device, 2, 3).softmax(-3)));
        assertEquals("select(): index 5 out of range for tensor of size [2, 3] at dimension 1",
                message(IndexOutOfBoundsException.class, () -> t(device, 2, 3).select(1, 5)));
        assertTrue(message(IndexOutOfBoundsException.class, () -> t(device, 2, 3).narrow(1, 2, 2))
                .startsWith("start (2) + length (2) exceeds dimension size (3)"));
        assertEquals("a Tensor with 6 elements cannot be converted to Scalar",
                message(IllegalStateException.class, () -> t(device, 2, 3).item()));
    }

    @Test
    void negativeDimensionsAreRefusedAtCreation() {
        assertEquals("Trying to create tensor with negative dimension -1: [2, -1]",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, -1)));
        assertEquals("shape '[2, 2]' is invalid for input of size 3",
                message(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2)));
        assertEquals(0, Tensor.zeros(0, 3).numel());
        assertEquals("Expected one of cpu, cuda, best device type at start of device string: tpu",
                message(IllegalArgumentException.class, () -> Device.parse("tpu")));
    }

    @AllDevices
    void nanAndInfinityPropagate(Device device) {
        Tensor x = Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 0}, 4).to(device);
        double[] logs = x.log().toDoubleArray();
        assertTrue(Double.isNaN(logs[0]));
        assertEquals(Double.POSITIVE_INFINITY, logs[1]);
        assertTrue(Double.isNaN(logs[2]));
        assertEquals(Double.NEGATIVE_INFINITY, logs[3]);
        assertTrue(Double.isNaN(x.relu().toDoubleArray()[0]));
        assertTrue(Double.isNaN(x.max().item()));
        assertTrue(Double.isNaN(x.sum().item()));
        assertEquals(Double.POSITIVE_INFINITY, Tensor.of(new double[] {1}, 1).to(device).div(0.0).item());
    }
}
