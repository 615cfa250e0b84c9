package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Accepts client connections for one loop. Every loop registers the same listening socket and whichever wakes first
 * accepts. Which loop wakes first says nothing about load: one wakeup can accept a whole burst (a client opening 50
 * keep-alive connections at once gave them all to one loop while the other idled). So each accepted connection goes
 * to the loop with the fewest clients ({@link LoopClients#load}), this one when it is no more than one ahead of the
 * least loaded: a connection is handed to another loop's thread only when that evens the loops out (counted as
 * {@code connections.balanced}). HAProxy spreads its accepts over threads by load in the same spirit.
 */
final class Acceptor implements LoopHandler {

    static final int ACCEPTS_PER_WAKEUP = 64;

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final ServerSocketChannel server;
    /** The connection's first stages, by the listener's settings. */
    private final ConnectionStart start;
    private SelectionKey key;
    /** Accepting stopped because {@code limits.connections} were open; loop thread only. */
    private boolean paused;
    /** Held by the engine's {@link AcceptGate} until its routing is ready; loop thread only. */
    private boolean gated;
    /** The acceptors of this listening socket, one per loop, this one included; the same list for all of them. */
    private final List<Acceptor> group;

    /** @param front the TLS front of a TLS listener, or null for the HTTP listener */
    Acceptor(ProxyEngine engine, LoopContext ctx, ServerSocketChannel server, TlsFront front, List<Acceptor> group) {
        this.engine = engine;
        this.ctx = ctx;
        this.server = server;
        this.start = new ConnectionStart(engine, ctx, front);
        this.group = group;
    }

    /**
     * Binds a listening socket for {@code configured} and registers an Acceptor for it on every loop. When it cannot be
     * bound, the IOException's message names the configuration key and the address: {@code http.listen
     * 0.0.0.0:8080: Address already in use}.
     */
    static ServerSocketChannel listen(ProxyEngine engine, List<LoopContext> loops, String key,
            InetSocketAddress configured, TlsFront front) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(configured.getHostString(), configured.getPort());
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ListenerSocket.bind(ch, bind, engine.settings().backlog(), engine.settings().reusePort(), key);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw new IOException(key + " " + configured.getHostString() + ":" + configured.getPort() + ": "
                    + e.getMessage(), e);
        }
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        warnIfKernelCapsBacklog(key, engine.settings().backlog());
        List<Acceptor> group = new ArrayList<>(loops.size());
        for (LoopContext ctx : loops) {
            group.add(new Acceptor(engine, ctx, ch, front, group));
        }
        for (Acceptor a : group) {
            LoopContext ctx = a.ctx;
            ctx.loop.execute(() -> {
                try {
                    a.gated = !engine.acceptGate().admit(a);
                    a.paused = a.gated;
                    a.key = ch.register(ctx.loop.selector(), a.gated ? 0 : SelectionKey.OP_ACCEPT, a);
                    engine.counters().activeClients.register(a);
                } catch (ClosedChannelException e) {
                    // stopped, or moved to another address, before this loop got to it: nothing to accept here
                } catch (IOException e) {
                    ProxyEngine.log.error("{}: cannot accept on {}: {}", ctx.loop.name(), local, e.toString());
                }
            });
        }
        return ch;
    }

    /** Linux silently caps a listen backlog at net.core.somaxconn: say so when limits.backlog is over it. */
    private static void warnIfKernelCapsBacklog(String key, int backlog) {
        java.nio.file.Path somaxconn = java.nio.file.Path.of("/proc/sys/net/core/somaxconn");
        try {
            int cap = Integer.parseInt(java.nio.file.Files.readString(somaxconn).trim());
            if (cap < backlog) {
                ProxyEngine.log.warn("{}: limits.backlog is {} but the kernel's net.core.somaxconn is {}: the accept queue "
                        + "holds {} connections (raise it with sysctl -w net.core.somaxconn={})", key, backlog, cap, cap, backlog);
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or not readable: nothing to say
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        ClientSlots slots = engine.counters().activeClients;
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            if (!slots.take()) {
                pause(slots);
                return;
            }
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                slots.give();
                engine.counters().count(Counter.ACCEPT_FAILED);
                ProxyEngine.log.warn("accept failed on {}: {}", engine.localAddress(), e.toString());
                return;
            }
            if (ch == null) {
                slots.give();
                return;
            }
            Acceptor to = leastLoaded();
            if (to == this) {
                take(ch);
            } else {
                to.ctx.clients.handedIn();
                engine.counters().count(Counter.CONNECTIONS_BALANCED);
                to.ctx.loop.execute(() -> {
                    to.ctx.clients.arrived();
                    to.take(ch);
                });
            }
        }
    }

    /** The acceptor whose loop should serve the next connection: this one unless another's loop has 2 fewer clients. */
    private Acceptor leastLoaded() {
        if (group.size() == 1) {
            return this;
        }
        Acceptor least = this;
        int leastLoad = ctx.clients.load() - 1;
        for (int i = 0; i < group.size(); i++) {
            Acceptor a = group.get(i);
            int load = a.ctx.clients.load();
            if (load < leastLoad) {
                least = a;
                leastLoad = load;
            }
        }
        return least;
    }

    /** Starts serving an accepted connection on this acceptor's loop, which holds a client slot for it. Loop thread. */
    private void take(SocketChannel ch) {
        ClientSlots slots = engine.counters().activeClients;
        try {
            ch.configureBlocking(false);
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            if (start.refuses(remote)) {
                slots.give();
                closeQuietly(ch);
                return;
            }
            Endpoint ep = new Endpoint(ch, ctx.loop.buffers());
            ep.deferNoDelay();
            ctx.clients.add(start.accepted(ep, remote));
            engine.counters().count(Counter.CONNECTIONS_ACCEPTED);
        } catch (IOException | ClosedSelectorException e) {
            // ClosedSelectorException: this loop stopped while the connection was on its way here
            slots.give();
            engine.counters().count(Counter.ACCEPT_FAILED);
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * At a stop, on this acceptor's loop, before its listener closes: accepts what the kernel has queued (at most
     * {@code backlog}, plus one wakeup's worth), which a close would reset. Stops early when no slot is free.
     */
    void acceptQueued(int backlog) {
        for (int i = 0; i <= backlog / ACCEPTS_PER_WAKEUP && !paused && key != null && key.isValid(); i++) {
            onReady(key);
        }
    }

    /** No slot is free: stop accepting on this loop until one frees (the kernel queues new connections meanwhile). */
    private void pause(ClientSlots slots) {
        if (key.isValid()) {
            key.interestOps(0);
        }
        paused = true;
        slots.paused();
    }

    /** A slot freed (any thread): accepting goes on, on this acceptor's loop. */
    void resume() {
        ctx.loop.execute(() -> {
            if (!paused || gated) {
                return;
            }
            paused = false;
            if (key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            } else {
                engine.counters().activeClients.forget(this);
            }
        });
    }

    /** The engine's {@link AcceptGate} opened (any thread): accepting starts, on this acceptor's loop. */
    void ungate() {
        ctx.loop.execute(() -> gated = false);
        resume();
    }

    @Override
    public void onFailure(Throwable t) {
        engine.counters().count(Counter.ACCEPT_FAILED);
    }
}
