package dev.rsp.tls.front;

import dev.rsp.tls.certs.ServedCertificate;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * The native contexts of the loaded certificates under one configuration: one per certificate BoringSSL accepted.
 * Contexts are added as certificates are loaded and given back as they leave the cache ({@link #add}, {@link #remove},
 * off the loop); the loop reads them. When the configuration changes, a new set replaces this one and this one is
 * released as a whole. Releasing drops this set's reference only: an engine made from a context holds its own
 * (Netty's {@code ReferenceCountedOpenSslEngine} retains its context until the engine is released), so open
 * connections keep working.
 */
final class NativeContexts {

    /** A context and the certificate it was made for (several loaded versions may share a leaf). */
    private record Made(ServedCertificate certificate, SslContext context) {
    }

    /** By leaf: {@code X509Certificate} caches its hash and compares by identity first, so the loop's get is cheap. */
    private final Map<X509Certificate, Made> byLeaf = new ConcurrentHashMap<>();
    private final TlsSettings settings;
    private volatile Optional<TicketKeys> ticketKeys;
    private volatile boolean released;

    NativeContexts(TlsSettings settings, Optional<TicketKeys> ticketKeys) {
        this.settings = settings;
        this.ticketKeys = ticketKeys;
    }

    /**
     * Builds the context of {@code certificate}; one that BoringSSL refuses is left out with a line in {@code problems}
     * (the JDK's engine serves it). Off the loop.
     */
    void add(ServedCertificate certificate, List<String> problems) {
        if (released) {
            return;
        }
        try {
            SslContext context = NativeTls.context(certificate, settings, ticketKeys);
            Made before = byLeaf.put(certificate.leaf(), new Made(certificate, context));
            if (before != null) {
                NativeTls.release(before.context());
            }
            if (released) {
                remove(certificate);
            }
        } catch (Exception | LinkageError e) {
            problems.add(certificate.summary() + ": BoringSSL refuses it (" + e.getMessage() + "); the JDK's engine serves it");
        }
    }

    /** Gives back the context of {@code certificate} (it left the cache). Off the loop. */
    void remove(ServedCertificate certificate) {
        Made made = byLeaf.get(certificate.leaf());
        if (made != null && made.certificate() == certificate && byLeaf.remove(certificate.leaf(), made)) {
            NativeTls.release(made.context());
        }
    }

    /**
     * A native engine for {@code certificate}; null when it has no native context, or its context was released
     * meanwhile (a newer set is in force: ask that one).
     */
    SSLEngine newEngine(ServedCertificate certificate, byte[] ocspResponse) {
        Made made = byLeaf.get(certificate.leaf());
        return made == null || made.certificate() != certificate ? null
                : NativeTls.newEngine(made.context(), settings.preferClientCiphers(), ocspResponse);
    }

    /** New ticket keys for every context, for the next handshakes. Off the loop. */
    void ticketKeys(TicketKeys keys) {
        ticketKeys = Optional.of(keys);
        for (Made m : byLeaf.values()) {
            NativeTls.ticketKeys(m.context(), keys);
        }
    }

    boolean covers(ServedCertificate certificate) {
        Made made = byLeaf.get(certificate.leaf());
        return made != null && made.certificate() == certificate;
    }

    int size() {
        return byLeaf.size();
    }

    void release() {
        released = true;
        for (Made m : List.copyOf(byLeaf.values())) {
            if (byLeaf.remove(m.certificate().leaf(), m)) {
                NativeTls.release(m.context());
            }
        }
    }
}
