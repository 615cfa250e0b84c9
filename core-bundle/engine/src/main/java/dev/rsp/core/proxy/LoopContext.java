package dev.rsp.core.proxy;

import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.net.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the proxy keeps per event loop: its backend pool, its clients, and the requests waiting for a strategy. */
final class LoopContext {

    final EventLoop loop;
    final BackendPool pool;
    final Set<ClientSide> clients = new HashSet<>();
    final List<ClientSide> routeWaiters = new ArrayList<>();
    /** Traffic statistics of this loop, written by the loop only; readers ask the loop for a snapshot. */
    final LoopMetrics metrics = new LoopMetrics();
    /** The last hosts routed on this loop, a ring written by the loop only; for what-if analyses. */
    final String[] recentHosts = new String[RECENT_HOSTS];
    private int nextRecent;

    static final int RECENT_HOSTS = 512;

    LoopContext(EventLoop loop, BackendPool pool) {
        this.loop = loop;
        this.pool = pool;
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
