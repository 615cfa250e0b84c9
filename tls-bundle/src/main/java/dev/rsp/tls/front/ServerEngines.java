package dev.rsp.tls.front;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateCache;
import dev.rsp.tls.certs.ServedCertificate;
import dev.rsp.tls.ocsp.OcspExchange;
import dev.rsp.tls.ocsp.OcspStapler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the server engines of a terminating front: BoringSSL's from native contexts when {@code engine} chooses it
 * and it loads, the JDK's otherwise (also for a certificate BoringSSL refused). Build vs select: {@link #rebuild} runs
 * off the loop when the settings change and publishes a {@link Built}; as the certificate cache loads and evicts
 * certificates ({@link CertificateCache.Listener}, loader threads), their native contexts are added to and removed from
 * it; {@link #newEngine} runs on the core's loops and reads it.
 *
 * <p>Both engines get the same protocols, suites, suite order and ALPN list; ALPN is the server's preference among
 * the client's offers. Where they differ without a common ALPN protocol: the JDK's engine fails the handshake with a
 * no_application_protocol alert, BoringSSL's completes it without ALPN.
 */
final class ServerEngines implements CertificateCache.Listener {

    private static final Logger log = LoggerFactory.getLogger(ServerEngines.class);

    /** What engines are made from now. {@code natives} is null when the JDK's engine serves everything. */
    private record Built(TlsSettings settings, EngineKind kind, NativeContexts natives) {
    }

    private volatile Built built;
    private final OcspStapler stapler;
    /** The keys of tickets.keys.file in force; empty: each native context's own random keys. Guarded by this. */
    private Optional<TicketKeys> ticketKeys = Optional.empty();
    /** Set when a certificate was loaded or released: the stapler's list is refreshed on the next poll. */
    private volatile boolean loadedChanged;

    /** @param stapler where native engines get their OCSP responses from (tracked by the caller) */
    ServerEngines(OcspStapler stapler) {
        this.stapler = stapler;
    }
    /** What the last INFO line said; a new one is logged when it changes. */
    private String announced;

    /** Why the native engine cannot run: empty when it can. Loads the library (once per JVM); not on the loop. */
    static java.util.Optional<String> nativeUnavailable() {
        try {
            NativeTls.Availability a = NativeTls.availability();
            return a.available() ? java.util.Optional.empty() : java.util.Optional.of(a.detail());
        } catch (LinkageError e) {
            return java.util.Optional.of("Netty's TLS bundles are not installed (" + e + ")");
        }
    }

    /**
     * Builds for {@code settings} and the certificates loaded now; releases what the previous build held (engines made
     * from it keep their contexts until released). Off the loop; serialized with the cache's calls.
     */
    synchronized void rebuild(TlsSettings settings, List<ServedCertificate> loaded) {
        loaded.forEach(c -> jsseSessions(c, settings));
        Built before = built;
        Built next = build(settings, loaded);
        built = next;
        if (before != null && before.natives() != null) {
            before.natives().release();
        }
    }

    /** The JDK's engine: its session cache (resumption by id, and the lifetime of its tickets) per certificate. */
    private static void jsseSessions(ServedCertificate c, TlsSettings settings) {
        SSLSessionContext sessions = c.context().getServerSessionContext();
        sessions.setSessionCacheSize(settings.sessionCacheSize());
        sessions.setSessionTimeout((int) settings.sessionTimeout().toSeconds());
    }

    /** A certificate was loaded (a loader thread): its session settings, and its native context when BoringSSL serves. */
    @Override
    public synchronized void loaded(ServedCertificate c) {
        Built b = built;
        if (b == null) {
            return;
        }
        jsseSessions(c, b.settings());
        if (b.natives() != null) {
            List<String> problems = new ArrayList<>();
            b.natives().add(c, problems);
            problems.forEach(p -> log.warn("rsp.tls: {}", p));
        }
        loadedChanged = true;
    }

    /** A certificate left the cache: its native context is given back (engines made from it keep theirs). */
    @Override
    public synchronized void released(ServedCertificate c) {
        Built b = built;
        if (b != null && b.natives() != null) {
            b.natives().remove(c);
        }
        loadedChanged = true;
    }

    /** The native contexts held now (one per loaded certificate BoringSSL serves); 0 with the JDK's engine. */
    int nativeContexts() {
        Built b = built;
        return b == null || b.natives() == null ? 0 : b.natives().size();
    }

    /** Whether certificates were loaded or released since the last call (the stapler's list is then refreshed). */
    boolean takeLoadedChanged() {
        boolean changed = loadedChanged;
        loadedChanged = false;
        return changed;
    }

    /**
     * New session ticket keys (tickets.keys.file changed), or none (the property was removed): set on the native
     * contexts in force, which then encrypt new tickets with the first key and accept tickets of every key; going back
     * to none rebuilds the contexts (each makes its own random keys). Off the loop.
     */
    synchronized void ticketKeys(Optional<TicketKeys> keys, java.util.function.Supplier<List<ServedCertificate>> loaded) {
        if (keys.equals(ticketKeys)) {
            return;
        }
        ticketKeys = keys;
        Built b = built;
        if (b == null || b.natives() == null) {
            return;
        }
        if (keys.isPresent()) {
            b.natives().ticketKeys(keys.get());
        } else {
            rebuild(b.settings(), loaded.get());
        }
    }

    /** Releases the native contexts; engines made are not affected. The front is gone. */
    synchronized void close() {
        Built b = built;
        built = null;
        if (b != null && b.natives() != null) {
            b.natives().release();
        }
    }

    private Built build(TlsSettings settings, List<ServedCertificate> loaded) {
        String choice = settings.engine().name().toLowerCase(Locale.ROOT);
        if (settings.engine() == TlsSettings.Engine.JSSE) {
            announce("rsp.tls: TLS engine jsse (the JDK's; engine = jsse)");
            jsseLimits(settings, loaded);
            return new Built(settings, EngineKind.JSSE, null);
        }
        java.util.Optional<String> unavailable = nativeUnavailable();
        if (unavailable.isPresent()) {
            String line = "rsp.tls: TLS engine jsse (the JDK's; engine = " + choice + ", BoringSSL cannot run here: "
                    + unavailable.get() + ")";
            if (settings.engine() == TlsSettings.Engine.NATIVE) {
                // validation refuses engine = native where it cannot load; this is a library lost since
                log.error("{}", line);
            }
            announce(line);
            jsseLimits(settings, loaded);
            return new Built(settings, EngineKind.JSSE, null);
        }
        List<String> problems = new ArrayList<>();
        NativeContexts natives;
        List<String> unsupported;
        try {
            unsupported = NativeTls.unsupportedCiphers(settings.ciphers());
            natives = new NativeContexts(settings, ticketKeys);
            for (ServedCertificate c : loaded) {
                natives.add(c, problems);
            }
        } catch (LinkageError e) {
            announce("rsp.tls: TLS engine jsse (the JDK's; BoringSSL failed: " + e + ")");
            jsseLimits(settings, loaded);
            return new Built(settings, EngineKind.JSSE, null);
        }
        if (!unsupported.isEmpty()) {
            log.warn("rsp.tls: BoringSSL does not support the cipher suites {}; its engines leave them out", unsupported);
        }
        problems.forEach(p -> log.warn("rsp.tls: {}", p));
        announce("rsp.tls: TLS engine boringssl (" + nativeVersion() + "; engine = " + choice + ")");
        return new Built(settings, NativeTls.KIND, natives);
    }

    /** What the JDK's engine cannot do of the settings: said once per build that serves with it. */
    private void jsseLimits(TlsSettings settings, List<ServedCertificate> loaded) {
        if (ticketKeys.isPresent()) {
            log.warn("rsp.tls: tickets.keys.file is set, but the JDK's engine cannot take ticket keys (it makes its "
                    + "own): sessions resume only within this process, not across restarts or instances");
        }
        if (settings.ocspStapling() && loaded.stream().anyMatch(c -> OcspExchange.responder(c.leaf()).isPresent())) {
            log.warn("rsp.tls: ocsp.stapling is on, but the JDK's engine does not staple: its handshakes go out "
                    + "without OCSP responses (the BoringSSL engine staples)");
        }
    }

    private static String nativeVersion() {
        try {
            return NativeTls.availability().detail();
        } catch (LinkageError e) {
            return "version unknown";
        }
    }

    private void announce(String line) {
        if (!line.equals(announced)) {
            announced = line;
            log.info("{}", line);
        }
    }

    /** The kind new engines get (a certificate BoringSSL refused still gets the JDK's). */
    EngineKind kind() {
        Built b = built;
        return b == null ? EngineKind.JSSE : b.kind();
    }

    /**
     * A server engine for {@code certificate}, a loaded one, chosen for {@code hello}. On the core's loop: no I/O, no
     * key parsing. A native context released by a concurrent rebuild is looked up once more in the newer build, then
     * the JDK's engine serves (also for a certificate whose native context is not made yet).
     */
    TlsEngine newEngine(ServedCertificate certificate, Inspection.Hello hello, TlsSettings current) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Built b = built;
            if (b == null || b.natives() == null) {
                break;
            }
            byte[] staple = b.settings().ocspStapling() ? stapler.staple(certificate.leaf()) : null;
            SSLEngine engine = b.natives().newEngine(certificate, staple);
            if (engine != null) {
                return new TlsEngine(engine, NativeTls.KIND);
            }
            if (!b.natives().covers(certificate) || built == b) {
                break;
            }
        }
        return new TlsEngine(jsse(certificate, hello, current), EngineKind.JSSE);
    }

    /** The JDK's engine over the certificate's prebuilt context, configured per engine. */
    private static SSLEngine jsse(ServedCertificate certificate, Inspection.Hello hello, TlsSettings s) {
        SSLEngine engine = certificate.context().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(s.protocols().toArray(String[]::new));
        p.setCipherSuites(s.ciphers().toArray(String[]::new));
        p.setUseCipherSuitesOrder(!s.preferClientCiphers());
        if (!hello.alpn().isEmpty() && !s.alpn().isEmpty()) {
            p.setApplicationProtocols(s.alpn().toArray(String[]::new));
        }
        engine.setSSLParameters(p);
        return engine;
    }
}
