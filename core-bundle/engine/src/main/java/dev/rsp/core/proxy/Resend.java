package dev.rsp.core.proxy;

/**
 * Whether a request whose backend connection broke before its response began may be sent again, and where (the
 * rules of RFC 9110 9.2.2 and RFC 9112 9.3.1, as HAProxy's {@code retry-on conn-failure empty-response} and nginx's
 * {@code proxy_next_upstream error} apply them):
 * <ul>
 *   <li>only while the request is still whole (no body: a body is streamed, not kept, so what was sent of it is gone)
 *       and not one byte of a response has arrived (not even a 1xx or part of a head);</li>
 *   <li>a stream an HTTP/2 backend refused unprocessed goes again to the same backend whatever its method (RFC 9113
 *       8.7; twice at most);</li>
 *   <li>otherwise only an idempotent method (GET, HEAD, OPTIONS, TRACE, PUT, DELETE): on a fresh connection to the same
 *       backend when a pooled one broke (the backend closed it just as it was reused: the keep-alive race), else on
 *       the next candidate;</li>
 *   <li>every resend must fit the {@link RetryBudget}.</li>
 * </ul>
 * Loop thread only.
 */
final class Resend {

    enum Verdict {
        /** On a fresh connection (or stream) to the same backend. */
        SAME_BACKEND,
        /** On the next candidate. */
        NEXT_CANDIDATE,
        /** Not at all: the client gets 502. */
        NEVER
    }

    private Resend() {
    }

    /**
     * Judges {@code link}, which just broke, before it is dropped (what it read is still in its window). May count a
     * refusal on {@code upstream}.
     */
    static Verdict judge(BackendLink link, ExchangeFacts facts, Upstream upstream) {
        boolean whole = facts.requestFraming == Pipe.Framing.NONE && facts.firstByteAt == 0 && !facts.responseStarted
                && !link.channel().hasInput();
        if (!whole) {
            return Verdict.NEVER;
        }
        if (link.refused() && upstream.refusedOnce()) {
            return Verdict.SAME_BACKEND;
        }
        if (!facts.idempotent) {
            return Verdict.NEVER;
        }
        return link.reuses() > 0 && !link.refused() ? Verdict.SAME_BACKEND : Verdict.NEXT_CANDIDATE;
    }

    /** Takes one retry from the engine's budget; false (counted) when it is spent. */
    static boolean withinBudget(ProxyEngine engine) {
        BackendLimits limits = engine.settings().backendLimits();
        if (engine.retryBudget().tryRetry(System.nanoTime(), limits.retryPercent(), limits.retryMinPerSecond())) {
            return true;
        }
        engine.counters().count(Counter.BACKEND_RETRY_BUDGET_EXHAUSTED);
        return false;
    }
}
