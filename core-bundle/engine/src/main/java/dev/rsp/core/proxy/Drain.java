package dev.rsp.core.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The second half of a graceful stop, once the listeners are closed: every client connection is told to drain (an
 * idle keep-alive connection closes at once, a busy one after its current response), then the caller waits until
 * none is left or the timeout passes, and closes whatever is still open. Also the end of every stop, drained or not
 * ({@link #endLoops}). Runs on the stopping thread, never a loop.
 */
final class Drain {

    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Drain() {
    }

    /** {@link #run} between the log lines an operator reads: what is waited for, and how many had to be cut. */
    static int runLogged(List<LoopContext> loops, ProxyCounters counters, long timeoutNanos) {
        ProxyEngine.log.info("rsp proxy draining: not accepting; waiting up to {} ms (timeout.stop.ms) for {} connections",
                TimeUnit.NANOSECONDS.toMillis(timeoutNanos), counters.activeClients());
        int cut = run(loops, counters, timeoutNanos);
        if (cut > 0) {
            ProxyEngine.log.warn("rsp proxy drained: {} connections still busy after {} ms were cut", cut,
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        } else {
            ProxyEngine.log.info("rsp proxy drained: every exchange in flight finished");
        }
        return cut;
    }

    /**
     * The end of a stop, drained or not: each loop closes its client connections, pooled connections and h2 backend
     * connections, then ends (waiting up to 2 s per loop); {@code loops} is left empty.
     */
    static void endLoops(List<LoopContext> loops) {
        for (LoopContext ctx : loops) {
            ctx.loop.execute(() -> {
                ctx.clients.snapshot().forEach(ClientConnection::close);
                ctx.pool.closeAll();
                ctx.closeH2();
            });
            try {
                ctx.loop.stop(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loops.clear();
    }

    /** Returns how many client connections were still open at the deadline and had to be closed (cut). */
    static int run(List<LoopContext> loops, ProxyCounters counters, long timeoutNanos) {
        for (LoopContext ctx : loops) {
            ctx.loop.execute(() -> ctx.clients.snapshot().forEach(ClientConnection::drain));
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (counters.activeClients() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        List<CompletableFuture<Integer>> cuts = new ArrayList<>();
        for (LoopContext ctx : loops) {
            CompletableFuture<Integer> cut = new CompletableFuture<>();
            ctx.loop.execute(() -> {
                List<ClientConnection> open = ctx.clients.snapshot();
                open.forEach(ClientConnection::close);
                cut.complete(open.size());
            });
            cuts.add(cut);
        }
        int cut = 0;
        for (CompletableFuture<Integer> c : cuts) {
            cut += c.completeOnTimeout(0, 2, TimeUnit.SECONDS).join();
        }
        return cut;
    }
}
