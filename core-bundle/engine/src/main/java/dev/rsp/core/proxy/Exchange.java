package dev.rsp.core.proxy;

import dev.rsp.core.net.LoopHandler;
import dev.rsp.core.ratelimit.InFlight;
import dev.rsp.spi.routing.Backend;
import java.nio.channels.SelectionKey;

/**
 * One request and its response, from the moment its head is known to the moment its response is written (or its
 * tunnel ends): routing (and waiting for a strategy), the {@link Upstream} (candidates, connect, retries), the two
 * {@link Pipe}s, the response head, its own timeouts ({@link ExchangeTimers}), and its one
 * access log line and metrics record. It talks to the client side only through its {@link Downstream}, so an HTTP/1
 * connection, a TLS passthrough connection and an HTTP/2 stream all drive the same exchange. The life of an exchange
 * is drawn in docs/request-lifecycle.md. Loop thread only.
 *
 * <p>Its parts: the checks before routing are {@link Admission}'s; routing and the wait for a strategy are
 * {@link ExchangeRouting}'s; connecting, sending the request, and what a broken or slow backend means are
 * {@link BackendAttempts}'s; the data path and the end of a response are {@link Relay}'s. The exchange keeps the
 * state, the entry points (each that may leave it running re-arms its timers at its end; its parts do not), which
 * part an expired timeout goes to, and ending.
 *
 * <p>Buffer ownership: the exchange owns the response head buffer and its two pipes (taken from the loop and given
 * back when it ends); its upstream owns the request head buffer.
 */
final class Exchange implements LoopHandler {

    enum State { NEW, ROUTE_WAIT, CONNECT, EXCHANGE, TUNNEL, DONE, QUEUED }

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Downstream down;
    private final Upstream upstream;
    private final ExchangeFacts facts;
    private final ExchangeTimers timers;
    private final Relay relay;
    private final BackendAttempts attempts;
    private final ExchangeRouting routing;
    private State state = State.NEW;
    /** The client's concurrency slot this exchange holds ({@link RateAdmission}); released once, when it ends. */
    private InFlight rateSlot;

    /** The client connection's addresses, for a PROXY header to a {@code ;send-proxy} backend. */
    ConnectionAddresses clientAddresses() {
        return down.addresses();
    }

    Exchange(ProxyEngine engine, LoopContext ctx, Downstream down) {
        this.engine = engine;
        this.ctx = ctx;
        this.down = down;
        this.facts = new ExchangeFacts();
        this.upstream = new Upstream(engine, ctx, this);
        this.relay = new Relay(this, engine, ctx, down, upstream, facts);
        this.timers = new ExchangeTimers(ctx.loop, engine.settings(), this, facts.started);
        this.attempts = new BackendAttempts(this, engine, ctx, down, upstream, facts, timers, relay);
        this.routing = new ExchangeRouting(this, engine, ctx, upstream, facts, timers, attempts);
    }

    ExchangeFacts facts() {
        return facts;
    }

    boolean done() {
        return state == State.DONE;
    }

    State state() {
        return state;
    }

    /** True while bytes flow: the request is sent and its response relayed, or the tunnel is open. */
    boolean relaying() {
        return state == State.EXCHANGE || state == State.TUNNEL;
    }

    /** No routing strategy is live: the exchange waits for one (the grace period runs). */
    void enterRouteWait() {
        state = State.ROUTE_WAIT;
    }

    /** The relay switched to a tunnel (after 101, or for TLS passthrough). */
    void enterTunnel() {
        state = State.TUNNEL;
    }

    /** A connect to a backend is in progress (the connect timeout runs). */
    void enterConnect() {
        state = State.CONNECT;
    }

    /** Connected: the request goes to the backend and its response comes back. */
    void enterExchange() {
        state = State.EXCHANGE;
    }

    // ---------------------------------------------------------------- starting

    /**
     * Starts an HTTP request whose head is parsed: checks its host (400 invalid, 421 not covered by the connection's
     * certificate), then routes it.
     *
     * @param request the request as strategies see it and as it is forwarded; its canonical host is set here
     */
    void start(ExchangeRequest request, boolean keepAlive) {
        facts.trace = ExchangeTrace.begin(engine, ctx.traceIds, request);
        attempts.request(facts.trace.forwarded(request));
        facts.begin(request, engine.settings(), keepAlive);
        if (!request.upgrade().isEmpty() && !facts.upgradeOffered.equals(request.upgrade())) {
            count(Counter.REQUEST_UPGRADE_REMOVED);
        }
        Admission.Outcome admission = Admission.check(engine, ctx, down, request, facts);
        if (admission instanceof Admission.Refused r) {
            fail(r.status(), r.message(), r.retryAfterSeconds());
        } else if (admission instanceof Admission.Answered a) {
            answer(a.answer());
        } else {
            rateSlot = ((Admission.Admitted) admission).slot();
            routing.route(request);
            rearm();
        }
    }

    /** rsp's own content as the answer: an ACME HTTP-01 challenge ("acme" strategy) or an HTTPS redirect ("redirect"). */
    private void answer(LocalAnswer answer) {
        facts.status = answer.status();
        facts.strategy = answer.location().isEmpty() ? "acme" : "redirect";
        engine.counters().response(answer.status());
        record();
        end();
        down.answer(answer);
    }

    /** Starts the one exchange of a TLS passthrough connection: routed by {@code host}, relayed as bytes. */
    void startPassthrough(String serverName, String host, RequestView view, int backendPort) {
        facts.beginPassthrough(serverName);
        upstream.raw(backendPort);
        routing.routePassthrough(host, view);
        rearm();
    }

    /** Starts a TLS passthrough exchange that goes to one fixed backend (no server name): no routing. */
    void startPassthrough(String serverName, Backend fallback, int backendPort) {
        facts.beginPassthrough(serverName);
        upstream.raw(backendPort);
        routing.toFallback(fallback);
        rearm();
    }

    /** A request refused before it could be routed (its head was not acceptable): rsp's own answer, logged. */
    void refuse(int status, String message) {
        facts.rejected();
        fail(status, message);
    }

    // ---------------------------------------------------------------- waiting (for a strategy, for a slot)

    /** A new routing snapshot was published while this exchange waited for a strategy ({@link ExchangeRouting}). */
    void routeAgain() {
        routing.routeAgain();
        rearm();
    }

    /**
     * The chosen backend is at its concurrency limit: the exchange waits for a slot ({@link BackendSlot}). Meanwhile
     * the client's readiness goes to {@link Downstream#watch} as in any other wait: a client that goes away gives up
     * its place in the queue at once, and bytes it sends are buffered up to a window, then not read.
     */
    void enterQueue() {
        state = State.QUEUED;
    }

    /** The slot waited for is this exchange's: connecting goes on with that backend. */
    void slotGranted() {
        attempts.connectNext();
        rearm();
    }

    /** The wait for a slot ran out ({@code backend.queue.timeout.ms}). */
    void queueTimedOut() {
        attempts.queueTimedOut();
    }

    /** Called by the upstream for every backend it uses (for the access log). */
    void tried(String backendName) {
        facts.backendName = backendName;
    }

    // ---------------------------------------------------------------- readiness

    /** Readiness of the client connection while this exchange runs ({@code tls}: records may wait unseen). */
    void onClientReady(SelectionKey key, boolean tls) {
        timers.progress();
        relay.clientReady(key, tls);
        rearm();
    }

    /** A multiplexed client side (an HTTP/2 stream) may move bytes either way: its data arrived or its window opened. */
    void onDownstreamReady() {
        timers.progress();
        relay.downstreamReady();
        rearm();
    }

    /** Readiness of the backend connection in use. */
    void onBackendReady(BackendSide b, SelectionKey key) {
        timers.progress();
        if (b != upstream.backend()) {
            return;
        }
        if (state == State.CONNECT) {
            attempts.proceed(upstream.connectReady());
        } else {
            relay.backendReady(b, key);
        }
        rearm();
    }

    /**
     * A multiplexed backend stream may move bytes either way (its connection connected, response frames arrived, a
     * window opened), or it was reset (then reading it reports the break).
     */
    void onBackendReady(BackendLink stream) {
        timers.progress();
        if (stream != upstream.backend()) {
            return;
        }
        if (state == State.CONNECT) {
            attempts.proceed(upstream.connectReady());
        } else {
            relay.backendStreamReady();
        }
        rearm();
    }

    // ---------------------------------------------------------------- the two directions

    /** The backend connection broke before a response began: retry where that is safe, else 502. */
    void backendBroke(String why) {
        attempts.backendBroke(why);
    }

    // ---------------------------------------------------------------- ending

    /** The response is written (or the tunnel ended): the exchange is over, the client side goes on. */
    void finish(boolean closeAfter) {
        end();
        down.exchangeDone(closeAfter);
    }

    /**
     * rsp answers the request itself (nothing of a response was sent): outcome recorded, the detail of a 5xx logged
     * (never sent), the backend given up, and the client side writes the answer. Inside a relayed TLS stream no HTTP
     * answer is possible: the connection closes.
     */
    void fail(int status, String message) {
        fail(status, message, 0);
    }

    /** {@link #fail(int, String)} with {@code Retry-After: retryAfterSeconds} when that is above 0. */
    void fail(int status, String message, long retryAfterSeconds) {
        if (facts.responseStarted || facts.passthrough) {
            abort();
            return;
        }
        facts.status = status;
        facts.error = message;
        engine.counters().response(status);
        record();
        if (status >= 500) {
            ReplyLog.detail(status, message, facts.host);
        }
        end();
        down.reply(status, status >= 500 ? null : message, retryAfterSeconds);
    }

    /**
     * The client went away (a reset, or a close found by {@link ClientWatch}) before the exchange was over: the
     * backend leg is cancelled now (its connection closed, never pooled) and the access log says why.
     */
    void clientGone(String why) {
        if (state == State.DONE) {
            return;
        }
        if (!facts.recorded) {
            facts.error = why;
        }
        abort();
    }

    /** The exchange cannot go on: the client side closes, which {@link #abandon}s it. */
    void abort() {
        down.abort();
        abandon();
    }

    /**
     * The client side closes while this exchange is not over (a side broke, a timeout, the client left, a stop):
     * recorded with status 0 unless its outcome was known, a tunnel logged with its bytes, everything released.
     */
    void abandon() {
        if (state == State.DONE) {
            return;
        }
        if (!facts.recorded) {
            facts.status = 0;
            record();
        }
        end();
    }

    private void end() {
        if (state == State.DONE) {
            return;
        }
        if (state == State.TUNNEL && facts.recorded) {
            ExchangeLog.line(engine, down, facts, relay.bytesUp(), relay.bytesDown());
        }
        routing.stopWaiting();
        facts.trace.end(engine, down, facts, upstream.tries());
        state = State.DONE;
        if (rateSlot != null) {
            rateSlot.release();
            rateSlot = null;
        }
        timers.cancel();
        relay.release();
        upstream.release();
    }

    /**
     * The outcome is known: one record in the loop's metrics and, except for a tunnel (whose line is written when
     * it ends), one access log line; at most once.
     */
    void record() {
        if (facts.recorded) {
            return;
        }
        facts.recorded = true;
        ExchangeLog.outcome(engine, ctx, down, facts, upstream.backend() != null, relay.bytesUp(), relay.bytesDown());
    }

    // ---------------------------------------------------------------- timeouts

    @Override
    public void onDeadline(long now) {
        switch (timers.expired(state, facts.responseHeadSeen, now)) {
            case ROUTE_WAIT -> routing.graceEnded();
            case CONNECT -> attempts.connectTimedOut();
            case FIRST_BYTE -> attempts.firstByteTimedOut();
            case IDLE -> {
                count(Counter.EXCHANGE_TIMEOUT_IDLE);
                abort();
            }
            case NONE -> { }
        }
        rearm();
    }

    private void rearm() {
        timers.rearm(state, facts.responseHeadSeen);
    }

    @Override
    public void onReady(SelectionKey key) {
        // the exchange has no socket of its own: readiness reaches it through its connections
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        abort();
    }

    void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "exchange " + facts.method + " " + facts.host + " " + state;
    }
}
