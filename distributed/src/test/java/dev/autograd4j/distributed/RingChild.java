package dev.autograd4j.distributed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The second process of {@link TwoProcessTest}: listens, prints its address, reads every rank's address from
 * stdin, joins the ring as rank 1, trains the test's MLP and prints the bits of its parameters.
 */
public final class RingChild {
    private RingChild() {
    }

    public static void main(String[] args) throws Exception {
        TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
        System.out.println("ADDRESS " + ep.address());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> addresses = Arrays.asList(in.readLine().trim().split(" "));
        try (TcpRingCollective ring = ep.join(1, addresses, Duration.ofSeconds(30))) {
            List<float[]> params = DistributedDataParallelTest.trainRank(ring);
            System.out.println("PARAMS " + TwoProcessTest.fingerprint(params));
        }
    }
}
