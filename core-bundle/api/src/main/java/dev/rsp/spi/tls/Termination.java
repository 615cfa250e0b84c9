package dev.rsp.spi.tls;

import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The core terminates TLS: it asks for a server-mode engine per connection, drives it on its loop (delegated tasks run
 * elsewhere) and proxies the decrypted HTTP requests like those of the HTTP listener, with
 * {@code X-Forwarded-Proto: https}. Called on the core's network threads: cheap, never blocking.
 */
@ConsumerType
public non-sealed interface Termination extends TlsHandling {

    /**
     * A new server-mode engine for a connection whose ClientHello is {@code hello}, or empty when no certificate can
     * serve it (the core counts and closes).
     */
    Optional<SSLEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer);

    /**
     * Whether the certificate the session presented covers {@code host}, a canonical host name (lower case, no
     * port); a request for a host it does not cover is answered 421.
     */
    boolean covers(SSLSession session, String host);
}
