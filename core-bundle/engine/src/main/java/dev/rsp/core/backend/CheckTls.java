package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.Socket;

/**
 * TLS for the active check of a backend marked {@code ;tls}, with the trust traffic uses ({@code backend.tls.ca}; a
 * {@code ;tls=insecure} backend unchecked). Called on a check thread, never a loop.
 */
@FunctionalInterface
public interface CheckTls {

    /**
     * Layers a client TLS socket for {@code backend} over {@code connected}, offering {@code alpn}; the handshake
     * starts when the caller asks for it. Closing the result closes {@code connected}.
     */
    Socket wrap(Socket connected, Backend backend, String alpn) throws IOException;

    /** For configurations without TLS backends (tests): refuses every TLS backend. */
    CheckTls NONE = (connected, backend, alpn) -> {
        throw new IOException("no TLS for health checks");
    };
}
