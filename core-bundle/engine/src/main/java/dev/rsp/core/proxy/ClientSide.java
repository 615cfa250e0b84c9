package dev.rsp.core.proxy;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.core.net.TlsEngineKind;
import dev.rsp.core.net.TlsRenegotiationRefused;
import dev.rsp.core.routing.Routing;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A client connection and its state machine: read a request head, route it, hand the exchange to its
 * {@link BackendLeg} (connect, pipe up and down, tunnel), answer with rsp's own replies when something is refused or
 * fails, and wait for the next request. Requests on one connection are handled one at a time, so pipelined requests
 * are answered in order. The lifecycle is drawn in docs/request-lifecycle.md.
 *
 * <p>On a TLS listener the connection starts in {@code INSPECT}: bytes are read, not consumed, until the front has
 * seen the whole ClientHello; then it is either relayed to a backend chosen by its server name (passthrough, one
 * tunnel) or its endpoint switches to TLS and the usual HTTP states follow the handshake (termination). Loop thread
 * only.
 */
final class ClientSide implements LoopHandler {

    enum State { INSPECT, HEAD, ROUTE_WAIT, CONNECT, EXCHANGE, TUNNEL, REPLY, LINGER, CLOSED }

    static final long LINGER_NANOS = 2_000_000_000L;

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final String clientIp;
    private final RequestHeadParser parser;
    private final RequestView view;
    private final Runnable resume = this::resume;
    /** The one timer of this connection, armed for the next timeout of its state ({@link #rearm}). */
    private final Deadline timer = new Deadline(this);
    private final Exchange x = new Exchange();
    private final HeadReader heads = new HeadReader();
    private final BackendLeg leg;
    /** The TLS front of a TLS listener; null on the HTTP listener. */
    private final TlsFront front;
    private final InetSocketAddress remote;
    /** INSPECT: reads the ClientHello; null on the HTTP listener. */
    private final HelloReader helloReader;
    /** INSPECT and the TLS handshake: when the client runs out of time. */
    private long tlsDeadline;
    private boolean handshakeCounted = true;

    // Shared with the BackendLeg, which advances this state machine.
    State state = State.HEAD;
    long deadline;
    long lastProgress = System.nanoTime();
    boolean draining;

    ClientSide(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote, TlsFront front) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.remote = remote;
        this.clientIp = remote.getAddress().getHostAddress();
        this.view = new RequestView(remote);
        this.front = front;
        this.helloReader = front == null ? null : new HelloReader(front);
        if (front != null) {
            ctx.tlsClients++;
            state = State.INSPECT;
            tlsDeadline = System.nanoTime() + front.helloTimeout().toNanos();
        }
        this.parser = new RequestHeadParser(engine.settings().headLimits());
        this.leg = new BackendLeg(this, engine, ctx, client, clientIp, view, parser, x);
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void onReady(SelectionKey key) {
        lastProgress = System.nanoTime();
        ready(key);
        rearm();
    }

    private void ready(SelectionKey key) {
        switch (state) {
            case INSPECT -> inspect();
            case HEAD -> readHead();
            case EXCHANGE, TUNNEL -> {
                // TLS: records may wait below the window, unseen by the selector; both pumps are cheap when idle.
                boolean tls = client.isTls();
                if (tls || key.isWritable()) {
                    leg.pumpDown();
                }
                if ((state == State.EXCHANGE || state == State.TUNNEL) && key.isValid() && (tls || key.isReadable())) {
                    if (leg.upActive()) {
                        leg.pumpUp();
                    } else if (key.isReadable()) {
                        // Bytes after the request (pipelined, or the close): read them once this exchange is over.
                        client.wantRead(false);
                    }
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
        leg.onBackendReady(b, key);
        rearm();
    }

    /**
     * One of this connection's timeouts may have expired: the one that applies in the current state is checked, then
     * the deadline is armed for the next (see {@link #rearm}).
     */
    @Override
    public void onDeadline(long now) {
        expire(now);
        rearm();
    }

    /**
     * Arms the connection's one {@link Deadline} for the earliest time a timeout of its current state could expire,
     * unless it is armed for an earlier time already (it then fires early, finds nothing expired and re-arms). Called at
     * the end of every entry point, so a state change that brings a timeout closer is never missed; progress that
     * pushes the idle timeout later costs nothing until the old time comes.
     */
    void rearm() {
        if (state != State.CLOSED) {
            ctx.loop.armNoLaterThan(timer, nextTimeout(System.nanoTime()));
        }
    }

    private long nextTimeout(long now) {
        long idle = lastProgress + engine.settings().idleTimeoutNanos();
        return switch (state) {
            case INSPECT -> tlsDeadline;
            case HEAD -> client.tlsHandshaking() ? tlsDeadline : draining && !client.hasInput() ? now : deadline != 0 ? deadline : idle;
            case ROUTE_WAIT, CONNECT -> deadline;
            case EXCHANGE -> x.responseHeadSeen || deadline - idle > 0 ? idle : deadline;
            case LINGER -> now - deadline < 0 ? deadline : idle;
            default -> idle;
        };
    }

    private void expire(long now) {
        switch (state) {
            case INSPECT -> {
                if (now - tlsDeadline > 0) {
                    count(Counter.TLS_REJECT_TIMEOUT);
                    close();
                }
            }
            case HEAD -> {
                if (client.tlsHandshaking()) {
                    if (now - tlsDeadline > 0) {
                        count(Counter.TLS_HANDSHAKE_TIMEOUT);
                        close();
                    }
                } else if (draining && !client.hasInput()) {
                    close();
                } else if (deadline != 0 && now - deadline > 0) {
                    count(Counter.CLIENT_TIMEOUT_HEADER);
                    x.rejected();
                    reply(408, "request head not received in time");
                } else if (deadline == 0 && now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count(Counter.CLIENT_TIMEOUT_IDLE);
                    close();
                }
            }
            case ROUTE_WAIT -> {
                if (now - deadline > 0) {
                    ctx.routeWaiters.remove(this);
                    count(Counter.ROUTE_NO_STRATEGY);
                    reply(503, "no routing strategy is available (routing.chain = " + engine.settings().chain() + ", not live: "
                            + engine.routing().current().chain().stream().filter(n -> !engine.routing().current().isLive(n)).toList() + ")");
                }
            }
            case CONNECT -> {
                if (now - deadline > 0) {
                    leg.connectFailed("connect timed out");
                }
            }
            case EXCHANGE -> {
                if (!x.responseHeadSeen && now - deadline > 0) {
                    count(Counter.BACKEND_TIMEOUT);
                    reply(504, "backend " + x.backendName + " did not answer in time");
                } else if (now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count(Counter.EXCHANGE_TIMEOUT_IDLE);
                    close();
                }
            }
            case TUNNEL, REPLY -> {
                if (now - lastProgress > engine.settings().idleTimeoutNanos()) {
                    count(Counter.EXCHANGE_TIMEOUT_IDLE);
                    close();
                }
            }
            case LINGER -> {
                // A TLS connection still sending its last records stays while they move.
                boolean flushing = client.hasPendingOutput() && now - lastProgress < engine.settings().idleTimeoutNanos();
                if (now - deadline > 0 && !flushing) {
                    close();
                }
            }
            default -> { }
        }
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    // ---------------------------------------------------------------- TLS listener: ClientHello, passthrough, handshake

    /** Reads until the front has seen a whole ClientHello (nothing is consumed), within the size and time limits. */
    private void inspect() {
        HelloReader.Outcome o = helloReader.read(client);
        if (o instanceof HelloReader.Decided d) {
            if (d.inspection() instanceof Inspection.Hello h) {
                onHello(h);
            } else {
                onReject((Inspection.Reject) d.inspection());
            }
        } else if (o instanceof HelloReader.Failed f) {
            count(f.counter());
            if (f.counter() == Counter.TLS_INSPECT_FAILED) {
                ProxyEngine.log.warn("{} (client {})", f.why(), clientIp);
            }
            close();
        }
    }

    private void onReject(Inspection.Reject reject) {
        count(reject.counter());
        ProxyEngine.log.debug("not a TLS ClientHello from {}: {}", clientIp, reject.reason());
        if (reject.plainHttp()) {
            state = State.HEAD;
            x.rejected();
            reply(400, "this port speaks TLS: use https://");
        } else {
            close();
        }
    }

    private void onHello(Inspection.Hello hello) {
        count(Counter.TLS_HELLO);
        hello.serverName().ifPresent(view::sni);
        client.wantRead(false);
        if (front.handling() instanceof Passthrough relay) {
            passthrough(hello, relay);
            return;
        }
        Optional<SSLEngine> engineFor;
        try {
            engineFor = ((Termination) front.handling()).newEngine(hello, remote);
        } catch (RuntimeException e) {
            ProxyEngine.log.warn("TLS front failed to make an engine for {}: {}", hello.serverName().orElse("(no SNI)"), e.toString());
            engineFor = Optional.empty();
        }
        if (engineFor.isEmpty()) {
            count(Counter.TLS_NO_CERTIFICATE);
            close();
            return;
        }
        SSLEngine tls = engineFor.get();
        try {
            TlsEngineKind kind = TlsEngineKind.of(tls);
            int size = engine.settings().bufferSize();
            client.startTls(tls, kind, ctx.tlsPlain(kind, tls, size), ctx.tlsNet(kind, tls, size), engine.tlsTasks());
        } catch (IOException | RuntimeException e) {
            count(Counter.TLS_HANDSHAKE_FAILED);
            close();
            return;
        }
        handshakeCounted = false;
        state = State.HEAD;
        tlsDeadline = System.nanoTime() + front.helloTimeout().toNanos();
        client.wantRead(true);
        readHead();
    }

    /** Routes the connection by its server name (or to the default backend) and relays it unchanged. */
    private void passthrough(Inspection.Hello hello, Passthrough relay) {
        x.beginPassthrough(hello.serverName().orElse("-"), relay.backendPort());
        if (hello.serverName().isPresent()) {
            CanonicalHost canonical = HostNames.canonical(hello.serverName().get());
            if (canonical instanceof CanonicalHost.Valid valid) {
                x.host = valid.host();
                ctx.sawHost(x.host);
                view.setPassthrough(x.host);
                route();
                return;
            }
            count(Counter.TLS_PASSTHROUGH_INVALID_SNI);
        }
        Optional<String> name = relay.defaultBackend();
        Optional<Backend> fallback = name.flatMap(n -> engine.directory().backends().all().stream()
                .filter(b -> b.name().equals(n)).findFirst());
        if (fallback.isEmpty()) {
            count(Counter.TLS_PASSTHROUGH_NO_SNI);
            close();
            return;
        }
        x.host = "-";
        x.candidates = List.of(fallback.get());
        x.strategy = "tls.default";
        leg.connectNext();
    }

    /** True for a connection of a TLS listener (terminated or passed through). */
    boolean onTlsListener() {
        return front != null;
    }

    // ---------------------------------------------------------------- request head and routing

    private void readHead() {
        HeadReader.Outcome outcome = heads.read(client, parser);
        if (!handshakeCounted && !client.tlsHandshaking()) {
            handshakeCounted = true;
            count(Counter.TLS_HANDSHAKE_DONE);
        }
        switch (outcome) {
            case DONE -> onHead();
            case REJECT -> {
                Rejection r = parser.rejection();
                count(r.counter());
                x.rejected();
                reply(r.status(), r.reason());
            }
            case TOO_LARGE -> {
                count(Counter.REJECT_HEAD_TOO_LARGE);
                reply(431, "request head too large");
            }
            case WAITING -> {
                if (!client.hasInput()) {
                    client.releaseInputIfEmpty();
                } else if (deadline == 0) {
                    // The header timeout runs from the first byte of a head.
                    deadline = System.nanoTime() + engine.settings().headerTimeoutNanos();
                }
            }
            case CLOSED -> {
                if (client.tlsHandshaking()) {
                    count(Counter.TLS_HANDSHAKE_CLOSED);
                } else if (client.hasInput()) {
                    count(Counter.CLIENT_CLOSED_MID_HEAD);
                }
                close();
            }
            case FAILED -> {
                if (client.tlsHandshaking()) {
                    count(Counter.TLS_HANDSHAKE_FAILED);
                    ProxyEngine.log.debug("TLS handshake with {} failed: {}", clientIp, heads.failure().toString());
                } else {
                    count(readFailure(heads.failure()));
                }
                close();
            }
        }
    }

    /** The counter of a failed read from this client between requests. */
    private static Counter readFailure(IOException e) {
        if (e instanceof TlsRenegotiationRefused) {
            return Counter.TLS_RENEGOTIATION_REFUSED;
        }
        return e instanceof SSLException ? Counter.TLS_READ_ERROR : Counter.CLIENT_READ_ERROR;
    }

    private void onHead() {
        HttpHead head = parser.head();
        engine.counters().requests.increment();
        x.begin(head, engine.settings().upgrades());
        if (!head.upgrade().isEmpty() && !x.upgradeOffered.equals(head.upgrade())) {
            count(Counter.REQUEST_UPGRADE_REMOVED);
        }
        deadline = 0;
        CanonicalHost canonical = HostNames.canonical(head.host());
        if (canonical instanceof CanonicalHost.Invalid invalid) {
            count(Counter.REJECT_INVALID_HOST);
            reply(400, "invalid Host: " + invalid.reason());
            return;
        }
        x.host = ((CanonicalHost.Valid) canonical).host();
        ctx.sawHost(x.host);
        SSLSession session = client.tlsSession();
        if (session != null && !((Termination) front.handling()).covers(session, x.host)) {
            count(Counter.TLS_MISDIRECTED);
            reply(421, "the certificate of this connection does not cover " + x.host);
            return;
        }
        x.keepAlive = !draining && (head.versionMinor() == 1 ? !head.connectionClose() : head.connectionKeepAlive());
        if (engine.accessLogOn()) {
            x.userAgent = fieldValue(head, "user-agent");
            x.referer = fieldValue(head, "referer");
        }
        client.input().position(head.headEnd());
        // Read interest stays on: turned off only if the client sends more while the exchange runs (onReady), so a
        // plain keep-alive exchange changes no interest at all.
        view.set(client.input(), head, x.host);
        route();
    }

    /** The first field named {@code lowerCaseName} of the request head in the client's buffer, or "". */
    private String fieldValue(HttpHead head, String lowerCaseName) {
        for (int i = 0; i < head.headerCount(); i++) {
            if (head.nameIs(client.input(), i, lowerCaseName)) {
                return head.value(client.input(), i);
            }
        }
        return "";
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
            leg.connectNext();
        } else if (r instanceof Routing.NoLiveStrategy) {
            if (state != State.ROUTE_WAIT) {
                state = State.ROUTE_WAIT;
                deadline = System.nanoTime() + engine.settings().graceNanos();
                ctx.routeWaiters.add(this);
                count(Counter.ROUTE_WAITED);
            }
        } else {
            if (state == State.ROUTE_WAIT) {
                ctx.routeWaiters.remove(this);
            }
            count(Counter.ROUTE_UNROUTED);
            reply(503, ((Routing.Unrouted) r).why());
        }
    }

    /** A new routing snapshot was published: a request waiting for a strategy is routed again. */
    void routeAgain() {
        route();
        rearm();
    }

    // ---------------------------------------------------------------- the two directions

    /** The exchange ended and the connection stays open: wait for (or parse the already buffered) next request. */
    void nextRequest() {
        state = State.HEAD;
        x.end();
        parser.reset();
        deadline = 0;
        lastProgress = System.nanoTime();
        client.wantRead(true);
        if (client.hasBufferedInput()) {
            ctx.loop.execute(resume);
        } else {
            client.releaseInputIfEmpty();
        }
    }

    private void resume() {
        if (state == State.HEAD) {
            readHead();
            rearm();
        }
    }

    // ---------------------------------------------------------------- rsp's own answers, closing

    /** Answers the client with {@code status} and closes after lingering; aborts when a response already began. */
    void reply(int status, String message) {
        if (x.responseStarted || x.passthrough || client.tlsHandshaking()) {
            // No HTTP answer is possible inside a relayed TLS stream or before a handshake completed.
            close();
            return;
        }
        x.status = status;
        x.error = message;
        engine.counters().response(status);
        accessLog();
        if (status >= 500) {
            // The detail may name backends and addresses: it goes to the log, the client gets the status's page.
            ReplyLog.detail(status, message, x.host);
        }
        leg.startReply(status, status >= 500 ? null : message);
        state = State.REPLY;
        client.wantRead(false);
        flushReply();
    }

    private void flushReply() {
        Pipe.Progress p = leg.flushReply();
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
        } else {
            rearm();
        }
    }

    /**
     * Closes after a complete response. On TLS the last records may still wait for the socket: then the output is
     * shut (close_notify after them) and the connection lingers until they are gone and the client closes.
     */
    void closeWhenFlushed() {
        if (!client.hasPendingOutput()) {
            close();
            return;
        }
        client.shutdownOutput();
        state = State.LINGER;
        deadline = System.nanoTime() + LINGER_NANOS;
        linger();
    }

    void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (x.started != 0 && !x.recorded) {
            // The exchange ended without a complete response (a side broke or timed out): status 0.
            x.recorded = true;
            long micros = (System.nanoTime() - x.started) / 1000;
            leg.record(0, micros);
            logLine(0, micros);
        } else if (x.tunnel) {
            logLine(x.status, (System.nanoTime() - x.started) / 1000);
        }
        state = State.CLOSED;
        leg.release();
        client.close();
        ctx.routeWaiters.remove(this);
        ctx.clients.remove(this);
        if (front != null) {
            ctx.tlsClients--;
        }
        ctx.loop.disarm(timer);
        engine.counters().activeClients.decrement();
    }

    /**
     * The exchange's outcome is known (a response finished, rsp replied, or the connection became a tunnel): one
     * record in the loop's metrics and, except for a tunnel (whose line waits for its end, in {@link #close}), one
     * access log line; at most once per exchange.
     */
    void accessLog() {
        if (x.recorded) {
            return;
        }
        x.recorded = true;
        long micros = x.started == 0 ? 0 : (System.nanoTime() - x.started) / 1000;
        leg.record(x.status, micros);
        if (!x.tunnel) {
            logLine(x.status, micros);
        }
    }

    private void logLine(int status, long micros) {
        if (!engine.accessLogOn()) {
            return;
        }
        String scheme = x.passthrough ? "tls" : client.isTls() ? "https" : "http";
        String version = x.passthrough || x.method.equals("-") ? "-" : x.http10 ? "HTTP/1.0" : "HTTP/1.1";
        AccessLog.Entry e = new AccessLog.Entry(System.currentTimeMillis(), clientIp, scheme, x.method, x.target, version,
                x.host.isEmpty() ? "-" : x.host, status, leg.requestBodyBytes(), leg.bodyBytes(), x.userAgent, x.referer,
                x.backendName, x.strategy.isEmpty() ? "-" : x.strategy, since(x.connectedAt), since(x.firstByteAt), micros,
                x.tunnel, x.error);
        engine.accessLine(AccessLog.line(engine.settings().accessLogFormat(), e));
    }

    private long since(long nanos) {
        return nanos == 0 || x.started == 0 ? -1 : (nanos - x.started) / 1000;
    }

    void count(Counter c) {
        engine.counters().count(c);
    }

    /** Counts a name chosen elsewhere: a parser's {@code Rejection}, a TLS front's {@code Inspection.Reject}. */
    void count(String name) {
        engine.counters().count(name);
    }

    @Override
    public String toString() {
        return "client " + clientIp + " " + state;
    }
}
