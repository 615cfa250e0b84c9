package dev.rsp.tls.certs;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.bc.BcPEMDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files of the certificate store with Bouncy Castle's PEM parser; keys and certificates are turned into
 * JDK objects by the JDK's own providers (Bouncy Castle is not registered as a JCE provider).
 *
 * <p>Private keys: RSA or EC, as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1 ({@code BEGIN EC PRIVATE KEY}, an
 * {@code EC PARAMETERS} block before it is skipped), PKCS#8 ({@code BEGIN PRIVATE KEY}), encrypted PKCS#8
 * ({@code BEGIN ENCRYPTED PRIVATE KEY}) or OpenSSL's legacy encryption of PKCS#1 and SEC1 ({@code Proc-Type} and
 * {@code DEK-Info} headers); the encrypted forms with the store's password. Errors are values, not exceptions.
 *
 * <p>Decryption avoids the JCE names only Bouncy Castle's provider knows: OpenSSL's legacy scheme runs on Bouncy
 * Castle's lightweight classes, PKCS#8's PBES2 on the JDK ({@link Pkcs8Decryption}).
 */
final class PemFiles {

    /** Certificate and key files larger than this are refused. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /** A file's content or why it cannot be used. */
    sealed interface Read<T> {
    }

    record Ok<T>(T value) implements Read<T> {
    }

    record Failed<T>(String reason) implements Read<T> {
    }

    private PemFiles() {
    }

    /** The certificates of a PEM file in file order (other blocks skipped); never an empty list. */
    static Read<List<X509Certificate>> certificates(Path file) {
        Read<String> text = text(file);
        if (text instanceof Failed<String> f) {
            return new Failed<>(f.reason());
        }
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(((Ok<String>) text).value()))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            return new Failed<>("not a readable PEM certificate chain (" + message(e) + ")");
        }
        return chain.isEmpty() ? new Failed<>("no BEGIN CERTIFICATE block in it") : new Ok<>(List.copyOf(chain));
    }

    /** The first private key of a PEM file, decrypted with {@code password} (empty: none) when it is encrypted. */
    static Read<PrivateKey> privateKey(Path file, char[] password) {
        Read<String> text = text(file);
        if (text instanceof Failed<String> f) {
            return new Failed<>(f.reason());
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        ASN1ObjectIdentifier curve = null;
        try (PEMParser parser = new PEMParser(new StringReader(((Ok<String>) text).value()))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof ASN1ObjectIdentifier ecParameters) {
                    curve = ecParameters;
                }
                if (o instanceof PEMKeyPair pair) {
                    return new Ok<>(converter.getPrivateKey(withCurve(pair.getPrivateKeyInfo(), curve)));
                }
                if (o instanceof PrivateKeyInfo info) {
                    return new Ok<>(converter.getPrivateKey(info));
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    if (password.length == 0) {
                        return new Failed<>("the key is encrypted (ENCRYPTED PRIVATE KEY) and key.password is not set");
                    }
                    return decrypted(() -> converter.getPrivateKey(Pkcs8Decryption.decrypt(encrypted, password)));
                }
                if (o instanceof PEMEncryptedKeyPair encrypted) {
                    if (password.length == 0) {
                        return new Failed<>("the key is encrypted (Proc-Type: 4,ENCRYPTED) and key.password is not set");
                    }
                    ASN1ObjectIdentifier named = curve;
                    return decrypted(() -> converter.getPrivateKey(withCurve(
                            encrypted.decryptKeyPair(new BcPEMDecryptorProvider(password)).getPrivateKeyInfo(), named)));
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Failed<>("not a readable PEM private key (" + message(e) + ")");
        }
        return new Failed<>("no private key block in it");
    }

    /**
     * A SEC1 key that does not name its curve (it is optional there) takes the one of a preceding
     * {@code EC PARAMETERS} block; only the private part is used (SEC1 keys may also lack the public key).
     */
    private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1ObjectIdentifier curve) throws IOException {
        AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
        boolean unnamed = algorithm.getParameters() == null || algorithm.getParameters() instanceof ASN1Null;
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm()) || !unnamed) {
            return info;
        }
        if (curve == null) {
            throw new IOException("the EC key names no curve and no EC PARAMETERS block precedes it");
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), info.parsePrivateKey());
    }

    private interface Decryption {
        PrivateKey run() throws Exception;
    }

    private static Read<PrivateKey> decrypted(Decryption d) {
        try {
            return new Ok<>(d.run());
        } catch (Exception e) {
            return new Failed<>("cannot decrypt the key with key.password (wrong password?): " + message(e));
        }
    }

    private static Read<String> text(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return new Failed<>("larger than " + MAX_FILE_BYTES + " bytes");
            }
            return new Ok<>(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return new Failed<>("cannot read it: " + message(e));
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && (m == null || !m.contains(e.getCause().getMessage()))) {
            m = (m == null ? "" : m + ": ") + e.getCause().getMessage();
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
