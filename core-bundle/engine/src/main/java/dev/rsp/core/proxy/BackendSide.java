package dev.rsp.core.proxy;

import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.metrics.TrafficStats;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.EventLoop;
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
 * is closed ({@link #closeIdle}). Loop thread only.
 */
final class BackendSide implements LoopHandler, BackendLink {

    private final Backend backend;
    private final String poolKey;
    private final Endpoint endpoint;
    private final ResponseHeadParser parser;
    private final ProxyCounters counters;
    private final TrafficStats stats;
    private Exchange owner;
    private BackendPool pool;
    private long idleSinceNanos;
    private boolean connected;
    private int exchanges;

    private BackendSide(Backend backend, String poolKey, SocketChannel channel, BufferPool buffers, HeadLimits limits,
            ProxyCounters counters, TrafficStats stats) {
        this.backend = backend;
        this.poolKey = poolKey;
        this.endpoint = new Endpoint(channel, buffers);
        this.parser = new ResponseHeadParser(limits);
        this.counters = counters;
        this.stats = stats;
    }

    /**
     * Opens a non-blocking connection. The address must already be resolved: resolving here would block the loop.
     *
     * @return the connection, connected or connecting (then {@link #connected()} is false and OP_CONNECT is awaited)
     */
    static BackendSide connect(EventLoop loop, Backend backend, InetSocketAddress address, String poolKey, Exchange owner,
            HeadLimits limits, ProxyCounters counters, TrafficStats stats) throws IOException {
        SocketChannel ch = SocketChannel.open();
        BackendSide b;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            b = new BackendSide(backend, poolKey, ch, loop.buffers(), limits, counters, stats);
            b.owner = owner;
            b.connected = ch.connect(address);
            b.endpoint.register(loop, b, b.connected ? 0 : SelectionKey.OP_CONNECT);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        counters.activeBackends.increment();
        stats.active++;
        return b;
    }

    @Override
    public boolean finishConnect() throws IOException {
        if (endpoint.channel().finishConnect()) {
            connected = true;
            endpoint.clearInterest();
        }
        return connected;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    String poolKey() {
        return poolKey;
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
        if (pool != null) {
            pool.remove(this);
        }
        closeIdle();
    }

    /**
     * Closes an idle connection the backend has touched: it either closed its side or sent bytes nobody asked for
     * (RFC 9112 6.3: not a response; the connection can no longer be trusted to frame the next one). One read tells
     * the two apart for the counters.
     */
    void closeIdle() {
        int n;
        try {
            n = endpoint.read();
        } catch (IOException e) {
            n = -1;
        }
        counters.count(n < 0 ? Counter.BACKEND_POOL_CLOSED_BY_BACKEND : Counter.BACKEND_POOL_UNEXPECTED);
        close();
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
