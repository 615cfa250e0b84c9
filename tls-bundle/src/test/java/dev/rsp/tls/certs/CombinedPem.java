package dev.rsp.tls.certs;

import java.nio.file.Path;
import java.util.List;

/** Test access to the loader the TLS listener uses: what a combined PEM file (chain, then key) is served for. */
public final class CombinedPem {

    private CombinedPem() {
    }

    /** The DNS names the file's certificate is served for; fails with the loader's reason when it cannot be served. */
    public static List<String> servedNames(Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.pem$", "");
        CertificateLoader.Loaded loaded = CertificateLoader.load(base, file, file, new char[0]);
        if (loaded instanceof CertificateLoader.Broken broken) {
            throw new AssertionError(broken.file() + ": " + broken.reason());
        }
        return ((CertificateLoader.Served) loaded).certificate().names();
    }

    /** The serial number of the file's leaf certificate. */
    public static java.math.BigInteger leafSerial(Path file) {
        PemFiles.Read<List<java.security.cert.X509Certificate>> read = PemFiles.certificates(file);
        if (read instanceof PemFiles.Failed<List<java.security.cert.X509Certificate>> f) {
            throw new AssertionError(file + ": " + f.reason());
        }
        return ((PemFiles.Ok<List<java.security.cert.X509Certificate>>) read).value().get(0).getSerialNumber();
    }
}
