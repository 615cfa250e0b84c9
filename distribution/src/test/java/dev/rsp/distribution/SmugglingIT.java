package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/rsp} with its demo, spoken to by curl the way curl users do: an {@code Upgrade: h2c} offer
 * ({@code curl --http2} on http://) is served as HTTP/1.1 rather than opening an HTTP/2 tunnel past routing, and a
 * request sent through rsp as a forward proxy ({@code curl -x}, absolute-form) reaches the backend with the host it
 * was routed by.
 */
class SmugglingIT {

    @TempDir
    static Path tmp;
    static Process rsp;
    static Path log;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        port = home.httpPort;
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Waits.until("the demo answering through rsp", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: alice.example.com\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        }, log);
    }

    @AfterAll
    static void stop() throws Exception {
        rsp.destroy();
        if (!rsp.waitFor(10, TimeUnit.SECONDS)) {
            rsp.destroyForcibly();
        }
    }

    @Test
    void curlsH2cUpgradeIsServedAsHttp11() throws Exception {
        String out = curl("-sS", "-i", "--http2", "-H", "Host: alice.example.com", "http://127.0.0.1:" + port + "/h2c");
        assertTrue(out.startsWith("HTTP/1.1 200"), "no 101, no HTTP/2: " + out);
        assertTrue(out.contains("demo-") && out.contains("path: /h2c"), out);
    }

    @Test
    void anAbsoluteFormRequestReachesTheBackendWithTheHostItWasRoutedBy() throws Exception {
        String out = curl("-sS", "-x", "http://127.0.0.1:" + port, "-H", "Host: alice.example.com",
                "http://bob.example.com/abs");
        assertTrue(out.contains("host: bob.example.com") && out.contains("path: /abs"), out);
    }

    private String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TlsFixture.tool("curl"), "--max-time", "10"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "curl", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("did not finish: " + cmd);
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }
}
