package dev.rsp.core.proxy;

import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.net.MessageChannel;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;

/**
 * What an {@link Exchange} uses of its way to a backend: an HTTP/1.1 connection of its own ({@link BackendSide}), or
 * one stream of a multiplexed HTTP/2 connection ({@link H2BackendStream}). Either way the exchange writes an HTTP/1.1
 * request into {@link #channel} and reads an HTTP/1.1 response from it; an HTTP/2 stream translates. Readiness
 * reaches the exchange through {@link Exchange#onBackendReady}. Loop thread only.
 */
interface BackendLink {

    Backend backend();

    /** The request goes out and the response comes in here, as HTTP/1.1 bytes. */
    MessageChannel channel();

    /** Parses the response head from {@link #channel}'s window. */
    ResponseHeadParser parser();

    /** Number of exchanges this connection carried before the current one (0 for a fresh connection). */
    int reuses();

    /**
     * True once the way is open: the TCP connect (or an HTTP/2 connection's) completed, and so did the TLS handshake
     * of a {@code ;tls} backend. Nothing is written before.
     */
    boolean connected();

    /** Completes a pending connect (and TLS handshake); throws when it failed. */
    boolean finishConnect() throws IOException;

    /**
     * True when the backend declined the request without processing any of it (an HTTP/2 REFUSED_STREAM, or a stream
     * above a GOAWAY's last stream id, RFC 9113 8.7): it may be sent again whatever its method.
     */
    default boolean refused() {
        return false;
    }

    /** Gives the way up: the connection closed, or the stream reset unless its exchange with the backend is complete. */
    void close();
}
