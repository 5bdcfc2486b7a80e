package consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Autograd;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Tensor;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The README's tutorial, run by a project that depends on autograd4j-bom and backend-cpu only. */
class TutorialTest {

    @Test
    void readmeTutorial() {
        Tensor.manualSeed(0);
        var x = Tensor.ones(5);
        var y = Tensor.zeros(3);
        var w = Tensor.randn(5, 3).requiresGrad(true);
        var b = Tensor.randn(3).requiresGrad(true);
        var z = x.matmul(w).add(b);
        var loss = Functional.binaryCrossEntropyWithLogits(z, y);

        System.out.println("device: " + x.device());
        System.out.println("z.gradFn(): " + z.gradFn().name());
        System.out.println("loss.gradFn(): " + loss.gradFn().name());
        assertEquals(Device.CPU, x.device());
        assertEquals("AddBackward0", z.gradFn().name());
        assertEquals("BinaryCrossEntropyWithLogitsBackward0", loss.gradFn().name());

        loss.backward();
        System.out.println("w.grad(): " + w.grad());
        System.out.println("b.grad(): " + b.grad());
        assertArrayEquals(new int[] {5, 3}, w.grad().shape().toArray());
        assertArrayEquals(new int[] {3}, b.grad().shape().toArray());
        // the numbers the README's tutorial shows after Tensor.manualSeed(0)
        assertTrue(w.grad().toString().startsWith("tensor([[0.1118, 0.3320, 0.1154],"), w.grad().toString());

        try (var g = Autograd.noGrad()) {
            z = x.matmul(w).add(b);
        }
        assertFalse(z.requiresGrad());
        assertFalse(x.matmul(w).add(b).detach().requiresGrad());
    }

    @Test
    void jarsComeFromTheRepositoryWithTheirModuleNames() throws Exception {
        assertEquals("dev.autograd4j.api", automaticModuleName(Tensor.class));
        assertEquals("dev.autograd4j.cpu", automaticModuleName(Class.forName("dev.autograd4j.cpu.CpuBackend")));
    }

    private static String automaticModuleName(Class<?> c) throws Exception {
        Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        System.out.println(c.getSimpleName() + " from " + jar);
        assertTrue(jar.toString().endsWith(".jar"), jar + " is not a jar");
        try (var f = new JarFile(jar.toFile())) {
            return f.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        }
    }
}
