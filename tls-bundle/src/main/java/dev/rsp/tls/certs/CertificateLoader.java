package dev.rsp.tls.certs;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Turns a chain file and a key file into a {@link ServedCertificate}, or says why it cannot: unreadable or bad PEM,
 * a key that is not RSA or EC, a key that does not match the first certificate (the chain must start with the leaf),
 * a wrong password, a certificate without DNS names. Runs on a loader thread or the store's; pure apart from reading
 * the files. A combined PEM is both files at once: its certificates are the chain, its first key block the key.
 */
public final class CertificateLoader {

    /** Protects the key inside the in-memory key store only; never leaves this process. */
    private static final char[] IN_MEMORY = "rsp-in-memory".toCharArray();
    private static final byte[] PROBE = "rsp key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The outcome of {@link #load}. */
    sealed interface Loaded {
    }

    record Served(ServedCertificate certificate) implements Loaded {
    }

    /** Unusable: {@code file} is the file to blame. */
    record Broken(Path file, String reason) implements Loaded {
    }

    private CertificateLoader() {
    }

    /** Loads an indexed certificate; its id is the loaded one's source, {@code default} its base name if it is the default. */
    static Loaded load(IndexedCertificate c, char[] password) {
        if (c.chainFile().isEmpty()) {
            return new Broken(null, "a generated certificate cannot be loaded again");
        }
        return load(c.isDefault() ? ServedCertificate.DEFAULT : c.id(), c.id(), c.chainFile().get(), c.keyFile(), password);
    }

    static Loaded load(String baseName, Path chainFile, Path keyFile, char[] password) {
        return load(baseName, chainFile.getFileName().toString(), chainFile, keyFile, password);
    }

    private static Loaded load(String baseName, String source, Path chainFile, Path keyFile, char[] password) {
        PemFiles.Read<List<X509Certificate>> chain = PemFiles.certificates(chainFile);
        if (chain instanceof PemFiles.Failed<List<X509Certificate>> f) {
            return new Broken(chainFile, f.reason());
        }
        PemFiles.Read<PrivateKey> key = PemFiles.privateKey(keyFile, password);
        if (key instanceof PemFiles.Failed<PrivateKey> f) {
            return new Broken(keyFile, f.reason());
        }
        List<X509Certificate> certs = ((PemFiles.Ok<List<X509Certificate>>) chain).value();
        PrivateKey privateKey = ((PemFiles.Ok<PrivateKey>) key).value();
        if (!privateKey.getAlgorithm().equals("RSA") && !privateKey.getAlgorithm().equals("EC")) {
            return new Broken(keyFile, "a " + privateKey.getAlgorithm() + " key; only RSA and EC keys are served");
        }
        if (!matches(privateKey, certs.get(0))) {
            return new Broken(keyFile, "the key does not match the certificate " + certs.get(0).getSubjectX500Principal()
                    + " at the start of " + chainFile.getFileName() + " (the chain file must start with the leaf)");
        }
        List<String> names = names(certs.get(0));
        if (names.isEmpty() && !baseName.equals(ServedCertificate.DEFAULT)) {
            return new Broken(chainFile, "the certificate names no DNS host (no DNS subjectAltName, no CN)");
        }
        try {
            return new Served(new ServedCertificate(baseName, source, names, certs,
                    ServedCertificate.keyType(privateKey), context(privateKey, certs), privateKey));
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            return new Broken(chainFile, "the JDK cannot use this key and chain: " + PemFiles.message(e));
        }
    }

    /**
     * A TLS context over one key and its chain (a KeyManagerFactory over an in-memory key store). The store is JKS,
     * not PKCS12: PKCS12 encrypts the key with 10,000 rounds of PBKDF2 on {@code setKeyEntry}, about 5 ms per
     * certificate loaded, for a store that never leaves memory.
     */
    public static SSLContext context(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException, java.io.IOException {
        KeyStore store = inMemoryKeyStore();
        store.load(null, null);
        store.setKeyEntry("served", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, IN_MEMORY);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** An empty key store that holds keys in memory cheaply (JKS; see {@link #context}). */
    public static KeyStore inMemoryKeyStore() throws GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        return store;
    }

    /** Signs a fixed text with the key and verifies it with the certificate's public key. */
    static boolean matches(PrivateKey key, X509Certificate leaf) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key, new SecureRandom());
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The DNS subjectAltNames, canonical; the subject CN only when there is no DNS subjectAltName. */
    static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() == 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                        add(names, dns);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an undecodable extension: fall back to the CN as if there were no subjectAltName
        }
        if (names.isEmpty()) {
            commonName(leaf).ifPresent(cn -> add(names, cn));
        }
        return List.copyOf(names);
    }

    private static void add(List<String> names, String name) {
        CertificateNames.canonicalName(name).filter(n -> !names.contains(n)).ifPresent(names::add);
    }

    private static Optional<String> commonName(X509Certificate leaf) {
        try {
            RDN[] cns = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
            return cns.length == 0 ? Optional.empty()
                    : Optional.of(IETFUtils.valueToString(cns[cns.length - 1].getFirst().getValue()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
