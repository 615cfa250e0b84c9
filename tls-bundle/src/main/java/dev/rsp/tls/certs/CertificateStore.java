package dev.rsp.tls.certs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates rsp terminates TLS with: an index of {@code certs.dir} (and of the ACME component's storage, when
 * there is one; {@link IndexScanner} says which layouts), published as an immutable {@link CertificateSnapshot}, and
 * the {@link CertificateCache} of the certificates loaded from it.
 *
 * <p>Loading. When the whole index fits in the cache ({@code certs.cache.size}), every certificate is loaded as soon
 * as it is indexed, here, as rsp always did: no handshake waits, a broken file is reported at once, and nothing is
 * ever evicted, so loading later would save no memory. A larger index loads only the default up front; the others
 * load when a handshake first asks for them ({@link CertificateCache#prepare}). A changed file whose previous version
 * is loaded is loaded at once either way (it is in use); if the new version cannot be loaded, the previous one stays
 * in force and the error is logged.
 *
 * <p>Threads. {@link #configure}, {@link #acmeStorage} and {@link #reload} are called by the owning component (its
 * configuration thread and its poll thread) and serialize on this object; {@link #snapshot()} is read by any thread
 * without locking.
 */
public final class CertificateStore {

    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);
    /** Certificates loaded when {@code certs.cache.size} is not given. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Changes in one scan up to which each is logged on its own line (errors always are). */
    static final int VERBOSE_CHANGES = 100;
    /** The index file is rewritten at most this often (a rewrite of 100,000 entries is about 10 MB). */
    static final long INDEX_FILE_WRITE_MILLIS = 60_000;

    /** Where the certificates come from, and how many may be loaded at once. */
    public record Source(Path directory, String keyPassword, boolean selfSignedDefault, int cacheSize) {
        public Source {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(keyPassword, "keyPassword");
        }

        public Source(Path directory, String keyPassword, boolean selfSignedDefault) {
            this(directory, keyPassword, selfSignedDefault, DEFAULT_CACHE_SIZE);
        }

        @Override
        public String toString() {
            return "Source[" + directory + ", selfSignedDefault=" + selfSignedDefault + ", cacheSize=" + cacheSize + "]";
        }
    }

    private final Supplier<Instant> clock;
    private final IndexScanner scanner;
    private final CertificateCache cache;
    /** Where the index file is written (the loader threads). */
    private final Executor background;
    /** Groups whose new version is broken or would not load: the previous, loaded version stays in force. */
    private final Map<Path, IndexedCertificate> retained = new HashMap<>();
    private final Set<Path> unlistable = new HashSet<>();
    private Map<IndexedCertificate, String> conflictsLogged = new IdentityHashMap<>();
    private Source source;
    private Optional<Path> acmeStorage = Optional.empty();
    /** Where the index is remembered across restarts ({@link IndexCacheFile}); empty: nowhere. */
    private Optional<Path> indexFile = Optional.empty();
    private boolean indexFileRead;
    private long indexFileWritten = Long.MIN_VALUE;
    private Optional<IndexedCertificate> generated = Optional.empty();
    private volatile CertificateSnapshot snapshot = CertificateSnapshot.EMPTY;
    private final Object pendingLock = new Object();
    private CompletableFuture<Boolean> pending;

    /** A store whose loads run on {@code loader} (not a network thread). */
    public CertificateStore(Supplier<Instant> clock, Executor loader) {
        this.clock = clock;
        this.scanner = new IndexScanner(() -> clock.get().toEpochMilli());
        this.cache = new CertificateCache(DEFAULT_CACHE_SIZE, loader, this::password);
        this.background = loader;
    }

    /** A store that loads on the common pool (tests, {@code bin/rsp check}). */
    public CertificateStore(Supplier<Instant> clock) {
        this(clock, java.util.concurrent.ForkJoinPool.commonPool());
    }

    private synchronized char[] password() {
        return source == null ? new char[0] : source.keyPassword().toCharArray();
    }

    /** The index in force. */
    public CertificateSnapshot snapshot() {
        return snapshot;
    }

    public CertificateCache cache() {
        return cache;
    }

    /** The directory in force; empty before the first {@link #configure}. */
    public synchronized Optional<Path> directory() {
        return Optional.ofNullable(source).map(Source::directory);
    }

    /** Chain files read to index them since this store was made (what change detection saves). */
    public long filesRead() {
        return scanner.filesRead();
    }

    /** The chain files of every indexed certificate, for the audit. */
    public List<Path> servedFiles() {
        List<Path> files = new ArrayList<>();
        snapshot.all().forEach(c -> c.chainFile().ifPresent(files::add));
        return files;
    }

    /** Sets the source and reloads; a new directory or password has every file read again. */
    public synchronized void configure(Source next) {
        if (next.equals(source)) {
            return;
        }
        boolean reread = source == null || !source.directory().equals(next.directory())
                || !source.keyPassword().equals(next.keyPassword());
        source = next;
        cache.capacity(Math.max(1, next.cacheSize()));
        if (reread) {
            scanner.forget();
            indexFileRead = false;
            retained.clear();
            unlistable.clear();
        }
        reload();
    }

    /**
     * Where to remember the index across restarts (the bundle's data area), so that a start stats unchanged files
     * instead of reading them; read at the next scan that starts afresh, written after scans that changed something,
     * at most every {@link #INDEX_FILE_WRITE_MILLIS}.
     */
    public synchronized void indexFile(Optional<Path> file) {
        indexFile = file;
        indexFileRead = false;
    }

    /** The ACME component's storage, indexed as a second root (source {@code acme}), or none; reloads. */
    public synchronized void acmeStorage(Optional<Path> storage) {
        if (!storage.equals(acmeStorage)) {
            acmeStorage = storage;
            reload();
        }
    }

    /**
     * A reload on {@code executor} soon: callers that ask while one is waiting to start share it. Completes with
     * whether the index changed (false if the reload failed).
     */
    public CompletableFuture<Boolean> reloadOn(Executor executor) {
        CompletableFuture<Boolean> p;
        synchronized (pendingLock) {
            if (pending != null) {
                return pending;
            }
            p = pending = new CompletableFuture<>();
        }
        try {
            executor.execute(() -> {
                synchronized (pendingLock) {
                    pending = null;
                }
                p.complete(reload());
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            synchronized (pendingLock) {
                pending = null;
            }
            p.complete(false);
        }
        return p;
    }

    /** Looks at the roots once and applies what changed; returns whether the index changed. Never throws. */
    public synchronized boolean reload() {
        if (source == null) {
            return false;
        }
        try {
            return apply();
        } catch (RuntimeException e) {
            log.error("rsp.tls: reading the certificates in {} failed: {}", source.directory(), PemFiles.message(e), e);
            return false;
        }
    }

    private boolean apply() {
        List<IndexScanner.Root> roots = new ArrayList<>();
        roots.add(new IndexScanner.Root(source.directory(), IndexedCertificate.Source.FILE));
        acmeStorage.ifPresent(s -> roots.add(new IndexScanner.Root(s, IndexedCertificate.Source.ACME)));
        if (!indexFileRead && indexFile.isPresent()) {
            indexFileRead = true;
            scanner.remember(IndexCacheFile.read(indexFile.get()));
        }
        IndexScanner.Scan scan = scanner.scan(roots);
        if (!scan.changes().isEmpty()) {
            rememberIndex();
        }
        reportRoots(roots, scan);
        scan.warnings().forEach(w -> log.warn("rsp.tls: {}", w));
        if (scan.changes().isEmpty() && !generatedChanges()) {
            return false; // the common poll: nothing to build
        }
        Map<Path, IndexedCertificate> entries = scan.entries().get();
        boolean eager = entries.size() <= cache.capacity();
        // a line per certificate for a few changes (a renewal, a new customer); a summary only for thousands at start
        boolean verbose = scan.changes().size() <= VERBOSE_CHANGES;
        for (IndexScanner.Change change : scan.changes()) {
            IndexedCertificate kept = retained.remove(change.group());
            IndexedCertificate before = kept != null ? kept : change.before();
            if (change.after() instanceof IndexReader.Keyless k) {
                log.warn("rsp.tls: {} is ignored: no private key in it (a combined PEM holds the chain, then the key) "
                        + "and no key beside it (B.key)", k.file());
            } else if (change.after() instanceof IndexReader.Unusable u) {
                boolean keep = before != null && before.served() != null;
                if (keep) {
                    retained.put(change.group(), before);
                }
                log.error("rsp.tls: cannot serve {}: {} ({})", u.file(), u.reason(), keep
                        ? "still serving the previous " + before.summary() : "nothing served for it");
            } else if (change.after() instanceof IndexReader.Indexed i) {
                IndexedCertificate after = i.certificate();
                boolean inUse = before != null && before.served() != null;
                boolean usable = !(eager || inUse || after.isDefault()) || cache.loadNow(after);
                if (!usable) {
                    if (inUse) {
                        retained.put(change.group(), before);
                        log.error("rsp.tls: still serving the previous {}", before.summary());
                    }
                } else {
                    if (verbose) {
                        log.info("rsp.tls: {} {}", before != null ? "reindexed" : "indexed", after.summary());
                    }
                    warnIfNotValidNow(after);
                }
            } else if (before != null && verbose) {
                log.info("rsp.tls: dropped {} (its files are gone)", before.summary());
            }
        }
        // a certificate that failed to load stays indexed (listed with its error; selection passes it over)
        entries.putAll(retained);
        boolean needGenerated = source.selfSignedDefault() && entries.values().stream().noneMatch(IndexedCertificate::isDefault);
        Optional<IndexedCertificate> generatedInForce = snapshot.defaultCertificate()
                .filter(d -> d.source() == IndexedCertificate.Source.GENERATED);
        boolean changed = needGenerated != generatedInForce.isPresent() || !sameEntries(entries.values());
        if (!changed) {
            return false;
        }
        if (needGenerated) {
            warnGenerated();
        }
        CertificateSnapshot next = new CertificateSnapshot(entries.values(), needGenerated ? generated : Optional.empty());
        snapshot = next;
        Set<IndexedCertificate> indexed = Collections.newSetFromMap(new IdentityHashMap<>());
        indexed.addAll(next.all());
        cache.retain(indexed);
        next.defaultCertificate().ifPresent(d -> cache.adopt(d));
        logConflicts(next);
        log.info("rsp.tls: {} certificate(s) indexed from {}{}, {} loaded; default: {}", next.size(), source.directory(),
                acmeStorage.map(s -> " and " + s).orElse(""), cache.size(), next.defaultCertificate()
                        .map(IndexedCertificate::id).orElse("none (a ClientHello without SNI, or with a name no "
                                + "certificate covers, is closed)"));
        return true;
    }

    private void rememberIndex() {
        long now = System.currentTimeMillis();
        boolean recently = indexFileWritten != Long.MIN_VALUE && now - indexFileWritten < INDEX_FILE_WRITE_MILLIS;
        if (indexFile.isEmpty() || recently) {
            return;
        }
        indexFileWritten = now;
        Path file = indexFile.get();
        List<IndexCacheFile.Entry> entries = scanner.indexedNow();
        try {
            background.execute(() -> {
                if (!IndexCacheFile.write(file, entries)) {
                    log.warn("rsp.tls: cannot write the index file {}; the next start reads every certificate", file);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // stopping: the next start reads what changed since the last write
        }
    }

    /** Whether the self-signed default would come or go with the index in force (selfsigned.default changed). */
    private boolean generatedChanges() {
        Optional<IndexedCertificate> d = snapshot.defaultCertificate();
        boolean fileDefault = d.filter(c -> c.source() != IndexedCertificate.Source.GENERATED).isPresent();
        boolean generatedInForce = d.filter(c -> c.source() == IndexedCertificate.Source.GENERATED).isPresent();
        return (source.selfSignedDefault() && !fileDefault) != generatedInForce;
    }

    /** Whether {@code entries} are the very certificates of the index in force (a broken replacement changes nothing). */
    private boolean sameEntries(java.util.Collection<IndexedCertificate> entries) {
        Set<IndexedCertificate> now = Collections.newSetFromMap(new IdentityHashMap<>());
        snapshot.all().stream().filter(c -> c.source() != IndexedCertificate.Source.GENERATED).forEach(now::add);
        return now.size() == entries.size() && entries.stream().allMatch(now::contains);
    }

    private void reportRoots(List<IndexScanner.Root> roots, IndexScanner.Scan scan) {
        for (IndexScanner.Root root : roots) {
            if (scan.unreadableRoots().contains(root.dir())) {
                if (unlistable.add(root.dir())) {
                    log.warn("rsp.tls: cannot list the certificate directory {} (missing or unreadable); no "
                            + "certificate is read from it until it can be", root.dir());
                }
            } else {
                unlistable.remove(root.dir());
            }
        }
    }

    /** One WARN line per certificate that newly lost names to another with the same key type and a later expiry. */
    private void logConflicts(CertificateSnapshot next) {
        Map<IndexedCertificate, String> now = new IdentityHashMap<>(next.conflicts());
        now.forEach((c, line) -> {
            if (!line.equals(conflictsLogged.get(c))) {
                log.warn("rsp.tls: {}", line);
            }
        });
        conflictsLogged = now;
    }

    private void warnGenerated() {
        if (generated.isEmpty()) {
            try {
                generated = Optional.of(IndexedCertificate.generated(SelfSignedDefault.generate(clock.get())));
            } catch (Exception e) {
                log.error("rsp.tls: cannot generate the self-signed default certificate: {}", PemFiles.message(e), e);
                return;
            }
        }
        log.warn("rsp.tls: no default certificate in {}: serving {} for {} that no client trusts. For real use put "
                + "default.crt and default.key (and a pair per domain) in that directory, or set selfsigned.default = "
                + "false in etc/rsp.tls.cfg", source.directory(), SelfSignedDefault.SOURCE, SelfSignedDefault.NAMES);
    }

    private void warnIfNotValidNow(IndexedCertificate c) {
        if (clock.get().isAfter(c.notAfter())) {
            log.warn("rsp.tls: {} has EXPIRED; it is served anyway", c.id());
        }
    }

    /** {@code example.com} for {@code example.com.crt}, {@code .pem} or {@code .key}; null for other files. */
    static String baseName(String fileName) {
        for (String ext : List.of(".crt", ".pem", ".key")) {
            if (fileName.endsWith(ext) && fileName.length() > ext.length()) {
                return fileName.substring(0, fileName.length() - ext.length());
            }
        }
        return null;
    }
}
