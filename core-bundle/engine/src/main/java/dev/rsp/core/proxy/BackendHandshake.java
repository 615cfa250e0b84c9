package dev.rsp.core.proxy;

import dev.rsp.config.Addresses;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.TlsEngineKind;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLEngine;

/**
 * The client side of the TLS handshake with a backend marked {@code ;tls}, on its connection's endpoint (see
 * {@link BackendOpening}): begun once TCP is connected, driven on each readiness of the endpoint until the engine is
 * done, then the protocol ALPN agreed is checked against the one rsp will speak. Nothing
 * may be written to the endpoint before {@link #advance} returned true.
 *
 * <p>Every handshake ends counted once: {@code backend.tls.handshakes} (and {@code backend.tls.insecure} for a
 * certificate not checked), or {@code backend.tls.failed}. A failure is thrown as {@link Failed}, whose message says
 * why in words, and logged at WARN naming the backend (at most once per backend every 10 s, see {@link BackendTlsLog}).
 * Loop thread only.
 */
final class BackendHandshake {

    /** A handshake that cannot complete; the message says why, e.g. "failed the TLS handshake: its certificate ...". */
    static final class Failed extends IOException {
        Failed(String why) {
            super(why);
        }
    }

    private final Endpoint endpoint;
    private final Backend backend;
    private final String alpn;
    private final ProxyEngine engine;
    private final BackendTls tls;
    private boolean done;
    /** The outcome is counted (done, failed, or abandoned). */
    private boolean counted;

    private BackendHandshake(Endpoint endpoint, Backend backend, String alpn, ProxyEngine engine, BackendTls tls) {
        this.endpoint = endpoint;
        this.backend = backend;
        this.alpn = alpn;
        this.engine = engine;
        this.tls = tls;
    }

    /**
     * Switches {@code endpoint}, connected, to TLS with a client engine for {@code backend} offering {@code alpn}
     * ({@code http/1.1} or {@code h2}); read interest is on from here, and the first {@link #advance} sends the
     * ClientHello.
     */
    static BackendHandshake begin(Endpoint endpoint, Backend backend, String alpn, ProxyEngine engine, LoopContext ctx)
            throws IOException {
        BackendTls tls = engine.settings().backendTls();
        SSLEngine client = tls.engine(backend, alpn);
        TlsEngineKind kind = TlsEngineKind.JSSE;
        int size = engine.settings().bufferSize();
        try {
            endpoint.startTls(client, kind, ctx.tlsPlain(kind, client, size), ctx.tlsNet(kind, client, size),
                    engine.tlsTasks());
        } catch (IOException | RuntimeException e) {
            if (!endpoint.isTls()) {
                kind.release(client);
            }
            throw e;
        }
        endpoint.wantRead(true);
        return new BackendHandshake(endpoint, backend, alpn, engine, tls);
    }

    boolean done() {
        return done;
    }

    /**
     * Drives the handshake with what the socket has.
     *
     * @return true once it completed and the backend agreed to {@code alpn} (or, for HTTP/1.1, to no protocol at all)
     * @throws Failed when it cannot complete (counted and logged)
     */
    boolean advance() throws Failed {
        if (done) {
            return true;
        }
        int n;
        try {
            n = endpoint.read();
        } catch (IOException e) {
            throw failed("failed the TLS handshake: " + why(e));
        }
        if (endpoint.tlsHandshaking()) {
            if (n < 0) {
                throw failed("closed the connection during the TLS handshake");
            }
            return false;
        }
        String chosen = endpoint.tlsApplicationProtocol();
        if (!chosen.equals(alpn) && !(chosen.isEmpty() && alpn.equals("http/1.1"))) {
            throw failed("did not agree to " + alpn + " over ALPN (it chose " + (chosen.isEmpty() ? "none" : chosen) + ")");
        }
        done = true;
        counted = true;
        engine.counters().count(Counter.BACKEND_TLS_HANDSHAKES);
        if (backend.tls() == Backend.Tls.INSECURE) {
            engine.counters().count(Counter.BACKEND_TLS_INSECURE);
        }
        return true;
    }

    /** The connection closes: a handshake still in progress (a connect timeout, a stop) counts as failed. */
    void closed() {
        if (!counted) {
            counted = true;
            engine.counters().count(Counter.BACKEND_TLS_FAILED);
        }
    }

    private Failed failed(String why) {
        if (!counted) {
            counted = true;
            engine.counters().count(Counter.BACKEND_TLS_FAILED);
        }
        engine.backendTlsLog().failed(backend.name(), new Addresses.Address(backend.host(), backend.port()).toString(), why);
        return new Failed(why);
    }

    /** Why the engine gave up, in words: the certificate's fault when it was, else the engine's message. */
    private String why(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "its certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "its certificate is not valid yet (" + t.getMessage() + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateException && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return "its certificate does not name " + backend.host() + " (" + m + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "its certificate is not trusted: not signed by an authority of " + tls.trusted();
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.toLowerCase(Locale.ROOT).contains("unrecognized ssl message")) {
            return m + " (does it speak TLS on that port?)";
        }
        return m;
    }
}
