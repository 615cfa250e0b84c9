package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.H2Session;
import dev.rsp.core.h2.H2SessionListener;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.h2.SessionProgress;
import dev.rsp.core.h2.Settings;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Endpoint;
import dev.rsp.spi.tls.Termination;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An HTTP/2 server connection on one endpoint: the socket side of an {@link H2Session} (bytes in, frames out), HPACK
 * both ways, and one {@link H2Downstream} per stream, each the downstream of an ordinary {@link Exchange} with its own
 * backend connection from the loop's pool, so a slow stream never holds the others. It takes over from an
 * {@link Http1Connection} whose client negotiated {@code h2} by ALPN or sent the h2c preface.
 *
 * <p>Output: one pooled buffer, filled with control frames first (SETTINGS, ACKs, WINDOW_UPDATE, RST_STREAM,
 * GOAWAY), then the streams' HEADERS and DATA as their pipes write, and flushed to the socket. A stream whose frames
 * do not fit now waits ({@link #waitToWrite}) and runs again when the socket drained or a window opened. Memory per
 * connection: that buffer, one request-body buffer per stream with a body (bounded by the stream window rsp
 * advertises), and the exchanges' own buffers.
 *
 * <p>Its own timeouts: idle without a stream ({@code timeout.idle.ms}: GOAWAY, close), a header block that does not
 * complete ({@code timeout.header.ms}), and the drain after a stop. Loop thread only.
 */
final class H2Connection implements ClientConnection, H2SessionListener {


    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final InetSocketAddress remote;
    private final String clientIp;
    private final HostCoverage coverage;
    private final boolean onTlsListener;
    private final H2Session session;
    private final H2HeaderDecoder headers;
    private final Set<H2Downstream> live = new HashSet<>();
    private final H2Timers timers;
    private boolean windowsOpened;
    private final H2Output output;
    private final H2SocketInput input;
    private boolean closed;
    private boolean draining;

    H2Connection(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote, Termination termination,
            boolean onTlsListener, Optional<String> sni) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.remote = remote;
        this.clientIp = remote.getAddress().getHostAddress();
        this.coverage = new HostCoverage(termination, client);
        this.onTlsListener = onTlsListener;
        ProxySettings s = engine.settings();
        this.headers = new H2HeaderDecoder(s.h2Hpack(), remote, sni, ctx.fieldStrings);
        this.session = new H2Session(s.h2Limits(), headers, this, engine.counters()::count);
        this.timers = new H2Timers(ctx.loop, s, this);
        this.output = new H2Output(ctx, client, session, this::afterInput, this::writeFailed, this::outputDrained);
        this.input = new H2SocketInput(client, w -> {
            SessionProgress p = session.onInput(w);
            timers.headerBlock(session.headerBlockInProgress());
            return p;
        }, output, () -> closed, ctx.loop, () -> {
            readInput();
            afterInput();
        });
    }

    /** Takes over the endpoint: rsp's SETTINGS go out, and what the client sent already is read. */
    void start() {
        count(Counter.H2_CONNECTIONS);
        client.wantRead(true);
        readInput();
        afterInput();
    }

    // ---------------------------------------------------------------- the loop's calls

    @Override
    public void onReady(SelectionKey key) {
        timers.progress();
        if (key.isValid() && key.isWritable() && output.flush()) {
            output.runWaiters();
        }
        if (!closed && !input.paused()) {
            readInput();
        }
        afterInput();
    }

    private void afterInput() {
        if (closed) {
            return;
        }
        output.writeControl();
        // Streams wait for a window or for the output: a flush that empties it (here, not only on OP_WRITE) runs them.
        if (windowsOpened || output.hasWaiters() && output.flush()) {
            windowsOpened = false;
            output.runWaiters();
        }
        output.flush();
        if (session.finished() && output.empty()) {
            close();
            return;
        }
        timers.rearm(live.isEmpty());
    }

    private void readInput() {
        switch (input.read()) {
            case SESSION_CLOSED, PEER_CLOSED -> close();
            case READ_FAILED -> {
                count(Counter.CLIENT_READ_ERROR);
                close();
            }
            case PAUSED, YIELDED, WAITING, STOPPED -> { }
        }
    }

    @Override
    public void onDeadline(long now) {
        switch (timers.expired(now, live.isEmpty())) {
            case HEADER_BLOCK -> {
                // Nothing but the rest of the block may come (RFC 9113 6.10), and its stream keeps the session from
                // finishing: the GOAWAY goes out and the connection closes.
                count(Counter.CLIENT_TIMEOUT_HEADER);
                session.goAway(false);
                output.writeControl();
                output.flush();
                close();
                return;
            }
            case IDLE -> {
                count(Counter.H2_TIMEOUT_IDLE);
                session.goAway(false);
            }
            case DRAIN_GRACE -> session.goAway(false);
            case NONE -> { }
        }
        afterInput();
    }

    /** The output was written: reading that stopped for it goes on. */
    private void outputDrained() {
        input.drained();
    }

    private void writeFailed() {
        count(Counter.CLIENT_WRITE_FAILED);
        close();
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    @Override
    public void drain() {
        if (!draining) {
            draining = true;
            timers.draining();
            session.goAway(true);
        }
        afterInput();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (H2Downstream ds : new ArrayList<>(live)) {
            ds.gone();
        }
        live.clear();
        output.close();
        client.close();
        ctx.clients.remove(this);
        if (onTlsListener) {
            ctx.tlsClients--;
        }
        timers.cancel();
        engine.counters().activeClients.give();
    }

    // ---------------------------------------------------------------- the session's events (H2SessionListener)

    @Override
    public void onRequestHead(H2Stream stream, boolean endStream) {
        H2Request req = headers.take();
        count(Counter.H2_STREAMS);
        engine.counters().requests.increment();
        H2Downstream ds = new H2Downstream(this, stream, req);
        stream.attach(ds);
        live.add(ds);
        String malformed = req.complete(endStream);
        if (malformed != null) {
            count(Counter.H2_MALFORMED);
            ProxyEngine.log.debug("HTTP/2 request from {} malformed: {}", clientIp, malformed);
            session.reset(stream, ErrorCode.PROTOCOL_ERROR);
            forget(ds);
            return;
        }
        Exchange x = new Exchange(engine, ctx, ds);
        ds.start(x);
        if (req.isConnect()) {
            x.refuse(405, "CONNECT is not supported");
        } else if (req.hostMissing()) {
            x.refuse(400, "no :authority or Host");
        } else {
            if (engine.accessLogOn()) {
                x.facts().userAgent = req.header("user-agent").orElse("");
                x.facts().referer = req.header("referer").orElse("");
            }
            x.start(req, true);
        }
    }

    @Override
    public void onTrailers(H2Stream stream) {
        H2Request trailers = headers.take();
        List<String[]> fields = trailers == null ? List.of() : trailers.trailerFields();
        if (stream.attachment() instanceof H2Downstream ds) {
            ds.trailers(fields);
        }
    }

    @Override
    public void onHeadTooLarge(H2Stream stream) {
        headers.take();
        H2Downstream ds = new H2Downstream(this, stream, new H2Request(remote, Optional.empty(), ctx.fieldStrings));
        stream.attach(ds);
        live.add(ds);
        Exchange x = new Exchange(engine, ctx, ds);
        ds.start(x);
        x.refuse(431, "request head too large");
    }

    @Override
    public void onData(H2Stream stream, ByteBuffer data, boolean endStream) {
        if (stream.attachment() instanceof H2Downstream ds && live.contains(ds)) {
            ds.data(data, endStream);
        } else {
            session.consumed(stream, data.remaining());
        }
    }

    @Override
    public void onReset(H2Stream stream, ErrorCode code, boolean byPeer) {
        if (stream.attachment() instanceof H2Downstream ds) {
            ds.gone();
        }
    }

    @Override
    public void onSendWindowOpened(H2Stream stream) {
        windowsOpened = true;
    }

    @Override
    public void onSendWindowsOpened() {
        windowsOpened = true;
    }

    @Override
    public void onPeerSettings(Settings peer) {
        output.peerSettings(peer);
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        if (!draining) {
            draining = true;
            timers.draining();
        }
    }

    // ---------------------------------------------------------------- for the streams

    /**
     * Body bytes were taken by the backend side (or dropped): the client's credit comes back. The WINDOW_UPDATE this
     * may queue is flushed on this loop turn even when the call comes from a backend's readiness.
     */
    void credit(H2Stream stream, int bytes) {
        session.consumed(stream, bytes);
        if (session.hasControlOutput()) {
            output.flushSoon();
        }
    }

    /** Runs {@code ds}'s exchange again from the loop's task queue (see {@link H2Body.Credit#runAgain}). */
    void runSoon(H2Downstream ds) {
        ctx.loop.execute(() -> {
            Exchange x = ds.exchange();
            if (x != null) {
                x.onDownstreamReady();
            }
        });
    }

    void resetStream(H2Downstream ds, ErrorCode code) {
        session.reset(ds.stream, code);
        output.flushSoon();
    }

    void forget(H2Downstream ds) {
        if (live.remove(ds) && live.isEmpty()) {
            timers.progress(); // the idle timeout runs from the last stream's end
        }
    }

    H2Output output() {
        return output;
    }

    BufferPool buffers() {
        return ctx.loop.buffers();
    }

    ByteBuffer errorPage(int status) {
        return engine.errorPages().page(status);
    }

    ConnectionAddresses addresses() {
        return ConnectionAddresses.of(remote, client);
    }

    String clientIp() {
        return clientIp;
    }

    /**
     * See {@link Downstream#takeConnectionRefusal}: when this connection was accepted over its client's connection
     * rate, the stream asking gets the 429 and the connection drains (GOAWAY) from the loop's task queue.
     */
    long takeConnectionRefusal() {
        long seconds = client.takeRateLimited();
        if (seconds > 0) {
            ctx.loop.execute(this::drain);
        }
        return seconds;
    }

    boolean tls() {
        return client.isTls();
    }

    boolean onTlsListener() {
        return onTlsListener;
    }

    boolean draining() {
        return draining;
    }

    boolean covers(String host) {
        return coverage.covers(host);
    }

    void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "h2 client " + clientIp + " streams " + live.size();
    }
}
