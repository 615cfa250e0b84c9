package dev.rsp.tls.ocsp;

import java.io.IOException;

/**
 * A fetch that failed in a way {@link OcspStapler.Fetch} names: {@link #outcome()} is the counter it goes to, the
 * message says what happened in words for the log and the audit (without the responder's URL, which the stapler adds).
 */
public final class OcspFetchFailed extends IOException {

    private static final long serialVersionUID = 1L;
    private final OcspOutcome outcome;

    public OcspFetchFailed(OcspOutcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    public OcspOutcome outcome() {
        return outcome;
    }
}
