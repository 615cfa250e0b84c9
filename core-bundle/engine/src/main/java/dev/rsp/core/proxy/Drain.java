package dev.rsp.core.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The second half of a graceful stop, once the listeners are closed: every client connection is told to drain (an
 * idle keep-alive connection closes at once, a busy one after its current response), then the caller waits until
 * none is left or the timeout passes, and closes whatever is still open. Runs on the stopping thread, never a loop.
 */
final class Drain {

    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Drain() {
    }

    /** Returns how many client connections were still open at the deadline and had to be closed (cut). */
    static int run(List<LoopContext> loops, ProxyCounters counters, long timeoutNanos) {
        for (LoopContext ctx : loops) {
            ctx.loop.execute(() -> new ArrayList<>(ctx.clients).forEach(ClientConnection::drain));
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (counters.activeClients() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        List<CompletableFuture<Integer>> cuts = new ArrayList<>();
        for (LoopContext ctx : loops) {
            CompletableFuture<Integer> cut = new CompletableFuture<>();
            ctx.loop.execute(() -> {
                List<ClientConnection> open = new ArrayList<>(ctx.clients);
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
