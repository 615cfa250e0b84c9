package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.net.ByteSink;
import dev.rsp.core.net.ByteSource;
import java.nio.ByteBuffer;

/**
 * The client side of one {@link Exchange}, as the exchange sees it: where the request comes from and the response
 * goes, and what the client side must do when the exchange ends. An HTTP/1 connection implements it for its current
 * request ({@link Http1Connection}), a TLS passthrough connection for its one relayed stream
 * ({@link PassthroughConnection}); an HTTP/2 stream will implement it for its request. The exchange never reaches
 * into the connection's state: everything it needs is here. Loop thread only.
 */
interface Downstream {

    /** Where the request body (and, in a tunnel, everything the client sends) comes from. */
    ByteSource requestSource();

    /** Where the response head and body (and, in a tunnel, everything the backend sends) go. */
    ByteSink responseSink();

    /** The client's address, as written into X-Forwarded-For and the access log. */
    String clientIp();

    /**
     * The client's address and port and the local address it reached: what a PROXY header sent to a backend names.
     * Asked only for backends marked {@code ;send-proxy} (the local address costs a system call).
     */
    ConnectionAddresses addresses();

    /** True when the client spoke TLS that rsp terminated (X-Forwarded-Proto: https). */
    boolean tls();

    /** True for a connection accepted on a TLS listener (terminated or passed through): the metrics' TLS share. */
    boolean onTlsListener();

    /** The protocol as the access log shows it for a request that is not HTTP/1.0: {@code HTTP/1.1}, later {@code HTTP/2}. */
    String protocol();

    /**
     * Whether this connection may carry a request for {@code host} (a canonical name): false when its TLS certificate
     * does not cover it (the exchange answers 421). True without TLS.
     */
    boolean covers(String host);

    /**
     * Encodes the backend's response head for this client into {@code out} (cleared first, ready to send after): the
     * head parsed from {@code source}, hop-by-hop fields left out, and the connection handling {@code kind} says
     * (keep-alive, close, upgrade, or an interim 1xx), and the {@code edits} (header rules, rewritten Location, HSTS;
     * see {@link ResponseEdits}) when not null. HTTP/1 writes header lines; an HTTP/2 stream writes the lines it
     * encodes into HEADERS when they are sent. False when it does not fit {@code out} (the exchange answers 502).
     */
    boolean encodeResponseHead(ByteBuffer source, HttpHead head, HeadWriter.ClientConnection kind, ResponseEdits edits,
            ByteBuffer out);

    /** True when the client side wants the connection closed after this exchange (a stop drains it). */
    boolean draining();

    /**
     * The exchange finished: its response was written completely (or its tunnel ended). The client side goes on to
     * the next request, or closes when {@code closeAfter} (after the written bytes are out).
     */
    void exchangeDone(boolean closeAfter);

    /**
     * rsp answers the request itself: no byte of a response has been written. {@code body} is the one-line text for
     * the client, or null for the status's own page (a 5xx names nothing internal); {@code Retry-After} is added when
     * {@code retryAfterSeconds > 0}. HTTP/1 closes the connection after the reply; an HTTP/2 stream ends with it.
     */
    void reply(int status, String body, long retryAfterSeconds);

    /** {@link #reply(int, String, long)} without Retry-After. */
    default void reply(int status, String body) {
        reply(status, body, 0);
    }

    /**
     * When the connection was accepted over its client's connection rate ({@link RateAdmission#accepted}): the
     * Retry-After seconds for the 429 its request gets, once; then 0. HTTP/1 closes after that reply, HTTP/2 drains
     * the connection (GOAWAY). 0 otherwise.
     */
    long takeConnectionRefusal();

    /**
     * rsp answers the request itself with content of its own (an ACME HTTP-01 key authorization): no byte of a
     * response has been written. HTTP/1 closes the connection after it, as after {@link #reply}.
     */
    void answer(LocalAnswer answer);

    /**
     * The client side is readable while the exchange needs nothing from it (its request is complete, or its body is
     * not read yet): an HTTP/1 connection watches for the client going away ({@link ClientWatch}), which ends the
     * exchange through {@link Exchange#clientGone}; others stop reading.
     *
     * @param requestComplete every byte of the request is in
     * @param mayProbe        no byte of any response has been written and none is being written, and the request is
     *                        HTTP/1.1
     */
    default void watch(Exchange x, boolean requestComplete, boolean mayProbe) {
        requestSource().wantRead(false);
    }

    /** A response head (interim or final) is about to be written: whatever {@link #watch} started is settled first. */
    default void responseBegins() {
    }

    /** The exchange cannot go on (a side broke after the response began, a timeout): the connection closes now. */
    void abort();
}
