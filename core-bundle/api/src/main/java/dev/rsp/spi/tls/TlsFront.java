package dev.rsp.spi.tls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A TLS listener's policy, provided by a TLS bundle and used by the core (see the package documentation).
 *
 * <p>Methods other than {@link #listenAddress()} and {@link #mode()} are called on the core's network threads: they
 * must be cheap, must not block (no file or network I/O; certificates are loaded ahead of time) and must not keep
 * the buffers they are given.
 */
@ConsumerType
public interface TlsFront {

    /** What the core does with a connection after its ClientHello. */
    enum Mode { PASSTHROUGH, TERMINATE }

    /** The address the core listens on for this front, e.g. {@code 0.0.0.0:8443}; port 0 picks a free port. */
    InetSocketAddress listenAddress();

    Mode mode();

    /** The most bytes a ClientHello may take; the core closes a connection that sent more without a decision. */
    int maxHelloBytes();

    /** How long a client has to send its ClientHello after connecting. */
    Duration helloTimeout();

    /**
     * Inspects the bytes received so far, without consuming them.
     *
     * @param received the bytes from the start of the connection, in read mode; a read-only view the front may move
     *                 the position of
     * @return need more, a hello, or a rejection
     */
    Inspection inspect(ByteBuffer received);

    /**
     * {@code TERMINATE}: a new server-mode engine for a connection whose ClientHello is {@code hello}, or empty when
     * no certificate can serve it (the core counts and closes).
     */
    Optional<SSLEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer);

    /**
     * {@code TERMINATE}: whether the certificate the session presented covers {@code host}, a canonical host name
     * (lower case, no port); a request for a host it does not cover is answered 421.
     */
    boolean covers(SSLSession session, String host);

    /** {@code PASSTHROUGH}: the backend that gets connections without a server name, or empty to close them. */
    Optional<String> defaultBackend();

    /** {@code PASSTHROUGH}: the port backends take TLS on, or 0 to use each backend's own port. */
    int backendPort();
}
