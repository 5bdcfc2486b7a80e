package dev.autograd4j.debug;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Decorators;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Shadow mode compares every device kernel with the CPU and names the first op that differs. */
class ShadowModeTest {
    private static final Backend CPU = Backends.forDevice(Device.CPU);

    /** The CPU backend with a broken exp kernel: it writes 42 into the first output element. */
    private static Backend brokenExp() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(CPU, args);
                    if (method.getName().equals("unary") && args[0] == UnaryOp.EXP) {
                        Layout out = (Layout) args[4];
                        CPU.fill((Storage) args[3], new Layout(new int[] {1}, new int[] {1}, out.offset()), 42.0);
                    }
                    return result;
                });
    }

    private static Storage storage(double... values) {
        return CPU.fromHost(Device.CPU, DType.FLOAT64, values);
    }

    @Test
    void aWrongKernelFailsAtOnceWithShapesAndDifference() {
        Layout l = Layout.contiguous(new int[] {3});
        try (ShadowMode mode = ShadowMode.open()) {
            Backend shadowed = mode.shadowing(brokenExp());
            Storage x = storage(0, 1, 2), y = storage(1, 1, 1), out = CPU.allocate(Device.CPU, DType.FLOAT64, 3);
            shadowed.binary(BinaryOp.ADD, x, l, y, l, out, l); // agrees: nothing to report
            ShadowMode.ShadowMismatchException e = assertThrows(ShadowMode.ShadowMismatchException.class,
                    () -> shadowed.unary(UnaryOp.EXP, x, l, out, l, 0, 0));
            assertTrue(e.getMessage().endsWith("device result differs from the CPU's in kernel uexp "
                    + "(inputs [3], torch.float64): max difference 41.0 at element 0 (device 42.0, cpu 1.0)"),
                    e.getMessage());
        }
    }

    @Test
    void installedOverABackendItNamesTheTensorOpThatRanTheKernel() {
        try (ShadowMode mode = ShadowMode.open();
             var installed = Decorators.install(Device.Type.CPU, mode.shadowing(brokenExp()))) {
            Tensor x = Tensor.of(new double[] {0, 1}, 2);
            assertEquals(4.0, x.add(x).add(1.0).sum().item(), 0); // correct kernels pass
            ShadowMode.ShadowMismatchException e = assertThrows(ShadowMode.ShadowMismatchException.class, x::exp);
            assertTrue(e.getMessage().startsWith("TensorPointwise.exp: device result differs from the CPU's in "
                    + "kernel uexp"), e.getMessage());
        }
        assertSame(CPU, Decorators.resolve(CPU), "closing the installation restores the backend");
    }

    @Test
    void otherThreadsPassThroughAndCannotOpenASecondMode() throws Exception {
        try (ShadowMode mode = ShadowMode.open();
             var installed = Decorators.install(Device.Type.CPU, mode.shadowing(brokenExp()))) {
            double e0 = CompletableFuture.supplyAsync(() -> Tensor.of(new double[] {0}, 1).exp().item()).get();
            assertEquals(42.0, e0, 0, "another thread's kernels run unshadowed on the (broken) primary");
            Throwable second = CompletableFuture.runAsync(ShadowMode::open).handle((v, t) -> t).get();
            assertTrue(second.getCause() instanceof IllegalStateException, String.valueOf(second));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.autograd4j.conformance.Devices#all")
    void correctKernelsPassUnderShadowMode(Device device) {
        try (ShadowMode mode = ShadowMode.open()) {
            Generator g = new Generator(5);
            Tensor a = Tensor.randn(Shape.of(4, 3), DType.FLOAT32, device, g).requiresGrad(true);
            Tensor b = Tensor.randn(Shape.of(3, 2), DType.FLOAT32, device, g).requiresGrad(true);
            Tensor loss = a.matmul(b).tanh().softmax(1).sum();
            loss.backward();
            assertArrayEquals(new int[] {4, 3}, a.grad().shape().toArray());
        }
    }
}
