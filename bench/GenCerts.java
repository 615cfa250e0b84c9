import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes N TLS server certificates for benchmarks, fast: a root CA, an intermediate that signs every leaf (the chain
 * files hold leaf + intermediate, as Let's Encrypt's do), EC P-256 keys, ECDSA-SHA256 signatures made with Bouncy
 * Castle's provider (an instance passed to the signer, never registered JVM-wide). Leaf {@code i} covers
 * {@code d<i>.bench.test} and {@code www.d<i>.bench.test}, valid from a day ago for 90 days.
 *
 * <p>Run by bench/gen-certs (which finds Bouncy Castle in ~/.m2); arguments: {@code OUT N LAYOUT KEYS THREADS}, with
 * LAYOUT {@code flat} (certs/d<i>.crt + d<i>.key), {@code pem} (certs/d<i>.pem: chain then key, as HAProxy reads
 * it) or {@code certbot} (certs/live/d<i>.bench.test/{cert,chain,fullchain,privkey}.pem, relative symlinks to
 * certs/archive/d<i>.bench.test/*1.pem, as certbot lays them out), and KEYS {@code per-leaf} (a key pair per leaf)
 * or {@code shared} (one leaf key pair written into every key file). Every layout also gets a flat
 * certs/default.crt + default.key for bench.local. OUT/ca.crt is the root for clients to verify with.
 */
public final class GenCerts {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private record Issuer(X500Name name, KeyPair keys) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: GenCerts OUT N flat|pem|certbot per-leaf|shared THREADS");
            System.exit(2);
        }
        Path out = Paths.get(args[0]);
        int n = Integer.parseInt(args[1]);
        String layout = args[2];
        boolean shared = switch (args[3]) {
            case "shared" -> true;
            case "per-leaf" -> false;
            default -> throw new IllegalArgumentException("KEYS is per-leaf or shared, not " + args[3]);
        };
        if (!List.of("flat", "pem", "certbot").contains(layout)) {
            throw new IllegalArgumentException("LAYOUT is flat, pem or certbot, not " + layout);
        }
        int threads = Integer.parseInt(args[4]);
        Instant now = Instant.now();
        Path certs = out.resolve("certs");
        Files.createDirectories(certs);

        KeyPair rootKeys = ecKeyPair();
        X500Name rootName = new X500Name("CN=rsp bench root");
        Files.writeString(out.resolve("ca.crt"), sign(rootName, rootKeys, rootName, rootKeys, now, 1, Duration.ofDays(3650),
                true, List.of()));
        KeyPair intermediateKeys = ecKeyPair();
        X500Name intermediateName = new X500Name("CN=rsp bench intermediate");
        String intermediatePem = sign(intermediateName, intermediateKeys, rootName, rootKeys, now, 2,
                Duration.ofDays(3650), true, List.of());
        Issuer issuer = new Issuer(intermediateName, intermediateKeys);

        KeyPair defaultKeys = ecKeyPair();
        Files.writeString(certs.resolve("default.crt"), leaf(issuer, defaultKeys, 3, now, List.of("bench.local")) + intermediatePem);
        Files.writeString(certs.resolve("default.key"), privateKeyPem(defaultKeys));

        KeyPair sharedKeys = shared ? ecKeyPair() : null;
        String sharedKeyPem = shared ? privateKeyPem(sharedKeys) : null;
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                try {
                    for (int i = first; i < n; i += threads) {
                        KeyPair keys = shared ? sharedKeys : ecKeyPair();
                        String name = "d" + i + ".bench.test";
                        String leafPem = leaf(issuer, keys, 100L + i, now, List.of(name, "www." + name));
                        write(certs, layout, "d" + i, name, leafPem, intermediatePem, shared ? sharedKeyPem : privateKeyPem(keys));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Future<?> f : parts) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("gen-certs: %d certificates (%s, %s keys, %d threads) in %.1f s (%.0f per second) under %s%n",
                n, layout, shared ? "shared" : "per-leaf", threads, seconds, n / Math.max(seconds, 1e-9), certs);
    }

    private static void write(Path certs, String layout, String base, String name, String leafPem, String chainPem,
            String keyPem) throws IOException {
        switch (layout) {
            case "flat" -> {
                Files.writeString(certs.resolve(base + ".crt"), leafPem + chainPem);
                Files.writeString(certs.resolve(base + ".key"), keyPem);
            }
            case "pem" -> Files.writeString(certs.resolve(base + ".pem"), leafPem + chainPem + keyPem);
            default -> {
                Path archive = Files.createDirectories(certs.resolve("archive").resolve(name));
                Path live = Files.createDirectories(certs.resolve("live").resolve(name));
                Files.writeString(archive.resolve("cert1.pem"), leafPem);
                Files.writeString(archive.resolve("chain1.pem"), chainPem);
                Files.writeString(archive.resolve("fullchain1.pem"), leafPem + chainPem);
                Files.writeString(archive.resolve("privkey1.pem"), keyPem);
                for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
                    Files.createSymbolicLink(live.resolve(kind + ".pem"),
                            Paths.get("..", "..", "archive", name, kind + "1.pem"));
                }
            }
        }
    }

    private static String leaf(Issuer issuer, KeyPair keys, long serial, Instant now, List<String> names)
            throws GeneralSecurityException {
        return sign(new X500Name("CN=" + names.get(0)), keys, issuer.name(), issuer.keys(), now, serial,
                Duration.ofDays(90), false, names);
    }

    /** A PEM certificate for {@code subject}'s public key, signed with {@code issuerKeys}' private key. */
    private static String sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, Instant now,
            long serial, Duration lifetime, boolean ca, List<String> names) throws GeneralSecurityException {
        Instant notBefore = now.minus(Duration.ofDays(1));
        var builder = new X509v3CertificateBuilder(issuer, BigInteger.valueOf(serial), Date.from(notBefore),
                Date.from(notBefore.plus(lifetime)), subject,
                SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        names.stream().map(d -> new GeneralName(GeneralName.dNSName, d)).toArray(GeneralName[]::new)));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKeys.getPrivate());
            return pem("CERTIFICATE", builder.build(signer).getEncoded());
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static String privateKeyPem(KeyPair keys) {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
