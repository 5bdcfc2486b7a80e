package dev.autograd4j.distributed;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TcpRingCollectiveTest extends CollectiveContract {

    @Override
    List<? extends Collective> group(int n, Duration timeout) {
        return Ranks.tcp(n, timeout);
    }

    @Test
    void killingOneSocketMidStepFailsEveryRankWithinTheTimeout() {
        int n = 4;
        Duration timeout = Duration.ofSeconds(3);
        List<TcpRingCollective> ranks = Ranks.tcp(n, timeout);
        CountDownLatch started = new CountDownLatch(n);
        long[] killedAt = new long[1];
        Thread killer = new Thread(() -> {
            try {
                started.await();
                Thread.sleep(50);
                killedAt[0] = System.nanoTime();
                ranks.get(1).killConnectionForTest();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        List<Ranks.Outcome<Object>> out = Ranks.each(n, r -> {
            try (TcpRingCollective c = ranks.get(r)) {
                Tensor big = Tensor.ones(2_000_000);
                started.countDown();
                for (int step = 0; step < 10_000; step++) {
                    c.allReduce(List.of(big), ReduceOp.AVG);
                }
                return null;
            }
        });
        for (int r = 0; r < n; r++) {
            Throwable e = out.get(r).error;
            assertNotNull(e, "rank " + r + " did not fail");
            assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
            assertTrue(e.getMessage().matches("(?s).*rank \\d.*"), e.getMessage());
            // every rank fails within the timeout of the kill, never hangs
            double seconds = (out.get(r).end - killedAt[0]) / 1e9;
            assertTrue(seconds < timeout.toSeconds(), "rank " + r + " failed " + seconds + " s after the kill");
        }
    }

    @Test
    void aVanishedPeerIsNamedAfterTheTimeout() {
        List<TcpRingCollective> ranks = Ranks.tcp(3, Duration.ofMillis(500));
        // rank 2 never calls: ranks 0 and 1 wait for it
        List<Ranks.Outcome<Object>> out = Ranks.each(2, r -> {
            ranks.get(r).barrier();
            return null;
        });
        ranks.get(2).close();
        for (int r = 0; r < 2; r++) {
            Throwable e = out.get(r).error;
            assertTrue(e instanceof CollectiveException, String.valueOf(e));
            assertTrue(e.getMessage().contains("rank"), e.getMessage());
        }
        assertTrue(out.get(0).error.getMessage().contains("rank 2"), out.get(0).error.getMessage());
    }

    @Test
    void worldSizeOneOpensNoConnection() {
        TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
        try (TcpRingCollective c = ep.join(0, List.of(ep.address()), Duration.ofSeconds(1))) {
            Tensor t = Tensor.ones(3);
            c.allReduce(List.of(t), ReduceOp.SUM);
            c.barrier();
        }
    }

    @Test
    void aPeerThatNeverConnectsIsNamed() {
        TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
        TcpRingCollective.Endpoint other = TcpRingCollective.listen("127.0.0.1", 0);
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> ep.join(0, List.of(ep.address(), other.address()), Duration.ofMillis(400)));
        other.close();
        assertTrue(e.getMessage().contains("rank 1"), e.getMessage());
    }
}
