package dev.rsp.core.proxyprotocol;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A complete, valid PROXY protocol header. {@link #length()} is how many bytes it took from the start of the window:
 * the caller consumes exactly those, and what follows (HTTP, a TLS ClientHello) is the client's.
 */
public sealed interface ProxyHeader {

    /** 1 or 2. */
    int version();

    int length();

    /** The v2 authority TLV (PP2_TYPE_AUTHORITY, usually the client's SNI), if present. */
    Optional<String> authority();

    /**
     * The header carries no client address: v2 LOCAL (health checks), v2 PROXY with family UNSPEC, or v1 UNKNOWN.
     * The caller uses the TCP peer's address, as the spec requires.
     */
    record Local(int version, int length, Optional<String> authority) implements ProxyHeader {
    }

    /** The header names the original client ({@code source}) and the address it connected to. */
    record Proxied(int version, int length, InetSocketAddress source, InetSocketAddress destination,
                   Optional<String> authority) implements ProxyHeader {
    }
}
