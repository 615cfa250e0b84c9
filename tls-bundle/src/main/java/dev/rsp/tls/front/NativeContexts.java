package dev.rsp.tls.front;

import dev.rsp.tls.certs.ServedCertificate;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.Arrays;
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

    /**
     * By leaf, the contexts of every loaded certificate with that leaf (usually one; the same certificate in two files,
     * such as a pair and a combined PEM, makes two, and each must find its own). {@code X509Certificate} caches its hash
     * and compares by identity first, so the loop's get is cheap; the arrays are replaced, never changed.
     */
    private final Map<X509Certificate, Made[]> byLeaf = new ConcurrentHashMap<>();
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
            Made made = new Made(certificate, context);
            Made[] replaced = new Made[1];
            byLeaf.compute(certificate.leaf(), (leaf, all) -> {
                if (all == null) {
                    return new Made[] {made};
                }
                for (int i = 0; i < all.length; i++) {
                    if (all[i].certificate() == certificate) {
                        replaced[0] = all[i];
                        Made[] next = all.clone();
                        next[i] = made;
                        return next;
                    }
                }
                Made[] next = Arrays.copyOf(all, all.length + 1);
                next[all.length] = made;
                return next;
            });
            if (replaced[0] != null) {
                NativeTls.release(replaced[0].context());
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
        Made[] removed = new Made[1];
        byLeaf.computeIfPresent(certificate.leaf(), (leaf, all) -> {
            for (int i = 0; i < all.length; i++) {
                if (all[i].certificate() == certificate) {
                    removed[0] = all[i];
                    if (all.length == 1) {
                        return null;
                    }
                    Made[] next = new Made[all.length - 1];
                    System.arraycopy(all, 0, next, 0, i);
                    System.arraycopy(all, i + 1, next, i, all.length - i - 1);
                    return next;
                }
            }
            return all;
        });
        if (removed[0] != null) {
            NativeTls.release(removed[0].context());
        }
    }

    /** The context made for {@code certificate} itself, not for another certificate with its leaf; null when none. */
    private Made find(ServedCertificate certificate) {
        Made[] all = byLeaf.get(certificate.leaf());
        if (all != null) {
            for (Made m : all) {
                if (m.certificate() == certificate) {
                    return m;
                }
            }
        }
        return null;
    }

    /**
     * A native engine for {@code certificate}; null when it has no native context, or its context was released
     * meanwhile (a newer set is in force: ask that one).
     */
    SSLEngine newEngine(ServedCertificate certificate, byte[] ocspResponse) {
        Made made = find(certificate);
        return made == null ? null : NativeTls.newEngine(made.context(), settings.preferClientCiphers(), ocspResponse);
    }

    /** New ticket keys for every context, for the next handshakes. Off the loop. */
    void ticketKeys(TicketKeys keys) {
        ticketKeys = Optional.of(keys);
        for (Made[] all : byLeaf.values()) {
            for (Made m : all) {
                NativeTls.ticketKeys(m.context(), keys);
            }
        }
    }

    boolean covers(ServedCertificate certificate) {
        return find(certificate) != null;
    }

    /** The contexts held (one per certificate, also for certificates sharing a leaf). */
    int size() {
        int n = 0;
        for (Made[] all : byLeaf.values()) {
            n += all.length;
        }
        return n;
    }

    void release() {
        released = true;
        for (Made[] all : List.copyOf(byLeaf.values())) {
            for (Made m : all) {
                remove(m.certificate());
            }
        }
    }
}
