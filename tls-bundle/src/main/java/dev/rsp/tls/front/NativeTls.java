package dev.rsp.tls.front;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.tls.certs.ServedCertificate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.internal.tcnative.SSL;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The native engine: BoringSSL (netty-tcnative-boringssl-static) through Netty's OpenSSL {@link SSLEngine}. With
 * {@link NativeContexts}, the only code of this bundle that names Netty; it is loaded only when {@code engine} is not
 * {@code jsse}, and the bundle imports Netty optionally, so without the Netty bundles the JDK's engine serves.
 *
 * <p>Contexts are Netty's reference-counted ones ({@code OPENSSL_REFCNT}): nothing waits for a finalizer, a context is
 * freed when its certificate is replaced and the last engine made from it is released, and an engine the core did not
 * release stays counted by {@link #liveEngines()} (the tests check it).
 *
 * <p>How this engine differs from the JDK's under the core's TLS layer: its handshake crypto (key exchange,
 * signature) runs inside {@code wrap}/{@code unwrap}, on the loop (about 0.25 to 0.5 ms of loop time per full
 * handshake), with at most one delegated task; it reports FINISHED one call later than JSSE (on the first read after
 * the client's Finished); TLS 1.3 tickets go out only once the client sends data; ALPN is set on the context (no
 * no_application_protocol alert: without a common protocol the handshake goes on without ALPN); it refuses
 * renegotiation by itself; it must be released.
 */
final class NativeTls {

    /** Engines made and not yet released: what leaks when a release is missing. */
    private static final AtomicLong LIVE = new AtomicLong();

    /** The kind of every native engine: releasing drops Netty's reference, which frees the native SSL object. */
    static final EngineKind KIND = new EngineKind() {
        @Override
        public String name() {
            return "boringssl";
        }

        @Override
        public void release(SSLEngine engine) {
            if (engine instanceof ReferenceCounted counted) {
                try {
                    if (counted.release()) {
                        LIVE.decrementAndGet();
                    }
                } catch (IllegalReferenceCountException twice) {
                    // released already: nothing more to free
                }
            }
        }

        /** BoringSSL's own answer (SSL_session_reused): its sessions keep their creation time in whole seconds only. */
        @Override
        public boolean resumed(SSLEngine engine, long begunMillis) {
            if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
                synchronized (openSsl) {
                    long ssl = openSsl.sslPointer();
                    return ssl != 0 && SSL.isSessionReused(ssl);
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /** Whether the native engine can run here, and why (its version, or the cause it cannot). */
    record Availability(boolean available, String detail) {
    }

    private NativeTls() {
    }

    /** Loads the native library on first call (Netty extracts it to {@code io.netty.native.workdir}). */
    static Availability availability() {
        if (OpenSsl.isAvailable()) {
            return new Availability(true, OpenSsl.versionString());
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return new Availability(false, cause == null ? "unknown cause" : String.valueOf(cause.getMessage() != null
                ? cause.getMessage() : cause));
    }

    static long liveEngines() {
        return LIVE.get();
    }

    /** The configured suites BoringSSL does not have (the JDK's names), for a warning. */
    static List<String> unsupportedCiphers(List<String> ciphers) {
        Set<String> available = OpenSsl.availableJavaCipherSuites();
        return ciphers.stream().filter(c -> !available.contains(c)).toList();
    }

    /**
     * A server context over one certificate with the settings' protocols, suites and ALPN list (server's preference
     * among the client's, no ALPN in the answer when none is common). Off the loop: it parses the key.
     */
    /** A key manager factory holding {@code certificate}'s key and chain (in memory; the password is not a secret). */
    private static KeyManagerFactory keyManagers(ServedCertificate certificate) throws SSLException {
        try {
            char[] password = "rsp".toCharArray();
            KeyStore store = dev.rsp.tls.certs.CertificateLoader.inMemoryKeyStore();
            store.setKeyEntry("served", certificate.key(), password, certificate.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new SSLException("cannot hold the key of " + certificate, e);
        }
    }

    static SslContext context(ServedCertificate certificate, TlsSettings settings, Optional<TicketKeys> ticketKeys)
            throws SSLException {
        ApplicationProtocolConfig alpn = settings.alpn().isEmpty() ? ApplicationProtocolConfig.DISABLED
                : new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                        SelectedListenerFailureBehavior.ACCEPT, settings.alpn());
        // The key material is converted to BoringSSL's form once per context (the caching factory), not on every
        // handshake as Netty's plain key manager does, and the certificate callback runs inline, on the loop, not as a
        // delegated task on another thread (Netty's default): a task cost two thread hops per handshake, and with
        // the conversion it was 37 % of the process's CPU in resumed handshakes (bench/tls.sh, thread CPU in /proc).
        SslContext context = SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(keyManagers(certificate)))
                .option(OpenSslContextOption.USE_TASKS, false)
                .sslProvider(SslProvider.OPENSSL_REFCNT)
                .protocols(settings.protocols())
                .ciphers(settings.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn)
                .enableOcsp(settings.ocspStapling())
                .sessionCacheSize(settings.sessionCacheSize())
                .sessionTimeout(settings.sessionTimeout().toSeconds())
                .build();
        try {
            ticketKeys.ifPresent(keys -> ticketKeys(context, keys));
        } catch (RuntimeException e) {
            release(context);
            throw e;
        }
        return context;
    }

    /**
     * Sets the session ticket keys of a context made by {@link #context}: the first encrypts, all decrypt. Takes
     * effect for the next handshakes; any thread (Netty takes the context's lock).
     */
    static void ticketKeys(SslContext context, TicketKeys keys) {
        OpenSslSessionTicketKey[] native_ = keys.keys().stream()
                .map(k -> new OpenSslSessionTicketKey(k.name(), k.hmac(), k.aes()))
                .toArray(OpenSslSessionTicketKey[]::new);
        ((OpenSslSessionContext) context.sessionContext()).setTicketKeys(native_);
    }

    /**
     * A server engine of {@code context}, or null when the context was released meanwhile (its certificate replaced:
     * the caller looks again). Cheap enough for the loop: the context is taken before use, so a concurrent release can
     * only refuse it, never free it under the new engine.
     */
    static SSLEngine newEngine(SslContext context, boolean preferClientCiphers, byte[] ocspResponse) {
        ReferenceCounted counted = (ReferenceCounted) context;
        try {
            counted.retain();
        } catch (IllegalReferenceCountException released) {
            return null;
        }
        try {
            SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
            LIVE.incrementAndGet();
            try {
                if (preferClientCiphers && engine instanceof ReferenceCountedOpenSslEngine openSsl) {
                    // Netty sets the server's preference on every server context; the client's order decides instead.
                    synchronized (openSsl) {
                        SSL.clearOptions(openSsl.sslPointer(), SSL.SSL_OP_CIPHER_SERVER_PREFERENCE);
                    }
                }
                if (ocspResponse != null && engine instanceof ReferenceCountedOpenSslEngine openSsl) {
                    // sent only to a client that asks (status_request); the context has OCSP enabled
                    openSsl.setOcspResponse(ocspResponse);
                }
            } catch (RuntimeException e) {
                KIND.release(engine);
                throw e;
            }
            return engine;
        } finally {
            counted.release();
        }
    }

    /** Gives back a context made by {@link #context}; engines made from it keep it until they are released. */
    static void release(SslContext context) {
        try {
            ((ReferenceCounted) context).release();
        } catch (IllegalReferenceCountException twice) {
            // released already
        }
    }
}
