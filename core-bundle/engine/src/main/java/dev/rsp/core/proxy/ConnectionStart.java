package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.proxyprotocol.ProxyProtocolPolicy;
import dev.rsp.spi.tls.ProxyProtocol;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a connection accepted on one listener goes through first: the PROXY header stage when the listener requires
 * one ({@code proxy.protocol} of {@code rsp.core} for the HTTP listener, {@link TlsFront#proxyProtocol()} for a TLS
 * listener), then the listener's protocol stage: HTTP/1 (which detects h2c) on the HTTP listener, the ClientHello
 * stage on a TLS listener.
 *
 * <p>The one place a connection's client address is settled: the TCP peer's, or the client a trusted PROXY header
 * names. Every later stage takes it from here (routing's and Lua's {@code clientAddress}, X-Forwarded-For, the access
 * log, rate limits), and the per-client connection rate is checked here, once it is known. A peer the listener does
 * not trust is refused before anything is read (the spec: a receiver must not guess whether a header is there).
 *
 * <p>One per {@link Acceptor}; loop thread only.
 */
final class ConnectionStart {

    private static final LogThrottle UNTRUSTED = new LogThrottle(10, TimeUnit.SECONDS);

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final TlsFront front;
    /** The TLS front's last answer and the policy made of it (fronts return the same object until a change). */
    private ProxyProtocol asked;
    private ProxyProtocolPolicy derived = ProxyProtocolPolicy.OFF;

    /** @param front the TLS front of a TLS listener, or null for the HTTP listener */
    ConnectionStart(ProxyEngine engine, LoopContext ctx, TlsFront front) {
        this.engine = engine;
        this.ctx = ctx;
        this.front = front;
    }

    /**
     * Whether a connection from {@code peer} is refused at once: the listener requires a PROXY header and does not
     * trust {@code peer} to send one. Counted and logged (at most one line per 10 s) here; the caller closes it.
     */
    boolean refuses(InetSocketAddress peer) {
        ProxyProtocolPolicy policy = policy();
        if (!policy.on() || policy.trusts(peer.getAddress())) {
            return false;
        }
        engine.counters().count(Counter.PROXY_UNTRUSTED);
        long skipped = UNTRUSTED.permit(System.nanoTime());
        if (skipped >= 0) {
            ProxyEngine.log.warn("{}: connection from {}, which is not in proxy.trusted, closed: this listener takes a "
                    + "PROXY header only from its load balancers{}", listener(), peer.getAddress().getHostAddress(),
                    LogThrottle.more(skipped));
        }
        return true;
    }

    /**
     * Registers a connection accepted from {@code peer} (not refused) with its first stage and returns that stage.
     *
     * @throws IOException when it cannot be registered (the caller closes it)
     */
    ClientConnection accepted(Endpoint ep, InetSocketAddress peer) throws IOException {
        ProxyProtocolPolicy policy = policy();
        if (policy.on()) {
            ProxyHeaderStage stage = new ProxyHeaderStage(engine, ctx, ep, peer, policy, this);
            ep.register(ctx.loop, stage, SelectionKey.OP_READ);
            stage.start();
            return stage;
        }
        RateAdmission.accepted(engine, peer, ep);
        if (front == null) {
            Http1Connection http = new Http1Connection(engine, ctx, ep, peer, null, false, 0);
            ep.register(ctx.loop, http, SelectionKey.OP_READ);
            http.rearm();
            return http;
        }
        TlsStage stage = new TlsStage(engine, ctx, ep, peer, front);
        ep.register(ctx.loop, stage, SelectionKey.OP_READ);
        stage.start();
        ctx.tlsClients++;
        return stage;
    }

    /**
     * The header of {@code from}'s connection is read and consumed: the connection goes on as the listener's protocol
     * stage, with {@code client} as its client address, and that stage reads at once what followed the header.
     */
    void afterHeader(ProxyHeaderStage from, Endpoint ep, InetSocketAddress client) {
        RateAdmission.accepted(engine, client, ep);
        if (front == null) {
            Http1Connection http = new Http1Connection(engine, ctx, ep, client, null, false, 0);
            ctx.handOver(ep, from, http);
            http.readHead();
            http.rearm();
            return;
        }
        TlsStage stage = new TlsStage(engine, ctx, ep, client, front);
        ctx.handOver(ep, from, stage);
        ctx.tlsClients++;
        stage.start();
        stage.readHello();
    }

    /** The listener's policy now: rsp.core's for the HTTP listener; the front's, derived once per answer, for TLS. */
    private ProxyProtocolPolicy policy() {
        if (front == null) {
            return engine.settings().proxyProtocol();
        }
        ProxyProtocol now;
        try {
            now = front.proxyProtocol();
        } catch (RuntimeException e) {
            ProxyEngine.log.warn("{}: the TLS front failed to say whether a PROXY header is required: {}", listener(), e.toString());
            return derived;
        }
        if (now != asked) {
            List<String> errors = new ArrayList<>();
            derived = ProxyProtocolPolicy.of(now, errors);
            asked = now;
            if (!errors.isEmpty()) {
                ProxyEngine.log.error("{}: the TLS front's PROXY protocol settings are invalid, every connection is refused: {}",
                        listener(), String.join("; ", errors));
            }
        }
        return derived;
    }

    private String listener() {
        return front == null ? "http.listen" : "rsp.tls listen";
    }
}
