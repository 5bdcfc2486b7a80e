package dev.autograd4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Tensor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InProcessCollectiveTest extends CollectiveContract {

    @Override
    List<? extends Collective> group(int n, Duration timeout) {
        return InProcessCollective.create(n, timeout);
    }

    @Test
    void runThrowsTheFailingRanksCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        CollectiveException e = assertThrows(CollectiveException.class, () -> InProcessCollective.run(3, c -> {
            if (c.rank() == 1) {
                throw boom;
            }
            c.barrier();
            return c.rank();
        }));
        assertSame(boom, e.getCause());
        assertTrue(e.getMessage().startsWith("rank 1 failed"), e.getMessage());
        assertEquals(2, e.getSuppressed().length, "the other ranks failed too");
    }

    @Test
    void runReturnsEveryRanksResult() {
        assertEquals(List.of(0, 1, 2), InProcessCollective.run(3, c -> {
            Tensor t = Tensor.ones(4);
            c.allReduce(List.of(t), ReduceOp.SUM);
            assertEquals(3.0, t.toDoubleArray()[3]);
            return c.rank();
        }));
    }

    @Test
    void aRankThatNeverArrivesTimesOutNamingIt() {
        List<Collective> ranks = InProcessCollective.create(3, Duration.ofMillis(300));
        List<Ranks.Outcome<Object>> out = Ranks.each(2, r -> {
            ranks.get(r).barrier();
            return null;
        });
        for (Ranks.Outcome<Object> o : out) {
            assertTrue(o.error instanceof CollectiveException, String.valueOf(o.error));
            assertTrue(o.error.getMessage().contains("rank(s) [2] did not reach barrier"), o.error.getMessage());
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> InProcessCollective.create(0));
        Collective c = InProcessCollective.create(2).get(0);
        assertThrows(IllegalArgumentException.class, () -> c.broadcast(List.of(Tensor.ones(1)), 2));
        assertThrows(IllegalArgumentException.class,
                () -> c.allReduce(List.of(Tensor.ones(1).gt(0)), ReduceOp.SUM));
    }
}
