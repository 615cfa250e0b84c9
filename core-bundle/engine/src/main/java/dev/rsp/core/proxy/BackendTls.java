package dev.rsp.core.proxy;

import dev.rsp.core.net.PemFiles;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How rsp speaks TLS to backends marked {@code ;tls}. Built from {@code backend.tls.ca} once per configuration, off the
 * loops (it reads the file): the authorities rsp trusts, from that PEM bundle or, when it is empty, the JDK's default
 * trust store, made into a client context. On a loop, {@link #engine} makes one client engine per connection without
 * I/O: a {@link Backend.Tls#VERIFIED} backend's certificate must chain to a trusted authority and name the backend's
 * host (JSSE's {@code HTTPS} identification, RFC 2818/6125); a {@link Backend.Tls#INSECURE} one is not checked at all.
 * Either way the host is sent as SNI when it is a DNS name, and ALPN offers exactly the protocol rsp will speak.
 *
 * <p>Immutable; equal when the same path gave the same certificates, so re-reading an unchanged configuration changes
 * nothing. A changed file applies to connections opened after the configuration is applied again.
 */
final class BackendTls {

    static final String KEY = "backend.tls.ca";

    private final String path;
    private final List<X509Certificate> authorities;
    private final SSLContext verifying;
    private final SSLContext unchecked;

    private BackendTls(String path, List<X509Certificate> authorities, SSLContext verifying, SSLContext unchecked) {
        this.path = path;
        this.authorities = List.copyOf(authorities);
        this.verifying = verifying;
        this.unchecked = unchecked;
    }

    /**
     * Reads {@code backend.tls.ca}: empty for the JDK's default trust store, else a file of PEM certificates (a
     * relative path is resolved against rsp's home, the system property {@code rsp.home}, else the working directory).
     * A missing, unreadable or certificate-less file adds one line to {@code errors} and gives the JDK default, which
     * the caller does not use: it refuses the configuration. Blocking file I/O: never on a loop.
     */
    static BackendTls load(String configured, List<String> errors) {
        String path = configured.strip();
        List<X509Certificate> authorities = new ArrayList<>();
        if (!path.isEmpty()) {
            Path file = resolve(path);
            Optional<String> problem = PemFiles.certificates(file, authorities);
            if (problem.isPresent()) {
                errors.add(KEY + " = '" + configured + "': " + problem.get());
                path = "";
                authorities.clear();
            }
        }
        try {
            return new BackendTls(path, authorities, verifyingContext(authorities), uncheckedContext());
        } catch (GeneralSecurityException | IOException e) {
            errors.add(KEY + " = '" + configured + "': the trusted authorities cannot be used: " + e.getMessage());
            return new BackendTls("", List.of(), null, null);
        }
    }

    /** {@code configured} against rsp's home, as for {@code errors.dir}. */
    static Path resolve(String configured) {
        return PemFiles.resolve(configured);
    }

    private static SSLContext verifyingContext(List<X509Certificate> authorities) throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (authorities.isEmpty()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                ks.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            tmf.init(ks);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static SSLContext uncheckedContext() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {TRUST_ANYONE}, null);
        return ctx;
    }

    /**
     * A client engine for one connection to {@code backend} (not {@link Backend.Tls#NONE}), offering {@code alpn} only.
     * Loop thread; no I/O.
     */
    SSLEngine engine(Backend backend, String alpn) {
        boolean verify = backend.tls() == Backend.Tls.VERIFIED;
        SSLEngine e = (verify ? verifying : unchecked).createSSLEngine(backend.host(), backend.port());
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        serverName(backend.host()).ifPresent(n -> p.setServerNames(List.of(n)));
        p.setApplicationProtocols(new String[] {alpn});
        e.setSSLParameters(p);
        return e;
    }

    /**
     * A client socket over {@code connected} for the active check of {@code backend} (not {@link Backend.Tls#NONE}),
     * with the same trust, identification, SNI and ALPN rules as {@link #engine}. Blocking I/O: check threads only.
     */
    java.net.Socket socket(java.net.Socket connected, Backend backend, String alpn) throws IOException {
        boolean verify = backend.tls() == Backend.Tls.VERIFIED;
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) (verify ? verifying : unchecked).getSocketFactory()
                .createSocket(connected, backend.host(), backend.port(), true);
        s.setUseClientMode(true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        serverName(backend.host()).ifPresent(n -> p.setServerNames(List.of(n)));
        p.setApplicationProtocols(new String[] {alpn});
        s.setSSLParameters(p);
        return s;
    }

    /** The SNI of {@code host}: none for an address literal, nor for a name SNI cannot carry (one with {@code _}). */
    static Optional<SNIHostName> serverName(String host) {
        if (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** What a verified backend's certificate must be signed by, in words for a log line. */
    String trusted() {
        return path.isEmpty() ? "the JDK's default trust store" : KEY + " (" + path + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendTls t && t.path.equals(path) && t.authorities.equals(authorities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, authorities);
    }

    @Override
    public String toString() {
        return "BackendTls[" + trusted() + ", " + authorities.size() + " authorities]";
    }

    /** Accepts every certificate: for {@code ;tls=insecure} backends only. */
    private static final X509ExtendedTrustManager TRUST_ANYONE = new X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("a client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // ;tls=insecure: not checked, by the operator's choice
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("a client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // ;tls=insecure: not checked, by the operator's choice
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // ;tls=insecure: not checked, by the operator's choice
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
