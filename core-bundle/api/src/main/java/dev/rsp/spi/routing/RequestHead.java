package dev.rsp.spi.routing;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of a request head, as a strategy sees it. Implemented by the core.
 *
 * <p>The view is valid only for the duration of {@link Router#select}; a strategy must not keep it.
 */
@ProviderType
public interface RequestHead {

    /**
     * The request method as sent, e.g. {@code GET}. A TLS passthrough connection, routed by its server name before
     * any HTTP is seen, has the method {@code ""}, the path {@code /}, no query and no headers; its {@link #host()} is
     * the canonical server name.
     */
    String method();

    /** The path of the request target, without the query, e.g. {@code /api/v0/reload}; never empty. */
    String path();

    /** The query of the request target without the {@code ?}, or an empty string when there is none. */
    String query();

    /**
     * The canonical host: lower case, IDN labels in their ASCII form, no port, no trailing dot. Taken from the
     * Host header, or from the TLS server name when the request has no Host.
     */
    String host();

    /**
     * The first value of a header, by case-insensitive name.
     *
     * @param name a header name such as {@code X-Tenant}
     * @return the value with surrounding whitespace removed, or empty when the header is absent
     */
    Optional<String> header(String name);

    /** The address of the client that sent the request. */
    InetSocketAddress clientAddress();

    /** The TLS server name (SNI) the client sent, or empty when the request did not come over TLS or had none. */
    Optional<String> sni();
}
