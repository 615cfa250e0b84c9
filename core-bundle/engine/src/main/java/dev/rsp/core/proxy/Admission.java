package dev.rsp.core.proxy;

import dev.rsp.core.ratelimit.Decision;
import dev.rsp.core.ratelimit.InFlight;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.Optional;

/**
 * The checks an HTTP request passes before it is routed, in this order: its loop is within its share of the buffer
 * budget (else 503, see {@link BufferBudget}); its Host is a valid name (else 400); the certificate of the connection
 * it came on covers it (else 421, misdirected); an ACME HTTP-01 challenge rsp's own ACME client has pending is
 * answered here; its Content-Length, when it has one, is within its host's body limit (else 413, see
 * {@link BodyLimits}); a plain HTTP request for a host of {@code redirect.https} is redirected to HTTPS
 * ({@link HttpsRedirect}); the rate limits admit it (else 429, see {@link RateAdmission}). Before them all, the
 * request's client is settled ({@link RealClient}). Static: the exchange acts on the
 * outcome. Loop thread only.
 */
final class Admission {

    /** What becomes of a request. */
    sealed interface Outcome permits Admitted, Refused, Answered {
    }

    /** It goes on to routing; {@code slot} is the rate limits' concurrency slot it holds, or null. */
    record Admitted(InFlight slot) implements Outcome {
    }

    /** rsp answers {@code status}; {@code message} is logged (and sent below 500); Retry-After when above 0. */
    record Refused(int status, String message, long retryAfterSeconds) implements Outcome {
    }

    /** rsp answers with content of its own (an ACME HTTP-01 key authorization). */
    record Answered(LocalAnswer answer) implements Outcome {
    }

    private static final Admitted FREE = new Admitted(null);

    private Admission() {
    }

    /**
     * Checks {@code request}, counting a refusal. Once its host is valid, its canonical form is in {@code facts.host}
     * and seen by the loop (for its host metrics); once it is covered, it is also set on {@code request}.
     */
    static Outcome check(ProxyEngine engine, LoopContext ctx, Downstream down, ExchangeRequest request, ExchangeFacts facts) {
        ProxyCounters counters = engine.counters();
        RealClient.settle(engine, down, request, facts);
        if (ctx.overBufferBudget()) {
            counters.count(Counter.OVERLOAD_BUFFERS);
            return new Refused(503, "rsp is over its buffer budget (limits.buffers)", Replies.RETRY_AFTER_SECONDS);
        }
        CanonicalHost host = HostNames.canonical(request.forwardedHost());
        if (host instanceof CanonicalHost.Invalid invalid) {
            counters.count(Counter.REJECT_INVALID_HOST);
            return new Refused(400, "invalid Host: " + invalid.reason(), 0);
        }
        String canonical = ((CanonicalHost.Valid) host).host();
        facts.host = canonical;
        facts.forwardedHost = request.forwardedHost();
        ctx.sawHost(canonical);
        if (!down.covers(canonical)) {
            counters.count(Counter.TLS_MISDIRECTED);
            return new Refused(421, "the certificate of this connection does not cover " + canonical, 0);
        }
        request.host(canonical);
        facts.bodyLimit = engine.settings().bodyLimits().limitFor(canonical);
        if (facts.bodyLimit > 0 && request.contentLength() > facts.bodyLimit) {
            counters.count(Counter.REJECT_BODY_TOO_LARGE);
            return new Refused(413, "the request body is larger than " + facts.bodyLimit + " bytes, this site's limit", 0);
        }
        Optional<LocalAnswer> answer = AcmeAnswers.forRequest(engine.httpChallenges(), request, canonical);
        if (answer.isPresent()) {
            counters.count(Counter.ACME_HTTP01_ANSWERED);
            return new Answered(answer.get());
        }
        LocalAnswer redirect = engine.settings().httpsRedirect().answer(facts.https, canonical, request.target());
        if (redirect != null) {
            counters.count(Counter.REDIRECT_HTTPS);
            return new Answered(redirect);
        }
        Decision rate = RateAdmission.check(engine, down, facts.clientIp, canonical);
        if (rate instanceof Decision.Refused refused) {
            return new Refused(429, RateAdmission.message(refused), refused.retryAfterSeconds());
        }
        return rate instanceof InFlight slot ? new Admitted(slot) : FREE;
    }
}
