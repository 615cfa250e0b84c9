package dev.rsp.core.ratelimit;

/**
 * What {@link RateLimiter#admitRequest} says about a request: {@link Pass#ADMITTED} (nothing to give back),
 * an {@link InFlight} slot (admitted; release it exactly once when the request ends), or {@link Refused}.
 */
public sealed interface Decision permits Decision.Pass, InFlight, Decision.Refused {

    /** Admitted, and nothing is held for it. */
    enum Pass implements Decision {
        ADMITTED
    }

    /** Which limit a request or connection was over. */
    enum Reason {
        CLIENT_REQUESTS, CLIENT_CONCURRENT, CLIENT_CONNECTIONS, HOST_REQUESTS
    }

    /**
     * Refused: answer 429 with {@code Retry-After: retryAfterSeconds} (at least 1).
     *
     * @param rule the rule whose limit it was, or "" for a top-level key
     */
    record Refused(Reason reason, long retryAfterSeconds, String rule) implements Decision {
    }
}
