package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code mode = passthrough}: the ClientHello routed by its server name, the backend's own TLS relayed unchanged (also
 * when the hello comes one byte at a time), garbage closed before any backend.
 */
class TlsPassthroughIT extends TlsFixture {

    @Test
    void passthroughRelaysTheBackendsOwnTlsByServerNameEvenWhenTheHelloComesOneByteAtATime() throws Exception {
        Identity backendId = Identity.make("bob.example.com");
        try (javax.net.ssl.SSLServerSocket backend = (javax.net.ssl.SSLServerSocket) backendId.serverContext()
                .getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> TlsEchoBackend.serve(backend), "tls-backend");
            serving.setDaemon(true);
            serving.start();
            // Every backend (the demo's, all on 127.0.0.1) takes TLS on the test server's port.
            start(Identity.make("alice.example.com"), "mode = passthrough\npassthrough.backend.port = " + backend.getLocalPort());
            Path ca = tmp.resolve("bob-ca.pem");
            Files.writeString(ca, pem(backendId.certificate));
            String body = run(List.of(tool("curl"), "-sS", "--max-time", "10", "--cacert", ca.toString(), "--resolve",
                    "bob.example.com:" + tlsPort + ":127.0.0.1", "https://bob.example.com:" + tlsPort + "/through"), "");
            assertEquals("tls-backend /through", body);
            try (OneByteRelay relay = new OneByteRelay(new InetSocketAddress("127.0.0.1", tlsPort), 4096);
                 SSLSocket s = connect(backendId, "bob.example.com", relay.address().getPort())) {
                assertEquals(backendId.certificate, s.getSession().getPeerCertificates()[0], "the backend's own certificate");
                assertTrue(get(s, "bob.example.com", "/slow").endsWith("tls-backend /slow"));
            }
            // Garbage gets closed, nothing reaches the backend.
            try (Socket g = new Socket("127.0.0.1", tlsPort)) {
                g.setSoTimeout(10_000);
                g.getOutputStream().write(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
                assertEquals(-1, g.getInputStream().read());
            }
        }
    }
}
