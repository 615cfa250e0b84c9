package dev.rsp.core.etcd;

import dev.rsp.core.net.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How rsp reaches a secured etcd: TLS to {@code https://} endpoints (the authorities of {@code tls.ca}, else the JDK's
 * trust store; a client certificate from {@code tls.cert} and {@code tls.key} for etcd's {@code --client-cert-auth}),
 * and etcd's own authentication ({@code username}, the password in {@code password.file}, exchanged for a token).
 *
 * <p>The files are read once, when the configuration is read ({@link #read}), so a bad file refuses the configuration
 * with one line naming the key, and the running source never meets it. Two readings are equal when they name the same
 * files and user and the files' contents are the same (a digest of them): so a configuration delivered again after a
 * certificate was rotated restarts the source, and one delivered again unchanged does not. The password is never in
 * {@link #toString}. Immutable.
 */
public final class EtcdAccess {

    static final EtcdAccess NONE = new EtcdAccess("", "", "", "", "", "", null, null);

    private final String ca;
    private final String cert;
    private final String key;
    private final String username;
    private final String passwordFile;
    private final String digest;
    private final SSLContext context;
    private final String password;

    private EtcdAccess(String ca, String cert, String key, String username, String passwordFile, String digest,
            SSLContext context, String password) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
        this.username = username;
        this.passwordFile = passwordFile;
        this.digest = digest;
        this.context = context;
        this.password = password;
    }

    /**
     * Reads the TLS and authentication keys of {@code c} for {@code endpoints}; problems go to {@code errors} (one line
     * each, naming PID and key), advice to {@code warnings}.
     */
    static EtcdAccess read(EtcdConfig c, List<URI> endpoints, List<String> errors, List<String> warnings) {
        String ca = c.tls_ca().strip();
        String cert = c.tls_cert().strip();
        String key = c.tls_key().strip();
        String user = c.username().strip();
        String passwordFile = c.password_file().strip();
        boolean anyHttp = endpoints.stream().anyMatch(u -> "http".equalsIgnoreCase(u.getScheme()));
        int before = errors.size();
        if (cert.isEmpty() != key.isEmpty()) {
            errors.add(EtcdSettings.PID + ": tls.cert and tls.key go together: set both (a client certificate) or neither");
        }
        if ((!ca.isEmpty() || !cert.isEmpty()) && anyHttp) {
            errors.add(EtcdSettings.PID + ": tls.ca / tls.cert are set but an endpoint is http://: name every endpoint "
                    + "https://host:port, or leave the tls keys empty");
        }
        if (user.isEmpty() != passwordFile.isEmpty()) {
            errors.add(EtcdSettings.PID + ": username and password.file go together: set both or neither");
        }
        if (errors.size() > before) {
            return NONE;
        }
        MessageDigest md = sha256();
        SSLContext context = null;
        boolean anyHttps = endpoints.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
        if (anyHttps) {
            try {
                context = context(ca, cert, key, md);
            } catch (IOException | GeneralSecurityException e) {
                errors.add(EtcdSettings.PID + ": tls: " + e.getMessage());
                return NONE;
            }
        }
        String password = null;
        if (!user.isEmpty()) {
            Path file = PemFiles.resolve(passwordFile);
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int eol = text.indexOf('\n');
                password = (eol < 0 ? text : text.substring(0, eol)).stripTrailing();
            } catch (IOException e) {
                errors.add(EtcdSettings.PID + ": password.file = '" + passwordFile + "': cannot read " + file + ": " + e.getMessage());
                return NONE;
            }
            if (password.isEmpty()) {
                errors.add(EtcdSettings.PID + ": password.file = '" + passwordFile + "': its first line is empty");
                return NONE;
            }
            md.update(password.getBytes(StandardCharsets.UTF_8));
            if (anyHttp) {
                warnings.add(EtcdSettings.PID + ": username is set and an endpoint is http://: the password and the "
                        + "token cross the network in clear; use https:// endpoints");
            }
        }
        return new EtcdAccess(ca, cert, key, user, passwordFile, HexFormat.of().formatHex(md.digest()), context, password);
    }

    private static SSLContext context(String ca, String cert, String key, MessageDigest md)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (ca.isEmpty()) {
            tmf.init((KeyStore) null);
        } else {
            List<X509Certificate> authorities = certificates("tls.ca", ca, md);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                ks.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            tmf.init(ks);
        }
        KeyManagerFactory kmf = null;
        if (!cert.isEmpty()) {
            List<X509Certificate> chain = certificates("tls.cert", cert, md);
            Path keyFile = PemFiles.resolve(key);
            PrivateKey privateKey;
            try {
                privateKey = PemFiles.privateKey(keyFile);
                md.update(Files.readAllBytes(keyFile));
            } catch (IOException | GeneralSecurityException e) {
                throw new GeneralSecurityException("tls.key = '" + key + "': " + e.getMessage(), e);
            }
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try {
                ks.setKeyEntry("client", privateKey, none, chain.toArray(new X509Certificate[0]));
            } catch (GeneralSecurityException e) {
                throw new GeneralSecurityException("tls.key = '" + key + "' does not go with the certificate of tls.cert: "
                        + e.getMessage(), e);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static List<X509Certificate> certificates(String name, String configured, MessageDigest md)
            throws IOException, GeneralSecurityException {
        Path file = PemFiles.resolve(configured);
        List<X509Certificate> out = new ArrayList<>();
        Optional<String> problem = PemFiles.certificates(file, out);
        if (problem.isPresent()) {
            throw new GeneralSecurityException(name + " = '" + configured + "': " + problem.get());
        }
        md.update(Files.readAllBytes(file));
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The TLS context for https endpoints, or null when no endpoint is https. */
    SSLContext sslContext() {
        return context;
    }

    /** Whether rsp authenticates to etcd (a user is set). */
    boolean authenticates() {
        return !username.isEmpty();
    }

    String username() {
        return username;
    }

    /** The user's password; never logged. */
    String password() {
        return password;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtcdAccess a && ca.equals(a.ca) && cert.equals(a.cert) && key.equals(a.key)
                && username.equals(a.username) && passwordFile.equals(a.passwordFile) && digest.equals(a.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ca, cert, key, username, passwordFile, digest);
    }

    @Override
    public String toString() {
        return "EtcdAccess[tls.ca=" + ca + ", tls.cert=" + cert + ", tls.key=" + key + ", username=" + username
                + ", password.file=" + passwordFile + "]";
    }
}
