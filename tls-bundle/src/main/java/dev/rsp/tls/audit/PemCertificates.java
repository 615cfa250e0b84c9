package dev.rsp.tls.audit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates from a file: PEM ({@code BEGIN CERTIFICATE} blocks, in file order; text between blocks and
 * other block types such as private keys are skipped) or a single DER certificate. Private keys are not read here.
 */
final class PemCertificates {

    /** Files larger than this are not certificate chains. */
    static final long MAX_FILE_BYTES = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ((?:X509 |TRUSTED )?CERTIFICATE)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemCertificates() {
    }

    /** What was read from one file. */
    sealed interface Loaded permits Read, Unreadable {
    }

    /** The certificates in file order, never empty. */
    record Read(List<X509Certificate> certificates) implements Loaded {
    }

    /** Why the file gave no certificate; the audit reports it and goes on with the other files. */
    record Unreadable(String reason) implements Loaded {
    }

    static Loaded read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return new Unreadable("larger than " + MAX_FILE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Unreadable("cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        return parse(bytes);
    }

    static Loaded parse(byte[] bytes) {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            return new Unreadable("no X.509 support in this JVM: " + e.getMessage());
        }
        if (bytes.length > 0 && bytes[0] == 0x30) {
            try {
                return new Read(List.of(decode(factory, bytes)));
            } catch (CertificateException e) {
                return new Unreadable("not a DER certificate: " + e.getMessage());
            }
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Matcher m = BLOCK.matcher(text);
        List<X509Certificate> certs = new ArrayList<>();
        int block = 0;
        while (m.find()) {
            block++;
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                certs.add(decode(factory, der));
            } catch (IllegalArgumentException | CertificateException e) {
                return new Unreadable("certificate block " + block + " is damaged: " + e.getMessage());
            }
        }
        if (certs.isEmpty()) {
            return new Unreadable(text.contains("PRIVATE KEY-----") ? "a private key, no certificate" : "no certificate");
        }
        return new Read(List.copyOf(certs));
    }

    private static X509Certificate decode(CertificateFactory factory, byte[] der) throws CertificateException {
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }
}
