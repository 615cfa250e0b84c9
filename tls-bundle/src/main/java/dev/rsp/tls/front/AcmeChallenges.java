package dev.rsp.tls.front;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateLoader;
import dev.rsp.tls.certs.CertificateManager;
import dev.rsp.tls.certs.CertificateNames;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS-ALPN-01 validations (RFC 8737) on the TLS listener: a ClientHello whose only ALPN protocol is {@code acme-tls/1}
 * gets the validation certificate the {@link CertificateManager} holds for its name, from the JDK's engine, with
 * {@code acme-tls/1} as the only ALPN answer; with no challenge pending, no engine (the core closes the connection).
 * The context of a validation certificate is built off the loop ({@link #prepare}) and kept while its challenge lasts;
 * at most {@link #MAX_CONTEXTS} are kept (a validation takes seconds; a few are pending at once).
 */
final class AcmeChallenges {

    static final String ACME_TLS_1 = "acme-tls/1";
    static final int MAX_CONTEXTS = 64;

    private final Map<X509Certificate, SSLContext> contexts = new ConcurrentHashMap<>();
    private final Executor builder;

    /** @param builder where contexts are built (not a network thread) */
    AcmeChallenges(Executor builder) {
        this.builder = builder;
    }

    static boolean isValidation(Inspection.Hello hello) {
        return hello.alpn().size() == 1 && hello.alpn().get(0).equals(ACME_TLS_1);
    }

    /** Empty when {@link #newEngine} can answer now; else the building of the validation certificate's context. */
    Optional<CompletionStage<?>> prepare(Inspection.Hello hello, Optional<CertificateManager> manager) {
        Optional<CertificateManager.AlpnChallenge> challenge = challenge(hello, manager);
        if (challenge.isEmpty() || contexts.containsKey(challenge.get().certificate())) {
            return Optional.empty();
        }
        CertificateManager.AlpnChallenge c = challenge.get();
        return Optional.of(CompletableFuture.runAsync(() -> {
            try {
                SSLContext context = CertificateLoader.context(c.key(), List.of(c.certificate()));
                if (contexts.size() >= MAX_CONTEXTS) {
                    contexts.clear();
                }
                contexts.put(c.certificate(), context);
            } catch (Exception e) {
                throw new IllegalStateException("cannot use the TLS-ALPN-01 certificate: " + e.getMessage(), e);
            }
        }, builder));
    }

    /** The JDK's engine presenting the validation certificate, or empty (no challenge pending, or not built). */
    Optional<TlsEngine> newEngine(Inspection.Hello hello, Optional<CertificateManager> manager, TlsSettings s) {
        Optional<CertificateManager.AlpnChallenge> challenge = challenge(hello, manager);
        SSLContext context = challenge.map(c -> contexts.get(c.certificate())).orElse(null);
        if (context == null) {
            return Optional.empty();
        }
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(s.protocols().toArray(String[]::new));
        p.setCipherSuites(s.ciphers().toArray(String[]::new));
        p.setApplicationProtocols(new String[] {ACME_TLS_1});
        engine.setSSLParameters(p);
        return Optional.of(new TlsEngine(engine, EngineKind.JSSE));
    }

    private static Optional<CertificateManager.AlpnChallenge> challenge(Inspection.Hello hello,
            Optional<CertificateManager> manager) {
        Optional<String> host = hello.serverName().flatMap(CertificateNames::canonicalHost);
        if (host.isEmpty() || manager.isEmpty()) {
            return Optional.empty();
        }
        try {
            return manager.get().alpnChallenge(host.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
