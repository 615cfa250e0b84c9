package dev.rsp.core.proxy;

import java.nio.ByteBuffer;

/**
 * A request head as the fields an exchange forwards, whatever it was decoded from: an HTTP/1 head in the client's
 * input buffer ({@link RequestView}) now, an HPACK-decoded HTTP/2 header block next. {@link HeadWriter} writes the
 * backend's request head from this alone. Valid while the exchange's head is; loop thread only.
 */
interface RequestFields {

    String method();

    /** Writes the request-target in origin form ({@code /p?q}, or {@code *}), as it goes to the backend. */
    void writeTarget(ByteBuffer out);

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 and later. */
    int versionMinor();

    /**
     * The host the request is for, as the client wrote it (case and port kept): the authority of the target when
     * there was one, else the Host field. What goes on as Host and X-Forwarded-Host.
     */
    String forwardedHost();

    /** Whether the host came from the target (absolute-form, or HTTP/2's :authority): Host is then written from it. */
    boolean hostFromTarget();

    int fieldCount();

    /** Whether the name of field {@code i} is {@code lowerCaseName}, ignoring case. */
    boolean nameIs(int i, String lowerCaseName);

    /** Whether field {@code i} goes on as received: neither hop-by-hop nor a framing field. */
    boolean forwardedAsSent(int i);

    /** Writes field {@code i} as a field line, {@code Name: value} and CRLF. */
    void writeField(int i, ByteBuffer out);

    /** The value of field {@code i} (allocates: for the few fields read as text, such as X-Forwarded-For). */
    String value(int i);

    /** Writes the value of field {@code i}. */
    void writeValue(int i, ByteBuffer out);

    /** Whether the framing fields are to be written anew (they came in a list form); else they are among the fields. */
    boolean rewritesFraming();

    /** The Transfer-Encoding codings, normalised, or "" (see {@link dev.rsp.core.http.HttpHead#transferCodings}). */
    String transferCodings();

    /** The Content-Length, or -1. */
    long contentLength();
}
