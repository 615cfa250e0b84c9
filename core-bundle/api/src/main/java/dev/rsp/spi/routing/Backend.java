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
 */
public record Backend(String name, String host, int port, int weight) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
    }
}
