package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.H2ClientLimits;
import dev.rsp.core.h2.H2ClientSession;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.h2.SessionProgress;
import dev.rsp.core.h2.Settings;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.metrics.TrafficStats;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One HTTP/2 connection to a backend marked {@code ;proto=h2}, on one loop: h2c with prior knowledge, or over TLS
 * ({@code ;tls}) once the handshake completed with {@code h2} agreed by ALPN ({@link BackendHandshake}). The socket side of
 * an {@link H2ClientSession}, carrying the streams of many exchanges ({@link H2BackendStream}). Streams attach while
 * it connects and open (take their ids) when they write their heads. Output goes through an {@link H2Output} as for
 * clients; input is read in bounded rounds, and what the session makes of it reaches the streams through
 * {@link H2BackendEvents}.
 *
 * <p>Its end: a connect, TLS handshake or socket failure, a connection error or the backend's GOAWAY break the streams
 * it had not processed (refused: their exchanges may send them again elsewhere) and the connection leaves its
 * {@link H2Backends}; with no stream left for the pool's idle time ({@code backend.pool.idle.ms}), it says GOAWAY and
 * closes. Memory: the output buffer and, per stream, a response buffer bounded by the stream window rsp grants
 * ({@link H2ClientLimits#initialStreamWindow}). Loop thread only.
 */
final class H2BackendConnection implements LoopHandler {

    /** What rsp grants an HTTP/2 backend and how far it trusts one (see {@link H2ClientLimits}). */
    static final H2ClientLimits LIMITS = H2ClientLimits.DEFAULT;

    private final H2Backends registry;
    private final LoopContext ctx;
    private final ProxyEngine engine;
    private final Backend backend;
    private final String poolKey;
    private final Endpoint endpoint;
    private final TrafficStats stats;
    private final H2ClientSession session;
    private final H2ResponseDecoder decoder;
    private final H2Output output;
    private final H2SocketInput input;
    private final RequestHeadParser requestParser;
    /** Streams attached: waiting to open, or open. */
    private final Set<H2BackendStream> streams = new LinkedHashSet<>();
    private final Deadline idle = new Deadline(this);
    /** TCP connected and, over TLS, the handshake agreed to h2: then frames may be written. */
    private final BackendOpening opening;
    private boolean closed;
    private boolean windowsOpened;
    /** A GOAWAY was sent or received: no new stream attaches. */
    private boolean goneAway;
    /** The backend's SETTINGS arrived. */
    private boolean settingsSeen;
    /** Streams this connection opened so far (for {@link BackendLink#reuses}). */
    private int opened;

    private H2BackendConnection(H2Backends registry, LoopContext ctx, ProxyEngine engine, Backend backend, String poolKey,
            SocketChannel channel) {
        this.registry = registry;
        this.ctx = ctx;
        this.engine = engine;
        this.backend = backend;
        this.poolKey = poolKey;
        this.endpoint = new Endpoint(channel, ctx.loop.buffers());
        this.stats = ctx.metrics.backend(backend.name());
        ProxySettings s = engine.settings();
        this.decoder = new H2ResponseDecoder(s.h2Hpack(), s.headLimits().maxHeadBytes());
        H2BackendEvents events = new H2BackendEvents(this, decoder);
        this.session = new H2ClientSession(LIMITS, decoder, events, engine.counters()::count);
        events.session(session);
        this.output = new H2Output(ctx, endpoint, session, this::afterInput, this::writeFailed, this::outputDrained);
        this.input = new H2SocketInput(endpoint, session::onInput, output, () -> closed, ctx.loop, () -> {
            readInput();
            afterInput();
        });
        this.requestParser = new RequestHeadParser(s.headLimits());
        this.opening = new BackendOpening(endpoint, backend, backend.tls() != Backend.Tls.NONE, ALPN, engine, ctx, null);
    }

    /** Opens a non-blocking connection to {@code address} (already resolved: resolving here would block the loop). */
    static H2BackendConnection connect(H2Backends registry, LoopContext ctx, ProxyEngine engine, Backend backend,
            String poolKey, InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        H2BackendConnection c;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c = new H2BackendConnection(registry, ctx, engine, backend, poolKey, ch);
            c.opening.connect(address, c);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        engine.counters().activeBackends.increment();
        engine.counters().count(Counter.H2_BACKEND_CONNECTIONS);
        c.stats.active++;
        try {
            if (c.opening.advance()) {
                c.opened();
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** What rsp offers an HTTP/2 backend over ALPN: h2 only (RFC 9113 3.2). */
    static final String ALPN = "h2";

    // ---------------------------------------------------------------- for the registry and the streams

    Backend backend() {
        return backend;
    }

    String poolKey() {
        return poolKey;
    }

    boolean connected() {
        return opening.open();
    }

    /**
     * True when one more stream may attach: not closing, no GOAWAY either way, and fewer streams attached than the
     * backend allows at once (its MAX_CONCURRENT_STREAMS; until its SETTINGS came, what another connection to it
     * learnt, else 100; and rsp's own bound). Streams over what the backend allows would be refused.
     */
    boolean canTake() {
        long peerMax = settingsSeen ? session.peerSettings().get(Settings.MAX_CONCURRENT_STREAMS)
                : registry.concurrencyHint(poolKey);
        return !closed && !goneAway && streams.size() < Math.min(peerMax, LIMITS.maxConcurrentStreams());
    }

    /** A stream for {@code owner}'s exchange, attached now, opened when it writes its head. */
    H2BackendStream attach(Exchange owner) {
        H2BackendStream s = new H2BackendStream(this, owner, engine.settings().headLimits());
        streams.add(s);
        ctx.loop.disarm(idle);
        engine.counters().count(Counter.H2_BACKEND_STREAMS);
        return s;
    }

    /**
     * Opens {@code s}'s stream with its head ({@code lines}, see {@link H2Heads}); null, writing nothing, when the
     * output is full or the backend's concurrency is reached for now (the stream waits for the output).
     */
    H2Stream open(H2BackendStream s, ByteBuffer lines, boolean endStream) {
        if (closed || !opening.open() || !session.canOpen()) {
            return null;
        }
        H2Stream stream = output.writeNewHead(session::open, lines, endStream);
        if (stream != null) {
            stream.attach(s);
            opened++;
        }
        return stream;
    }

    /** Runs {@code s}'s exchange again from the loop's task queue (see {@link H2Body.Credit#runAgain}). */
    void runSoon(H2BackendStream s) {
        ctx.loop.execute(s::notifyOwner);
    }

    int streamsBefore(H2BackendStream s) {
        return s.stream() == null ? opened : Math.max(0, (s.stream().id() - 1) / 2);
    }

    H2Output output() {
        return output;
    }

    BufferPool buffers() {
        return ctx.loop.buffers();
    }

    RequestHeadParser requestParser() {
        return requestParser;
    }

    /** The most a stream's response buffer holds: its window, a head, chunk framing and trailers. */
    int responseBufferBytes() {
        return LIMITS.initialStreamWindow() + 2 * engine.settings().headLimits().maxHeadBytes();
    }

    void consumed(H2BackendStream s, int bytes) {
        if (s.stream() != null && !closed) {
            session.consumed(s.stream(), bytes);
            if (session.hasControlOutput()) {
                output.flushSoon();
            }
        }
    }

    void reset(H2BackendStream s, ErrorCode code) {
        if (!closed && s.stream() != null) {
            session.reset(s.stream(), code);
            output.flushSoon();
        }
    }

    /** The exchange let go of {@code s}: with no stream left the idle timeout starts. */
    void forget(H2BackendStream s) {
        if (streams.remove(s) && streams.isEmpty() && !closed) {
            if (session.finished()) {
                close();
            } else {
                ctx.loop.arm(idle, System.nanoTime() + engine.settings().poolIdleNanos());
            }
        }
    }

    // ---------------------------------------------------------------- the loop's calls

    @Override
    public void onReady(SelectionKey key) {
        if (!opening.open()) {
            if (key.isValid()) {
                finishConnect();
            }
            return;
        }
        if (key.isValid() && key.isWritable() && output.flush()) {
            output.runWaiters();
        }
        if (!closed && !input.paused()) {
            readInput();
        }
        afterInput();
    }

    /**
     * The TCP connect, then the TLS handshake of a {@code ;tls} backend. A failure refuses every stream attached: none
     * was sent, so their exchanges try elsewhere.
     */
    private void finishConnect() {
        try {
            if (!opening.advance()) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            fail("connect: " + Upstream.reason(e), true);
            return;
        }
        opened();
        if (closed) {
            return;
        }
        for (H2BackendStream s : new ArrayList<>(streams)) {
            s.notifyOwner();
        }
    }

    /** Open: the preface and SETTINGS go out, and what the backend sent with the end of a TLS handshake is read. */
    private void opened() {
        endpoint.clearInterest();
        endpoint.wantRead(true);
        afterInput();
        if (endpoint.hasBufferedInput()) {
            readInput();
            afterInput();
        }
    }

    private void afterInput() {
        if (closed) {
            return;
        }
        output.writeControl();
        if (windowsOpened || output.hasWaiters() && output.flush()) {
            windowsOpened = false;
            output.runWaiters();
        }
        output.flush();
        if (session.finished() && output.empty() && streams.isEmpty()) {
            close();
        }
    }

    private void readInput() {
        switch (input.read()) {
            case SESSION_CLOSED -> fail("HTTP/2 connection error: " + session.failure(), false);
            case PEER_CLOSED -> fail("closed the connection", false);
            case READ_FAILED -> fail("read failed: " + Upstream.reason(input.failure()), false);
            case PAUSED, YIELDED, WAITING, STOPPED -> { }
        }
    }

    /** The output was written: reading that stopped for it goes on. */
    private void outputDrained() {
        input.drained();
    }

    private void writeFailed() {
        fail("write failed", false);
    }

    /** Idle with no stream for the pool's idle time: GOAWAY, then close. */
    @Override
    public void onDeadline(long now) {
        if (!closed && streams.isEmpty() && !opening.open()) {
            // still connecting (or in its TLS handshake) and nobody waits for it: nothing to say
            close();
            return;
        }
        if (!closed && streams.isEmpty()) {
            engine.counters().count(Counter.BACKEND_POOL_IDLE_TIMEOUT);
            session.goAway();
            output.writeControl();
            output.flush();
            close();
        }
    }

    @Override
    public void onFailure(Throwable t) {
        fail("internal error", false);
    }

    /**
     * The connection cannot go on: every stream attached breaks ({@code refusedAll}: none was processed, as when the
     * connect failed), the failure is counted against the backend, and it closes.
     */
    private void fail(String why, boolean refusedAll) {
        if (closed) {
            return;
        }
        engine.health().recordFailure(backend.name(), why);
        ProxyEngine.log.debug("HTTP/2 connection to backend {} ended: {}", backend.name(), why);
        List<H2BackendStream> attached = new ArrayList<>(streams);
        close();
        for (H2BackendStream s : attached) {
            s.broken(why, refusedAll || s.stream() == null);
        }
    }

    /** Says GOAWAY when streams are active (they finish) or closes now; the registry forgets it either way. */
    void retire() {
        goneAway = true;
        registry.remove(this);
        if (streams.isEmpty()) {
            close();
        } else {
            session.goAway();
            afterInput();
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        opening.closed();
        registry.remove(this);
        ctx.loop.disarm(idle);
        output.close();
        endpoint.close();
        engine.counters().activeBackends.decrement();
        stats.active--;
    }

    // ---------------------------------------------------------------- connection events (from H2BackendEvents)

    void windowsOpened() {
        windowsOpened = true;
    }

    void peerSettings(Settings peer) {
        settingsSeen = true;
        output.peerSettings(peer);
        registry.concurrencyLearnt(poolKey, peer.get(Settings.MAX_CONCURRENT_STREAMS));
    }

    /** The backend takes no more streams here: new exchanges go to a new connection; the open ones finish. */
    void goneAway() {
        goneAway = true;
        registry.remove(this);
        for (H2BackendStream s : new ArrayList<>(streams)) {
            if (s.stream() == null) {
                s.broken("backend said GOAWAY", true);
            }
        }
    }

    boolean carries(H2BackendStream s) {
        return streams.contains(s);
    }

    ProxyEngine engine() {
        return engine;
    }

    @Override
    public String toString() {
        return "h2 backend " + backend.name() + " streams " + streams.size();
    }
}
