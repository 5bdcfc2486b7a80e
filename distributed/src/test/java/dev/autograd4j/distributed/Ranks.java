package dev.autograd4j.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Test helpers: a TCP ring of threads on 127.0.0.1, and running one body per rank without aborting. */
final class Ranks {
    private Ranks() {
    }

    /** What one rank's body returned or threw, and when it ended. */
    static final class Outcome<R> {
        R value;
        Throwable error;
        /** System.nanoTime() when the body ended. */
        long end;
    }

    static List<TcpRingCollective> tcp(int n, Duration timeout) {
        List<TcpRingCollective.Endpoint> endpoints = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            TcpRingCollective.Endpoint ep = TcpRingCollective.listen("127.0.0.1", 0);
            endpoints.add(ep);
            addresses.add(ep.address());
        }
        List<Outcome<TcpRingCollective>> joined = each(n, r -> endpoints.get(r).join(r, addresses, timeout));
        List<TcpRingCollective> out = new ArrayList<>();
        for (Outcome<TcpRingCollective> o : joined) {
            if (o.error != null) {
                throw new AssertionError("join failed", o.error);
            }
            out.add(o.value);
        }
        return out;
    }

    /** Runs body(rank) in one thread per rank and waits for all, recording each outcome. */
    static <R> List<Outcome<R>> each(int n, Function<Integer, R> body) {
        List<Outcome<R>> outcomes = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            Outcome<R> o = new Outcome<>();
            outcomes.add(o);
            int rank = r;
            Thread t = new Thread(() -> {
                try {
                    o.value = body.apply(rank);
                } catch (Throwable e) {
                    o.error = e;
                }
                o.end = System.nanoTime();
            }, "test-rank-" + r);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join(120_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " hangs");
            }
        }
        return outcomes;
    }

    static <R> List<R> values(List<Outcome<R>> outcomes) {
        List<R> out = new ArrayList<>();
        for (int r = 0; r < outcomes.size(); r++) {
            if (outcomes.get(r).error != null) {
                throw new AssertionError("rank " + r + " failed", outcomes.get(r).error);
            }
            out.add(outcomes.get(r).value);
        }
        return out;
    }
}
