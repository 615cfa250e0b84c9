package dev.rsp.tls.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The certificates chains are built to: the JDK's default trust store, or PEM roots from a file or directory. */
final class TrustStore {

    private final List<X509Certificate> anchors;
    private final String description;

    TrustStore(List<X509Certificate> anchors, String description) {
        this.anchors = List.copyOf(anchors);
        this.description = description;
    }

    /** The JVM's default trust store (cacerts, or {@code javax.net.ssl.trustStore} when set). */
    static TrustStore jdkDefault() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> all = new ArrayList<>();
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                all.addAll(Arrays.asList(x.getAcceptedIssuers()));
            }
        }
        return new TrustStore(all, "the JDK trust store (" + all.size() + " roots)");
    }

    /** Every certificate in a PEM file, or in the files (*.pem, *.crt, *.cer, *.der) of a directory. */
    static TrustStore fromPem(Path fileOrDir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(Files::isRegularFile).filter(p -> AuditInputs.isCertificateFileName(p.getFileName().toString()))
                        .sorted().forEach(files::add);
            }
        } else {
            files.add(fileOrDir);
        }
        List<X509Certificate> all = new ArrayList<>();
        for (Path f : files) {
            PemCertificates.Loaded loaded = PemCertificates.read(f);
            if (loaded instanceof PemCertificates.Read read) {
                all.addAll(read.certificates());
            } else {
                throw new IOException("trust store " + f + ": " + ((PemCertificates.Unreadable) loaded).reason());
            }
        }
        if (all.isEmpty()) {
            throw new IOException("trust store " + fileOrDir + ": no certificate");
        }
        return new TrustStore(all, fileOrDir + " (" + all.size() + " roots)");
    }

    List<X509Certificate> anchors() {
        return anchors;
    }

    /** Whether {@code cert} is, or is the same CA (subject and key) as, a trusted certificate. */
    boolean trusts(X509Certificate cert) {
        for (X509Certificate a : anchors) {
            if (CertificateFacts.sameEntity(a, cert)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return description;
    }
}
