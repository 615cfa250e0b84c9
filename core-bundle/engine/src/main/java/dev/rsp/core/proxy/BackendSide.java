package dev.rsp.core.proxy;

import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.metrics.TrafficStats;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection to a backend, on one loop. While a client exchange uses it, readiness goes to that exchange; while
 * it idles in the {@link BackendPool}, any readiness means the backend closed it or sent something unasked, and it
 * is closed ({@link #idleReadiness}); over TLS, a record that carries no data (a TLS 1.3 session ticket) is let be.
 * To a backend marked {@code ;tls} it is connected only once its TLS handshake completed ({@link BackendHandshake}),
 * so the exchange writes nothing before. Loop thread only.
 */
final class BackendSide implements LoopHandler, BackendLink {

    private final Backend backend;
    private final Keys keys;
    private final Endpoint endpoint;
    private final ResponseHeadParser parser;
    private final ProxyCounters counters;
    private final TrafficStats stats;
    private final BackendOpening opening;
    private Exchange owner;
    private BackendPool pool;
    private long idleSinceNanos;
    private int exchanges;

    /**
     * What a connection is pooled under.
     *
     * @param directory the backend's key in the {@link dev.rsp.core.backend.BackendDirectory} (name, address,
     *                  protocol): while the directory has it, the connection may be pooled
     * @param pool      what the pool files it under: the directory key, plus the client connection for a
     *                  {@code ;send-proxy} backend (its PROXY header names that client: no other may reuse it)
     */
    record Keys(String directory, String pool) {
    }

    private BackendSide(Backend backend, Keys keys, SocketChannel channel, ProxyEngine engine, LoopContext ctx,
            boolean encrypted, byte[] proxyHeader) {
        this.backend = backend;
        this.keys = keys;
        this.endpoint = new Endpoint(channel, ctx.loop.buffers());
        endpoint.allowBulk();
        this.parser = new ResponseHeadParser(engine.settings().headLimits());
        this.counters = engine.counters();
        this.stats = ctx.metrics.backend(backend.name());
        this.opening = new BackendOpening(endpoint, backend, encrypted, ALPN, engine, ctx, proxyHeader);
    }

    /** What rsp offers an HTTP/1.1 backend over ALPN. */
    static final String ALPN = "http/1.1";

    /**
     * Opens a non-blocking connection. The address must already be resolved: resolving here would block the loop.
     *
     * @param proxyHeader sent first, before TLS and the request, for a {@code ;send-proxy} backend; else null
     * @param raw relays bytes as they are (TLS passthrough): no TLS of rsp's own, whatever the backend's {@code ;tls}
     * @return the connection, connected or connecting (then {@link #connected()} is false and readiness is awaited:
     * OP_CONNECT, or the TLS handshake's)
     */
    static BackendSide connect(LoopContext ctx, ProxyEngine engine, Backend backend, InetSocketAddress address,
            Keys keys, byte[] proxyHeader, Exchange owner, boolean raw) throws IOException {
        SocketChannel ch = SocketChannel.open();
        BackendSide b;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            b = new BackendSide(backend, keys, ch, engine, ctx, !raw && backend.tls() != Backend.Tls.NONE, proxyHeader);
            b.owner = owner;
            b.opening.connect(address, b);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        engine.counters().activeBackends.increment();
        b.stats.active++;
        try {
            b.opening.advance();
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /**
     * Completes a pending connect: the TCP connect, then the TLS handshake of a {@code ;tls} backend.
     *
     * @throws BackendHandshake.Failed when the handshake cannot complete (counted, logged)
     */
    @Override
    public boolean finishConnect() throws IOException {
        return opening.advance();
    }

    @Override
    public boolean connected() {
        return opening.open();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** What the pool files this connection under. */
    String poolKey() {
        return keys.pool();
    }

    /** The backend's directory key this connection was opened for. */
    String directoryKey() {
        return keys.directory();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Endpoint channel() {
        return endpoint;
    }

    @Override
    public ResponseHeadParser parser() {
        return parser;
    }

    @Override
    public int reuses() {
        return exchanges;
    }

    void takenBy(Exchange client) {
        owner = client;
        pool = null;
        parser.reset();
    }

    void parkedIn(BackendPool p, long nowNanos) {
        owner = null;
        pool = p;
        idleSinceNanos = nowNanos;
        exchanges++;
        parser.reset();
        endpoint.releaseInputIfEmpty();
        endpoint.wantWrite(false);
        endpoint.wantRead(true);
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    @Override
    public void onReady(SelectionKey key) {
        if (owner != null) {
            owner.onBackendReady(this, key);
            return;
        }
        if (idleReadiness()) {
            return;
        }
        if (pool != null) {
            pool.remove(this);
        }
    }

    /**
     * Reads what the backend sent to this idle connection. True when it was only TLS housekeeping (a record without
     * data, such as a TLS 1.3 session ticket, and nothing left over): the connection stays. Otherwise the backend
     * either closed its side or sent bytes nobody asked for (RFC 9112 6.3: not a response; the connection can no
     * longer be trusted to frame the next one): counted, and closed.
     */
    boolean idleReadiness() {
        int n;
        try {
            n = endpoint.read();
        } catch (IOException e) {
            n = -1;
        }
        if (n == 0 && endpoint.isTls()) {
            endpoint.releaseInputIfEmpty();
            if (!endpoint.holdsInput()) {
                return true;
            }
        }
        counters.count(n < 0 ? Counter.BACKEND_POOL_CLOSED_BY_BACKEND : Counter.BACKEND_POOL_UNEXPECTED);
        close();
        return false;
    }

    @Override
    public void onFailure(Throwable t) {
        if (owner != null) {
            owner.onFailure(t);
        } else {
            if (pool != null) {
                pool.remove(this);
            }
            close();
        }
    }

    @Override
    public void close() {
        opening.closed();
        if (!endpoint.isClosed()) {
            endpoint.close();
            counters.activeBackends.decrement();
            stats.active--;
        }
        owner = null;
    }

    @Override
    public String toString() {
        return "backend " + backend.name() + " " + endpoint.channel();
    }
}
