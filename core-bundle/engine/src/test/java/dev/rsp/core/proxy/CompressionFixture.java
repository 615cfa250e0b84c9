package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
/**
 * The backend and helpers of the compression tests ({@code compression = gzip}, real sockets): a stub backend that
 * answers sized, chunked (with trailers) and until-close bodies of seeded text, responses each skip rule must leave
 * alone, and bodies that are cut, stalled or malformed. After each test every deflater has been ended.
 */
abstract class CompressionFixture extends StubProxyFixture {

    static final byte[] TEXT = text(7, 300_000);
    /** Backend bytes written by the /big handler. */
    final AtomicLong bigWritten = new AtomicLong();

    @AfterEach
    void noDeflaterLeft() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "every deflater ended: " + GzipSource.live());
    }

    /** Seeded text: words from a small vocabulary, compressible about as HTML is. */
    static byte[] text(long seed, int size) {
        String[] words = {"<div class=\"item\">", "</div>\n", "proxy", "the", "response", "compression", "rsp", "gzip",
            "<span>", "</span>", "backend", "client", "{\"id\":", "\"name\":", "},", "0123", "4567", "89"};
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(size + 32);
        while (b.length() < size) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(1000)).append(' ');
        }
        return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    boolean handle(StubBackend.Request r, InputStream in, OutputStream out) throws IOException {
        String path = r.target();
        String type = "Content-Type: text/html; charset=utf-8";
        switch (path) {
            case "/len" -> StubBackend.respond(out, 200, new String(TEXT, StandardCharsets.US_ASCII), type);
            case "/chunked" -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                        + "Trailer: x-sum\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int at = 0; at < TEXT.length; at += 7000) {
                    int n = Math.min(7000, TEXT.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(TEXT, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\nx-sum: 42\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            case "/close" -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT);
                out.flush();
                return false;
            }
            case "/png" -> StubBackend.respond(out, 200, "x".repeat(5000), "Content-Type: image/png");
            case "/small" -> StubBackend.respond(out, 200, "x".repeat(100), type);
            case "/encoded" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "Content-Encoding: br");
            case "/range" -> StubBackend.respond(out, 206, "x".repeat(5000), type, "Content-Range: bytes 0-4999/9000");
            case "/notransform" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "Cache-Control: public, no-transform");
            case "/etag" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "ETag: \"v1\"", "Vary: Origin");
            case "/weak" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "ETag: W/\"v1\"", "Vary: accept-encoding");
            case "/204" -> StubBackend.respond(out, 204, "", type);
            case "/304" -> {
                out.write("HTTP/1.1 304 Not Modified\r\nContent-Type: text/html\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            case "/cut" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + TEXT.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT, 0, TEXT.length / 2);
                out.flush();
                return false;
            }
            case "/badchunk" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return false;
            }
            case "/stall" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + TEXT.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT, 0, 1000);
                out.flush();
                // Silent until rsp gives up on it and closes (timeout.idle.ms), at most 10 s.
                r.socket().setSoTimeout(10_000);
                try {
                    while (in.read() >= 0) {
                        // the request is in; nothing more comes
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // given up or cut: either way the stall is over
                }
                return false;
            }
            case "/big" -> {
                long size = 64L << 20;
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (long at = 0; at < size; at += TEXT.length) {
                    int n = (int) Math.min(TEXT.length, size - at);
                    out.write(TEXT, 0, n);
                    bigWritten.addAndGet(n);
                }
                out.flush();
            }
            default -> StubBackend.respond(out, 404, "no " + path, type);
        }
        return true;
    }

    void start(Map<String, String> core) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("compression", "gzip"));
        all.putAll(core);
        start(this::handle, all);
    }

    TestClient.Response get(String path, String... headers) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: www.example.com\r\n" + String.join("", headers) + "\r\n").read(false);
        }
    }

    static final String GZIP = "Accept-Encoding: gzip, deflate, br\r\n";

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

    /** Takes the chunked framing off an HTTP/1.1 body as it is read. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = StubBackend.readLine(in);
                if (size.isEmpty()) {
                    size = StubBackend.readLine(in);
                }
                left = Long.parseLong(size.trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
