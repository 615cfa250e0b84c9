package dev.rsp.tls.front;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.spi.tls.TlsHandling;
import dev.rsp.tls.certs.CertificateSnapshot;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.ServedCertificate;
import dev.rsp.tls.ocsp.OcspStapler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TlsFront} service of one registration. Its listen address and mode are fixed (a change of either is a new
 * registration, so that the core reopens its listener); the other settings and the certificates are read from volatile
 * snapshots on every call, so they change under open connections without a re-registration.
 */
final class TlsFrontService implements TlsFront {

    static {
        // Before the first engine of this class: JSSE reads the property at its first server handshake only.
        Logger log = LoggerFactory.getLogger(TlsFrontService.class);
        switch (JsseRenegotiation.refuseUnlessAllowed(System.getProperties())) {
            case ALLOWED_BY_OPERATOR -> log.warn("rsp.tls: {}=false is set, so JSSE accepts client-initiated TLS 1.2 "
                    + "renegotiation (rsp's TLS listener still refuses it and closes the connection)", JsseRenegotiation.PROPERTY);
            case INVALID_REPLACED -> log.warn("rsp.tls: {} is neither true nor false, which fails every JSSE server "
                    + "handshake: set to true", JsseRenegotiation.PROPERTY);
            default -> { }
        }
    }

    private final InetSocketAddress listen;
    private final TlsSettings.Mode mode;
    private final TlsHandling handling;
    private final CertificateStore store;
    private final ServerEngines engines;
    private final OcspStapler stapler;
    private volatile TlsSettings settings;
    private boolean ownStapler;

    /** A front without ticket keys and with a stapler of its own that fetches nothing (tests). */
    TlsFrontService(TlsSettings settings, CertificateStore store) {
        this(settings, store, new OcspStapler((uri, request, within) -> {
            throw new java.io.IOException("no OCSP fetching here");
        }, java.time.Clock.systemUTC()), Optional.empty());
        ownStapler = true;
    }

    /**
     * Builds the engines' contexts (native ones included) for the certificates in force, with {@code ticketKeys}
     * (empty: the engines' own): off the loop. {@code stapler} is the component's; this front tells it what to track.
     */
    TlsFrontService(TlsSettings settings, CertificateStore store, OcspStapler stapler, Optional<TicketKeys> ticketKeys) {
        this.listen = settings.listen();
        this.mode = settings.mode();
        this.store = store;
        this.settings = settings;
        this.stapler = stapler;
        this.engines = new ServerEngines(stapler);
        this.handling = mode == TlsSettings.Mode.TERMINATE ? new Terminate() : new Relay();
        engines.ticketKeys(ticketKeys);
        certificatesChanged();
    }

    /** Termination: the engines and the certificate check of this service. */
    private final class Terminate implements Termination {
        @Override
        public Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer) {
            return TlsFrontService.this.newEngine(hello, peer);
        }

        @Override
        public EngineKind engineKind() {
            return engines.kind();
        }

        @Override
        public boolean covers(SSLSession session, String host) {
            return TlsFrontService.this.covers(session, host);
        }
    }

    /** Passthrough: the fallback backend and port of this service's settings. */
    private final class Relay implements Passthrough {
        @Override
        public Optional<String> defaultBackend() {
            return TlsFrontService.this.defaultBackend();
        }

        @Override
        public int backendPort() {
            return TlsFrontService.this.backendPort();
        }
    }

    /** Settings other than listen and mode; called by the component when they change, off the loop. */
    void settings(TlsSettings next) {
        settings = next;
        certificatesChanged();
    }

    /** The store published new certificates (or settings changed): rebuilds the engines' contexts, off the loop. */
    void certificatesChanged() {
        if (mode == TlsSettings.Mode.TERMINATE) {
            CertificateSnapshot certificates = store.snapshot();
            stapler.track(settings.ocspStapling() ? certificates.all() : List.of(), settings.ocspFetchTimeout());
            engines.rebuild(settings, certificates);
        } else {
            stapler.track(List.of(), settings.ocspFetchTimeout());
        }
    }

    /** The keys of tickets.keys.file changed (or it was unset): off the loop. */
    void ticketKeys(Optional<TicketKeys> keys) {
        engines.ticketKeys(keys);
    }

    /** The registration is gone: gives back the native contexts (open connections keep theirs). */
    void close() {
        engines.close();
        if (ownStapler) {
            stapler.close();
        }
    }

    /** The kind of engine new connections get. */
    EngineKind engineKind() {
        return engines.kind();
    }

    @Override
    public InetSocketAddress listenAddress() {
        return listen;
    }

    @Override
    public TlsHandling handling() {
        return handling;
    }

    TlsSettings.Mode mode() {
        return mode;
    }

    @Override
    public int maxHelloBytes() {
        return settings.helloMaxBytes();
    }

    @Override
    public Duration helloTimeout() {
        return settings.helloTimeout();
    }

    @Override
    public Inspection inspect(ByteBuffer received) {
        return HelloInspector.inspect(received, settings.helloMaxBytes());
    }

    /** Terminating: the stapler's fetch outcomes ({@code tls.ocsp.*}, see {@link dev.rsp.tls.ocsp.OcspOutcome}). */
    @Override
    public java.util.Map<String, Long> events() {
        return mode == TlsSettings.Mode.TERMINATE ? stapler.counts() : java.util.Map.of();
    }

    /**
     * Selects the certificate for the hello's server name (exact, one-label wildcard, default) and makes a server engine
     * for it (see {@link ServerEngines}): the configured protocols, cipher suites and order, and ALPN list (server's
     * preference among the client's offers).
     */
    public Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer) {
        Optional<ServedCertificate> chosen = store.snapshot().select(hello.serverName());
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(engines.newEngine(chosen.get(), hello, settings));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean covers(SSLSession session, String host) {
        Certificate[] local = session.getLocalCertificates();
        if (local == null || local.length == 0 || !(local[0] instanceof X509Certificate leaf)) {
            return false;
        }
        return store.snapshot().covers(leaf, host);
    }

    public Optional<String> defaultBackend() {
        return settings.defaultBackend();
    }

    public int backendPort() {
        return settings.backendPort();
    }
}
