package dev.rsp.tls.audit;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test PKI built with Bouncy Castle: CAs, intermediates and leaves with any name, key, signature and dates. */
final class TestPki {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final Provider BC = new BouncyCastleProvider();
    private static final Map<String, KeyPair> KEYS = new HashMap<>();
    private static final SecureRandom RANDOM = seeded();
    private static long serial = 1000;

    /** A certificate and its key pair. */
    record Issued(X509Certificate cert, KeyPair keys) {
    }

    private TestPki() {
    }

    private static SecureRandom seeded() {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(42);
            return r;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair, e.g. {@code rsa:2048}, {@code ec:secp256r1}; the same name gives the same key within a run. */
    static synchronized KeyPair key(String spec) {
        return KEYS.computeIfAbsent(spec, s -> {
            try {
                String[] p = s.split("#")[0].split(":");
                KeyPairGenerator g = KeyPairGenerator.getInstance(p[0].startsWith("rsa") ? "RSA" : "EC", BC);
                if (p[0].startsWith("rsa")) {
                    g.initialize(Integer.parseInt(p[1]), RANDOM);
                } else {
                    g.initialize(new ECGenParameterSpec(p[1]), RANDOM);
                }
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(s, e);
            }
        });
    }

    static CertBuilder cert(String dn) {
        return new CertBuilder(dn);
    }

    /** A CA with an EC P-256 key (fresh per name), valid a year around {@link #NOW}. */
    static Issued root(String dn) {
        return cert(dn).key("ec:secp256r1#" + dn).ca().selfSigned();
    }

    static final class CertBuilder {
        private final String dn;
        private KeyPair keys;
        private Instant notBefore = NOW.minus(Duration.ofDays(30));
        private Instant notAfter = NOW.plus(Duration.ofDays(365));
        private boolean ca;
        private final List<String> sans = new ArrayList<>();
        private String signature;

        private CertBuilder(String dn) {
            this.dn = dn;
            this.keys = TestPki.key("ec:secp256r1#" + dn);
        }

        /** {@code rsa:2048}, {@code ec:secp384r1}; anything after a {@code #} only makes the key distinct. */
        CertBuilder key(String spec) {
            keys = TestPki.key(spec.contains("#") ? spec : spec + "#" + dn);
            return this;
        }

        CertBuilder keys(KeyPair k) {
            keys = k;
            return this;
        }

        CertBuilder valid(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        CertBuilder ca() {
            ca = true;
            return this;
        }

        CertBuilder sans(String... names) {
            sans.addAll(List.of(names));
            return this;
        }

        /** The signature algorithm, e.g. {@code SHA1withRSA}; default SHA-256 with the signer's key type. */
        CertBuilder signature(String alg) {
            signature = alg;
            return this;
        }

        Issued selfSigned() {
            return build(new X500Name(dn), keys);
        }

        Issued signedBy(Issued issuer) {
            return build(X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()), issuer.keys());
        }

        private Issued build(X500Name issuerName, KeyPair signer) {
            try {
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(serial++),
                        Date.from(notBefore), Date.from(notAfter), new X500Name(dn), keys.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                        : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                if (!sans.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                            sans.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
                }
                String alg = signature != null ? signature
                        : signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                X509Certificate cert = new JcaX509CertificateConverter()
                        .getCertificate(b.build(new JcaContentSignerBuilder(alg).setProvider(BC).build(signer.getPrivate())));
                return new Issued(cert, keys);
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue " + dn, e);
            }
        }
    }

    static String pem(X509Certificate... certs) {
        StringBuilder b = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                b.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    static Path write(Path file, X509Certificate... certs) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, pem(certs));
    }

    static Path write(Path file, Issued... certs) throws IOException {
        return write(file, java.util.Arrays.stream(certs).map(Issued::cert).toArray(X509Certificate[]::new));
    }
}
