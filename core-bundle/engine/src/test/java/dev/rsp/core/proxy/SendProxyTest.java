package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.ActiveChecks;
import dev.rsp.core.proxyprotocol.ProxyHeader;
import dev.rsp.core.proxyprotocol.ProxyHeaderWriter;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ;send-proxy=v1|v2}: every connection to the backend starts with a PROXY header naming the client connection
 * it carries requests for, and is reused only for that same client connection.
 */
class SendProxyTest {

    ProxyReceivingBackend backend;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(Backend.SendProxy version) throws IOException {
        backend = new ProxyReceivingBackend();
        proxy = new ProxyHarness().withStrategy().backend(new Backend("p", "127.0.0.1", backend.port(), 1,
                Backend.Protocol.HTTP1, Backend.Tls.NONE, 0, version));
    }

    private String expected(TestClient c, int version) {
        return " v" + version + " from 127.0.0.1:" + c.socket.getLocalPort() + " to 127.0.0.1:" + proxy.port();
    }

    @Test
    void v2NamesEachClientConnectionAndReusesABackendConnectionOnlyForTheSameClient() throws Exception {
        start(Backend.SendProxy.V2);
        try (TestClient one = new TestClient(proxy.address()); TestClient two = new TestClient(proxy.address())) {
            String first = one.get("a.example", "/1").text();
            String again = one.get("a.example", "/2").text();
            String other = two.get("a.example", "/3").text();
            String third = one.get("a.example", "/4").text();
            assertTrue(first.endsWith(expected(one, 2)), first);
            assertEquals(first, again, "the client's second request rides its own backend connection, header sent once");
            assertEquals(first, third, "still the same after another client's request");
            assertTrue(other.endsWith(expected(two, 2)), other);
            assertNotEquals(first.split(" ")[0], other.split(" ")[0], "another client gets a connection of its own");
        }
        assertEquals(2, backend.headers.size());
        assertEquals(0, backend.rejected.size());
    }

    @Test
    void v1LineNamesTheClient() throws Exception {
        start(Backend.SendProxy.V1);
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("a.example", "/");
            assertEquals(200, r.status());
            assertTrue(r.text().endsWith(expected(c, 1)), r.text());
        }
    }

    @Test
    void behindAPeerThatSentAHeaderTheBackendIsToldWhatThatHeaderSaid() throws Exception {
        backend = new ProxyReceivingBackend();
        proxy = new ProxyHarness(Map.of("proxy.protocol", "v2", "proxy.trusted", "127.0.0.1/32")).withStrategy()
                .backend(new Backend("p", "127.0.0.1", backend.port(), 1, Backend.Protocol.HTTP1, Backend.Tls.NONE, 0,
                        Backend.SendProxy.V1));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(ProxyHeaderWriter.proxied(2, new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 5555),
                    new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 443)));
            String said = c.get("a.example", "/").text();
            assertTrue(said.endsWith(" v1 from 203.0.113.7:5555 to 198.51.100.1:443"), said);
        }
    }

    @Test
    void theHeaderPrecedesRspsOwnTlsToATlsBackend() throws Exception {
        TestPki.Identity id = TestPki.selfSigned("backend.example");
        backend = new ProxyReceivingBackend(id.serverContext());
        proxy = new ProxyHarness().withStrategy().backend(new Backend("p", "127.0.0.1", backend.port(), 1,
                Backend.Protocol.HTTP1, Backend.Tls.INSECURE, 0, Backend.SendProxy.V2));
        try (TestClient c = new TestClient(proxy.address())) {
            String first = c.get("a.example", "/1").text();
            assertTrue(first.endsWith(expected(c, 2)), first);
            assertEquals(first, c.get("a.example", "/2").text(), "the TLS connection is reused for the same client");
        }
    }

    @Test
    void aTlsPassthroughSendsTheHeaderBeforeTheClientsOwnTls() throws Exception {
        TestPki.Identity id = TestPki.selfSigned("bob.example.com");
        backend = new ProxyReceivingBackend(id.serverContext());
        proxy = new ProxyHarness().withStrategy().backend(new Backend("bob", "127.0.0.1", backend.port(), 1,
                Backend.Protocol.HTTP1, Backend.Tls.NONE, 0, Backend.SendProxy.V1));
        TestTlsFront front = TestTlsFront.passthrough(Optional.of("bob"), 0);
        proxy.engine.addTlsFront(front);
        InetSocketAddress tls = proxy.engine.tlsAddress(front);
        Socket raw = new Socket();
        raw.connect(tls, 2000);
        SSLSocket s = (SSLSocket) id.clientContext().getSocketFactory().createSocket(raw, "bob.example.com", tls.getPort(), true);
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName("bob.example.com")));
        s.setSSLParameters(params);
        try (TestClient c = new TestClient(s)) {
            String said = c.get("bob.example.com", "/").text();
            assertTrue(said.endsWith(" v1 from 127.0.0.1:" + raw.getLocalPort() + " to 127.0.0.1:" + tls.getPort()), said);
        }
    }

    @Test
    void healthChecksSendALocalHeader() throws Exception {
        backend = new ProxyReceivingBackend();
        proxy = new ProxyHarness(Map.of("health.check.interval.ms", "20", "health.check.path", "/healthz")).withStrategy()
                .backend(new Backend("p", "127.0.0.1", backend.port(), 1, Backend.Protocol.HTTP1, Backend.Tls.NONE, 0,
                        Backend.SendProxy.V2));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (ActiveChecks checks = new ActiveChecks(proxy.engine.health(), timer, proxy.engine.checkTls())) {
            checks.update(proxy.engine.directory());
            assertTrue(ProxyHarness.await(() -> backend.headers.stream().anyMatch(h -> h instanceof ProxyHeader.Local
                    && h.version() == 2), 5000), "a v2 LOCAL header from the check: " + backend.headers);
        } finally {
            timer.shutdownNow();
        }
        assertEquals(0, backend.rejected.size());
        assertTrue(backend.headers.stream().allMatch(h -> h instanceof ProxyHeader.Local), "no client named by a check");
    }

    @Test
    void aBackendWithoutSendProxyGetsNoHeader() throws Exception {
        backend = new ProxyReceivingBackend();
        proxy = new ProxyHarness().withStrategy().backend("plain", backend.port());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(400, c.get("a.example", "/").status());
        }
        assertEquals(1, backend.rejected.size(), "the backend saw HTTP where a header belongs");
    }
}
