package dev.rsp.tls.certs;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates loaded now: at most {@code certs.cache.size} key pairs with their contexts, the least recently used
 * evicted first; the default certificate is never evicted. A load (key, chain, JDK context, and what the
 * {@link Listener} adds: the native context) runs on the loader threads, never on a network thread; handshakes for a
 * name being loaded share one load.
 *
 * <p>Threads: {@link #prepare} on the network threads (a hit reads two volatile fields and writes one, and allocates
 * nothing); loads on the loader executor; {@link #retain} and {@link #loadNow} on the store's thread. Changes of the
 * loaded set take this object's lock, held for map updates only (never during a load).
 */
public final class CertificateCache {

    private static final Logger log = LoggerFactory.getLogger(CertificateCache.class);

    /** What a front adds to a loaded certificate and gives back when it leaves the cache (its native context). */
    public interface Listener {
        /** {@code c} was loaded (on a loader thread, or the store's); may build what its engines need. Never throws. */
        void loaded(ServedCertificate c);

        /** {@code c} left the cache; engines already made from it keep what they hold. */
        void released(ServedCertificate c);
    }

    private static final Listener NONE = new Listener() {
        @Override
        public void loaded(ServedCertificate c) {
        }

        @Override
        public void released(ServedCertificate c) {
        }
    };

    private final Executor loader;
    private final Supplier<char[]> password;
    private final Set<IndexedCertificate> loaded = ConcurrentHashMap.newKeySet();
    private final Map<X509Certificate, ServedCertificate> byLeaf = new ConcurrentHashMap<>();
    private volatile int capacity;
    private volatile Listener listener = NONE;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder drops = new LongAdder();

    /**
     * @param loader   where loads run (not a network thread)
     * @param password the key password in force, a fresh array per call (cleared after use)
     */
    CertificateCache(int capacity, Executor loader, Supplier<char[]> password) {
        this.capacity = capacity;
        this.loader = loader;
        this.password = password;
    }

    void capacity(int next) {
        capacity = next;
        evictOverCapacity(null);
    }

    int capacity() {
        return capacity;
    }

    /** Sets the front's listener (NONE when null) and tells it about every certificate loaded now. */
    public void listener(Listener next) {
        synchronized (this) {
            listener = next == null ? NONE : next;
        }
        if (next != null) {
            loadedNow().forEach(next::loaded);
        }
    }

    /** Unsets {@code l} if it is the listener in force (a front that closes; a newer one may have replaced it). */
    public synchronized void removeListener(Listener l) {
        if (listener == l) {
            listener = NONE;
        }
    }

    /**
     * Empty when {@code c} is loaded (a hit: the common case, allocation-free); else the load of it, started now or
     * joined (a miss), which completes normally whether or not the load worked. Network threads: never blocks.
     */
    public Optional<CompletionStage<?>> prepare(IndexedCertificate c) {
        if (c.served() != null) {
            c.lastUsed = System.nanoTime();
            hits.increment();
            return Optional.empty();
        }
        if (c.failed()) {
            hits.increment();
            return Optional.empty(); // selection passes it over; nothing to wait for
        }
        misses.increment();
        return Optional.of(load(c).handle((served, failure) -> null));
    }

    /** The load of {@code c} on the loader threads, shared by every caller; completes with it, or exceptionally. */
    public CompletableFuture<ServedCertificate> load(IndexedCertificate c) {
        CompletableFuture<ServedCertificate> started;
        synchronized (this) {
            if (c.loading != null) {
                return c.loading;
            }
            started = new CompletableFuture<>();
            c.loading = started;
        }
        try {
            loader.execute(() -> complete(c, started));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            started.completeExceptionally(closed);
        }
        return started;
    }

    /** Takes a certificate loaded elsewhere (the generated default, a default loaded now): kept, never evicted. */
    void adopt(IndexedCertificate c) {
        ServedCertificate served = c.served();
        if (served == null) {
            return;
        }
        synchronized (this) {
            if (!loaded.add(c)) {
                return;
            }
            byLeaf.put(served.leaf(), served);
        }
        listener.loaded(served);
    }

    /** Loads {@code c} on the calling thread (the store's: eager loads); true when it is loaded now. */
    boolean loadNow(IndexedCertificate c) {
        if (c.served() != null) {
            return true;
        }
        CompletableFuture<ServedCertificate> started;
        synchronized (this) {
            started = c.loading != null ? c.loading : new CompletableFuture<>();
            if (c.loading == null) {
                c.loading = started;
            } else {
                return started.handle((served, failure) -> served).join() != null;
            }
        }
        complete(c, started);
        return c.served() != null;
    }

    private void complete(IndexedCertificate c, CompletableFuture<ServedCertificate> result) {
        char[] pw = password.get();
        CertificateLoader.Loaded outcome;
        try {
            outcome = CertificateLoader.load(c, pw);
        } catch (RuntimeException e) {
            outcome = new CertificateLoader.Broken(c.chainFile().orElse(null), "loading failed: " + PemFiles.message(e));
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
        if (outcome instanceof CertificateLoader.Served s) {
            ServedCertificate served = s.certificate();
            try {
                listener.loaded(served);
            } catch (RuntimeException e) {
                log.warn("rsp.tls: preparing {} for the engine failed: {}", c.id(), PemFiles.message(e));
            }
            loads.increment();
            synchronized (this) {
                c.lastUsed = System.nanoTime();
                c.served(served);
                loaded.add(c);
                byLeaf.put(served.leaf(), served);
            }
            log.debug("rsp.tls: loaded {}", c.summary());
            evictOverCapacity(c);
            result.complete(served);
        } else {
            CertificateLoader.Broken b = (CertificateLoader.Broken) outcome;
            loadFailures.increment();
            c.failure(b.reason());
            log.error("rsp.tls: cannot serve {}: {} (its names get another certificate, or the default, until the "
                    + "file changes)", b.file(), b.reason());
            result.completeExceptionally(new IllegalStateException(b.reason()));
        }
    }

    /** Evicts the least recently used certificates (not {@code keep}, never a default) while over capacity. */
    private void evictOverCapacity(IndexedCertificate keep) {
        while (loaded.size() > capacity) {
            IndexedCertificate oldest = null;
            for (IndexedCertificate c : loaded) {
                if (c != keep && !c.isDefault() && (oldest == null || c.lastUsed - oldest.lastUsed < 0)) {
                    oldest = c;
                }
            }
            if (oldest == null || !release(oldest)) {
                return;
            }
            evictions.increment();
        }
    }

    /** Drops what {@code indexed} no longer holds (files changed or gone): their contexts are given back. */
    void retain(Set<IndexedCertificate> indexed) {
        for (IndexedCertificate c : new ArrayList<>(loaded)) {
            if (!indexed.contains(c) && release(c)) {
                drops.increment();
            }
        }
    }

    private boolean release(IndexedCertificate c) {
        ServedCertificate served;
        synchronized (this) {
            if (!loaded.remove(c)) {
                return false;
            }
            served = c.served();
            if (c.source() != IndexedCertificate.Source.GENERATED) {
                // a generated certificate cannot be loaded again: it keeps its context for when it is adopted again
                c.served(null);
                c.loading = null;
            }
            if (served != null) {
                byLeaf.remove(served.leaf(), served);
            }
        }
        if (served != null) {
            listener.released(served);
        }
        return true;
    }

    /** The loaded certificate whose leaf is {@code leaf}; null when none is loaded now. */
    public ServedCertificate byLeaf(X509Certificate leaf) {
        return byLeaf.get(leaf);
    }

    /** The certificates loaded now. */
    public List<ServedCertificate> loadedNow() {
        List<ServedCertificate> out = new ArrayList<>();
        for (IndexedCertificate c : loaded) {
            ServedCertificate s = c.served();
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    public int size() {
        return loaded.size();
    }

    /**
     * The cache's counters, totals from 0: {@code tls.certs.cache.hit} (a handshake's certificate was loaded),
     * {@code .miss} (it waited for a load), {@code .load}, {@code .load_failed}, {@code .evicted} (least recently
     * used, over {@code certs.cache.size}), {@code .dropped} (its files changed or went away). Certificates loaded
     * now = load - evicted - dropped.
     */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("tls.certs.cache.hit", hits.sum());
        m.put("tls.certs.cache.miss", misses.sum());
        m.put("tls.certs.cache.load", loads.sum());
        m.put("tls.certs.cache.load_failed", loadFailures.sum());
        m.put("tls.certs.cache.evicted", evictions.sum());
        m.put("tls.certs.cache.dropped", drops.sum());
        return m;
    }
}
