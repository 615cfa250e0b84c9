package dev.rsp.tls.certs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the certificates of the index roots and reads only what changed since the last scan.
 *
 * <p>Layouts of a {@code file} root ({@code certs.dir}), mixed freely: per base name {@code B} at the top level, the
 * chain in {@code B.crt} (or {@code B.pem}) and the key in {@code B.key}; or one combined file {@code B.pem} (or
 * {@code B.crt}) holding the chain and then the key, as HAProxy reads it, when there is no {@code B.key}; and certbot's
 * {@code live/<name>/fullchain.pem} + {@code privkey.pem} (symlinks into {@code archive/}, which is never read on its
 * own; {@code live/README} and other files in {@code live/} are ignored). {@code default.*} at the top level is the
 * default certificate. An {@code acme} root (the ACME component's storage) holds top-level combined PEMs or pairs;
 * other files there (account keys, locks) are ignored without a word. Names starting with a dot are ignored anywhere.
 *
 * <p>Change detection without re-reading: a directory whose modification time and file key are those of the last look
 * is not listed again, and nothing in it is looked at (renames into place, as certbot and {@code mv} do, change it).
 * A directory that changed is listed and its candidate files are stat'ed; only a group whose files' stamps (size,
 * modification time, file key, after symlinks) changed is read again. A directory modified within
 * {@link #RACY_MILLIS} of a look is looked at again next time, since a rename within the same clock tick would not
 * change its time (git's "racily clean" rule). An in-place edit that keeps the directory's time is seen when the
 * directory changes next, or on a configuration change (which scans afresh).
 *
 * <p>Thread: the store's (one scan at a time); reads may be spread over the common pool.
 */
final class IndexScanner {

    static final long RACY_MILLIS = 2_000;
    /** Batches larger than this are read in parallel. */
    private static final int PARALLEL_FROM = 64;

    /** A directory to index and what its certificates are called. */
    record Root(Path dir, IndexedCertificate.Source source) {
        Root {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** One group's outcome in a scan: {@code before} (null: new), {@code after} (null: gone). */
    record Change(Path group, IndexedCertificate before, IndexReader.Read after) {
    }

    /**
     * What one scan found: the changes, new warnings, and (made when asked, before the next scan: a poll with no change
     * does not copy 100,000 entries) every indexed certificate, unchanged ones the same objects.
     */
    record Scan(java.util.function.Supplier<Map<Path, IndexedCertificate>> entries, List<Change> changes,
            List<String> warnings, Set<Path> unreadableRoots) {
    }

    private record Stamp(long modifiedNanos, long size, String key) {
        @Override
        public String toString() {
            return modifiedNanos + ":" + size + ":" + key;
        }
    }

    private record DirLook(Stamp stamp, boolean racy, List<String> names) {
    }

    /** A chain file (and its key file) to index. */
    private record Candidate(Path chain, Path key, String id, IndexedCertificate.Source source, boolean isDefault) {
    }

    /** A group as last read: the stamps of its files then, and what it gave. */
    private record Known(List<Stamp> stamps, Candidate candidate, IndexReader.Read read) {
    }

    private final Map<Path, DirLook> dirs = new HashMap<>();
    private final Map<Path, Known> known = new LinkedHashMap<>();
    private final Set<String> warned = new HashSet<>();
    private final AtomicLong filesRead = new AtomicLong();
    /** What {@link IndexCacheFile} remembered from an earlier run, used once per file when its stamps still match. */
    private Map<Path, IndexCacheFile.Entry> remembered = Map.of();
    private final java.util.function.LongSupplier wallClock;

    IndexScanner(java.util.function.LongSupplier wallClockMillis) {
        this.wallClock = wallClockMillis;
    }

    /** Chain files read since this scanner was made: what change detection saves. */
    long filesRead() {
        return filesRead.get();
    }

    /** Seeds the next scans with what an earlier run read ({@link IndexCacheFile}). */
    void remember(Map<Path, IndexCacheFile.Entry> entries) {
        remembered = new java.util.concurrent.ConcurrentHashMap<>(entries);
    }

    /** What is indexed now, for {@link IndexCacheFile}. */
    List<IndexCacheFile.Entry> indexedNow() {
        List<IndexCacheFile.Entry> out = new ArrayList<>();
        known.forEach((path, k) -> {
            IndexedCertificate c = indexed(k.read());
            if (c != null) {
                out.add(new IndexCacheFile.Entry(k.candidate().chain(), k.candidate().key(), stampText(k.stamps()), c));
            }
        });
        return out;
    }

    private static String stampText(List<Stamp> stamps) {
        return stamps.size() == 1 ? stamps.get(0).toString() : stamps.get(0) + ";" + stamps.get(1);
    }

    /** Forgets every look and read: the next scan reads everything (a new directory or key password). */
    void forget() {
        remembered = Map.of();
        dirs.clear();
        known.clear();
        warned.clear();
    }

    Scan scan(List<Root> roots) {
        Map<Path, Candidate> candidates = new LinkedHashMap<>();
        Set<String> warnings = new TreeSet<>();
        Set<Path> seenDirs = new HashSet<>();
        Set<Path> present = new HashSet<>();
        Set<Path> unreadable = new HashSet<>();
        for (Root root : roots) {
            Map<Path, Candidate> found = new LinkedHashMap<>();
            if (!flat(root, found, warnings, seenDirs, present)) {
                unreadable.add(root.dir());
                // an unlistable root keeps nothing of what it had: its groups are reported gone below
                continue;
            }
            if (root.source() == IndexedCertificate.Source.FILE) {
                certbot(root.dir(), found, seenDirs, present);
            }
            candidates.putAll(found);
        }
        dirs.keySet().retainAll(present);
        List<Change> changes = new ArrayList<>();
        List<Candidate> toCheck = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            Known k = known.get(c.chain());
            if (k == null || !k.candidate().equals(c) || seenDirs.contains(c.chain().getParent())) {
                toCheck.add(c); // new, or its directory changed: stat it (and read it if its stamps changed)
            }
        }
        // stat and read in parallel for large batches: reads of the map only, no writes until the results are in
        List<Known> checked = (toCheck.size() >= PARALLEL_FROM ? toCheck.parallelStream() : toCheck.stream())
                .map(this::check).toList();
        for (int i = 0; i < toCheck.size(); i++) {
            Candidate c = toCheck.get(i);
            Known now = checked.get(i);
            if (now == null) {
                continue; // unchanged, or vanished between the listing and the stat (the next scan sees it gone)
            }
            Known before = known.put(c.chain(), now);
            if (before != null && !before.candidate().equals(c)) {
                // another group under the same chain file (its key file came or went): the old one is gone
                changes.add(new Change(c.chain(), indexed(before.read()), null));
                before = null;
            }
            changes.add(new Change(c.chain(), before == null ? null : indexed(before.read()), now.read()));
        }
        for (var it = known.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!candidates.containsKey(e.getKey())) {
                it.remove();
                changes.add(new Change(e.getKey(), indexed(e.getValue().read()), null));
            }
        }
        List<String> fresh = new ArrayList<>();
        for (String w : warnings) {
            if (warned.add(w)) {
                fresh.add(w);
            }
        }
        warned.retainAll(warnings);
        // What the index file remembered served this first scan; the rest (files gone, another directory) would
        // only hold memory.
        remembered = Map.of();
        return new Scan(this::indexedByChain, changes, fresh, unreadable);
    }

    /** What {@code c} is now when its stamps changed since the last read (read again); null when unchanged or gone. */
    private Known check(Candidate c) {
        List<Stamp> stamps = stamps(c);
        if (stamps == null) {
            return null;
        }
        Known k = known.get(c.chain());
        if (k != null && k.candidate().equals(c) && k.stamps().equals(stamps)) {
            return null;
        }
        IndexCacheFile.Entry r = remembered.isEmpty() ? null : remembered.remove(c.chain());
        if (k == null && r != null && r.key().equals(c.key()) && r.stamps().equals(stampText(stamps))
                && r.certificate().id().equals(c.id()) && r.certificate().source() == c.source()
                && r.certificate().isDefault() == c.isDefault()) {
            return new Known(stamps, c, new IndexReader.Indexed(r.certificate()));
        }
        filesRead.incrementAndGet();
        return new Known(stamps, c, IndexReader.read(c.id(), c.chain(), c.key(), c.source(), c.isDefault()));
    }

    private Map<Path, IndexedCertificate> indexedByChain() {
        Map<Path, IndexedCertificate> entries = new HashMap<>();
        known.forEach((path, k) -> {
            IndexedCertificate c = indexed(k.read());
            if (c != null) {
                entries.put(path, c);
            }
        });
        return entries;
    }

    private static IndexedCertificate indexed(IndexReader.Read r) {
        return r instanceof IndexReader.Indexed i ? i.certificate() : null;
    }

    /**
     * The top-level groups of {@code root} into {@code found}; false when the root cannot be listed. Reuses the last
     * groups of the root when it did not change, without a stat of its files.
     */
    private boolean flat(Root root, Map<Path, Candidate> found, Set<String> warnings, Set<Path> seenDirs,
            Set<Path> present) {
        Path dir = root.dir();
        List<String> names = look(dir, seenDirs, present);
        if (names == null) {
            return false;
        }
        if (!seenDirs.contains(dir)) {
            known.forEach((path, k) -> {
                if (dir.equals(path.getParent())) {
                    found.put(path, k.candidate());
                }
            });
            return true;
        }
        Set<String> files = new HashSet<>(names);
        boolean acme = root.source() == IndexedCertificate.Source.ACME;
        for (String name : new TreeSet<>(names)) {
            String base = CertificateStore.baseName(name);
            if (base == null) {
                continue;
            }
            boolean hasKey = files.contains(base + ".key");
            String chain = files.contains(base + ".crt") ? base + ".crt" : files.contains(base + ".pem") ? base + ".pem" : null;
            if (name.endsWith(".key")) {
                if (chain == null && !acme) {
                    warnings.add(name + " in " + dir + " is ignored: a key needs its chain beside it (B.crt or B.pem)");
                }
                continue;
            }
            if (!name.equals(chain)) {
                continue; // B.pem beside B.crt: B.crt is the chain
            }
            Path chainFile = dir.resolve(chain);
            found.put(chainFile, new Candidate(chainFile, hasKey ? dir.resolve(base + ".key") : chainFile, chain,
                    root.source(), !acme && base.equals(ServedCertificate.DEFAULT)));
        }
        return true;
    }

    /** certbot's {@code live/<name>/fullchain.pem} + {@code privkey.pem} under {@code dir}, when there is a live/. */
    private void certbot(Path dir, Map<Path, Candidate> found, Set<Path> seenDirs, Set<Path> present) {
        Path live = dir.resolve("live");
        List<String> names = look(live, seenDirs, present);
        if (names == null) {
            return;
        }
        for (String name : names) {
            Path lineage = live.resolve(name);
            List<String> files = look(lineage, seenDirs, present);
            if (files == null) {
                continue; // live/README, or a lineage that went away
            }
            Path chain = lineage.resolve("fullchain.pem");
            if (!seenDirs.contains(lineage)) {
                Known k = known.get(chain);
                if (k != null) {
                    found.put(chain, k.candidate());
                }
                continue;
            }
            if (files.contains("fullchain.pem") && files.contains("privkey.pem")) {
                found.put(chain, new Candidate(chain, lineage.resolve("privkey.pem"), "live/" + name + "/fullchain.pem",
                        IndexedCertificate.Source.CERTBOT, false));
            }
        }
    }

    /**
     * The names in {@code dir} (dot names left out), or null when it cannot be listed (missing, not a directory). Adds
     * {@code dir} to {@code seenDirs} when it was listed afresh; returns the last listing without adding it when the
     * directory did not change.
     */
    private List<String> look(Path dir, Set<Path> seenDirs, Set<Path> present) {
        long now = wallClock.getAsLong();
        Stamp stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            if (!a.isDirectory()) {
                dirs.remove(dir);
                return null;
            }
            stamp = new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), 0, String.valueOf(a.fileKey()));
        } catch (IOException e) {
            dirs.remove(dir);
            return null;
        }
        present.add(dir);
        DirLook last = dirs.get(dir);
        if (last != null && !last.racy() && last.stamp().equals(stamp)) {
            return last.names();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".")) {
                    names.add(n);
                }
            }
        } catch (IOException | RuntimeException e) {
            dirs.remove(dir);
            return null;
        }
        boolean racy = stamp.modifiedNanos() / 1_000_000 >= now - RACY_MILLIS;
        dirs.put(dir, new DirLook(stamp, racy, List.copyOf(names)));
        seenDirs.add(dir);
        return names;
    }

    private static List<Stamp> stamps(Candidate c) {
        try {
            Stamp chain = stamp(c.chain());
            return c.key().equals(c.chain()) ? List.of(chain) : List.of(chain, stamp(c.key()));
        } catch (IOException e) {
            return null;
        }
    }

    private static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException(file + " is not a file");
        }
        return new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(), String.valueOf(a.fileKey()));
    }
}
