package dev.rsp.core.proxy;

import dev.rsp.core.edge.HeaderRules;
import dev.rsp.spi.routing.Backend;
import java.nio.ByteBuffer;

/**
 * How one {@link Exchange} gets its request to a backend: trying the routed candidates through its {@link Upstream}
 * (the connect timeout runs while a connect is in progress; no candidate left is a 502), sending the request head once
 * connected (or opening the tunnel of a TLS passthrough), what to do when the backend connection breaks before a
 * response began (send again where that is safe, try the next candidate, or 502), and what the backend's timeouts
 * mean, once the exchange's timers say one ran out: connect (the next candidate), first response byte (504), a slot
 * at a backend at its concurrency limit (503). It moves the exchange to CONNECT, QUEUED and EXCHANGE; every other
 * state change is the exchange's, and so is ending it and re-arming its timers. Loop thread only.
 */
final class BackendAttempts {

    private final Exchange x;
    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Downstream down;
    private final Upstream upstream;
    private final ExchangeFacts facts;
    private final ExchangeTimers timers;
    private final Relay relay;
    /** The request as it is forwarded; null for a TLS passthrough (bytes only). */
    private RequestFields fields;

    BackendAttempts(Exchange x, ProxyEngine engine, LoopContext ctx, Downstream down, Upstream upstream,
            ExchangeFacts facts, ExchangeTimers timers, Relay relay) {
        this.x = x;
        this.engine = engine;
        this.ctx = ctx;
        this.down = down;
        this.upstream = upstream;
        this.facts = facts;
        this.timers = timers;
        this.relay = relay;
    }

    /** The HTTP request whose head is written to the backend once connected. */
    void request(RequestFields request) {
        fields = request;
    }

    void connectNext() {
        proceed(upstream.connectNext());
    }

    /** Goes on after a connect step: the request is sent, the connect timeout runs, or no candidate is left (502). */
    void proceed(Upstream.Step step) {
        switch (step) {
            case CONNECTED -> onConnected();
            case PENDING -> { }
            case CONNECTING -> {
                x.enterConnect();
                timers.connecting(engine.directory().tuning(upstream.backend().backend()));
            }
            case EXHAUSTED -> {
                x.count(Counter.BACKEND_UNAVAILABLE);
                x.fail(502, "no backend reachable for " + facts.host + " (tried " + upstream.tried() + ")");
            }
            case QUEUED -> {
                x.count(Counter.BACKEND_QUEUED);
                x.enterQueue();
            }
            case FULL -> {
                x.count(Counter.BACKEND_QUEUE_FULL);
                x.fail(503, "backend " + facts.backendName + " is at its maxconn and its queue is full");
            }
        }
    }

    private void onConnected() {
        facts.connectedAt = System.nanoTime();
        BackendLink backend = upstream.backend();
        if (facts.passthrough) {
            relay.startTunnel(Counter.TLS_PASSTHROUGH);
            return;
        }
        x.enterExchange();
        HeaderRules rules = engine.headerRules;
        long ruleMask = rules.size() == 0 ? 0 : rules.match(facts.host, backend.backend().name(), true);
        if (ruleMask != 0) {
            x.count(Counter.HEADERS_REQUEST_EDITED);
        }
        ByteBuffer head = upstream.writeHead(fields, new HeadWriter.Forwarding(down.clientIp(), facts.https,
                facts.upgradeOffered, facts.http10, engine.settings().via(), facts.trustedPeer,
                engine.settings().forwarded().header(), rules, ruleMask));
        if (head == null) {
            x.count(Counter.REJECT_HEAD_TOO_LARGE_AFTER_REWRITE);
            upstream.drop();
            x.fail(431, "request head too large once forwarding fields are added");
            return;
        }
        backend.parser().reset();
        backend.channel().wantRead(true);
        timers.awaitingResponse(engine.directory().tuning(backend.backend()));
        relay.sendRequest(head);
    }

    /**
     * The connect in progress took longer than {@code timeout.connect.ms} (or the backend's {@code ;timeout.connect}):
     * a failure of that backend, try the next.
     */
    void connectTimedOut() {
        upstream.connectFailed("connect timed out");
        connectNext();
    }

    /**
     * No response head within {@code timeout.backend.ms} (or the backend's {@code ;timeout.backend}): 504 (never sent
     * again), reported to outlier detection.
     */
    void firstByteTimedOut() {
        x.count(Counter.BACKEND_TIMEOUT);
        engine.health().recordTimeout(facts.backendName);
        x.fail(504, "backend " + facts.backendName + " did not answer in time");
    }

    /** No slot at the backend within {@code backend.queue.timeout.ms}: 503, which carries Retry-After. */
    void queueTimedOut() {
        x.count(Counter.BACKEND_QUEUE_TIMEOUT);
        x.fail(503, "backend " + facts.backendName + " is at its maxconn; no slot within backend.queue.timeout.ms");
    }

    /** The backend connection broke before a response began: send again where {@link Resend} allows, else 502. */
    void backendBroke(String why) {
        BackendLink backend = upstream.backend();
        Backend b = backend.backend();
        Resend.Verdict verdict = facts.responseStarted ? Resend.Verdict.NEVER : Resend.judge(backend, facts, upstream);
        upstream.drop();
        if (facts.responseStarted) {
            x.count(Counter.BACKEND_BROKE_MID_RESPONSE);
            x.abort();
            return;
        }
        if (verdict == Resend.Verdict.SAME_BACKEND) {
            if (!Resend.withinBudget(engine)) {
                x.fail(502, "backend " + b.name() + " failed: " + why + "; not sent again: over the retry budget");
                return;
            }
            x.count(Counter.BACKEND_POOL_STALE_RETRY);
            Upstream.Step step = upstream.connect(b);
            proceed(step == Upstream.Step.EXHAUSTED ? upstream.connectNext() : step);
            return;
        }
        engine.health().recordFailure(b.name(), why);
        ctx.metrics.backend(b.name()).failures++;
        x.count(Counter.BACKEND_BROKE);
        if (verdict == Resend.Verdict.NEXT_CANDIDATE) {
            if (upstream.hasNextCandidate() && !Resend.withinBudget(engine)) {
                x.fail(502, "backend " + b.name() + " failed: " + why + "; not sent again: over the retry budget");
                return;
            }
            connectNext();
        } else {
            x.count(Counter.BACKEND_NOT_RESENT);
            x.fail(502, "backend " + b.name() + " failed: " + why);
        }
    }
}
