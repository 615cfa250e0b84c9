package dev.rsp.core.proxy;

/**
 * What one {@link Exchange} knows about its request and how far it got: written by the exchange (and, for the access
 * log's request fields, by the connection that started it), read by its log line and metrics record. One per
 * exchange, never reset. Loop thread only.
 */
final class ExchangeFacts {

    final long started = System.nanoTime();
    String method = "-";
    String target = "-";
    /** The canonical host, "-" until known. */
    String host = "-";
    /** The host as the client wrote it (case and port kept), once its canonical form is known; for rewritten URLs. */
    String forwardedHost = "";
    boolean http10;
    boolean keepAlive;
    boolean idempotent;
    /** The Upgrade offers forwarded to the backend (those {@link UpgradePolicy} allows), or "" for none. */
    String upgradeOffered = "";
    /** The client as {@link RealClient} settled it (null until then: the connection's client). */
    String clientIp;
    /** The connection's client is in {@code forwarded.trusted}: its forwarding lists are kept and appended to. */
    boolean trustedPeer;
    /**
     * The client's scheme is https: rsp terminated its TLS, or a trusted peer said so ({@link RealClient}). Decides the
     * HTTPS redirect, X-Forwarded-Proto and Forwarded's proto, HSTS and the scheme of rewritten Locations.
     */
    boolean https;
    /** The largest request body this request's host allows ({@link BodyLimits}); 0: none. */
    long bodyLimit;
    /** A TLS passthrough connection: routed by its server name and relayed byte for byte, no HTTP. */
    boolean passthrough;
    Pipe.Framing requestFraming = Pipe.Framing.NONE;
    long requestLength;
    /**
     * The request has a body but a method for which a body has no defined meaning (RFC 9110 9.3: GET, HEAD, DELETE,
     * OPTIONS, TRACE). Many backends answer such a request without reading the body, then read it as their next
     * request; its answer must not reach anyone, so the backend connection is not reused afterwards.
     */
    boolean bodyMayBeUnread;
    String strategy = "";
    /** Compression is on and the request's Accept-Encoding takes gzip ({@link ResponseCompression}). */
    boolean acceptsGzip;

    boolean requestSent;
    boolean responseHeadSeen;
    boolean responseStarted;
    boolean responseDone;
    boolean interim;
    boolean upgraded;
    boolean closeAfter;
    boolean backendReusable;
    int status;
    /** The outcome went to the metrics (and, except for a tunnel, to the access log). */
    boolean recorded;

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
    /** Its place in a W3C trace ({@code tracing.*}); set when the request head is known. */
    ExchangeTrace trace = ExchangeTrace.NONE;

    /** A request refused before its head could be used; the access log shows dashes for what is unknown. */
    void rejected() {
        method = "-";
        target = "-";
        host = "-";
    }

    /** A parsed request head. */
    void begin(ExchangeRequest h, ProxySettings settings, boolean keepAlive) {
        method = h.method();
        target = h.target();
        http10 = h.versionMinor() == 0;
        this.keepAlive = keepAlive;
        idempotent = switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
        upgradeOffered = settings.upgrades().offered(h);
        acceptsGzip = settings.compression().gzip() && AcceptEncoding.acceptsGzip(h.header("accept-encoding").orElse(null));
        if (h.chunked()) {
            requestFraming = Pipe.Framing.CHUNKED;
        } else if (h.contentLength() > 0) {
            requestFraming = Pipe.Framing.LENGTH;
            requestLength = h.contentLength();
        }
        bodyMayBeUnread = requestFraming != Pipe.Framing.NONE && switch (method) {
            case "GET", "HEAD", "DELETE", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }

    /** The one exchange of a TLS passthrough connection whose ClientHello named {@code serverName}. */
    void beginPassthrough(String serverName) {
        method = "TLS";
        target = serverName;
        passthrough = true;
    }
}
