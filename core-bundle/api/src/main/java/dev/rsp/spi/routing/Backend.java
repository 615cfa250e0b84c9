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
 */
public record Backend(String name, String host, int port, int weight, Protocol protocol) {

    /** The protocol rsp speaks to a backend. */
    public enum Protocol {
        /** HTTP/1.1, a request at a time per connection: the default. */
        HTTP1,
        /** HTTP/2 without TLS (h2c, prior knowledge), many requests multiplexed per connection: {@code ;proto=h2}. */
        H2
    }

    /** A backend spoken to in HTTP/1.1. */
    public Backend(String name, String host, int port, int weight) {
        this(name, host, port, weight, Protocol.HTTP1);
    }

    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
    }
}
