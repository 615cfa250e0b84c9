package dev.rsp.tls.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.MiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/** Keys, certificates and their PEM forms for tests, made with Bouncy Castle over the JDK's providers. */
public final class TestCerts {

    public static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final Map<String, KeyPair> KEYS = new HashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Only to write encrypted keys in the formats OpenSSL writes; never registered, the code under test uses the JDK. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private TestCerts() {
    }

    /** A cached key pair: "rsa", "rsa2", "ec", "ec2", ... (the prefix picks the algorithm). */
    public static synchronized KeyPair key(String name) {
        return KEYS.computeIfAbsent(name, n -> {
            try {
                if (n.startsWith("rsa")) {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048, RANDOM);
                    return g.generateKeyPair();
                }
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                return g.generateKeyPair();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A self-signed certificate for {@code keys} with subject CN {@code cn} and DNS subjectAltNames {@code sans}. */
    public static X509Certificate cert(KeyPair keys, String cn, List<String> sans) {
        return cert(keys, cn, sans, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
    }

    public static X509Certificate cert(KeyPair keys, String cn, List<String> sans, Instant notBefore, Instant notAfter) {
        return issued(keys, cn, sans, notBefore, notAfter, keys.getPrivate(), new X500Name("CN=" + cn));
    }

    /** A certificate for {@code keys} issued by {@code ca} (self-signed, CN {@code caName}). */
    public static X509Certificate issuedBy(KeyPair ca, String caName, KeyPair keys, String cn, List<String> sans) {
        return issued(keys, cn, sans, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)), ca.getPrivate(),
                new X500Name("CN=" + caName));
    }

    private static X509Certificate issued(KeyPair keys, String cn, List<String> sans, Instant notBefore, Instant notAfter,
            PrivateKey signer, X500Name issuer) {
        try {
            X500Name name = new X500Name("CN=" + cn);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(RANDOM.nextInt(1 << 30) + 1L),
                    Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        sans.stream().map(s -> new GeneralName(GeneralName.dNSName, s)).toArray(GeneralName[]::new)));
            }
            String alg = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof PemObjectGenerator g) {
                    w.writeObject(g);
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** PKCS#1 for RSA ("RSA PRIVATE KEY"), SEC1 for EC ("EC PRIVATE KEY", naming its curve as OpenSSL does). */
    public static String traditional(PrivateKey key) {
        return pem(new MiscPEMGenerator(traditionalInfo(key)));
    }

    /** SEC1 without the optional curve, as some tools write it after an "EC PARAMETERS" block. */
    public static String sec1WithoutCurve(PrivateKey key) {
        return pem(key);
    }

    /** The key as PrivateKeyInfo whose inner SEC1 structure names its curve (the JDK's encoding leaves it out). */
    private static PrivateKeyInfo traditionalInfo(PrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        if (!key.getAlgorithm().equals("EC")) {
            return info;
        }
        try {
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(),
                    new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String encryptedPkcs8(PrivateKey key, String password) {
        try {
            return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setRandom(RANDOM).setPassword(password.toCharArray()).build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenSSL's legacy encryption: "Proc-Type: 4,ENCRYPTED" and "DEK-Info" headers over PKCS#1 or SEC1. */
    public static String legacyEncrypted(PrivateKey key, String password) {
        try {
            return pem(new MiscPEMGenerator(traditionalInfo(key), new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC)
                    .setSecureRandom(RANDOM).build(password.toCharArray())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes by renaming a temporary file into place, as the store's documentation asks. */
    public static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".tmp", "");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code base.crt} (the certificate) and {@code base.key} (the key, PKCS#8) into {@code dir}. */
    public static void pair(Path dir, String base, KeyPair keys, X509Certificate cert) throws IOException {
        write(dir.resolve(base + ".crt"), pem(cert));
        write(dir.resolve(base + ".key"), pkcs8(keys.getPrivate()));
    }
}
