package dev.rsp.tls.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Loads every pair of a certificate directory once, as {@link CertificateStore} would, for {@code bin/rsp check}:
 * one error line per pair that would not be served, one warning per file without its partner.
 */
public final class CertificateCheck {

    private CertificateCheck() {
    }

    public static void check(Path dir, String keyPassword, List<String> errors, List<String> warnings) {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .forEach(files::add);
        } catch (IOException | RuntimeException e) {
            warnings.add("rsp.tls: cannot list the certificate directory " + dir + " (" + PemFiles.message(e) + ")");
            return;
        }
        for (String name : files) {
            String base = CertificateStore.baseName(name);
            if (base == null || name.endsWith(".key") && (files.contains(base + ".crt") || files.contains(base + ".pem"))
                    || name.endsWith(".pem") && files.contains(base + ".crt")) {
                continue;
            }
            if (!files.contains(base + ".key") || name.endsWith(".key")) {
                warnings.add("rsp.tls: " + name + " in " + dir + " is ignored: a certificate needs both B.crt (or B.pem) and B.key");
                continue;
            }
            CertificateLoader.Loaded loaded = CertificateLoader.load(base, dir.resolve(name), dir.resolve(base + ".key"),
                    keyPassword.toCharArray());
            if (loaded instanceof CertificateLoader.Broken b) {
                errors.add("rsp.tls: cannot serve " + b.file() + ": " + b.reason());
            }
        }
    }
}
