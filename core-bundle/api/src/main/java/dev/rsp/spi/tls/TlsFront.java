package dev.rsp.spi.tls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A TLS listener's policy, provided by a TLS bundle and used by the core (see the package documentation): where to
 * listen, how to read a ClientHello, and ({@link #handling()}) what to do after it.
 *
 * <p>Methods other than {@link #listenAddress()} and {@link #handling()} are called on the core's network threads:
 * they must be cheap, must not block (no file or network I/O; certificates are loaded ahead of time) and must not
 * keep the buffers they are given.
 */
@ConsumerType
public interface TlsFront {

    /** The address the core listens on for this front, e.g. {@code 0.0.0.0:8443}; port 0 picks a free port. */
    InetSocketAddress listenAddress();

    /**
     * What the core does with a connection once its ClientHello is known: a {@link Termination} (the core runs the TLS
     * engine it provides and proxies HTTP) or a {@link Passthrough} (the core relays the TLS bytes to a backend chosen
     * by the server name). The same object for the life of the service.
     */
    TlsHandling handling();

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
     * Outcomes this front counts itself, away from the connections (e.g. the OCSP fetches of a terminating front), by
     * stable dotted name, each with its total so far, from 0. The core shows them beside its own events (in
     * {@code /metrics} as {@code rsp_events_total{event=...}}, {@code /api/stats}, the status page) while the front is
     * registered. Called on the core's admin threads: cheap, never blocking; a new map each call.
     *
     * <p>The default counts nothing.
     *
     * @since 0.5.0
     */
    default Map<String, Long> events() {
        return Map.of();
    }

    /**
     * The certificates this front serves or knows of, for {@code /api/certificates}, the status page and the
     * operator: those whose names contain {@code nameFilter} (case-insensitive; empty: all), at most {@code limit},
     * ordered by first name. Called on the core's admin threads, never on a loop; may read memory only.
     *
     * <p>The default knows none.
     *
     * @since 0.6.0
     */
    default List<CertificateInfo> certificates(String nameFilter, int limit) {
        return List.of();
    }

    /**
     * How many certificates {@link #certificates} would list without filter and limit. Admin threads only.
     *
     * @since 0.6.0
     */
    default int certificateCount() {
        return 0;
    }

    /**
     * Whether this listener's connections start with a PROXY protocol header, and from whom it is taken. Called on the
     * core's network threads for every accepted connection: return a value made ahead of time (the same object while
     * the configuration does not change, which lets the core reuse what it derived from it).
     *
     * <p>The default expects none ({@link ProxyProtocol#OFF}).
     *
     * @since 0.7.0
     */
    default ProxyProtocol proxyProtocol() {
        return ProxyProtocol.OFF;
    }
}
