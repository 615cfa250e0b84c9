package dev.rsp.tls.acme;

import com.sun.net.httpserver.HttpServer;
import dev.rsp.spi.tls.HttpChallenges;
import dev.rsp.tls.certs.CertificateManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Stand-ins for the parts of rsp that answer challenges, so the ACME client can be tested alone against pebble: an
 * HTTP server answering {@code /.well-known/acme-challenge/TOKEN} from an {@link HttpChallenges} (as the core does),
 * and a TLS server presenting {@link CertificateManager#alpnChallenge} to {@code acme-tls/1} clients (as the TLS
 * front does). Both bind 127.0.0.1 on a port of their own; pebble is told the ports.
 */
final class ChallengeServers implements AutoCloseable {

    private final HttpServer http;
    private final SSLServerSocket tls;
    private final ExecutorService tlsThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-tls-alpn");
        t.setDaemon(true);
        return t;
    });
    private volatile HttpChallenges answers = (host, token) -> Optional.empty();
    private volatile CertificateManager manager;

    ChallengeServers() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext(HttpChallenges.PATH_PREFIX, exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host");
            host = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            String token = exchange.getRequestURI().getPath().substring(HttpChallenges.PATH_PREFIX.length());
            Optional<String> answer = answers.keyAuthorization(host, token);
            byte[] body = answer.orElse("no such challenge").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(answer.isPresent() ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        // JSSE reads this once, at the first server handshake in the JVM: set it as rsp's TLS front does, so that this
        // server does not freeze it unset for the TLS tests that run later in the same JVM
        System.getProperties().putIfAbsent("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new AlpnKeys()}, null, null);
        tls = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16,
                java.net.InetAddress.getByName("127.0.0.1"));
        tlsThreads.execute(this::acceptTls);
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int tlsPort() {
        return tls.getLocalPort();
    }

    /** Where both servers take their answers from. */
    void answerFrom(HttpChallenges http01, CertificateManager alpn) {
        this.answers = http01;
        this.manager = alpn;
    }

    private void acceptTls() {
        while (!tls.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) tls.accept();
                tlsThreads.execute(() -> handshake(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handshake(SSLSocket s) {
        try (s) {
            s.setSoTimeout(10_000);
            s.setHandshakeApplicationProtocolSelector((socket, offered) ->
                    offered.contains("acme-tls/1") ? "acme-tls/1" : null);
            s.startHandshake();
        } catch (IOException expected) {
            // the validator closes once it has seen the certificate
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        tls.close();
        tlsThreads.shutdownNow();
    }

    /** Picks the validation certificate by the ClientHello's server name. */
    private final class AlpnKeys extends X509ExtendedKeyManager {

        private Optional<CertificateManager.AlpnChallenge> challenge(String alias) {
            CertificateManager m = manager;
            return m == null || alias == null ? Optional.empty() : m.alpnChallenge(alias);
        }

        private String alias(String keyType, Object sessionOwner) {
            if (!(sessionOwner instanceof SSLSocket socket)
                    || !(socket.getHandshakeSession() instanceof ExtendedSSLSession session)) {
                return null;
            }
            for (var sni : session.getRequestedServerNames()) {
                if (sni instanceof SNIHostName host) {
                    String name = host.getAsciiName().toLowerCase(Locale.ROOT);
                    return challenge(name).filter(c -> c.key().getAlgorithm().equals(keyType)).map(c -> name).orElse(null);
                }
            }
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return challenge(alias).map(c -> new X509Certificate[] {c.certificate()}).orElse(null);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return challenge(alias).map(CertificateManager.AlpnChallenge::key).orElse(null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

}
