package dev.autograd4j.oracle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void engineLoads() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            System.out.println(Engine.getInstance().getEngineName() + " " + a.sum());
        }
    }
}
