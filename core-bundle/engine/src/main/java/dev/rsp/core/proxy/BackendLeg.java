package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.TlsRenegotiationRefused;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * The backend half of a client's exchange: connect to a candidate (or take a pooled connection), retry where that is
 * safe, pipe the request up and the response down, relay 1xx, switch to a tunnel after 101, and hand the backend
 * connection back to the pool when the exchange ends cleanly. Owned by one {@link ClientSide}, whose state machine
 * it advances; loop thread only.
 *
 * <p>Buffer ownership: the leg owns the two head buffers of the exchange ({@code requestHead}, {@code responseHead},
 * the latter also carrying rsp's own replies) and gives them back in {@link #releaseHeads}.
 */
final class BackendLeg {

    private final ClientSide c;
    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final String clientIp;
    private final RequestView view;
    private final RequestHeadParser parser;
    private final Exchange x;
    private final Pipe up;
    private final Pipe down;
    private final HeadReader heads = new HeadReader();
    private BackendSide backend;
    private ByteBuffer requestHead;
    private ByteBuffer responseHead;

    BackendLeg(ClientSide c, ProxyEngine engine, LoopContext ctx, Endpoint client, String clientIp, RequestView view,
            RequestHeadParser parser, Exchange x) {
        this.c = c;
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.clientIp = clientIp;
        this.view = view;
        this.parser = parser;
        this.x = x;
        this.up = new Pipe(engine.newChunkedScanner());
        this.down = new Pipe(engine.newChunkedScanner());
    }

    /** The name of the backend in use, or "-". */
    String backendName() {
        return backend == null ? "-" : backend.backend().name();
    }

    /** Response body bytes sent to the client in this exchange (in a tunnel: bytes backend to client). */
    long bodyBytes() {
        return down.bodyBytes();
    }

    /** Request body bytes sent to the backend in this exchange (in a tunnel: bytes client to backend). */
    long requestBodyBytes() {
        return up.bodyBytes();
    }

    /**
     * Adds the finished exchange to the loop's metrics: listener, strategy (when one decided) and backend (when one
     * answered). Two map lookups and plain increments; allocates only the first time a backend or strategy is seen.
     */
    void record(int status, long micros) {
        long in = up.bodyBytes();
        long out = down.bodyBytes();
        ctx.metrics.listener().record(status, in, out, micros);
        if (c.onTlsListener()) {
            ctx.metrics.tls().record(status, in, out, micros);
        }
        if (!x.strategy.isEmpty()) {
            ctx.metrics.strategy(x.strategy).record(status, in, out, micros);
        }
        if (backend != null) {
            ctx.metrics.backend(backend.backend().name()).record(status, in, out, micros);
        }
    }

    /**
     * Starts sending one of rsp's own replies: abandons the exchange's pipes, keeps nothing of the backend. The
     * operator's page for {@code status} when there is one, else a one-line text: {@code message}, or for null only
     * the status's reason (the detail of a 5xx is for the log, never for the client).
     */
    void startReply(int status, String message) {
        up.abort();
        dropBackend();
        ByteBuffer page = engine.errorPages().page(status);
        if (page != null) {
            down.start(null, client, page, Pipe.Framing.NONE, 0);
            return;
        }
        if (responseHead == null) {
            responseHead = ctx.loop.buffers().acquire();
        }
        Replies.write(responseHead, status, message == null ? Replies.reason(status) : message);
        down.start(null, client, responseHead, Pipe.Framing.NONE, 0);
    }

    /** Writes what it can of the reply started by {@link #startReply}. */
    Pipe.Progress flushReply() {
        return down.pump();
    }

    /** Gives back everything: pipes abandoned, backend connection closed, head buffers released. */
    void release() {
        up.abort();
        down.abort();
        dropBackend();
        releaseHeads();
    }

    /** Readiness of the backend connection in use. */
    void onBackendReady(BackendSide b, SelectionKey key) {
        if (b != backend) {
            return;
        }
        if (c.state == ClientSide.State.CONNECT) {
            try {
                if (b.finishConnect()) {
                    onConnected();
                }
            } catch (IOException | RuntimeException e) {
                connectFailed(e.toString());
            }
            return;
        }
        if (key.isWritable()) {
            pumpUp();
        }
        if (key.isValid() && key.isReadable() && b == backend) {
            if (c.state == ClientSide.State.EXCHANGE && !x.responseHeadSeen && !x.interim) {
                readResponseHead();
            } else if (c.state == ClientSide.State.EXCHANGE || c.state == ClientSide.State.TUNNEL) {
                pumpDown();
            }
        }
    }

    void connectNext() {
        int max = Math.min(x.candidates.size(), engine.settings().backendTries());
        while (x.tries < max) {
            if (x.tries > 0) {
                c.count(Counter.BACKEND_RETRY);
            }
            Backend b = x.candidates.get(x.tries++);
            if (connect(b)) {
                return;
            }
        }
        c.count(Counter.BACKEND_UNAVAILABLE);
        c.reply(502, "no backend reachable for " + x.host + " (tried " + names(x.candidates, x.tries) + ")");
    }

    /** Starts using {@code b}; false when connecting failed at once. */
    boolean connect(Backend b) {
        x.backendName = b.name();
        BackendDirectory dir = engine.directory();
        String key = dir.poolKey(b);
        BackendSide pooled = x.passthrough ? null : ctx.pool.take(key);
        if (pooled != null) {
            backend = pooled;
            pooled.takenBy(c);
            onConnected();
            return true;
        }
        try {
            InetSocketAddress address = dir.address(b);
            if (x.passthrough && x.passthroughPort > 0) {
                address = address.isUnresolved() ? InetSocketAddress.createUnresolved(address.getHostString(), x.passthroughPort)
                        : new InetSocketAddress(address.getAddress(), x.passthroughPort);
            }
            backend = BackendSide.connect(ctx.loop, b, address, key, c, engine.settings().headLimits(), engine.counters(),
                    ctx.metrics.backend(b.name()));
        } catch (IOException | RuntimeException e) {
            backend = null;
            recordConnectFailure(b, e.toString());
            return false;
        }
        if (backend.connected()) {
            onConnected();
        } else {
            c.state = ClientSide.State.CONNECT;
            c.deadline = System.nanoTime() + engine.settings().connectTimeoutNanos();
        }
        return true;
    }

    void connectFailed(String why) {
        Backend b = backend.backend();
        dropBackend();
        recordConnectFailure(b, why);
        connectNext();
    }

    void recordConnectFailure(Backend b, String why) {
        c.count(Counter.BACKEND_CONNECT_FAILED);
        ctx.metrics.backend(b.name()).failures++;
        engine.health().recordFailure(b.name(), "connect: " + why);
        ProxyEngine.log.debug("connect to backend {} failed: {}", b.name(), why);
    }

    void onConnected() {
        x.connectedAt = System.nanoTime();
        if (x.passthrough) {
            startTunnel(Counter.TLS_PASSTHROUGH);
            return;
        }
        c.state = ClientSide.State.EXCHANGE;
        HttpHead head = parser.head();
        if (requestHead == null) {
            requestHead = ctx.loop.buffers().acquire();
        }
        HeadWriter.Forwarding f = new HeadWriter.Forwarding(clientIp, client.isTls(), x.upgradeOffered, head.versionMinor() == 0,
                engine.settings().via());
        if (!HeadWriter.request(view.buffer(), head, f, requestHead)) {
            c.count(Counter.REJECT_HEAD_TOO_LARGE_AFTER_REWRITE);
            dropBackend();
            c.reply(431, "request head too large once forwarding fields are added");
            return;
        }
        backend.parser().reset();
        backend.endpoint().wantRead(true);
        c.deadline = System.nanoTime() + engine.settings().backendTimeoutNanos();
        up.start(client, backend.endpoint(), requestHead, x.requestFraming, x.requestLength);
        pumpUp();
    }

    /** True while the request (head or body) is still being sent. */
    boolean upActive() {
        return up.active();
    }

    void pumpUp() {
        if (!up.active()) {
            return;
        }
        switch (up.pump()) {
            case DONE -> {
                x.requestSent = true;
                if (c.state == ClientSide.State.TUNNEL) {
                    backend.endpoint().shutdownOutput();
                    endTunnelIfDone();
                } else {
                    completeIfDone();
                }
            }
            case REJECT -> {
                Rejection r = up.rejection();
                c.count(r.counter());
                dropBackend();
                c.reply(r.status(), r.reason());
            }
            case TRUNCATED, SOURCE_FAILED -> {
                c.count(up.failure() instanceof TlsRenegotiationRefused ? Counter.TLS_RENEGOTIATION_REFUSED
                        : Counter.CLIENT_CLOSED_MID_REQUEST);
                c.close();
            }
            case SINK_FAILED -> backendBroke("write failed: " + up.failure());
            default -> { }
        }
    }

    void readResponseHead() {
        ResponseHeadParser rp = backend.parser();
        switch (heads.read(backend.endpoint(), rp)) {
            case DONE -> onResponseHead(rp.head());
            case REJECT -> {
                c.count(rp.rejection().counter());
                String name = backend.backend().name();
                engine.health().recordFailure(name, "invalid response: " + rp.rejection().reason());
                dropBackend();
                c.reply(502, "invalid response from backend " + name + ": " + rp.rejection().reason());
            }
            case TOO_LARGE -> {
                c.count(Counter.BACKEND_HEAD_TOO_LARGE);
                String name = backend.backend().name();
                dropBackend();
                c.reply(502, "response head from backend " + name + " too large");
            }
            case CLOSED -> backendBroke("closed the connection before answering");
            case FAILED -> backendBroke("read failed: " + heads.failure());
            case WAITING -> { }
        }
    }

    void onResponseHead(HttpHead rh) {
        if (x.firstByteAt == 0) {
            x.firstByteAt = System.nanoTime();
        }
        Endpoint be = backend.endpoint();
        int status = rh.status();
        if (responseHead == null) {
            responseHead = ctx.loop.buffers().acquire();
        }
        if (status < 200 && status != 101) {
            HeadWriter.response(be.input(), rh, HeadWriter.ClientConnection.INTERIM, responseHead);
            be.input().position(rh.headEnd());
            backend.parser().reset();
            x.interim = true;
            down.start(null, client, responseHead, Pipe.Framing.NONE, 0);
            pumpDown();
            return;
        }
        x.responseHeadSeen = true;
        x.status = status;
        engine.health().recordSuccess(backend.backend().name());
        x.upgraded = status == 101;
        if (x.upgraded && !UpgradePolicy.accepts(x.upgradeOffered, rh.upgrade())) {
            // A tunnel nobody asked for (or to a protocol not offered) would carry the client's later requests past
            // routing: the backend connection is closed, never pooled, and the client gets a 502.
            c.count(Counter.BACKEND_UNASKED_UPGRADE);
            dropBackend();
            c.reply(502, "backend switched protocols without being asked");
            return;
        }
        ResponseFraming body = ResponseFraming.of(x.method, rh, x.upgraded);
        Pipe.Framing framing = body.framing();
        x.closeAfter = !x.keepAlive || c.draining || framing == Pipe.Framing.UNTIL_CLOSE;
        x.backendReusable = framing != Pipe.Framing.UNTIL_CLOSE && !rh.connectionClose() && rh.versionMinor() == 1
                && !x.upgraded && !x.http10;
        HeadWriter.ClientConnection cc = x.upgraded ? HeadWriter.ClientConnection.UPGRADE
                : x.closeAfter ? HeadWriter.ClientConnection.CLOSE
                : x.http10 ? HeadWriter.ClientConnection.KEEP_ALIVE_10 : HeadWriter.ClientConnection.KEEP_ALIVE_11;
        if (!HeadWriter.response(be.input(), rh, cc, responseHead)) {
            c.count(Counter.BACKEND_HEAD_TOO_LARGE);
            dropBackend();
            c.reply(502, "response head too large once rewritten");
            return;
        }
        be.input().position(rh.headEnd());
        x.responseStarted = true;
        engine.counters().response(status);
        down.start(be, client, responseHead, framing, body.length());
        pumpDown();
    }

    void pumpDown() {
        if (!down.active()) {
            return;
        }
        switch (down.pump()) {
            case DONE -> {
                if (x.interim) {
                    x.interim = false;
                    readResponseHead();
                } else if (c.state == ClientSide.State.TUNNEL) {
                    client.shutdownOutput();
                    endTunnelIfDone();
                } else if (x.upgraded) {
                    enterTunnel();
                } else {
                    x.responseDone = true;
                    completeIfDone();
                }
            }
            case TRUNCATED -> responseFailed(Counter.BACKEND_TRUNCATED_RESPONSE, "closed the connection mid-response");
            case REJECT -> responseFailed(Counter.BACKEND_BAD_CHUNK, "invalid chunked body: " + down.rejection().reason());
            case SOURCE_FAILED -> responseFailed(Counter.BACKEND_READ_FAILED, "read failed: " + down.failure());
            case SINK_FAILED -> {
                c.count(Counter.CLIENT_WRITE_FAILED);
                c.close();
            }
            default -> { }
        }
    }

    /**
     * The backend's response broke (cut short, badly framed, unreadable). While not one byte of it reached the
     * client, the client still gets a proper answer, 502; after that, only a cut connection can say it.
     */
    private void responseFailed(Counter counter, String why) {
        c.count(counter);
        if (!down.sentNothing()) {
            c.close();
            return;
        }
        engine.counters().retractResponse(x.status);
        x.responseStarted = false;
        String name = backend.backend().name();
        dropBackend();
        c.reply(502, "invalid response from backend " + name + ": " + why);
    }

    void enterTunnel() {
        startTunnel(Counter.EXCHANGE_UPGRADED);
    }

    /** Relays bytes both ways until both sides closed: after a 101, or a TLS passthrough connection. */
    private void startTunnel(Counter counter) {
        c.state = ClientSide.State.TUNNEL;
        x.tunnel = true;
        c.count(counter);
        c.accessLog();
        up.tunnel(client, backend.endpoint());
        down.tunnel(backend.endpoint(), client);
        pumpUp();
        if (c.state == ClientSide.State.TUNNEL) {
            pumpDown();
        }
    }

    void endTunnelIfDone() {
        if (!up.active() && !down.active()) {
            c.closeWhenFlushed();
        }
    }

    /** The backend connection broke before a response began: retry where that is safe, else 502. */
    void backendBroke(String why) {
        Backend b = backend.backend();
        boolean stalePooled = backend.reuses() > 0 && !x.responseHeadSeen && x.requestFraming == Pipe.Framing.NONE;
        dropBackend();
        if (x.responseStarted) {
            c.count(Counter.BACKEND_BROKE_MID_RESPONSE);
            c.close();
            return;
        }
        if (stalePooled) {
            // A pooled connection the backend had closed; the request is still whole, so send it on a new one.
            c.count(Counter.BACKEND_POOL_STALE_RETRY);
            if (!connect(b)) {
                connectNext();
            }
            return;
        }
        engine.health().recordFailure(b.name(), why);
        ctx.metrics.backend(b.name()).failures++;
        c.count(Counter.BACKEND_BROKE);
        if (x.requestFraming == Pipe.Framing.NONE && x.idempotent) {
            connectNext();
        } else {
            c.reply(502, "backend " + b.name() + " failed: " + why);
        }
    }

    void completeIfDone() {
        if (!x.responseDone) {
            return;
        }
        if (!x.requestSent) {
            // The backend answered before the request body was through: neither side can be reused.
            x.closeAfter = true;
            x.backendReusable = false;
            up.abort();
        }
        c.accessLog();
        if (x.backendReusable && x.bodyMayBeUnread) {
            x.backendReusable = false;
            c.count(Counter.BACKEND_NOT_REUSED_UNREAD_BODY);
        }
        // A connection to a backend removed or moved meanwhile is closed: BackendPool.retain already ran for it.
        if (x.backendReusable && engine.directory().hasPoolKey(backend.backend().name(), backend.poolKey())) {
            BackendSide b = backend;
            backend = null;
            ctx.pool.offer(b, System.nanoTime());
        } else {
            dropBackend();
        }
        if (x.closeAfter) {
            c.closeWhenFlushed();
            return;
        }
        releaseHeads();
        c.nextRequest();
    }

    void dropBackend() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    void releaseHeads() {
        if (requestHead != null) {
            ctx.loop.buffers().release(requestHead);
            requestHead = null;
        }
        if (responseHead != null) {
            ctx.loop.buffers().release(responseHead);
            responseHead = null;
        }
    }

    static String names(List<Backend> candidates, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n && i < candidates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(candidates.get(i).name());
        }
        return sb.toString();
    }
}
