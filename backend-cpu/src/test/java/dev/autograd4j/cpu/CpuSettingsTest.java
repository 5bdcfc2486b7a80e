package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CPU settings: defaults from the system properties, validated setters, a thread change taking effect. */
class CpuSettingsTest {
    private static CpuSettings from(Map<String, String> properties) {
        return new CpuSettings(properties::get);
    }

    @Test
    void defaultsComeFromTheProperties() {
        CpuSettings none = from(Map.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), none.threads());
        assertTrue(none.vectorKernels());
        CpuSettings set = from(Map.of(CpuSettings.THREADS_PROPERTY, "3", CpuSettings.VECTOR_PROPERTY, "FALSE"));
        assertEquals(3, set.threads());
        assertFalse(set.vectorKernels());
        // as before: below one means one; anything but a number means the default
        assertEquals(1, from(Map.of(CpuSettings.THREADS_PROPERTY, "0")).threads());
        assertEquals(Runtime.getRuntime().availableProcessors(),
                from(Map.of(CpuSettings.THREADS_PROPERTY, "many")).threads());
        assertTrue(from(Map.of(CpuSettings.VECTOR_PROPERTY, "true")).vectorKernels());
        assertSame(CpuSettings.GLOBAL, CpuBackend.settings());
        // the pool: an eighth of the heap up to 1 GiB; MiB from the property; garbage means the default
        long pool = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8);
        assertEquals(pool, none.poolCapacityBytes());
        assertEquals(64L << 20, from(Map.of(CpuSettings.POOL_PROPERTY, " 64 ")).poolCapacityBytes());
        assertEquals(0, from(Map.of(CpuSettings.POOL_PROPERTY, "-3")).poolCapacityBytes());
        assertEquals(pool, from(Map.of(CpuSettings.POOL_PROPERTY, "lots")).poolCapacityBytes());
    }

    @Test
    void settersValidate() {
        CpuSettings s = from(Map.of());
        assertEquals(5, s.setThreads(5).threads());
        for (int bad : new int[] {0, -2, CpuSettings.MAX_THREADS + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setThreads(bad));
            assertEquals("CPU threads must be between 1 and 32767, got " + bad, e.getMessage());
        }
        assertEquals(5, s.threads());
        assertFalse(s.setVectorKernels(false).vectorKernels());
        assertTrue(s.setVectorKernels(true).chooseVectorKernels());
        s.setVectorKernels(true); // the value in use is still accepted
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.setVectorKernels(false));
        assertTrue(e.getMessage().startsWith("The CPU kernels were chosen at the first operation, with vector "
                + "kernels on; set -Dautograd4j.cpu.vector=false"), e.getMessage());
        assertTrue(s.vectorKernels());
    }

    /** How many chunks Parallel splits a large range into. */
    private static int chunks() {
        AtomicInteger calls = new AtomicInteger();
        Parallel.forRange(1000, 1000, (from, to) -> calls.incrementAndGet());
        return calls.get();
    }

    private static float[] product(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n);
        return c;
    }

    @Test
    void aThreadCountChangeTakesEffectForTheNextOperation() {
        CpuSettings settings = CpuBackend.settings();
        int before = settings.threads();
        Random rnd = new Random(1);
        int m = 130, n = 150, k = 170;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextFloat() - 0.5f;
        }
        try {
            settings.setThreads(3);
            assertEquals(3, chunks());
            assertTrue(new CpuBackend().describe().endsWith(", 3 threads"), new CpuBackend().describe());
            float[] three = product(a, b, m, n, k);
            settings.setThreads(1);
            assertEquals(1, chunks());
            float[] one = product(a, b, m, n, k);
            settings.setThreads(2);
            assertEquals(2, chunks());
            assertArrayEquals(one, three, 1e-4f);
            assertArrayEquals(one, product(a, b, m, n, k), 1e-4f);
        } finally {
            settings.setThreads(before);
        }
        assertEquals(Math.min(before, 1000), chunks());
    }
}
