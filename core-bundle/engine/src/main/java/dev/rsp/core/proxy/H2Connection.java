package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.FrameType;
import dev.rsp.core.h2.H2Session;
import dev.rsp.core.h2.H2SessionListener;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.h2.HeaderBlockDecoder;
import dev.rsp.core.h2.Settings;
import dev.rsp.core.h2.hpack.DecodeStatus;
import dev.rsp.core.h2.hpack.FieldSink;
import dev.rsp.core.h2.hpack.HpackDecoder;
import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.spi.tls.Termination;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSession;

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
final class H2Connection implements ClientConnection, H2SessionListener, HeaderBlockDecoder {

    private static final FieldSink DISCARD = (n, nl, v, vl, s) -> { };
    private static final long DRAIN_GRACE_NANOS = 1_000_000_000L;

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final InetSocketAddress remote;
    private final String clientIp;
    private final Termination termination;
    private final Optional<String> sni;
    private final boolean onTlsListener;
    private final H2Session session;
    private final HpackDecoder hpackIn;
    private final HpackEncoder hpackOut = new HpackEncoder();
    private final Set<H2Downstream> live = new HashSet<>();
    private final ArrayDeque<H2Downstream> waiters = new ArrayDeque<>();
    private final Deadline timer = new Deadline(this);
    private H2Request decoding;
    private ByteBuffer out;
    private boolean outPooled;
    private boolean windowsOpened;
    /** A flush is queued on the loop: frames written from a backend's readiness go out once per loop turn. */
    private boolean flushQueued;
    private final Runnable flushTask = this::queuedFlush;
    private boolean readPaused;
    private boolean closed;
    private boolean draining;
    private long lastProgress = System.nanoTime();
    private long headerSince;
    private long drainSince;
    /** The drain's grace passed and the final GOAWAY went out: no drain deadline any more. */
    private boolean drainGraceOver;

    H2Connection(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote, Termination termination,
            boolean onTlsListener, Optional<String> sni) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.remote = remote;
        this.clientIp = remote.getAddress().getHostAddress();
        this.termination = termination;
        this.sni = sni;
        this.onTlsListener = onTlsListener;
        ProxySettings s = engine.settings();
        this.hpackIn = new HpackDecoder(s.h2Hpack());
        this.session = new H2Session(s.h2Limits(), this, this, engine.counters()::count);
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
        lastProgress = System.nanoTime();
        if (key.isValid() && key.isWritable() && flush()) {
            runWaiters();
        }
        if (!closed && !readPaused) {
            readInput();
        }
        afterInput();
    }

    private void afterInput() {
        if (closed) {
            return;
        }
        writeControl();
        if (windowsOpened) {
            windowsOpened = false;
            runWaiters();
        }
        flush();
        if (session.finished() && (out == null || out.position() == 0)) {
            close();
            return;
        }
        rearm();
    }

    private void readInput() {
        for (int round = 0; round < 16 && !closed; round++) {
            ByteBuffer w = client.input();
            if (w.hasRemaining()) {
                H2Session.Progress p = session.onInput(w);
                trackHeaderBlock();
                if (p == H2Session.Progress.CLOSE) {
                    writeControl();
                    flush();
                    close();
                    return;
                }
                if (p == H2Session.Progress.BLOCKED) {
                    if (!writeControl() || !flush()) {
                        readPaused = true;
                        client.wantRead(false);
                        return;
                    }
                    continue;
                }
            }
            if (client.inputFull()) {
                client.compactInput();
            }
            int n;
            try {
                n = client.read();
            } catch (IOException e) {
                count(Counter.CLIENT_READ_ERROR);
                close();
                return;
            }
            if (n < 0) {
                close();
                return;
            }
            if (n == 0) {
                client.releaseInputIfEmpty();
                client.wantRead(true);
                return;
            }
        }
    }

    private void trackHeaderBlock() {
        boolean inProgress = session.headerBlockInProgress();
        if (inProgress && headerSince == 0) {
            headerSince = System.nanoTime();
        } else if (!inProgress) {
            headerSince = 0;
        }
    }

    /**
     * Each expiry acts once and moves its own deadline out of the past: the loop fires a deadline again at once while
     * it is due, so one left in the past would keep the loop thread in this method (a drain that outlasted its grace
     * stopped every connection of the loop). A connection with streams is not idle: its idle clock starts again.
     */
    @Override
    public void onDeadline(long now) {
        ProxySettings s = engine.settings();
        if (headerSince != 0 && now - headerSince > s.headerTimeoutNanos()) {
            count(Counter.CLIENT_TIMEOUT_HEADER);
            headerSince = 0;
            session.goAway(false);
        } else if (now - lastProgress > s.idleTimeoutNanos()) {
            lastProgress = now;
            if (live.isEmpty()) {
                count(Counter.H2_TIMEOUT_IDLE);
                session.goAway(false);
            }
        } else if (draining && !drainGraceOver && now - drainSince > DRAIN_GRACE_NANOS) {
            drainGraceOver = true;
            session.goAway(false);
        }
        afterInput();
    }

    private void rearm() {
        ProxySettings s = engine.settings();
        long next = lastProgress + s.idleTimeoutNanos();
        if (headerSince != 0) {
            next = Math.min(next, headerSince + s.headerTimeoutNanos());
        }
        if (draining && !drainGraceOver) {
            next = Math.min(next, drainSince + DRAIN_GRACE_NANOS);
        }
        ctx.loop.armNoLaterThan(timer, next);
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
            drainSince = System.nanoTime();
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
        waiters.clear();
        releaseOut();
        client.close();
        ctx.clients.remove(this);
        if (onTlsListener) {
            ctx.tlsClients--;
        }
        ctx.loop.disarm(timer);
        engine.counters().activeClients.decrement();
    }

    // ---------------------------------------------------------------- output

    /** Writes the control frames the session owes; false when the socket cannot take them all now. */
    private boolean writeControl() {
        while (session.hasControlOutput()) {
            if (!room(FrameType.HEADER_LENGTH + 8)) {
                return false;
            }
            if (!session.writeControl(out) && !flush()) {
                return false;
            }
        }
        return true;
    }

    /** Frames were written outside the connection's own readiness: flush them before the loop selects again. */
    private void flushSoon() {
        if (!flushQueued) {
            flushQueued = true;
            ctx.loop.execute(flushTask);
        }
    }

    private void queuedFlush() {
        flushQueued = false;
        if (!closed) {
            afterInput();
        }
    }

    /** Sends what the output holds; true when all of it went. */
    private boolean flush() {
        if (out == null || out.position() == 0) {
            return true;
        }
        out.flip();
        try {
            client.write(out);
        } catch (IOException e) {
            out.clear();
            count(Counter.CLIENT_WRITE_FAILED);
            close();
            return false;
        }
        boolean all = !out.hasRemaining();
        out.compact();
        client.wantWrite(!all);
        if (all) {
            releaseOut();
        }
        return all;
    }

    /** At least {@code need} bytes free in the output (a larger one-off buffer for a large head); false if blocked. */
    private boolean room(int need) {
        if (out != null && out.remaining() >= need) {
            return true;
        }
        if (!flush()) {
            return false;
        }
        if (out == null) {
            BufferPool pool = ctx.loop.buffers();
            outPooled = pool.bufferSize() >= need;
            out = outPooled ? pool.acquire() : ByteBuffer.allocate(need);
            out.clear();
        }
        return out.remaining() >= need;
    }

    private void releaseOut() {
        if (out != null && outPooled) {
            ctx.loop.buffers().release(out);
        }
        out = null;
    }

    /** HPACK-encodes {@code lines} (see {@link H2Heads}) into HEADERS now; false, encoding nothing, when blocked. */
    boolean writeHead(H2Stream s, ByteBuffer lines, boolean endStream) {
        if (closed || !s.state().weMaySend()) {
            return true;
        }
        int bound = H2Heads.bound(lines);
        int frames = FrameType.HEADER_LENGTH * (2 + bound / session.peerSettings().maxFrameSize());
        if (!writeControl() || !room(bound + frames)) {
            return false;
        }
        ByteBuffer block = ByteBuffer.allocate(bound);
        H2Heads.encode(lines, hpackOut, block);
        block.flip();
        session.writeHeaders(s, block, endStream, out);
        flushSoon();
        return true;
    }

    /** Writes what it can of {@code src} as DATA; returns the bytes taken. */
    int writeData(H2Stream s, ByteBuffer src, boolean endStream) {
        int taken = 0;
        while (!closed && s.state().weMaySend()) {
            if (!room(FrameType.HEADER_LENGTH + 1)) {
                break;
            }
            int n = session.writeData(s, src, endStream, out);
            taken += n;
            flushSoon();
            boolean ended = !s.state().weMaySend();
            if (ended || !src.hasRemaining() && !endStream || session.sendable(s) == 0 && src.hasRemaining()) {
                break;
            }
            if (n == 0 && out.remaining() > FrameType.HEADER_LENGTH && !flush()) {
                break;
            }
        }
        return taken;
    }

    /** {@code ds} could not write all it has: it runs again once the socket drained or a window opened. */
    void waitToWrite(H2Downstream ds) {
        if (!ds.waiting) {
            ds.waiting = true;
            waiters.add(ds);
        }
    }

    private void runWaiters() {
        for (int n = waiters.size(); n > 0 && !closed; n--) {
            if (out != null && out.remaining() < FrameType.HEADER_LENGTH + 1) {
                if (!flush()) {
                    return;
                }
            }
            H2Downstream ds = waiters.poll();
            ds.waiting = false;
            ds.writable();
        }
    }

    // ---------------------------------------------------------------- HPACK in (HeaderBlockDecoder)

    @Override
    public Outcome decode(ByteBuffer block, boolean keep) {
        decoding = keep ? new H2Request(remote, sni) : null;
        DecodeStatus status = hpackIn.decode(block, keep ? decoding : DISCARD);
        return switch (status) {
            case DONE -> Outcome.DECODED;
            case HEADER_LIST_TOO_LARGE -> Outcome.TOO_LARGE;
            default -> Outcome.COMPRESSION_ERROR;
        };
    }

    // ---------------------------------------------------------------- the session's events (H2SessionListener)

    @Override
    public void onRequestHead(H2Stream stream, boolean endStream) {
        H2Request req = decoding;
        decoding = null;
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
        List<String[]> fields = decoding == null ? List.of() : decoding.trailerFields();
        decoding = null;
        if (stream.attachment() instanceof H2Downstream ds) {
            ds.trailers(fields);
        }
    }

    @Override
    public void onHeadTooLarge(H2Stream stream) {
        decoding = null;
        H2Downstream ds = new H2Downstream(this, stream, new H2Request(remote, Optional.empty()));
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
        hpackOut.peerMaxTableSize((int) Math.min(peer.headerTableSize(), HpackEncoder.DEFAULT_TABLE_SIZE));
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        if (!draining) {
            draining = true;
            drainSince = System.nanoTime();
        }
    }

    // ---------------------------------------------------------------- for the streams

    void credit(H2Stream stream, int bytes) {
        session.consumed(stream, bytes);
    }

    void resetStream(H2Downstream ds, ErrorCode code) {
        session.reset(ds.stream, code);
    }

    void forget(H2Downstream ds) {
        live.remove(ds);
    }

    BufferPool buffers() {
        return ctx.loop.buffers();
    }

    ByteBuffer scratch() {
        return ctx.loop.buffers().acquire();
    }

    void giveScratch(ByteBuffer b) {
        ctx.loop.buffers().release(b);
    }

    ByteBuffer errorPage(int status) {
        return engine.errorPages().page(status);
    }

    String clientIp() {
        return clientIp;
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
        SSLSession s = client.tlsSession();
        return termination == null || s == null || termination.covers(s, host);
    }

    void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "h2 client " + clientIp + " streams " + live.size();
    }
}
