package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.spi.Backends;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The CUDA settings (no GPU needed): defaults from the system properties, validated setters. */
class CudaSettingsTest {
    private static CudaSettings from(Map<String, String> properties) {
        return new CudaSettings(properties::get);
    }

    @Test
    void defaultsComeFromTheProperties() {
        CudaSettings none = from(Map.of());
        assertTrue(none.cublas());
        assertFalse(none.tf32());
        assertEquals(1024, none.collectEveryMiB());
        assertEquals(1024L << 20, none.collectEveryBytes());
        CudaSettings set = from(Map.of(CudaSettings.CUBLAS_PROPERTY, "False", CudaSettings.TF32_PROPERTY, "TRUE",
                CudaSettings.COLLECT_EVERY_MIB_PROPERTY, "16"));
        assertFalse(set.cublas());
        assertTrue(set.tf32());
        assertEquals(16, set.collectEveryMiB());
        // as before: only "false" turns cuBLAS off, only "true" turns TF32 on, a negative threshold means never
        CudaSettings other = from(Map.of(CudaSettings.CUBLAS_PROPERTY, "no", CudaSettings.TF32_PROPERTY, "yes",
                CudaSettings.COLLECT_EVERY_MIB_PROPERTY, "-5"));
        assertTrue(other.cublas());
        assertFalse(other.tf32());
        assertEquals(0, other.collectEveryMiB());
        assertEquals(1024, from(Map.of(CudaSettings.COLLECT_EVERY_MIB_PROPERTY, "lots")).collectEveryMiB());
        assertSame(CudaSettings.GLOBAL, CudaBackend.settings());
    }

    @Test
    void settersValidate() {
        CudaSettings s = from(Map.of());
        assertFalse(s.setCublas(false).cublas());
        assertTrue(s.setTf32(true).tf32());
        assertEquals(0, s.setCollectEveryMiB(0).collectEveryBytes());
        assertEquals(CudaSettings.MAX_COLLECT_EVERY_MIB,
                s.setCollectEveryMiB(CudaSettings.MAX_COLLECT_EVERY_MIB).collectEveryMiB());
        assertTrue(s.collectEveryBytes() > 0);
        for (long bad : new long[] {-1, CudaSettings.MAX_COLLECT_EVERY_MIB + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setCollectEveryMiB(bad));
            assertEquals("collectEveryMiB must be between 0 and " + CudaSettings.MAX_COLLECT_EVERY_MIB + ", got " + bad,
                    e.getMessage());
        }
        assertEquals("CudaSettings[cublas=false, tf32=true, collectEveryMiB=" + CudaSettings.MAX_COLLECT_EVERY_MIB
                + "]", s.toString());
    }

    @Test
    void cudaRequiredReadsTheEnvironmentOrTheProperty() {
        Assumptions.assumeFalse("1".equals(System.getenv(Backends.REQUIRE_CUDA_ENV)), "AUTOGRAD_REQUIRE_CUDA=1");
        String before = System.getProperty(Backends.REQUIRE_CUDA_PROPERTY);
        try {
            System.clearProperty(Backends.REQUIRE_CUDA_PROPERTY);
            assertFalse(Backends.cudaRequired());
            System.setProperty(Backends.REQUIRE_CUDA_PROPERTY, "true");
            assertTrue(Backends.cudaRequired());
        } finally {
            if (before == null) {
                System.clearProperty(Backends.REQUIRE_CUDA_PROPERTY);
            } else {
                System.setProperty(Backends.REQUIRE_CUDA_PROPERTY, before);
            }
        }
    }
}
