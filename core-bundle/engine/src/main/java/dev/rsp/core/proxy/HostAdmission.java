package dev.rsp.core.proxy;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;

/**
 * The host checks an HTTP request passes before it is routed: its Host must be a valid name (else 400), and the
 * certificate of the connection it came on must cover it (else 421, misdirected). Static: the exchange acts on the
 * result. Loop thread only.
 */
final class HostAdmission {

    /** Why a request is refused: the status rsp answers with and the message (logged; sent below 500). */
    record Refusal(int status, String message) { }

    private HostAdmission() {
    }

    /**
     * Checks the host of {@code request}, counting a refusal. When it is accepted, its canonical form is in
     * {@code facts.host}, seen by the loop (for its host metrics) and set on {@code request}; when it is invalid,
     * nothing of that happens; when it is not covered, it is in {@code facts.host} and seen, not set on the request.
     *
     * @return the refusal, or null when the request may go on
     */
    static Refusal check(ExchangeRequest request, ExchangeFacts facts, LoopContext ctx, Downstream down,
            ProxyCounters counters) {
        CanonicalHost host = HostNames.canonical(request.forwardedHost());
        if (host instanceof CanonicalHost.Invalid invalid) {
            counters.count(Counter.REJECT_INVALID_HOST);
            return new Refusal(400, "invalid Host: " + invalid.reason());
        }
        String canonical = ((CanonicalHost.Valid) host).host();
        facts.host = canonical;
        ctx.sawHost(canonical);
        if (!down.covers(canonical)) {
            counters.count(Counter.TLS_MISDIRECTED);
            return new Refusal(421, "the certificate of this connection does not cover " + canonical);
        }
        request.host(canonical);
        return null;
    }
}
