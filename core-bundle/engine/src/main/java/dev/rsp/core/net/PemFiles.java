package dev.rsp.core.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files the core reads itself (without Bouncy Castle, which only the TLS bundle carries): certificates for
 * {@code backend.tls.ca} and etcd's {@code tls.*}, and an unencrypted PKCS#8 or PKCS#1 (RSA) private key. Paths are
 * resolved against rsp's home. Blocking file I/O: never on a loop.
 */
public final class PemFiles {

    private static final long MAX_FILE_BYTES = 16 << 20;
    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]*-----END CERTIFICATE-----");
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END \\1PRIVATE KEY-----");

    private PemFiles() {
    }

    /** {@code configured} against rsp's home (the system property {@code rsp.home}, else the working directory). */
    public static Path resolve(String configured) {
        return Path.of(System.getProperty("rsp.home", ".")).resolve(configured).toAbsolutePath().normalize();
    }

    /**
     * The {@code CERTIFICATE} blocks of a PEM file, added to {@code into}; any other text (comments, as in
     * distributions' bundles, a key block) is passed over. Empty when all went well, else why not.
     */
    public static Optional<String> certificates(Path file, List<X509Certificate> into) {
        Optional<String> problem = checkFile(file, "a PEM bundle of certificates");
        if (problem.isPresent()) {
            return problem;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
        Matcher m = PEM_CERTIFICATE.matcher(text);
        int block = 0;
        int before = into.size();
        while (m.find()) {
            block++;
            try {
                Certificate c = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.ISO_8859_1)));
                if (c instanceof X509Certificate x) {
                    into.add(x);
                }
            } catch (CertificateException e) {
                return Optional.of("certificate " + block + " of " + file + " is not readable: " + e.getMessage());
            }
        }
        return into.size() == before ? Optional.of("no certificate in " + file + " (expected -----BEGIN CERTIFICATE----- blocks)")
                : Optional.empty();
    }

    /**
     * The private key of a PEM file: {@code PRIVATE KEY} (PKCS#8, RSA or EC) or {@code RSA PRIVATE KEY} (PKCS#1).
     *
     * @throws GeneralSecurityException naming the file and what to do when the key is encrypted, of another form, or
     *                                  unreadable
     */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Optional<String> problem = checkFile(file, "a private key");
        if (problem.isPresent()) {
            throw new IOException(problem.get());
        }
        Matcher m = PEM_KEY.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            throw new GeneralSecurityException("no private key in " + file + " (expected -----BEGIN PRIVATE KEY-----)");
        }
        String kind = m.group(1).strip();
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        byte[] pkcs8 = switch (kind) {
            case "" -> der;
            case "RSA" -> rsaPkcs1ToPkcs8(der);
            default -> throw new GeneralSecurityException("the key in " + file + " is a " + kind + " PRIVATE KEY, which rsp "
                    + "does not read; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
        };
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new GeneralSecurityException("the key in " + file + " is neither an EC, RSA nor Ed25519 key rsp can read");
    }

    private static Optional<String> checkFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            return Optional.of("no such file (" + file + ")");
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return Optional.of(file + " is larger than " + MAX_FILE_BYTES + " bytes; " + what + " is far smaller");
            }
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption, NULL },
     * OCTET STRING { the PKCS#1 key } }.
     */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }
}
