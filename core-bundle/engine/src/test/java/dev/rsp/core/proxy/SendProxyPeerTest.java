package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.core.testing.ExternalPrograms;
import dev.rsp.spi.routing.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ;send-proxy} against a real receiver: HAProxy with {@code accept-proxy} answers every request with the
 * client address and port, and the address and port it was sent to, that the header gave it.
 */
class SendProxyPeerTest {

    @TempDir
    Path dir;
    private Process haproxy;
    private ProxyHarness proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (haproxy != null) {
            haproxy.destroy();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.SendProxy.class, names = {"V1", "V2"})
    void haproxySeesTheClientOfRsp(Backend.SendProxy version) throws Exception {
        String exe = ExternalPrograms.executable("haproxy", "apt-get install haproxy");
        int port = ExternalPrograms.freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, "global\n  maxconn 100\n"
                + "defaults\n  mode http\n  timeout connect 5s\n  timeout client 10s\n  timeout server 10s\n"
                + "frontend fe\n  bind 127.0.0.1:" + port + " accept-proxy\n"
                + "  http-request return status 200 content-type text/plain lf-string \"%[src]:%[src_port] %[dst]:%[dst_port]\"\n");
        Path log = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(exe, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ExternalPrograms.awaitListening(haproxy, port, log, 10_000);
        proxy = new ProxyHarness().withStrategy().backend(new Backend("h", "127.0.0.1", port, 1,
                Backend.Protocol.HTTP1, Backend.Tls.NONE, 0, version));
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 2; i++) {
                TestClient.Response r = c.get("a.example", "/" + i);
                assertEquals(200, r.status(), r.text());
                assertEquals("127.0.0.1:" + c.socket.getLocalPort() + " 127.0.0.1:" + proxy.port(), r.text().trim());
            }
        }
    }
}
