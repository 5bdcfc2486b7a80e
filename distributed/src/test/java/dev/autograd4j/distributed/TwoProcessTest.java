package dev.autograd4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two JVM processes joined by the TCP ring train the MLP: both end with the same bits, matching one process. */
class TwoProcessTest {

    static String fingerprint(List<float[]> params) {
        long h = 1;
        for (float[] p : params) {
            for (float v : p) {
                h = 31 * h + Float.floatToRawIntBits(v);
            }
        }
        return Long.toHexString(h);
    }

    @Test
    void twoProcessesTrainTheSameModelAsOne() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), RingChild.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("ADDRESS "), "child said " + line);
            TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
            String addresses = ep.address() + " " + line.substring("ADDRESS ".length());
            Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            in.write(addresses + "\n");
            in.flush();
            List<float[]> mine;
            try (TcpRingCollective ring = ep.join(0, List.of(addresses.split(" ")), Duration.ofSeconds(30))) {
                mine = DistributedDataParallelTest.trainRank(ring);
            }
            String theirs = out.readLine();
            assertEquals("PARAMS " + fingerprint(mine), theirs, "the two processes end with the same bits");
            DistributedDataParallelTest.assertMatchesReference(List.of(mine));
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
    }
}
