package dev.rsp.tls.front;

import dev.rsp.tls.certs.ServedCertificate;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;

/**
 * The native contexts of one certificate snapshot under one configuration: one per certificate BoringSSL accepted.
 * Built off the loop by {@link #build}; read by the loop; released as a whole when a newer set replaces it (engines
 * made from it keep their context until they are released themselves).
 */
final class NativeContexts {

    private final Map<ServedCertificate, SslContext> byCertificate;
    private final boolean preferClientCiphers;

    private NativeContexts(Map<ServedCertificate, SslContext> byCertificate, boolean preferClientCiphers) {
        this.byCertificate = byCertificate;
        this.preferClientCiphers = preferClientCiphers;
    }

    /**
     * Contexts for {@code certificates}; one that BoringSSL refuses is left out with a line in {@code problems} (that
     * certificate is served by the JDK's engine).
     */
    static NativeContexts build(List<ServedCertificate> certificates, TlsSettings settings,
            java.util.Optional<TicketKeys> ticketKeys, List<String> problems) {
        Map<ServedCertificate, SslContext> built = new IdentityHashMap<>();
        for (ServedCertificate c : certificates) {
            try {
                built.put(c, NativeTls.context(c, settings, ticketKeys));
            } catch (Exception | LinkageError e) {
                problems.add(c.summary() + ": BoringSSL refuses it (" + e.getMessage() + "); the JDK's engine serves it");
            }
        }
        return new NativeContexts(built, settings.preferClientCiphers());
    }

    /**
     * A native engine for {@code certificate}; null when it has no native context, or its context was released
     * meanwhile (a newer set is in force: ask that one).
     */
    SSLEngine newEngine(ServedCertificate certificate, byte[] ocspResponse) {
        SslContext context = byCertificate.get(certificate);
        return context == null ? null : NativeTls.newEngine(context, preferClientCiphers, ocspResponse);
    }

    /** New ticket keys for every context, for the next handshakes. Off the loop. */
    void ticketKeys(TicketKeys keys) {
        for (SslContext c : byCertificate.values()) {
            NativeTls.ticketKeys(c, keys);
        }
    }

    boolean covers(ServedCertificate certificate) {
        return byCertificate.containsKey(certificate);
    }

    int size() {
        return byCertificate.size();
    }

    void release() {
        for (SslContext c : new ArrayList<>(byCertificate.values())) {
            NativeTls.release(c);
        }
    }
}
