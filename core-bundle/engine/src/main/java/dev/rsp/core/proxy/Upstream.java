package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The backend side of one {@link Exchange}: the ordered candidates and how many were tried, the concurrency slot at
 * the candidate in use when it has a limit ({@link BackendSlot}), the connection in use (taken from the loop's pool or
 * newly connected), and the HTTP/1 codec toward the backend (the request head written from {@link RequestFields}, the
 * response head parsed by the connection's parser). It decides nothing about retries: the exchange does
 * ({@link Resend}); this class does what it is told and reports what happened. Loop thread only.
 *
 * <p>Buffer ownership: the upstream owns the request head buffer and gives it back in {@link #release}; the backend
 * connection goes back to the pool or is closed by {@link #finish} or {@link #drop}.
 */
final class Upstream {

    /**
     * The result of a connect step: PENDING when a connect in progress is still in progress (nothing changed); QUEUED
     * when the candidate is at its concurrency limit and the request waits for a slot ({@link Exchange#slotGranted}
     * follows, or a queue timeout); FULL when its queue is full too.
     */
    enum Step { CONNECTED, CONNECTING, PENDING, EXHAUSTED, QUEUED, FULL }

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Exchange owner;
    private List<Backend> candidates = List.of();
    private int tries;
    /** Candidates that may be tried: {@code backend.tries}, or the first candidate's {@code ;tries}, at most all. */
    private int maxTries;
    private BackendLink backend;
    private ByteBuffer requestHead;
    /** A TLS passthrough: never a pooled connection, and the front's backend port (0: the backend's own). */
    private boolean raw;
    private int port;
    /** Streams of this exchange an HTTP/2 backend refused unprocessed, and sent again. */
    private int refusals;
    /** The slot held at a backend with a concurrency limit; made the first time one is met. */
    private BackendSlot slot;

    Upstream(ProxyEngine engine, LoopContext ctx, Exchange owner) {
        this.engine = engine;
        this.ctx = ctx;
        this.owner = owner;
    }

    /**
     * The routed candidates, best first; the request counts toward the retry budget's window. How many are tried is
     * {@code backend.tries}, unless the first (the backend routing chose) has its own {@code ;tries}.
     */
    void candidates(List<Backend> ordered) {
        candidates = ordered;
        tries = 0;
        int own = ordered.isEmpty() ? 0 : engine.directory().tuning(ordered.get(0)).tries();
        maxTries = Math.min(ordered.size(), own > 0 ? own : engine.settings().backendTries());
        engine.retryBudget().request(System.nanoTime());
    }

    /** Relays raw bytes (TLS passthrough): fresh connections only, to {@code backendPort} when it is not 0. */
    void raw(int backendPort) {
        raw = true;
        port = backendPort;
    }

    /** Counts a refused stream; true while it may be sent again (twice). */
    boolean refusedOnce() {
        return ++refusals <= 2;
    }

    List<Backend> candidates() {
        return candidates;
    }

    int tries() {
        return tries;
    }

    /** True while {@link #connectNext} has a candidate left to try. */
    boolean hasNextCandidate() {
        return tries < maxTries;
    }

    BackendLink backend() {
        return backend;
    }

    /**
     * Tries the next candidates (at most {@code backend.tries}, or the first candidate's {@code ;tries}, in all) until one connects or starts connecting, or the
     * one to try is at its concurrency limit (QUEUED, FULL: the request waits for that backend, it does not skip it).
     */
    Step connectNext() {
        while (tries < maxTries) {
            Backend b = candidates.get(tries);
            Step admitted = admit(b);
            if (admitted != null) {
                return admitted;
            }
            if (tries > 0) {
                engine.counters().count(Counter.BACKEND_RETRY);
            }
            tries++;
            Step s = connect(b);
            if (s != Step.EXHAUSTED) {
                return s;
            }
        }
        return Step.EXHAUSTED;
    }

    /**
     * Takes a concurrency slot at {@code b} when it has a limit: null when the request may go on (a slot held, or no
     * limit), else QUEUED or FULL. A slot held at an earlier candidate is given back.
     */
    private Step admit(Backend b) {
        BackendLimits limits = engine.settings().backendLimits();
        int limit = limits.limitOf(b);
        if (limit <= 0) {
            if (slot != null) {
                slot.release();
            }
            return null;
        }
        if (slot == null) {
            slot = new BackendSlot(ctx.loop, engine.slots(), owner::slotGranted, owner::queueTimedOut, owner);
        }
        owner.tried(b.name());
        return switch (slot.claim(b.name(), limit, limits.queueSize(), limits.queueTimeoutNanos())) {
            case HELD -> null;
            case QUEUED -> Step.QUEUED;
            case FULL -> Step.FULL;
        };
    }

    /** Uses {@code b}: a pooled connection, or a new non-blocking connect; EXHAUSTED when connecting failed at once. */
    Step connect(Backend b) {
        owner.tried(b.name());
        BackendDirectory dir = engine.directory();
        String key = dir.poolKey(b);
        if (b.protocol() == Backend.Protocol.H2 && !raw) {
            try {
                backend = ctx.h2Backends(engine).stream(b, key, dir.address(b), owner);
            } catch (IOException | RuntimeException e) {
                backend = null;
                connectFailed(b, reason(e));
                return Step.EXHAUSTED;
            }
            return backend.connected() ? Step.CONNECTED : Step.CONNECTING;
        }
        byte[] proxyHeader = null;
        String connectionKey = key;
        if (b.sendProxy() != Backend.SendProxy.NONE) {
            ConnectionAddresses at = owner.clientAddresses();
            proxyHeader = at.proxyHeader(b.sendProxy());
            connectionKey = key + at.poolKeySuffix();
        }
        BackendSide pooled = raw ? null : ctx.pool.take(connectionKey);
        if (pooled != null) {
            backend = pooled;
            pooled.takenBy(owner);
            return Step.CONNECTED;
        }
        try {
            InetSocketAddress address = dir.address(b);
            if (raw && port > 0) {
                address = address.isUnresolved() ? InetSocketAddress.createUnresolved(address.getHostString(), port)
                        : new InetSocketAddress(address.getAddress(), port);
            }
            backend = BackendSide.connect(ctx, engine, b, address, new BackendSide.Keys(key, connectionKey), proxyHeader,
                    owner, raw);
        } catch (IOException | RuntimeException e) {
            backend = null;
            connectFailed(b, reason(e));
            return Step.EXHAUSTED;
        }
        return backend.connected() ? Step.CONNECTED : Step.CONNECTING;
    }

    /**
     * The connect in progress is ready: CONNECTED, PENDING while it is still in progress, or, when it failed (counted
     * against the backend), what trying the next candidates gives.
     */
    Step connectReady() {
        try {
            return backend.finishConnect() ? Step.CONNECTED : Step.PENDING;
        } catch (IOException | RuntimeException e) {
            connectFailed(reason(e));
            return connectNext();
        }
    }

    /** The pending connect failed or timed out: the connection is closed and the failure counted. */
    void connectFailed(String why) {
        Backend b = backend.backend();
        drop();
        connectFailed(b, why);
    }

    private void connectFailed(Backend b, String why) {
        engine.counters().count(Counter.BACKEND_CONNECT_FAILED);
        ctx.metrics.backend(b.name()).failures++;
        engine.health().recordFailure(b.name(), "connect: " + why);
        ProxyEngine.log.debug("connect to backend {} failed: {}", b.name(), why);
    }

    /**
     * Writes the request head for the backend from {@code fields}.
     *
     * @return the head, in read mode, or null when it does not fit a buffer once the forwarding fields are added
     */
    ByteBuffer writeHead(RequestFields fields, HeadWriter.Forwarding forwarding) {
        if (requestHead == null) {
            requestHead = ctx.loop.buffers().acquire();
        }
        return HeadWriter.request(fields, forwarding, requestHead) ? requestHead : null;
    }

    /**
     * The exchange ended with the connection in a known state: back to the pool when {@code reusable} (and its
     * backend is still configured at that address), else closed.
     */
    void finish(boolean reusable) {
        if (backend == null) {
            return;
        }
        // A connection to a backend removed or moved meanwhile is closed: BackendPool.retain already ran for it.
        if (reusable && backend instanceof BackendSide b && engine.directory().hasPoolKey(b.backend().name(), b.directoryKey())) {
            backend = null;
            ctx.pool.offer(b, System.nanoTime());
        } else {
            drop();
        }
    }

    /** Gives up the way in use, if any: an HTTP/1.1 connection closes, an HTTP/2 stream ends or is reset. */
    void drop() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** Gives back everything: the connection closed, the concurrency slot, the head buffer released. */
    void release() {
        drop();
        if (slot != null) {
            slot.release();
        }
        if (requestHead != null) {
            ctx.loop.buffers().release(requestHead);
            requestHead = null;
        }
    }

    /**
     * What went wrong with a backend connection, in words for the log ("connection refused", "connection reset"),
     * not an exception's class name.
     */
    static String reason(Throwable e) {
        if (e instanceof BackendHandshake.Failed) {
            return e.getMessage();
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof java.nio.channels.UnresolvedAddressException) {
            return "host name not resolved";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
    }

    /** The names of the candidates tried so far, for the log. */
    String tried() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tries && i < candidates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(candidates.get(i).name());
        }
        return sb.toString();
    }
}
