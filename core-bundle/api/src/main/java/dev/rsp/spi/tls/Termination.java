package dev.rsp.spi.tls;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLSession;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The core terminates TLS: it asks for a server-mode engine per connection, drives it on its loop (delegated tasks run
 * elsewhere; an engine that runs its crypto inside wrap and unwrap, such as a native one, runs it on the loop),
 * releases it when the connection closes, and proxies the decrypted HTTP requests like those of the HTTP listener, with
 * {@code X-Forwarded-Proto: https}. Called on the core's network threads: cheap, never blocking.
 */
@ConsumerType
public non-sealed interface Termination extends TlsHandling {

    /**
     * A new server-mode engine for a connection whose ClientHello is {@code hello}, with its kind, or empty when no
     * certificate can serve it (the core counts and closes). The engine is configured (protocols, cipher suites and
     * their order, ALPN) and not yet used; the core owns it from here (see {@link TlsEngine}).
     */
    Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer);

    /**
     * Asked before {@link #newEngine}: empty when an engine for {@code hello} can be made now (the common case, which
     * must not allocate); else a stage that completes (normally or not, with any value) once it can, for instance when
     * the certificate for the name has been loaded from disk or issued. The core then parks the connection (no reads,
     * no loop time) and calls {@link #newEngine} on its loop when the stage completes, or closes the connection, counted
     * {@code tls.certificate.wait_timeout}, after {@link #prepareTimeout()}. A front never completes the stage on the
     * core's loop in a way that blocks it; the stage may complete on any thread. Cheap, never blocking.
     *
     * <p>The default is always ready.
     *
     * @since 0.6.0
     */
    default Optional<CompletionStage<?>> prepare(Inspection.Hello hello) {
        return Optional.empty();
    }

    /**
     * The most time a connection may stay parked on {@link #prepare}, from its ClientHello. Cheap, any thread.
     *
     * @since 0.6.0
     */
    default Duration prepareTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * The kind of engine {@link #newEngine} makes under the configuration in force (a certificate that kind cannot
     * serve may still get another, named by its own {@link TlsEngine#kind()}); shown in metrics. Cheap, any thread.
     */
    EngineKind engineKind();

    /**
     * Whether the certificate the session presented covers {@code host}, a canonical host name (lower case, no
     * port); a request for a host it does not cover is answered 421.
     */
    boolean covers(SSLSession session, String host);
}
