package dev.rsp.tls.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates rsp terminates TLS with, read from one directory and published as an immutable
 * {@link CertificateSnapshot}.
 *
 * <p>Files. For a base name {@code B}: the chain in {@code B.crt} (or {@code B.pem} when there is no {@code B.crt}),
 * leaf first, and its private key in {@code B.key}. Names starting with a dot are ignored, as are chains without a key
 * and keys without a chain (a WARN says so once). The base name does not decide the names served: the leaf's DNS
 * subjectAltNames do (its CN when it has none). {@code default.crt} + {@code default.key} is the default certificate.
 *
 * <p>Changes. {@link #reload()} compares each pair's files (modification time, size, file key) with the last look,
 * loads the pairs that changed, and publishes a new snapshot if anything did. A pair that fails to load is logged at
 * ERROR with the file and the reason, and the certificate it replaced, if any, stays in force; the broken files are
 * not read again until they change. A pair that disappears is dropped. Replace files by renaming them into place so
 * a reload never sees a half-written file.
 *
 * <p>Threads. {@link #configure} and {@link #reload} are called by the owning component (its configuration thread and
 * its poll thread) and serialize on this object; {@link #snapshot()} is read by any thread without locking.
 */
public final class CertificateStore {

    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

    /** Where the certificates come from. */
    public record Source(Path directory, String keyPassword, boolean selfSignedDefault) {
        public Source {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(keyPassword, "keyPassword");
        }

        @Override
        public String toString() {
            return "Source[" + directory + ", selfSignedDefault=" + selfSignedDefault + "]";
        }
    }

    private record FileStamp(Path file, Instant modified, long size, Object key) {
    }

    private record Pair(Path chain, Path key) {
    }

    /** What the last look saw of a pair, and what it serves (possibly from an earlier version of its files). */
    private record Tracked(List<FileStamp> stamp, Optional<ServedCertificate> served) {
    }

    private final Supplier<Instant> clock;
    private final Map<String, Tracked> tracked = new TreeMap<>();
    private final Set<String> unpairedWarned = new HashSet<>();
    private Source source;
    private boolean missingWarned;
    private Optional<ServedCertificate> generated = Optional.empty();
    private volatile CertificateSnapshot snapshot = CertificateSnapshot.EMPTY;

    public CertificateStore(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** The certificates in force. */
    public CertificateSnapshot snapshot() {
        return snapshot;
    }

    /** The directory in force; empty before the first {@link #configure}. */
    public synchronized Optional<Path> directory() {
        return Optional.ofNullable(source).map(Source::directory);
    }

    /** Sets the source and reloads; a new directory or password has every pair read again. */
    public synchronized void configure(Source next) {
        if (next.equals(source)) {
            return;
        }
        boolean reread = source == null || !source.directory().equals(next.directory())
                || !source.keyPassword().equals(next.keyPassword());
        source = next;
        if (reread) {
            tracked.replaceAll((base, t) -> new Tracked(List.of(), t.served()));
            missingWarned = false;
            unpairedWarned.clear();
        }
        reload();
    }

    /** Looks at the directory once and applies what changed; returns whether the snapshot changed. Never throws. */
    public synchronized boolean reload() {
        if (source == null) {
            return false;
        }
        try {
            return apply(scan(source.directory()));
        } catch (RuntimeException e) {
            log.error("rsp.tls: reading the certificates in {} failed: {}", source.directory(), PemFiles.message(e), e);
            return false;
        }
    }

    private boolean apply(Map<String, Pair> pairs) {
        boolean changed = false;
        for (var it = tracked.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!pairs.containsKey(e.getKey())) {
                it.remove();
                if (e.getValue().served().isPresent()) {
                    log.info("rsp.tls: dropped {} (its files are gone)", e.getValue().served().get().summary());
                    changed = true;
                }
            }
        }
        char[] password = source.keyPassword().toCharArray();
        for (var e : pairs.entrySet()) {
            String base = e.getKey();
            Pair pair = e.getValue();
            Optional<List<FileStamp>> stamp = stamp(pair);
            Tracked before = tracked.get(base);
            if (stamp.isEmpty() || before != null && before.stamp().equals(stamp.get())) {
                continue;
            }
            Optional<ServedCertificate> previous = before == null ? Optional.empty() : before.served();
            CertificateLoader.Loaded loaded = CertificateLoader.load(base, pair.chain(), pair.key(), password);
            if (loaded instanceof CertificateLoader.Served s) {
                ServedCertificate c = s.certificate();
                tracked.put(base, new Tracked(stamp.get(), Optional.of(c)));
                log.info("rsp.tls: {} {}", previous.isPresent() ? "reloaded" : "loaded", c.summary());
                warnIfNotValidNow(c);
                changed = true;
            } else {
                CertificateLoader.Broken b = (CertificateLoader.Broken) loaded;
                tracked.put(base, new Tracked(stamp.get(), previous));
                log.error("rsp.tls: cannot serve {}: {} ({})", b.file(), b.reason(), previous
                        .map(p -> "still serving the previous " + p.summary()).orElse("nothing served for it"));
            }
        }
        Arrays.fill(password, '\0');
        boolean needGenerated = source.selfSignedDefault() && tracked.values().stream()
                .noneMatch(t -> t.served().filter(ServedCertificate::isDefault).isPresent());
        Optional<ServedCertificate> generatedInForce = snapshot.defaultCertificate()
                .filter(d -> d.source().equals(SelfSignedDefault.SOURCE));
        if (needGenerated != generatedInForce.isPresent()) {
            changed = true;
            if (needGenerated) {
                warnGenerated();
            }
        }
        if (changed) {
            List<ServedCertificate> served = new ArrayList<>();
            tracked.values().forEach(t -> t.served().ifPresent(served::add));
            snapshot = new CertificateSnapshot(served, needGenerated ? generated : Optional.empty());
            log.info("rsp.tls: serving {} certificate(s) from {}; default: {}", snapshot.all().size(), source.directory(),
                    snapshot.defaultCertificate().map(ServedCertificate::source).orElse("none (a ClientHello without "
                            + "SNI, or with a name no certificate covers, is closed)"));
        }
        return changed;
    }

    private void warnGenerated() {
        if (generated.isEmpty()) {
            try {
                generated = Optional.of(SelfSignedDefault.generate(clock.get()));
            } catch (Exception e) {
                log.error("rsp.tls: cannot generate the self-signed default certificate: {}", PemFiles.message(e), e);
                return;
            }
        }
        log.warn("rsp.tls: no default certificate in {}: serving {} for {} that no client trusts. For real use put "
                + "default.crt and default.key (and a pair per domain) in that directory, or set selfsigned.default = "
                + "false in etc/rsp.tls.cfg", source.directory(), SelfSignedDefault.SOURCE, SelfSignedDefault.NAMES);
    }

    private void warnIfNotValidNow(ServedCertificate c) {
        Instant now = clock.get();
        if (now.isAfter(c.notAfter())) {
            log.warn("rsp.tls: {} has EXPIRED; it is served anyway", c.source());
        } else if (now.isBefore(c.leaf().getNotBefore().toInstant())) {
            log.warn("rsp.tls: {} is not valid before {}; it is served anyway", c.source(), c.leaf().getNotBefore().toInstant());
        }
    }

    /** The pairs in {@code dir} by base name; empty (and a WARN once) when it cannot be listed. */
    private Map<String, Pair> scan(Path dir) {
        Set<String> files = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .forEach(files::add);
            missingWarned = false;
        } catch (IOException | RuntimeException e) {
            if (!missingWarned) {
                missingWarned = true;
                log.warn("rsp.tls: cannot list the certificate directory {} ({}); no certificate is read from it until "
                        + "it can be", dir, e instanceof NoSuchFileException ? "it does not exist" : PemFiles.message(e));
            }
            return Map.of();
        }
        Map<String, Pair> pairs = new TreeMap<>();
        Set<String> unpaired = new HashSet<>();
        for (String name : files) {
            String base = baseName(name);
            if (base == null) {
                continue;
            }
            boolean hasKey = files.contains(base + ".key");
            String chain = files.contains(base + ".crt") ? base + ".crt" : files.contains(base + ".pem") ? base + ".pem" : null;
            if (hasKey && chain != null) {
                pairs.put(base, new Pair(dir.resolve(chain), dir.resolve(base + ".key")));
            } else {
                unpaired.add(name);
            }
        }
        unpairedWarned.retainAll(unpaired);
        for (String name : unpaired) {
            if (unpairedWarned.add(name)) {
                log.warn("rsp.tls: {} in {} is ignored: a certificate needs both B.crt (or B.pem) and B.key", name, dir);
            }
        }
        return pairs;
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

    private static Optional<List<FileStamp>> stamp(Pair pair) {
        try {
            return Optional.of(List.of(stamp(pair.chain()), stamp(pair.key())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static FileStamp stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(file, a.lastModifiedTime().toInstant(), a.size(), a.fileKey());
    }
}
