package dev.rsp.tls.certs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Indexes a certificate directory as {@link CertificateStore} would (every layout) and loads every certificate once,
 * for {@code bin/rsp check}: one error line per file that would not be served, one warning per file that is ignored.
 */
public final class CertificateCheck {

    private CertificateCheck() {
    }

    public static void check(Path dir, String keyPassword, List<String> errors, List<String> warnings) {
        if (!Files.isDirectory(dir)) {
            warnings.add("rsp.tls: cannot list the certificate directory " + dir);
            return;
        }
        IndexScanner.Scan scan = new IndexScanner(System::currentTimeMillis)
                .scan(List.of(new IndexScanner.Root(dir, IndexedCertificate.Source.FILE)));
        scan.warnings().forEach(w -> warnings.add("rsp.tls: " + w));
        for (IndexScanner.Change change : scan.changes()) {
            if (change.after() instanceof IndexReader.Keyless k) {
                warnings.add("rsp.tls: " + k.file() + " is ignored: no private key in it and no B.key beside it");
            } else if (change.after() instanceof IndexReader.Unusable u) {
                errors.add("rsp.tls: cannot serve " + u.file() + ": " + u.reason());
            } else if (change.after() instanceof IndexReader.Indexed i
                    && CertificateLoader.load(i.certificate(), keyPassword.toCharArray()) instanceof CertificateLoader.Broken b) {
                errors.add("rsp.tls: cannot serve " + b.file() + ": " + b.reason());
            }
        }
    }
}
