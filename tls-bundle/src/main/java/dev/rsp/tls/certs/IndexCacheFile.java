package dev.rsp.tls.certs;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The index remembered across restarts, so that a start with 100,000 certificates stats each file instead of reading
 * and parsing it: one line per indexed certificate with the stamps (modification time, size, file key) its files had
 * when it was read. A line is used only when the files' stamps now are the same and it names the same files; anything
 * else (a changed file, a damaged line, another version of this format) is read from the file as without it. Only what
 * the certificates' own files say is kept here, nothing secret. Written by renaming a temporary file into place.
 */
final class IndexCacheFile {

    private static final String HEADER = "rsp-certs-index 1";

    /** A remembered certificate: its files, their stamps then, and what was read from them. */
    record Entry(Path chain, Path key, String stamps, IndexedCertificate certificate) {
    }

    private IndexCacheFile() {
    }

    /** The entries of {@code file} by chain file; empty when it is missing, unreadable or of another format. */
    static Map<Path, Entry> read(Path file) {
        Map<Path, Entry> entries = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (!HEADER.equals(in.readLine())) {
                return Map.of();
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Entry e = parse(line);
                if (e != null) {
                    entries.put(e.chain(), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return entries;
    }

    private static Entry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 11) {
            return null;
        }
        try {
            Path chain = Path.of(f[0]);
            Path key = Path.of(f[1]);
            List<String> names = f[10].isEmpty() ? List.of() : Arrays.asList(f[10].split(" "));
            IndexedCertificate c = new IndexedCertificate(f[3], chain, key, names, Instant.ofEpochSecond(Long.parseLong(f[6])),
                    f[7].intern(), Boolean.parseBoolean(f[8]), f[9].intern(), IndexedCertificate.Source.valueOf(f[4]),
                    Boolean.parseBoolean(f[5]));
            return new Entry(chain, key, f[2], c);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Replaces {@code file} with {@code entries}; false (and the old file kept) when it cannot be written. */
    static boolean write(Path file, Collection<Entry> entries) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".certs-index", ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write(HEADER);
                out.write('\n');
                for (Entry e : entries) {
                    IndexedCertificate c = e.certificate();
                    out.write(String.join("\t", e.chain().toString(), e.key().toString(), e.stamps(), c.id(),
                            c.source().name(), Boolean.toString(c.isDefault()),
                            Long.toString(c.notAfter().getEpochSecond()), c.keyType(), Boolean.toString(c.ec()),
                            c.issuer().replace('\t', ' ').replace('\n', ' '), String.join(" ", c.names())));
                    out.write('\n');
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
