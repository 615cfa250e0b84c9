package dev.rsp.core.proxy;

import dev.rsp.core.host.CanonicalHost;
import dev.rsp.core.host.HostNames;
import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.core.routing.Routing;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * A client connection and the exchange it is in: read a request head, route it, connect (or take a pooled
 * connection), pipe the request up and the response down, then wait for the next request. Requests on one
 * connection are handled one at a time, so pipelined requests are answered in order. The request lifecycle and its
 * states are drawn in docs/request-lifecycle.md. Loop thread only.
 */
final class ClientSide implements LoopHandler {

    private enum State { HEAD, ROUTE_WAIT, CONNECT, EXCHANGE, TUNNEL, REPLY, LINGER, CLOSED }

    static final long LINGER_NANOS = 2_000_000_000L;

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final String clientIp;
    private final RequestHeadParser parser;
    private final RequestView view;
    private final Pipe up;
    private final Pipe down;
    private final Runnable resume = this::resume;
    private final Exchange x = new Exchange();

    private State state = State.HEAD;
    private long deadline;
    private long lastProgress = System.nanoTime();
    private boolean draining;
    private BackendSide backend;
    private ByteBuffer requestHead;
    private ByteBuffer responseHead;

    ClientSide(ProxyEngine engine, LoopContext ctx, Endpoint client, String clientIp, RequestView view) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.clientIp = clientIp;
        this.view = view;
        this.parser = new RequestHeadParser(engine.settings().headLimits());
        this.up = new Pipe(engine.newChunkedScanner());
        this.down = new Pipe(engine.newChunkedScanner());
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void onReady(SelectionKey key) {
        lastProgress = System.nanoTime();
        switch (state) {
            case HEAD -> readHead();
            case EXCHANGE, TUNNEL -> {
                if (key.isWritable()) {
                    pumpDown();
                }
                if ((state == State.EXCHANGE || state == State.TUNNEL) && key.isValid() && key.isReadable()) {
                    pumpUp();
                }
            }
            case REPLY -> flushReply();
            case LINGER -> linger();
            default -> client.wantRead(false);
        }
    }

    /** Readiness of the backend connection this client is using. */
    void onBackendReady(BackendSide b, SelectionKey key) {
        lastProgress = System.nanoTime();
        if (b != backend) {
            return;
        }
        if (state == State.CONNECT) {
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
            if (state == State.EXCHANGE && !x.responseHeadSeen && !x.interim) {
                readResponseHead();
            } else if (state == State.EXCHANGE || state == State.TUNNEL) {
                pumpDown();
            }
        }
    }

    @Override
    public void onSweep(long now) {
        switch (state) {
            case HEAD -> {
                if (draining && !client.hasInput()) {
                    close();
                } else if (deadline != 0 && now - deadline > 0) {
                    count("client.timeout.header");
                    x.rejected();
                    reply(408, "request head not received in time");
                } else if (deadline == 0 && now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count("client.timeout.idle");
                    close();
                }
            }
            case ROUTE_WAIT -> {
                if (now - deadline > 0) {
                    ctx.routeWaiters.remove(this);
                    count("route.no_strategy");
                    reply(503, "no routing strategy is available (routing.chain = " + engine.settings().chain() + ", not live: "
                            + engine.routing().current().chain().stream().filter(n -> !engine.routing().current().isLive(n)).toList() + ")");
                }
            }
            case CONNECT -> {
                if (now - deadline > 0) {
                    connectFailed("connect timed out");
                }
            }
            case EXCHANGE -> {
                if (!x.responseHeadSeen && now - deadline > 0) {
                    count("backend.timeout");
                    String name = backend.backend().name();
                    dropBackend();
                    reply(504, "backend " + name + " did not answer in time");
                } else if (now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count("exchange.timeout.idle");
                    close();
                }
            }
            case TUNNEL, REPLY -> {
                if (now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count("exchange.timeout.idle");
                    close();
                }
            }
            case LINGER -> {
                if (now - deadline > 0) {
                    close();
                }
            }
            default -> { }
        }
    }

    @Override
    public void onFailure(Throwable t) {
        count("client.internal_error");
        close();
    }

    // ---------------------------------------------------------------- request head and routing

    private void readHead() {
        while (true) {
            if (client.hasInput()) {
                ParseStatus s = parser.parse(client.input());
                if (s == ParseStatus.DONE) {
                    onHead();
                    return;
                }
                if (s == ParseStatus.REJECT) {
                    Rejection r = parser.rejection();
                    count(r.counter());
                    x.rejected();
                    reply(r.status(), r.reason());
                    return;
                }
                if (client.inputFull()) {
                    if (client.input().position() > 0) {
                        client.compactInput();
                        parser.reset();
                        continue;
                    }
                    count("reject.head_too_large");
                    reply(431, "request head too large");
                    return;
                }
            }
            int n;
            try {
                n = client.read();
            } catch (IOException e) {
                count("client.read_error");
                close();
                return;
            }
            if (n == 0) {
                client.wantRead(true);
                if (!client.hasInput()) {
                    client.releaseInputIfEmpty();
                }
                return;
            }
            if (n < 0) {
                if (client.hasInput()) {
                    count("client.closed_mid_head");
                }
                close();
                return;
            }
            if (deadline == 0) {
                deadline = System.nanoTime() + engine.settings().headerTimeoutNanos();
            }
        }
    }

    private void onHead() {
        HttpHead head = parser.head();
        engine.counters().requests.increment();
        x.begin(head);
        deadline = 0;
        CanonicalHost canonical = HostNames.canonical(head.absoluteForm() ? head.authority() : head.host());
        if (canonical instanceof CanonicalHost.Invalid invalid) {
            count("reject.invalid_host");
            reply(400, "invalid Host: " + invalid.reason());
            return;
        }
        x.host = ((CanonicalHost.Valid) canonical).host();
        ctx.sawHost(x.host);
        x.keepAlive = !draining && (head.versionMinor() == 1 ? !head.connectionClose() : head.connectionKeepAlive());
        client.input().position(head.headEnd());
        client.wantRead(false);
        view.set(client.input(), head, x.host);
        route();
    }

    /** Asks the routing chain; also called again for a request waiting for a strategy. */
    void route() {
        Routing r = engine.routing().current().route(view);
        if (r instanceof Routing.Routed routed) {
            if (state == State.ROUTE_WAIT) {
                ctx.routeWaiters.remove(this);
            }
            x.candidates = engine.health().preferUp(routed.candidates());
            x.strategy = routed.strategy();
            connectNext();
        } else if (r instanceof Routing.NoLiveStrategy) {
            if (state != State.ROUTE_WAIT) {
                state = State.ROUTE_WAIT;
                deadline = System.nanoTime() + engine.settings().graceNanos();
                ctx.routeWaiters.add(this);
                count("route.waited");
            }
        } else {
            if (state == State.ROUTE_WAIT) {
                ctx.routeWaiters.remove(this);
            }
            count("route.unrouted");
            reply(503, ((Routing.Unrouted) r).why());
        }
    }

    // ---------------------------------------------------------------- backend connection

    private void connectNext() {
        int max = Math.min(x.candidates.size(), engine.settings().backendTries());
        while (x.tries < max) {
            Backend b = x.candidates.get(x.tries++);
            if (connect(b)) {
                return;
            }
        }
        count("backend.unavailable");
        reply(502, "no backend reachable for " + x.host + " (tried " + names(x.candidates, x.tries) + ")");
    }

    /** Starts using {@code b}; false when connecting failed at once. */
    private boolean connect(Backend b) {
        BackendDirectory dir = engine.directory();
        String key = dir.poolKey(b);
        BackendSide pooled = ctx.pool.take(key);
        if (pooled != null) {
            backend = pooled;
            pooled.takenBy(this);
            onConnected();
            return true;
        }
        try {
            backend = BackendSide.connect(ctx.loop, b, dir.address(b), key, this, engine.settings().headLimits(), engine.counters());
        } catch (IOException | RuntimeException e) {
            backend = null;
            recordConnectFailure(b, e.toString());
            return false;
        }
        if (backend.connected()) {
            onConnected();
        } else {
            state = State.CONNECT;
            deadline = System.nanoTime() + engine.settings().connectTimeoutNanos();
        }
        return true;
    }

    private void connectFailed(String why) {
        Backend b = backend.backend();
        dropBackend();
        recordConnectFailure(b, why);
        connectNext();
    }

    private void recordConnectFailure(Backend b, String why) {
        count("backend.connect_failed");
        engine.health().recordFailure(b.name());
        ProxyEngine.log.debug("connect to backend {} failed: {}", b.name(), why);
    }

    private void onConnected() {
        state = State.EXCHANGE;
        HttpHead head = parser.head();
        if (requestHead == null) {
            requestHead = ctx.loop.buffers().acquire();
        }
        HeadWriter.Forwarding f = new HeadWriter.Forwarding(clientIp, false, x.upgradeRequested, head.versionMinor() == 0);
        if (!HeadWriter.request(view.buffer(), head, f, requestHead)) {
            count("reject.head_too_large_after_rewrite");
            dropBackend();
            reply(431, "request head too large once forwarding fields are added");
            return;
        }
        backend.parser().reset();
        backend.endpoint().wantRead(true);
        deadline = System.nanoTime() + engine.settings().backendTimeoutNanos();
        up.start(client, backend.endpoint(), requestHead, x.requestFraming, x.requestLength);
        pumpUp();
    }

    // ---------------------------------------------------------------- the two directions

    private void pumpUp() {
        if (!up.active()) {
            return;
        }
        switch (up.pump()) {
            case DONE -> {
                x.requestSent = true;
                if (state == State.TUNNEL) {
                    backend.endpoint().shutdownOutput();
                    endTunnelIfDone();
                } else {
                    completeIfDone();
                }
            }
            case REJECT -> {
                Rejection r = up.rejection();
                count(r.counter());
                dropBackend();
                reply(r.status(), r.reason());
            }
            case TRUNCATED, SOURCE_FAILED -> {
                count("client.closed_mid_request");
                close();
            }
            case SINK_FAILED -> backendBroke("write failed: " + up.failure());
            default -> { }
        }
    }

    private void readResponseHead() {
        Endpoint be = backend.endpoint();
        ResponseHeadParser rp = backend.parser();
        while (true) {
            if (be.hasInput()) {
                ParseStatus s = rp.parse(be.input());
                if (s == ParseStatus.DONE) {
                    onResponseHead(rp.head());
                    return;
                }
                if (s == ParseStatus.REJECT) {
                    count(rp.rejection().counter());
                    String name = backend.backend().name();
                    dropBackend();
                    reply(502, "invalid response from backend " + name + ": " + rp.rejection().reason());
                    return;
                }
                if (be.inputFull()) {
                    if (be.input().position() > 0) {
                        be.compactInput();
                        rp.reset();
                        continue;
                    }
                    count("backend.head_too_large");
                    String name = backend.backend().name();
                    dropBackend();
                    reply(502, "response head from backend " + name + " too large");
                    return;
                }
            }
            int n;
            try {
                n = be.read();
            } catch (IOException e) {
                backendBroke("read failed: " + e);
                return;
            }
            if (n == 0) {
                be.wantRead(true);
                return;
            }
            if (n < 0) {
                backendBroke("closed the connection before answering");
                return;
            }
        }
    }

    private void onResponseHead(HttpHead rh) {
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
        if (x.upgraded && !x.upgradeRequested) {
            count("backend.unasked_upgrade");
            dropBackend();
            reply(502, "backend switched protocols without being asked");
            return;
        }
        Pipe.Framing framing;
        long length = 0;
        if (x.upgraded || !ResponseHeadParser.hasBody(x.method, status)) {
            framing = Pipe.Framing.NONE;
        } else if (rh.chunked()) {
            framing = Pipe.Framing.CHUNKED;
        } else if (rh.contentLength() >= 0) {
            framing = Pipe.Framing.LENGTH;
            length = rh.contentLength();
        } else {
            framing = Pipe.Framing.UNTIL_CLOSE;
        }
        x.closeAfter = !x.keepAlive || draining || framing == Pipe.Framing.UNTIL_CLOSE;
        x.backendReusable = framing != Pipe.Framing.UNTIL_CLOSE && !rh.connectionClose() && rh.versionMinor() == 1
                && !x.upgraded && !x.http10;
        HeadWriter.ClientConnection cc = x.upgraded ? HeadWriter.ClientConnection.UPGRADE
                : x.closeAfter ? HeadWriter.ClientConnection.CLOSE
                : x.http10 ? HeadWriter.ClientConnection.KEEP_ALIVE_10 : HeadWriter.ClientConnection.KEEP_ALIVE_11;
        if (!HeadWriter.response(be.input(), rh, cc, responseHead)) {
            count("backend.head_too_large");
            dropBackend();
            reply(502, "response head too large once rewritten");
            return;
        }
        be.input().position(rh.headEnd());
        x.responseStarted = true;
        engine.counters().response(status);
        down.start(be, client, responseHead, framing, length);
        pumpDown();
    }

    private void pumpDown() {
        if (!down.active()) {
            return;
        }
        switch (down.pump()) {
            case DONE -> {
                if (x.interim) {
                    x.interim = false;
                    readResponseHead();
                } else if (state == State.TUNNEL) {
                    client.shutdownOutput();
                    endTunnelIfDone();
                } else if (x.upgraded) {
                    enterTunnel();
                } else {
                    x.responseDone = true;
                    completeIfDone();
                }
            }
            case TRUNCATED -> {
                count("backend.truncated_response");
                close();
            }
            case REJECT -> {
                count("backend.bad_chunk");
                close();
            }
            case SOURCE_FAILED -> {
                count("backend.read_failed");
                close();
            }
            case SINK_FAILED -> {
                count("client.write_failed");
                close();
            }
            default -> { }
        }
    }

    private void enterTunnel() {
        state = State.TUNNEL;
        count("exchange.upgraded");
        accessLog();
        up.tunnel(client, backend.endpoint());
        down.tunnel(backend.endpoint(), client);
        pumpUp();
        if (state == State.TUNNEL) {
            pumpDown();
        }
    }

    private void endTunnelIfDone() {
        if (!up.active() && !down.active()) {
            close();
        }
    }

    /** The backend connection broke before a response began: retry where that is safe, else 502. */
    private void backendBroke(String why) {
        Backend b = backend.backend();
        boolean stalePooled = backend.reuses() > 0 && !x.responseHeadSeen && x.requestFraming == Pipe.Framing.NONE;
        dropBackend();
        if (x.responseStarted) {
            count("backend.broke_mid_response");
            close();
            return;
        }
        if (stalePooled) {
            // A pooled connection the backend had closed; the request is still whole, so send it on a new one.
            count("backend.pool.stale_retry");
            if (!connect(b)) {
                connectNext();
            }
            return;
        }
        engine.health().recordFailure(b.name());
        count("backend.broke");
        if (x.requestFraming == Pipe.Framing.NONE && x.idempotent) {
            connectNext();
        } else {
            reply(502, "backend " + b.name() + " failed: " + why);
        }
    }

    private void completeIfDone() {
        if (!x.responseDone) {
            return;
        }
        if (!x.requestSent) {
            // The backend answered before the request body was through: neither side can be reused.
            x.closeAfter = true;
            x.backendReusable = false;
            up.abort();
        }
        accessLog();
        // A connection to a backend removed or moved meanwhile is closed: BackendPool.retain already ran for it.
        if (x.backendReusable && engine.directory().hasPoolKey(backend.backend().name(), backend.poolKey())) {
            BackendSide b = backend;
            backend = null;
            ctx.pool.offer(b, System.nanoTime());
        } else {
            dropBackend();
        }
        if (x.closeAfter) {
            close();
            return;
        }
        state = State.HEAD;
        x.end();
        parser.reset();
        deadline = 0;
        lastProgress = System.nanoTime();
        releaseHeads();
        client.wantRead(true);
        if (client.hasInput()) {
            ctx.loop.execute(resume);
        } else {
            client.releaseInputIfEmpty();
        }
    }

    private void resume() {
        if (state == State.HEAD) {
            readHead();
        }
    }

    // ---------------------------------------------------------------- rsp's own answers, closing

    /** Answers the client with {@code status} and closes after lingering; aborts when a response already began. */
    private void reply(int status, String message) {
        if (x.responseStarted) {
            close();
            return;
        }
        x.status = status;
        engine.counters().response(status);
        accessLog();
        up.abort();
        if (responseHead == null) {
            responseHead = ctx.loop.buffers().acquire();
        }
        Replies.write(responseHead, status, message);
        state = State.REPLY;
        client.wantRead(false);
        down.start(null, client, responseHead, Pipe.Framing.NONE, 0);
        flushReply();
    }

    private void flushReply() {
        Pipe.Progress p = down.pump();
        if (p == Pipe.Progress.DONE) {
            client.shutdownOutput();
            state = State.LINGER;
            deadline = System.nanoTime() + LINGER_NANOS;
            linger();
        } else if (p != Pipe.Progress.BLOCKED) {
            close();
        }
    }

    /** Reads and drops what the client still sends, so that closing does not reset the reply away. */
    private void linger() {
        for (int i = 0; i < 16; i++) {
            int n;
            try {
                if (client.hasInput()) {
                    client.input().position(client.input().limit());
                }
                n = client.read();
            } catch (IOException e) {
                close();
                return;
            }
            if (n < 0) {
                close();
                return;
            }
            if (n == 0) {
                client.wantRead(true);
                return;
            }
        }
    }

    /** Stops accepting requests on this connection: closes it now when idle, else after the current exchange. */
    void drain() {
        draining = true;
        x.keepAlive = false;
        if (state == State.HEAD && !client.hasInput()) {
            close();
        }
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        up.abort();
        down.abort();
        dropBackend();
        releaseHeads();
        client.close();
        ctx.routeWaiters.remove(this);
        ctx.clients.remove(this);
        ctx.loop.untrack(this);
        engine.counters().activeClients.decrement();
    }

    private void dropBackend() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    private void releaseHeads() {
        if (requestHead != null) {
            ctx.loop.buffers().release(requestHead);
            requestHead = null;
        }
        if (responseHead != null) {
            ctx.loop.buffers().release(responseHead);
            responseHead = null;
        }
    }

    private void accessLog() {
        if (ProxyEngine.accessLog.isInfoEnabled()) {
            long micros = (System.nanoTime() - x.started) / 1000;
            ProxyEngine.accessLog.info("{} {} {} {} {} {} {} {} {}ms", clientIp, x.host, x.method, x.target, x.status,
                    down.bodyBytes(), backend == null ? "-" : backend.backend().name(), x.strategy.isEmpty() ? "-" : x.strategy,
                    micros / 1000.0);
        }
    }

    private void count(String name) {
        engine.counters().count(name);
    }

    private static String names(List<Backend> candidates, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n && i < candidates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(candidates.get(i).name());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "client " + clientIp + " " + state;
    }
}
