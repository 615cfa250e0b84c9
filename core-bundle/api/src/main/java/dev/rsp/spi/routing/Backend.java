package dev.rsp.spi.routing;

import java.util.Objects;

/**
 * A configured backend as strategies see it: identified by its name, so that moving a backend to another address
 * changes no routing decision.
 *
 * @param name   the name from the configuration ({@code backend.<name> = host:port}), unique in a {@link Backends}
 * @param host   host name or address literal
 * @param port   TCP port, 1 to 65535
 * @param weight relative weight, at least 1
 * @param protocol what rsp speaks to it; strategies may look at it (a Lua rule may send gRPC only to h2 backends)
 * @param tls      whether rsp's connections to it are encrypted, and whether its certificate is verified
 * @param maxConnections requests rsp sends it at once, over all its threads ({@code ;maxconn=N}); further requests
 *                 wait in a bounded queue. 0: the core's default ({@code backend.maxconn} in {@code rsp.core})
 * @param sendProxy whether each connection to it starts with a PROXY protocol header naming the client
 *                 ({@code ;send-proxy=v1} or {@code v2}); such connections are reused only for the same client
 *                 connection
 */
public record Backend(String name, String host, int port, int weight, Protocol protocol, Tls tls, int maxConnections,
                      SendProxy sendProxy) {

    /** The protocol rsp speaks to a backend. */
    public enum Protocol {
        /** HTTP/1.1, a request at a time per connection: the default. */
        HTTP1,
        /**
         * HTTP/2, many requests multiplexed per connection: {@code ;proto=h2}. In cleartext with prior knowledge (h2c);
         * over TLS ({@link Tls#VERIFIED}, {@link Tls#INSECURE}) agreed by ALPN.
         */
        H2
    }

    /** Whether rsp speaks to a backend over TLS, and how far it checks who answers. */
    public enum Tls {
        /** Cleartext: the default. */
        NONE,
        /**
         * TLS, the backend's certificate verified: signed by a trusted authority and naming {@link #host()}
         * ({@code ;tls}).
         */
        VERIFIED,
        /**
         * TLS without any check of the backend's certificate ({@code ;tls=insecure}): the traffic is encrypted, but
         * anyone on the path can pose as the backend. For test labs.
         */
        INSECURE
    }

    /**
     * Whether rsp opens each connection to a backend with a PROXY protocol header (HAProxy's
     * {@code doc/proxy-protocol.txt}) carrying the client's address, so that a backend behind rsp sees who connected.
     */
    public enum SendProxy {
        /** No header: the default. */
        NONE,
        /** The human-readable version 1 line ({@code ;send-proxy=v1}). */
        V1,
        /** The binary version 2 block ({@code ;send-proxy=v2}). */
        V2
    }

    /** A backend that is sent no PROXY protocol header. */
    public Backend(String name, String host, int port, int weight, Protocol protocol, Tls tls, int maxConnections) {
        this(name, host, port, weight, protocol, tls, maxConnections, SendProxy.NONE);
    }

    /** A backend with the core's default concurrency limit. */
    public Backend(String name, String host, int port, int weight, Protocol protocol, Tls tls) {
        this(name, host, port, weight, protocol, tls, 0);
    }

    /** A backend spoken to in HTTP/1.1, in cleartext. */
    public Backend(String name, String host, int port, int weight) {
        this(name, host, port, weight, Protocol.HTTP1, Tls.NONE);
    }

    /** A backend spoken to in {@code protocol}, in cleartext. */
    public Backend(String name, String host, int port, int weight, Protocol protocol) {
        this(name, host, port, weight, protocol, Tls.NONE);
    }

    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(sendProxy, "sendProxy");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must not be negative: " + maxConnections);
        }
    }
}
