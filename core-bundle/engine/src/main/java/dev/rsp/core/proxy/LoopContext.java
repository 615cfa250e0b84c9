package dev.rsp.core.proxy;

import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.TlsEngineKind;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;

/** What the proxy keeps per event loop: its backend pool, its clients, and the requests waiting for a strategy. */
final class LoopContext {

    final EventLoop loop;
    final BackendPool pool;
    /** Trace and span ids of this loop's exchanges ({@link ExchangeTrace}); seeded when the loop is made. */
    final dev.rsp.core.trace.TraceIds traceIds = new dev.rsp.core.trace.TraceIds();
    final LoopClients clients = new LoopClients();
    /** {@code from} gives its endpoint to {@code to}: readiness goes to {@code to}, which replaces it in {@link #clients}. */
    void handOver(dev.rsp.core.net.Endpoint client, ClientConnection from, ClientConnection to) {
        client.attach(to);
        clients.remove(from);
        clients.add(to);
    }

    /** How many of {@link #clients} came through a TLS listener. */
    int tlsClients;
    /** Exchanges waiting for a routing strategy to appear. */
    final List<Exchange> routeWaiters = new ArrayList<>();
    /** Pipes of ended exchanges, for the next ones (a pipe holds a chunked scanner: not made per request). */
    private final ArrayDeque<Pipe> pipes = new ArrayDeque<>();
    /** Traffic statistics of this loop, written by the loop only; readers ask the loop for a snapshot. */
    final LoopMetrics metrics = new LoopMetrics();
    /** The last hosts routed on this loop, a ring written by the loop only; for what-if analyses. */
    final String[] recentHosts = new String[RECENT_HOSTS];
    private int nextRecent;
    /** TLS buffer pools per engine kind, made on first use. */
    private final Map<TlsEngineKind, TlsPools> tlsPools = new HashMap<>(2);

    static final int RECENT_HOSTS = 512;
    /** This loop's share of {@link BufferBudget}; set by the engine (any thread), read by the loop. */
    volatile long bufferShare = Long.MAX_VALUE;

    /** Bytes of buffers this loop's connections hold now (I/O, HTTP/2 output, TLS). Loop thread only. */
    long bufferBytesInUse() {
        long n = (long) loop.buffers().inUse() * loop.buffers().bufferSize();
        BufferPool bulk = loop.buffers().bulk();
        if (bulk != null) {
            n += (long) bulk.inUse() * bulk.bufferSize();
        }
        if (h2Output != null) {
            n += (long) h2Output.inUse() * h2Output.bufferSize();
        }
        for (TlsPools p : tlsPools.values()) {
            n += (long) p.plain().inUse() * p.plain().bufferSize() + (long) p.net().inUse() * p.net().bufferSize();
        }
        return n;
    }

    /** True when this loop holds its share of the buffer budget: new requests get 503 (see {@link BufferBudget}). */
    boolean overBufferBudget() {
        return bufferBytesInUse() >= bufferShare;
    }
    /**
     * Output buffers of HTTP/2 connections: four I/O buffers each, so that DATA of many streams (or one large
     * response) goes out in few writes; taken while output waits, given back when a flush empties it.
     */
    private BufferPool h2Output;

    BufferPool h2Output() {
        if (h2Output == null) {
            h2Output = new BufferPool(4 * loop.buffers().bufferSize(), 256);
        }
        return h2Output;
    }

    /** Strings of the HTTP/2 request fields decoded on this loop, shared by its connections. */
    final FieldStrings fieldStrings = new FieldStrings();

    /**
     * Scratch for one HPACK header block, encoded and copied into an HTTP/2 connection's output within one call (so
     * one per loop serves every connection); kept up to {@link #MAX_KEPT_HEADER_BLOCK} bytes, a larger block is one-off.
     */
    private ByteBuffer headerBlock = ByteBuffer.allocate(1024);

    static final int MAX_KEPT_HEADER_BLOCK = 16_384;

    /** A cleared buffer of at least {@code bytes}, valid until the caller returns to the loop. Loop thread only. */
    ByteBuffer headerBlock(int bytes) {
        if (headerBlock.capacity() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(bytes);
            if (bytes > MAX_KEPT_HEADER_BLOCK) {
                return bigger;
            }
            headerBlock = bigger;
        }
        return headerBlock.clear();
    }

    /** HTTP/2 backend connections, made on first use. */
    private H2Backends h2Backends;

    H2Backends h2Backends(ProxyEngine engine) {
        if (h2Backends == null) {
            h2Backends = new H2Backends(this, engine);
        }
        return h2Backends;
    }

    /** Retires HTTP/2 backend connections whose key is gone (see {@link H2Backends#retain}). */
    void retainH2(java.util.Set<String> keys) {
        if (h2Backends != null) {
            h2Backends.retain(keys);
        }
    }

    void closeH2() {
        if (h2Backends != null) {
            h2Backends.closeAll();
        }
    }

    /** The edits of the response head being encoded ({@link ResponseEdits}), made on first use. */
    private ResponseEdits responseEdits;

    ResponseEdits responseEdits(ProxyCounters counters) {
        if (responseEdits == null) {
            responseEdits = new ResponseEdits(counters);
        }
        return responseEdits;
    }

    LoopContext(EventLoop loop, BackendPool pool) {
        this.loop = loop;
        this.pool = pool;
    }

    /**
     * The pool of plaintext input buffers for TLS connections of {@code kind}: the usual buffer size plus room for a
     * whole record, so a partly consumed window never blocks decryption. Made on first use, sized by the kind.
     */
    BufferPool tlsPlain(TlsEngineKind kind, SSLEngine engine, int bufferSize) {
        return tlsPools(kind, engine, bufferSize).plain();
    }

    /** The pool of ciphertext buffers for TLS connections of {@code kind} (one record each). */
    BufferPool tlsNet(TlsEngineKind kind, SSLEngine engine, int bufferSize) {
        return tlsPools(kind, engine, bufferSize).net();
    }

    private TlsPools tlsPools(TlsEngineKind kind, SSLEngine engine, int bufferSize) {
        TlsPools p = tlsPools.get(kind);
        if (p == null) {
            p = new TlsPools(new BufferPool(bufferSize + kind.plainRoom(engine), 256), new BufferPool(kind.packetSize(engine), 512));
            tlsPools.put(kind, p);
        }
        return p;
    }

    /** Every buffer pool of this loop made so far: the loop's own and its bulk one, HTTP/2 output, TLS per engine kind. */
    List<BufferPool> bufferPools() {
        List<BufferPool> all = new ArrayList<>(3 + 2 * tlsPools.size());
        all.add(loop.buffers());
        if (loop.buffers().bulk() != null) {
            all.add(loop.buffers().bulk());
        }
        if (h2Output != null) {
            all.add(h2Output);
        }
        for (TlsPools p : tlsPools.values()) {
            all.add(p.plain());
            all.add(p.net());
        }
        return all;
    }

    /** TLS buffers in use on this loop (plaintext and ciphertext, every engine kind). */
    int tlsBuffersInUse() {
        int n = 0;
        for (TlsPools p : tlsPools.values()) {
            n += p.plain().inUse() + p.net().inUse();
        }
        return n;
    }

    private record TlsPools(BufferPool plain, BufferPool net) {
    }

    /** A pipe for an exchange; give it back with {@link #givePipe} when the exchange ends. */
    Pipe takePipe(ProxyEngine engine) {
        Pipe p = pipes.pollFirst();
        return p != null ? p : new Pipe(engine.newChunkedScanner());
    }

    void givePipe(Pipe p) {
        p.clear();
        if (pipes.size() < MAX_SPARE_PIPES) {
            pipes.addFirst(p);
        }
    }

    static final int MAX_SPARE_PIPES = 1024;

    /** Head parsers of HTTP/1 connections that wait idle for their next request, for the next head on this loop. */
    private final ArrayDeque<RequestHeadParser> parsers = new ArrayDeque<>();

    static final int MAX_SPARE_PARSERS = 256;

    /** A reset parser enforcing {@code limits} (a spare made with other limits, before a configuration change, is dropped). */
    RequestHeadParser takeParser(HeadLimits limits) {
        RequestHeadParser p = parsers.pollFirst();
        return p != null && p.limits().equals(limits) ? p : new RequestHeadParser(limits);
    }

    /** Takes back a parser whose connection waits for its next request; the connection must not touch it afterwards. */
    void giveParser(RequestHeadParser p) {
        p.reset();
        if (parsers.size() < MAX_SPARE_PARSERS) {
            parsers.addFirst(p);
        }
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
        for (Exchange x : new ArrayList<>(routeWaiters)) {
            x.routeAgain();
        }
    }
}
