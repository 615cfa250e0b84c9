package dev.rsp.core.proxy;

import dev.rsp.core.LauncherLink;
import dev.rsp.core.routing.RoutingSnapshot;
import dev.rsp.core.routing.RoutingTable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds accepting while this rsp joins a port that another process serves already (a rolling upgrade with
 * {@code listen.reuseport}): the kernel sends it connections from the moment its listener opens, and they must not
 * meet an engine without strategies or backends. The listeners open at start as always (a port that cannot be bound
 * still fails the start); their acceptors wait, the connections wait in the kernel's queue, until the routing is
 * ready (every strategy of {@code routing.chain} live, at least one backend) or {@code listen.reuseport.ready.ms}
 * passes. Only an rsp that replaces another ({@link LauncherLink#TAKEOVER_PROPERTY}) holds, and only when its port is
 * served already. Any thread.
 */
final class AcceptGate {

    private final RoutingTable routing;
    private final List<Acceptor> waiting = new ArrayList<>();
    private boolean holding;

    AcceptGate(RoutingTable routing) {
        this.routing = routing;
    }

    /**
     * At start, before the listener opens: holds when {@code listen} is served by another process already; opens by
     * itself after {@code maxNanos} at the latest.
     */
    void holdIfShared(InetSocketAddress listen, boolean reusePort, long maxNanos) {
        if (!reusePort || listen.getPort() == 0 || System.getProperty(LauncherLink.TAKEOVER_PROPERTY) == null
                || !ListenerSocket.inUse(listen)) {
            return;
        }
        synchronized (this) {
            holding = true;
        }
        ProxyEngine.log.info("http.listen {}:{} is served by another process too (an upgrade): accepting starts once the "
                + "routing is ready, within {} ms (listen.reuseport.ready.ms)", listen.getHostString(), listen.getPort(),
                TimeUnit.NANOSECONDS.toMillis(maxNanos));
        CompletableFuture.delayedExecutor(maxNanos, TimeUnit.NANOSECONDS).execute(() -> {
            if (open()) {
                RoutingSnapshot now = routing.current();
                ProxyEngine.log.warn("accepting after listen.reuseport.ready.ms though the routing is not ready: chain {}, "
                        + "not live {}, {} backends", now.chain(), now.notLive(), now.backends().all().size());
            }
        });
    }

    /** An acceptor registering on its loop: true when it may accept now, else it waits for {@link #open}. */
    synchronized boolean admit(Acceptor acceptor) {
        if (holding) {
            waiting.add(acceptor);
        }
        return !holding;
    }

    /** After a publication, and once the listener opened: opens when the routing is ready. */
    void check() {
        boolean held;
        synchronized (this) {
            held = holding;
        }
        RoutingSnapshot now = routing.current();
        if (held && ready(now) && open()) {
            ProxyEngine.log.info("routing ready (chain {}, {} backends): accepting", now.chain(), now.backends().all().size());
        }
    }

    /**
     * Why the engine is not ready to take a fleet's traffic, or "" when it is: accepting and routing ready. For the
     * launcher, which stops the rsp being replaced only once its successor is ready.
     */
    String notReady() {
        RoutingSnapshot now = routing.current();
        synchronized (this) {
            if (!holding && ready(now)) {
                return "";
            }
        }
        return "routing not ready: chain " + now.chain() + ", not live " + now.notLive() + ", "
                + now.backends().all().size() + " backends";
    }

    /**
     * Every strategy of the chain live, and some backend to route to: the backend sources publish an empty set before
     * their configuration is read, and a fleet member without backends would answer only 503.
     */
    static boolean ready(RoutingSnapshot s) {
        return !s.chain().isEmpty() && s.notLive().isEmpty() && !s.backends().all().isEmpty();
    }

    /** Lets the waiting acceptors go on; false when nothing was held. */
    boolean open() {
        List<Acceptor> go;
        synchronized (this) {
            if (!holding) {
                return false;
            }
            holding = false;
            go = List.copyOf(waiting);
            waiting.clear();
        }
        go.forEach(Acceptor::ungate);
        return true;
    }
}
