package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flow control end to end: a slow stream never stalls the others, and large bodies pass one stream intact. */
class H2FlowTest extends StubProxyFixture {


    /** A deterministic body of {@code length} bytes (seeded), written in 64 KiB pieces, and its SHA-256. */
    static final class Seeded {
        static byte[] block(long seed) {
            byte[] b = new byte[1 << 16];
            new Random(seed).nextBytes(b);
            return b;
        }

        static String sha256(long length, long seed) throws Exception {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] b = block(seed);
            for (long left = length; left > 0; left -= b.length) {
                d.update(b, 0, (int) Math.min(b.length, left));
            }
            return HexFormat.of().formatHex(d.digest());
        }
    }

    @Test
    void aStreamWhoseClientReadsNothingDoesNotStallTheNextStream() throws Exception {
        byte[] block = Seeded.block(1);
        a = new StubBackend("a", (r, in, out) -> {
            if (r.target().equals("/big")) {
                long length = 8L << 20;
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                try {
                    for (long left = length; left > 0; left -= block.length) {
                        out.write(block, 0, (int) Math.min(block.length, left));
                    }
                } catch (IOException closed) {
                    return false;
                }
                return true;
            }
            StubBackend.respond(out, 200, "small answer");
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port());
        String out = run(30, "/usr/bin/python3", resource("h2/slow_reader.py"), String.valueOf(proxy.port()));
        assertTrue(out.contains("small small answer"), out);
        assertTrue(out.contains("stream1_bytes 65535"), "stream 1 got exactly its window and no more: " + out);
    }

    /**
     * Caught a lost wake-up: a flush that emptied the output from anywhere but OP_WRITE (which it then turns off) left a
     * stream that waited on the full buffer without a run; the download stalled in about half the runs.
     */
    @Test
    void aOneGibDownloadAndA100MibUploadPassOneStreamIntact() throws Exception {
        long down = 1L << 30;
        long up = 100L << 20;
        byte[] block = Seeded.block(7);
        a = new StubBackend("a", (r, in, out) -> {
            if (r.method().equals("GET")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + down + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                for (long left = down; left > 0; left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
                return true;
            }
            MessageDigest d;
            try {
                d = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            }
            long n = digestBody(r, in, d);
            StubBackend.respond(out, 200, n + " " + HexFormat.of().formatHex(d.digest()));
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port());
        String url = "http://127.0.0.1:" + proxy.port() + "/";
        String got = run(120, "bash", "-c", "curl -sS --http2-prior-knowledge " + url + "down | sha256sum");
        assertTrue(got.startsWith(Seeded.sha256(down, 7)), "download intact: " + got);
        Path file = dir.resolve("up");
        try (var w = Files.newOutputStream(file)) {
            byte[] b = Seeded.block(3);
            for (long left = up; left > 0; left -= b.length) {
                w.write(b, 0, (int) Math.min(b.length, left));
            }
        }
        String answer = run(120, "curl", "-sS", "--http2-prior-knowledge", "-T", file.toString(), "-H", "Content-Length:", url + "up");
        assertEquals(up + " " + Seeded.sha256(up, 3), answer, "upload (chunked to the backend) intact");
    }

    private static long digestBody(StubBackend.Request r, InputStream in, MessageDigest d) throws IOException {
        long n = 0;
        if (r.chunked()) {
            while (true) {
                String size = StubBackend.readLine(in);
                int len = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (len == 0) {
                    while (!StubBackend.readLine(in).isEmpty()) {
                        // trailers
                    }
                    return n;
                }
                byte[] b = in.readNBytes(len);
                d.update(b);
                n += b.length;
                StubBackend.readLine(in);
            }
        }
        for (long left = r.contentLength(); left > 0; ) {
            byte[] b = in.readNBytes((int) Math.min(1 << 16, left));
            d.update(b);
            n += b.length;
            left -= b.length;
        }
        return n;
    }
}
