package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trailers both ways: the client's after the last chunk to the backend, the backend's as a trailing HEADERS. */
class H2TrailersTest extends StubProxyFixture {


    @Test
    void requestAndResponseTrailersCrossTheProxy() throws Exception {
        List<String> seen = new ArrayList<>();
        a = new StubBackend("a", (r, in, out) -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<String> trailers = new ArrayList<>();
            while (true) {
                int n = Integer.parseInt(StubBackend.readLine(in).split(";")[0].trim(), 16);
                if (n == 0) {
                    for (String t = StubBackend.readLine(in); !t.isEmpty(); t = StubBackend.readLine(in)) {
                        trailers.add(t);
                    }
                    break;
                }
                body.write(in.readNBytes(n));
                StubBackend.readLine(in);
            }
            seen.add(r.method() + " te=" + r.header("te") + " body=" + body.toString(StandardCharsets.UTF_8) + " trailers=" + trailers);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nreply\r\n0\r\ngrpc-status: 0\r\ngrpc-message: fine\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port());
        String out = run(20, "/usr/bin/python3", resource("h2/trailers.py"), String.valueOf(proxy.port()));
        assertTrue(out.contains("status 200"), out);
        assertTrue(out.contains("trailers grpc-status=0;grpc-message=fine"), out);
        assertTrue(out.contains("body reply"), out);
        assertEquals(List.of("POST te=null body=hello world trailers=[x-checksum: abc123]"), seen,
                "the backend got the body, the client's trailers, and no TE (HTTP/1.1 would need Connection: TE)");
    }
}
