package dev.rsp.core.proxy;

import dev.rsp.core.routing.Routing;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.RequestHead;
import java.util.List;

/**
 * Where one {@link Exchange} goes: the loop's current routing snapshot asked for its candidates, and the wait for a
 * live routing strategy. Routed: the candidates, ordered by health ({@code BackendHealth.preferUp}: backends that are
 * out last), go to {@link BackendAttempts}; NoLiveStrategy: the exchange waits in ROUTE_WAIT, listed in the loop's
 * route waiters and routed again on every new snapshot, until {@link #graceEnded} answers 503; Unrouted: 503. A TLS
 * passthrough is routed the same way by its server name, or goes to its front's fixed backend without routing.
 *
 * <p>It moves the exchange into ROUTE_WAIT and takes it off the waiters' list whenever it leaves that state
 * ({@link #stopWaiting}, also when the exchange ends); every other state change is the exchange's, and so is re-arming
 * its timers at the end of each entry point. Loop thread only.
 */
final class ExchangeRouting {

    private final Exchange x;
    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Upstream upstream;
    private final ExchangeFacts facts;
    private final ExchangeTimers timers;
    private final BackendAttempts attempts;
    /** What the strategies see of the request; set before it is first routed. */
    private RequestHead view;

    ExchangeRouting(Exchange x, ProxyEngine engine, LoopContext ctx, Upstream upstream, ExchangeFacts facts,
            ExchangeTimers timers, BackendAttempts attempts) {
        this.x = x;
        this.engine = engine;
        this.ctx = ctx;
        this.upstream = upstream;
        this.facts = facts;
        this.timers = timers;
        this.attempts = attempts;
    }

    /** Routes an admitted HTTP request ({@code request}: its canonical host is set). */
    void route(RequestHead request) {
        view = request;
        route();
    }

    /** Routes a TLS passthrough by {@code host}, its canonical server name, which {@code request} then carries. */
    void routePassthrough(String host, RequestView request) {
        view = request;
        facts.host = host;
        ctx.sawHost(host);
        request.setPassthrough(host);
        route();
    }

    /** Sends a TLS passthrough without a server name to its front's {@code fallback}: no routing, no wait. */
    void toFallback(Backend fallback) {
        facts.host = "-";
        facts.strategy = "tls.default";
        upstream.candidates(List.of(fallback));
        attempts.connectNext();
    }

    /** A new routing snapshot was published while the exchange waited for a strategy. */
    void routeAgain() {
        route();
    }

    private void route() {
        Routing r = engine.routing().current().route(view);
        if (r instanceof Routing.NoLiveStrategy) {
            if (x.state() != Exchange.State.ROUTE_WAIT) {
                x.enterRouteWait();
                timers.routeWaiting();
                ctx.routeWaiters.add(x);
                x.count(Counter.ROUTE_WAITED);
            }
        } else if (r instanceof Routing.Routed routed) {
            stopWaiting();
            upstream.candidates(engine.health().preferUp(routed.candidates()));
            facts.strategy = routed.strategy();
            attempts.connectNext();
        } else {
            stopWaiting();
            x.count(Counter.ROUTE_UNROUTED);
            x.fail(503, ((Routing.Unrouted) r).why());
        }
    }

    /** Takes the exchange off the loop's route waiters if it is waiting; harmless otherwise. */
    void stopWaiting() {
        if (x.state() == Exchange.State.ROUTE_WAIT) {
            ctx.routeWaiters.remove(x);
        }
    }

    /** The grace period ({@code timeout.grace.ms}) ran out in ROUTE_WAIT: 503, naming what in the chain is not live. */
    void graceEnded() {
        x.count(Counter.ROUTE_NO_STRATEGY);
        x.fail(503, "no routing strategy is available (routing.chain = " + engine.settings().chain() + ", not live: "
                + engine.routing().current().notLive() + ")");
    }
}
