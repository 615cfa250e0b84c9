package dev.rsp.core.proxy;

import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;

/** What the proxy keeps per event loop: its backend pool, its clients, and the requests waiting for a strategy. */
final class LoopContext {

    final EventLoop loop;
    final BackendPool pool;
    final Set<ClientSide> clients = new HashSet<>();
    /** How many of {@link #clients} came through a TLS listener. */
    int tlsClients;
    final List<ClientSide> routeWaiters = new ArrayList<>();
    /** Traffic statistics of this loop, written by the loop only; readers ask the loop for a snapshot. */
    final LoopMetrics metrics = new LoopMetrics();
    /** The last hosts routed on this loop, a ring written by the loop only; for what-if analyses. */
    final String[] recentHosts = new String[RECENT_HOSTS];
    private int nextRecent;
    private BufferPool tlsPlain;
    private BufferPool tlsNet;

    static final int RECENT_HOSTS = 512;

    LoopContext(EventLoop loop, BackendPool pool) {
        this.loop = loop;
        this.pool = pool;
    }

    /**
     * The pool of plaintext input buffers for TLS connections: the usual buffer size plus room for a whole record,
     * so a partly consumed window never blocks decryption. Made on first use.
     */
    BufferPool tlsPlain(SSLEngine engine, int bufferSize) {
        if (tlsPlain == null) {
            tlsPlain = new BufferPool(bufferSize + engine.getSession().getApplicationBufferSize(), 256);
        }
        return tlsPlain;
    }

    /** The pool of ciphertext buffers for TLS connections (one record each, the engine's packet size). */
    BufferPool tlsNet(SSLEngine engine) {
        if (tlsNet == null) {
            tlsNet = new BufferPool(engine.getSession().getPacketBufferSize(), 512);
        }
        return tlsNet;
    }

    /** TLS buffers in use on this loop (plaintext and ciphertext). */
    int tlsBuffersInUse() {
        return (tlsPlain == null ? 0 : tlsPlain.inUse()) + (tlsNet == null ? 0 : tlsNet.inUse());
    }

    void sawHost(String host) {
        recentHosts[nextRecent] = host;
        nextRecent = (nextRecent + 1) % RECENT_HOSTS;
    }

    /** Routes the waiting requests again (a new routing snapshot was published). Loop thread only. */
    void retryWaiters() {
        if (routeWaiters.isEmpty()) {
            return;
        }
        for (ClientSide c : new ArrayList<>(routeWaiters)) {
            c.route();
        }
    }
}
