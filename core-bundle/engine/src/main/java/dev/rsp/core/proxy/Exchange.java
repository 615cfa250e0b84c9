package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.spi.routing.Backend;
import java.util.List;

/** What the core knows about the request/response exchange in progress on a client connection. Loop thread only. */
final class Exchange {

    long started;
    String method = "";
    String target = "";
    String host = "";
    boolean http10;
    boolean keepAlive;
    boolean idempotent;
    /** The Upgrade offers forwarded to the backend (those {@link UpgradePolicy} allows), or "" for none. */
    String upgradeOffered = "";
    /** A TLS passthrough connection: routed by its server name and relayed byte for byte, no HTTP. */
    boolean passthrough;
    /** Passthrough: the port backends take TLS on, or 0 for their own port. */
    int passthroughPort;
    Pipe.Framing requestFraming = Pipe.Framing.NONE;
    long requestLength;
    /**
     * The request has a body but a method for which a body has no defined meaning (RFC 9110 9.3: GET, HEAD, DELETE,
     * OPTIONS, TRACE). Many backends answer such a request without reading the body, then read it as their next
     * request; its answer must not reach anyone, so the backend connection is not reused afterwards.
     */
    boolean bodyMayBeUnread;

    List<Backend> candidates = List.of();
    String strategy = "";
    int tries;

    boolean requestSent;
    boolean responseHeadSeen;
    boolean responseStarted;
    boolean responseDone;
    boolean interim;
    boolean upgraded;
    boolean closeAfter;
    boolean backendReusable;
    int status;
    /** The exchange's outcome went to the access log and the metrics (once per exchange). */
    boolean recorded;

    // For the access log.
    /** User-Agent and Referer, read only while the access log is on; "" otherwise. */
    String userAgent = "";
    String referer = "";
    /** The last backend a connection was made or tried to, "-" before any. */
    String backendName = "-";
    /** System.nanoTime() when the backend connection was ready, when the first response head arrived; 0 before. */
    long connectedAt;
    long firstByteAt;
    /** Why rsp answered itself or the exchange broke, for the log only (never sent to the client); "" otherwise. */
    String error = "";
    /** The exchange became a tunnel (after 101, or TLS passthrough): its line is written when the tunnel ends. */
    boolean tunnel;

    /** Marks a request refused before its head could be read; the access log shows dashes for what is unknown. */
    void rejected() {
        clearOutcome();
        started = System.nanoTime();
        method = "-";
        target = "-";
        host = "-";
        strategy = "";
        status = 0;
        responseStarted = false;
        recorded = false;
    }

    /** Starts a new exchange for a parsed request head. */
    void begin(HttpHead h, UpgradePolicy upgrades) {
        clearOutcome();
        started = System.nanoTime();
        method = h.method();
        target = h.target();
        host = "";
        http10 = h.versionMinor() == 0;
        keepAlive = false;
        idempotent = switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
        upgradeOffered = upgrades.offered(h);
        passthrough = false;
        if (h.chunked()) {
            requestFraming = Pipe.Framing.CHUNKED;
            requestLength = 0;
        } else if (h.contentLength() > 0) {
            requestFraming = Pipe.Framing.LENGTH;
            requestLength = h.contentLength();
        } else {
            requestFraming = Pipe.Framing.NONE;
            requestLength = 0;
        }
        bodyMayBeUnread = requestFraming != Pipe.Framing.NONE && switch (method) {
            case "GET", "HEAD", "DELETE", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
        candidates = List.of();
        strategy = "";
        tries = 0;
        requestSent = false;
        responseHeadSeen = false;
        responseStarted = false;
        responseDone = false;
        interim = false;
        upgraded = false;
        closeAfter = false;
        backendReusable = false;
        status = 0;
        recorded = false;
    }

    /** Starts the one exchange of a TLS passthrough connection whose ClientHello named {@code serverName}. */
    void beginPassthrough(String serverName, int port) {
        clearOutcome();
        started = System.nanoTime();
        method = "TLS";
        target = serverName;
        host = "";
        http10 = false;
        keepAlive = false;
        idempotent = false;
        upgradeOffered = "";
        passthrough = true;
        passthroughPort = port;
        requestFraming = Pipe.Framing.NONE;
        requestLength = 0;
        bodyMayBeUnread = false;
        candidates = List.of();
        strategy = "";
        tries = 0;
        status = 0;
        recorded = false;
    }

    private void clearOutcome() {
        userAgent = "";
        referer = "";
        backendName = "-";
        connectedAt = 0;
        firstByteAt = 0;
        error = "";
        tunnel = false;
    }

    /**
     * Ends the exchange once the connection goes back to reading a head, so that a refusal or timeout of the next
     * head is answered and logged as its own and not taken for a failure in the middle of the previous response.
     */
    void end() {
        started = 0;
        responseStarted = false;
        recorded = false;
    }
}
