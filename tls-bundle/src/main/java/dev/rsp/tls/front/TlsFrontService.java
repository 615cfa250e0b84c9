package dev.rsp.tls.front;

import dev.rsp.spi.tls.CertificateInfo;
import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.ProxyProtocol;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.spi.tls.TlsHandling;
import dev.rsp.tls.certs.CertificateManager;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.ServedCertificate;
import dev.rsp.tls.ocsp.OcspStapler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TlsFront} service of one registration. Its listen address and mode are fixed (a change of either is a new
 * registration, so that the core reopens its listener); the other settings and the certificates are read from volatile
 * snapshots on every call, so they change under open connections without a re-registration. Which certificate a hello
 * gets, and loading it first, is {@link HelloCertificates}'; TLS-ALPN-01 validations are {@link AcmeChallenges}'.
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
    private final Supplier<Optional<CertificateManager>> manager;
    private final HelloCertificates certificates;
    private final AcmeChallenges challenges;
    private volatile TlsSettings settings;
    private boolean ownStapler;

    /** A front without ticket keys, ACME or OCSP fetching (a stapler of its own that fetches nothing): tests. */
    TlsFrontService(TlsSettings settings, CertificateStore store) {
        this(settings, store, Optional::empty);
    }

    /** As above, with an ACME manager; rescans and challenge contexts run on the common pool (tests). */
    TlsFrontService(TlsSettings settings, CertificateStore store, Supplier<Optional<CertificateManager>> manager) {
        this(settings, store, new OcspStapler((uri, request, within) -> {
            throw new java.io.IOException("no OCSP fetching here");
        }, java.time.Clock.systemUTC()), Optional.empty(), manager, java.util.concurrent.ForkJoinPool.commonPool());
        ownStapler = true;
    }

    /**
     * Builds the engines' contexts (native ones included) for the certificates loaded now, with {@code ticketKeys}
     * (empty: the engines' own), and from then on for each certificate the store's cache loads: off the loop.
     * {@code stapler} is the component's; this front tells it what to track. {@code background} runs rescans of the
     * index after on-demand issuance and builds TLS-ALPN-01 contexts (not a network thread).
     */
    TlsFrontService(TlsSettings settings, CertificateStore store, OcspStapler stapler, Optional<TicketKeys> ticketKeys,
            Supplier<Optional<CertificateManager>> manager, Executor background) {
        this.listen = settings.listen();
        this.mode = settings.mode();
        this.store = store;
        this.settings = settings;
        this.stapler = stapler;
        this.manager = manager;
        this.engines = new ServerEngines(stapler);
        this.certificates = new HelloCertificates(store, manager, () -> store.reloadOn(background));
        this.challenges = new AcmeChallenges(background);
        this.handling = mode == TlsSettings.Mode.TERMINATE ? new Terminate() : new Relay();
        engines.ticketKeys(ticketKeys, List::of);
        if (mode == TlsSettings.Mode.TERMINATE) {
            engines.rebuild(settings, List.of());
            store.cache().listener(engines);
        }
        track();
    }

    /** Termination: the engines and the certificate check of this service. */
    private final class Terminate implements Termination {
        @Override
        public Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer) {
            return TlsFrontService.this.newEngine(hello, peer);
        }

        @Override
        public Optional<CompletionStage<?>> prepare(Inspection.Hello hello) {
            return TlsFrontService.this.prepare(hello);
        }

        @Override
        public Duration prepareTimeout() {
            return certificates.waitLimit(settings.certsWaitTimeout());
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
        if (mode == TlsSettings.Mode.TERMINATE) {
            engines.rebuild(next, store.cache().loadedNow());
        }
        track();
    }

    /**
     * After a poll of the store (whether or not it changed): the stapler is told about the certificates loaded now,
     * when that changed since the last call. Off the loop.
     */
    void certificatesChanged() {
        if (engines.takeLoadedChanged()) {
            track();
        }
    }

    private void track() {
        boolean staple = mode == TlsSettings.Mode.TERMINATE && settings.ocspStapling();
        stapler.track(staple ? store.cache().loadedNow() : List.of(), settings.ocspFetchTimeout());
    }

    /** The keys of tickets.keys.file changed (or it was unset): off the loop. */
    void ticketKeys(Optional<TicketKeys> keys) {
        engines.ticketKeys(keys, () -> store.cache().loadedNow());
    }

    /** The registration is gone: gives back the native contexts (open connections keep theirs). */
    void close() {
        store.cache().removeListener(engines);
        engines.close();
        if (ownStapler) {
            stapler.close();
        }
    }

    /** The native contexts the engines hold now (tests: evicted certificates give theirs back). */
    int nativeContexts() {
        return engines.nativeContexts();
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

    /** The same object while the settings do not change (the core derives its policy once per object). */
    @Override
    public ProxyProtocol proxyProtocol() {
        return settings.proxyProtocol();
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

    /**
     * Terminating: the stapler's fetch outcomes ({@code tls.ocsp.*}, see {@link dev.rsp.tls.ocsp.OcspOutcome}) and the
     * certificate cache's ({@code tls.certs.*}, see {@link dev.rsp.tls.certs.CertificateCache#counts()}), and the ACME
     * client's ({@code acme.*}) while it runs.
     */
    @Override
    public Map<String, Long> events() {
        if (mode != TlsSettings.Mode.TERMINATE) {
            return Map.of();
        }
        Map<String, Long> all = new java.util.LinkedHashMap<>(stapler.counts());
        all.putAll(certificates.counts());
        return all;
    }

    /** The index (no certificate is loaded to list it), with the ACME component's renewal and error per name. */
    @Override
    public List<CertificateInfo> certificates(String nameFilter, int limit) {
        return certificates.list(nameFilter, limit);
    }

    @Override
    public int certificateCount() {
        return store.snapshot().size();
    }

    /** Before {@link #newEngine}: empty when the hello's certificate is loaded, else the stage of its load (or issuance). */
    Optional<CompletionStage<?>> prepare(Inspection.Hello hello) {
        try {
            if (AcmeChallenges.isValidation(hello)) {
                return challenges.prepare(hello, manager.get());
            }
            return certificates.prepare(hello);
        } catch (RuntimeException e) {
            return Optional.empty(); // newEngine decides with what is loaded
        }
    }

    /**
     * Selects the certificate for the hello (exact name, one-label wildcard, default; the key type the client can
     * verify) and makes a server engine for it (see {@link ServerEngines}): the configured protocols, cipher suites and
     * order, and ALPN list (server's preference among the client's offers). A TLS-ALPN-01 validation hello gets the
     * validation certificate or nothing.
     */
    public Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer) {
        try {
            if (AcmeChallenges.isValidation(hello)) {
                return challenges.newEngine(hello, manager.get(), settings);
            }
            ServedCertificate chosen = certificates.served(hello);
            return chosen == null ? Optional.empty() : Optional.of(engines.newEngine(chosen, hello, settings));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean covers(SSLSession session, String host) {
        Certificate[] local = session.getLocalCertificates();
        if (local == null || local.length == 0 || !(local[0] instanceof X509Certificate leaf)) {
            return false;
        }
        ServedCertificate loaded = store.cache().byLeaf(leaf);
        if (loaded != null) {
            return dev.rsp.tls.certs.CertificateNames.canonicalHost(host).filter(loaded::covers).isPresent();
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
