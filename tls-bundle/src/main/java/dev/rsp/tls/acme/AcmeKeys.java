package dev.rsp.tls.acme;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys for accounts and certificates, made by the JDK's providers (Bouncy Castle is never registered JVM-wide), and
 * their PEM text: PKCS#8 {@code PRIVATE KEY}, X.509 {@code PUBLIC KEY}, {@code CERTIFICATE}.
 */
final class AcmeKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private AcmeKeys() {
    }

    static KeyPair generate(AcmeSettings.KeyType type) {
        try {
            if (type == AcmeSettings.KeyType.RSA_2048) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a " + type + " key", e);
        }
    }

    static String pem(String type, byte[] der) {
        StringBuilder sb = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        sb.append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der));
        return sb.append("\n-----END ").append(type).append("-----\n").toString();
    }

    static String pem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The key pair as a private and a public key block (the JDK's PKCS#8 EC keys do not carry the public point). */
    static String pem(KeyPair keys) {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded()) + pem("PUBLIC KEY", keys.getPublic().getEncoded());
    }

    /** The DER bytes of the first block of {@code type} in {@code text}. */
    static Optional<byte[]> block(String text, String type) {
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Optional.of(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return Optional.empty();
    }

    /** The DER bytes of every {@code CERTIFICATE} block of {@code text}, in order. */
    static java.util.List<byte[]> certificates(String text) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return out;
    }

    /** A key pair written by {@link #pem(KeyPair)}: EC or RSA. */
    static KeyPair read(String text) throws GeneralSecurityException {
        byte[] priv = block(text, "PRIVATE KEY").orElseThrow(() -> new GeneralSecurityException("no PRIVATE KEY block"));
        byte[] pub = block(text, "PUBLIC KEY").orElseThrow(() -> new GeneralSecurityException("no PUBLIC KEY block"));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                KeyFactory f = KeyFactory.getInstance(algorithm);
                return new KeyPair(f.generatePublic(new X509EncodedKeySpec(pub)),
                        f.generatePrivate(new PKCS8EncodedKeySpec(priv)));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
