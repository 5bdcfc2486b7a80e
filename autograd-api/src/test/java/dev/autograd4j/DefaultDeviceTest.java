package dev.autograd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Device} as a plain value and {@link DefaultDevice}'s choices. This module has no backend on its
 * class path, so every device is unusable here and {@code best} is the CPU.
 */
class DefaultDeviceTest {
    @AfterEach
    void reset() {
        DefaultDevice.set(null);
        System.clearProperty(DefaultDevice.PROPERTY);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void deviceIsAPlainValue() {
        assertEquals(Device.CPU, Device.parse(" CPU "));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(3), Device.parse("cuda:3"));
        assertEquals("cuda:3", Device.cuda(3).toString());
        assertEquals(Device.cuda(3).hashCode(), Device.parse("cuda:3").hashCode());
        assertNotEquals(Device.cuda(0), Device.cuda(1));
        assertEquals(-1, Device.cpu().index());
        assertEquals("Expected one of cpu, cuda, best device type at start of device string: cuda:x",
                message(() -> Device.parse("cuda:x")));
        assertEquals("\"best\" depends on the backends present: use DefaultDevice.parse or DefaultDevice.best()",
                message(() -> Device.parse("best")));
        assertEquals("Device index must not be negative, got -1", message(() -> Device.cuda(-1)));
    }

    @Test
    void defaultIsThreadChoiceThenPropertyThenCpu() throws Exception {
        assertEquals(Device.CPU, DefaultDevice.get());
        System.setProperty(DefaultDevice.PROPERTY, "best");
        assertEquals(Device.CPU, DefaultDevice.get());
        DefaultDevice.set(Device.cuda(1));
        assertEquals(Device.cuda(1), DefaultDevice.get());
        // another thread has its own choice and sees the property
        assertEquals(Device.CPU, CompletableFuture.supplyAsync(DefaultDevice::get).get());
        DefaultDevice.set(null);
        System.setProperty(DefaultDevice.PROPERTY, " ");
        assertEquals(Device.CPU, DefaultDevice.get());
    }

    @Test
    void aDeviceThatCannotBeUsedSaysWhy() {
        System.setProperty(DefaultDevice.PROPERTY, "cuda:0");
        assertEquals("cuda:0 cannot be used: No backend for device cuda:0 on the class path "
                + "(add dev.autograd4j:backend-cuda)", message(DefaultDevice::get));
        assertEquals("cpu cannot be used: No backend for device cpu on the class path "
                + "(add dev.autograd4j:backend-cpu)", message(() -> DefaultDevice.parse("cpu")));
        assertEquals("Expected one of cpu, cuda, best device type at start of device string: tpu",
                message(() -> DefaultDevice.parse("tpu")));
        assertEquals(Device.CPU, DefaultDevice.best());
        assertEquals(Device.CPU, DefaultDevice.parse("Best"));
        assertEquals(Device.CPU, DefaultDevice.parse("auto"));
    }
}
