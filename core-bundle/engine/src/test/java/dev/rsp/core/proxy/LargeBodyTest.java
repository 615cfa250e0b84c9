package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A body larger than the buffers, sent after a separately flushed head (as nginx does with sendfile). */
class LargeBodyTest {

    @Test
    void headThenLargeBodyArrivesWhole() throws IOException {
        byte[] body = new byte[1 << 20];
        new Random(7).nextBytes(body);
        try (StubBackend be = new StubBackend("big", (r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nServer: stub\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + body.length + "\r\nETag: \"x\"\r\nAccept-Ranges: bytes\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            out.write(body);
            return true;
        }); ProxyHarness proxy = new ProxyHarness().withStrategy().backend("big", be.port());
             TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 3; i++) {
                TestClient.Response r = c.get("bench.local", "/big.bin");
                assertEquals(200, r.status());
                assertEquals(body.length, r.body().length);
                assertArrayEquals(body, r.body());
            }
        }
    }
}
