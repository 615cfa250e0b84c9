package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge (h2c) on the plain listener, against curl, the client users have: requests and bodies
 * reach the HTTP/1.1 backend as over HTTP/1.1, responses come back intact, HTTP/1.1 keeps working on the same port.
 */
class H2cCurlTest extends StubProxyFixture {


    /** Runs curl with a deadline; returns its output. */
    private String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        return run(30, cmd.toArray(String[]::new));
    }

    @Test
    void aGetOverH2cReachesTheBackendAsHttp11() throws Exception {
        start(ProxyBasicsTest.ECHO);
        String out = curl("--http2-prior-knowledge", "-w", "\n%{http_version} %{response_code}", url("/a/b?x=1"));
        assertTrue(out.startsWith("GET /a/b?x=1 host=127.0.0.1:" + proxy.port() + " xff=127.0.0.1 proto=http"), out);
        assertTrue(out.endsWith("\n2 200"), out);
        assertTrue(proxy.accessLine("/a/b?x=1").contains("HTTP/2"), proxy.accessLines.toString());
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().metrics().protocols().containsKey("HTTP/2")
                && proxy.engine.views().metrics().protocols().get("HTTP/2").requests == 1, 2000), "counted under HTTP/2");
    }

    @Test
    void http11StillWorksOnTheSamePort() throws Exception {
        start(ProxyBasicsTest.ECHO);
        String out = curl("--http1.1", "-w", "\n%{http_version}", url("/one"));
        assertTrue(out.startsWith("GET /one "), out);
        assertTrue(out.endsWith("\n1.1"), out);
    }

    @Test
    void bodiesWithAndWithoutALengthArriveWhole() throws Exception {
        start(ProxyBasicsTest.ECHO);
        byte[] body = new byte[200_000];
        new Random(5).nextBytes(body);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + (body[i] & 15));
        }
        Path file = dir.resolve("body");
        Files.write(file, body);
        String sized = curl("--http2-prior-knowledge", "--data-binary", "@" + file, url("/sized"));
        assertBody(body, sized, "sized");
        String unsized = curl("--http2-prior-knowledge", "-T", file.toString(), "-H", "Content-Length:", url("/unsized"));
        assertTrue(unsized.startsWith("PUT /unsized"), unsized.substring(0, 40));
        assertBody(body, unsized, "chunked");
    }

    private static void assertBody(byte[] sent, String echo, String what) {
        String got = echo.substring(echo.indexOf("body=") + 5);
        String want = new String(sent, StandardCharsets.ISO_8859_1);
        int diff = 0;
        while (diff < Math.min(got.length(), want.length()) && got.charAt(diff) == want.charAt(diff)) {
            diff++;
        }
        assertEquals(want.length(), got.length(), what + " body length (first difference at " + diff + ")");
        assertEquals(want.length(), diff, what + " body: first difference at " + diff);
    }

    /** curl 7.88 cannot reuse an h2c connection (it fails the same way against HAProxy), so nghttp multiplexes here. */
    @Test
    void manyStreamsOnOneConnectionAllAnswered() throws Exception {
        start(ProxyBasicsTest.ECHO);
        List<String> args = new ArrayList<>(List.of("nghttp", "-t", "20"));
        for (int i = 0; i < 40; i++) {
            args.add(url("/s" + i));
        }
        String out = run(60, args.toArray(String[]::new));
        for (int i = 0; i < 40; i++) {
            assertTrue(out.contains("GET /s" + i + " "), "stream " + i + " answered: " + out);
        }
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().filter(l -> l.contains(" HTTP/2 ")).count() == 40, 5000),
                "one access line per stream: " + proxy.accessLines);
    }

    @Test
    void h2loadGetsEveryAnswerWithTenStreamsAtATime() throws Exception {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "ok");
            return true;
        });
        String out = run(60, "h2load", "-n", "2000", "-c", "4", "-m", "10", url("/load"));
        assertTrue(out.contains("2000 succeeded, 0 failed, 0 errored"), out);
    }

    @Test
    void largeResponsesChunkedAndSizedComeBackIntact() throws Exception {
        byte[] big = new byte[3 << 20];
        new Random(9).nextBytes(big);
        start((r, in, out) -> {
            if (r.target().equals("/chunked")) {
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (int off = 0; off < big.length; off += 70_000) {
                    int n = Math.min(70_000, big.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(big, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(big);
            }
            out.flush();
            return true;
        });
        for (String path : List.of("/chunked", "/sized")) {
            Path file = dir.resolve(path.substring(1));
            curl("--http2-prior-knowledge", "-o", file.toString(), url(path));
            assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(file)), path + " intact");
        }
    }
}
