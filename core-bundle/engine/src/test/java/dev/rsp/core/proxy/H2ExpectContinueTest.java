package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code expect: 100-continue} from an HTTP/2 client: the field reaches the backend, whose interim 100 comes back as
 * an informational HEADERS frame, and only then does the client send its body (python3-h2's client waits for it).
 */
class H2ExpectContinueTest extends StubProxyFixture {

    private H2Backend h2;

    @AfterEach
    void closeH2() {
        if (h2 != null) {
            h2.close();
        }
    }

    @Test
    void anHttp1BackendsInterim100ReachesTheH2ClientBeforeItSendsTheBody() throws Exception {
        List<String> seen = new ArrayList<>();
        start((r, in, out) -> {
            seen.add("expect=" + r.header("expect"));
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String body = new String(in.readNBytes(Integer.parseInt(r.header("content-length"))), StandardCharsets.ISO_8859_1);
            seen.add("body=" + body);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ngot").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        String out = run(20, "/usr/bin/python3", resource("h2/expect.py"), String.valueOf(proxy.port()));
        assertTrue(out.contains("interim 100\nstatus 200\nbody got"), out);
        assertEquals(List.of("expect=100-continue", "body=hello world"), seen);
    }

    @Test
    void anH2BackendsInterim100ReachesTheH2ClientToo() throws Exception {
        h2 = H2Backend.start(dir);
        proxy = new ProxyHarness(Map.of()).withStrategy();
        proxy.backend(new Backend("h2", "127.0.0.1", h2.port(), 1, Backend.Protocol.H2));
        String out = run(20, "/usr/bin/python3", resource("h2/expect.py"), String.valueOf(proxy.port()), "/echo");
        assertTrue(out.contains("interim 100\nstatus 200\nbody hello world"), out);
        assertEquals(1, h2.events("END ").size(), h2.events().toString());
    }
}
