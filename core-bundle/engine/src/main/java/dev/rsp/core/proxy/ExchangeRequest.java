package dev.rsp.core.proxy;

import dev.rsp.spi.routing.RequestHead;

/**
 * A request head as an {@link Exchange} starts it, whatever protocol carried it: what strategies see
 * ({@link RequestHead}), what the backend's head is written from ({@link RequestFields}), and the few facts the
 * exchange decides by. An HTTP/1 head in the client's buffer ({@link RequestView}) is one; an HPACK-decoded HTTP/2
 * header block is another. Valid while the exchange's head is; loop thread only.
 */
interface ExchangeRequest extends RequestHead, RequestFields {

    /** The request-target as the client sent it (HTTP/2: {@code :path}), for the access log. */
    String target();

    /** The Upgrade field's value as received, or "" (always "" over HTTP/2, which has no Upgrade). */
    String upgrade();

    /** Whether Connection names {@code upgrade} (an HTTP/1.1 upgrade request needs both). */
    boolean connectionUpgrade();

    /** Whether the body is chunked toward the backend (HTTP/1 said so; HTTP/2 has a body of unknown length). */
    boolean chunked();

    /** Sets the canonical host once the exchange has checked {@link #forwardedHost()}. */
    void host(String canonicalHost);

    /**
     * The client a trusted proxy's forwarding list named ({@link RealClient}): from now on {@link #clientAddress()}
     * answers it instead of the connection's client. Set before routing, per request.
     */
    void forwardedClient(java.net.InetSocketAddress realClient);
}
