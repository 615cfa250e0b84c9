package dev.rsp.tls.ocsp;

/**
 * What one OCSP fetch came to, each a counter ({@link OcspStapler#counts()}) with a stable dotted name, shown by the
 * core with its own events ({@code rsp_events_total{event=...}}). Never rename one.
 */
public enum OcspOutcome {
    FETCHED("tls.ocsp.fetched", "An OCSP response fetched and fit to staple (good, current, signed for the issuer)"),
    UNFIT("tls.ocsp.unfit", "An OCSP answer not fit to staple (revoked, unknown, bad signature, stale, not OCSP)"),
    FETCH_TIMEOUT("tls.ocsp.fetch.timeout",
            "No whole OCSP answer (connect, request, head and body) within ocsp.fetch.timeout.ms"),
    FETCH_TOO_LARGE("tls.ocsp.fetch.too_large", "An OCSP answer over 64 KiB (the fetch is given up at that size)"),
    FETCH_STATUS("tls.ocsp.fetch.status", "An OCSP responder that answered an HTTP status other than 200"),
    FETCH_FAILED("tls.ocsp.fetch.failed",
            "An OCSP fetch that failed otherwise (connection refused or reset, closed early, unknown host)");

    private final String id;
    private final String help;

    OcspOutcome(String id, String help) {
        this.id = id;
        this.help = help;
    }

    /** The counter's name, e.g. {@code tls.ocsp.fetch.timeout}. */
    public String id() {
        return id;
    }

    /** One line: what one count is. */
    public String help() {
        return help;
    }
}
