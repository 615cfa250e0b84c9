package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/rsp} with {@code compression = gzip} from {@code etc/}, against curl, the client users have:
 * {@code curl --compressed} over HTTP/1.1 and over h2c gets gzip and the backend's exact bytes, for a sized page and a
 * streamed (chunked) one; a client that asks for no coding gets the plain page with {@code Vary: Accept-Encoding};
 * {@code /api/stats} counts both.
 */
class CompressionIT {

    @TempDir
    Path tmp;

    static final byte[] PAGE = page(100_000);

    /** Seeded HTML-like text of {@code size} bytes. */
    static byte[] page(int size) {
        Random r = new Random(23);
        String[] words = {"<li class=\"row\">", "</li>\n", "<a href=\"/item/", "\">", "</a>", "rsp", "proxy", "item"};
        StringBuilder b = new StringBuilder();
        while (b.length() < size) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(10_000));
        }
        return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void curlCompressedGetsGzipOverHttp11AndH2c() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", this::serve);
        backend.start();
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + backend.getAddress().getPort() + "\n");
        home.core("compression", "gzip").core("compression.min.bytes", "1k").core("compression.level", "5");
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            String base = "http://127.0.0.1:" + home.httpPort;
            Waits.until("rsp proxying to the test backend", () -> {
                try {
                    return curl("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/ready").equals("200");
                } catch (Exception | AssertionError e) {
                    return false;
                }
            }, log);
            int compressed = 0;
            for (String path : List.of("/page", "/stream")) {
                for (List<String> protocol : List.of(List.of("--http1.1"), List.of("--http2-prior-knowledge"))) {
                    Path head = tmp.resolve("head");
                    Path body = tmp.resolve("body");
                    List<String> args = new ArrayList<>(protocol);
                    args.addAll(List.of("-sS", "--compressed", "-D", head.toString(), "-o", body.toString(), base + path));
                    curl(args.toArray(String[]::new));
                    String h = Files.readString(head).toLowerCase(Locale.ROOT);
                    String what = path + " " + protocol;
                    assertTrue(h.contains("content-encoding: gzip"), what + ":\n" + h);
                    assertTrue(h.contains("vary: accept-encoding"), what + ":\n" + h);
                    assertFalse(h.contains("content-length"), what + ":\n" + h);
                    assertArrayEquals(PAGE, Files.readAllBytes(body), what + ": curl decompressed the backend's bytes");
                    compressed++;
                }
            }
            Path head = tmp.resolve("plain-head");
            Path body = tmp.resolve("plain-body");
            curl("-sS", "-D", head.toString(), "-o", body.toString(), base + "/page");
            String h = Files.readString(head).toLowerCase(Locale.ROOT);
            assertFalse(h.contains("content-encoding"), h);
            assertTrue(h.contains("vary: accept-encoding") && h.contains("content-length: " + PAGE.length), h);
            assertArrayEquals(PAGE, Files.readAllBytes(body));

            String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
            assertTrue(stats.contains("\"compression.skipped.client\":1"), stats);
            int expected = compressed;
            Waits.until("the compressed responses counted", () -> {
                try {
                    String s = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
                    return s.contains("\"compression.responses\":" + expected);
                } catch (IOException e) {
                    return false;
                }
            }, log);

            // A bad value while running: one line naming it, and the running configuration (gzip) stays.
            Path core = home.etc().resolve("rsp.core.cfg");
            String running = Files.readString(core);
            RspHome.writeAtomically(core, running + "\ncompression.level = 12\n");
            Waits.logLine(log, "rsp.core: compression.level must be 1 (fastest) to 9 (smallest), not 12; keeping the "
                    + "previous configuration", 1);
            assertTrue(curl("-sS", "--compressed", "-D", "-", "-o", "/dev/null", base + "/page").toLowerCase(Locale.ROOT)
                    .contains("content-encoding: gzip"));
            // Switched off while running: plain bodies, no Vary.
            RspHome.writeAtomically(core, running.replace("compression = gzip", "compression = off"));
            Waits.until("compression switched off", () -> {
                try {
                    return !curl("-sS", "--compressed", "-D", "-", "-o", "/dev/null", base + "/page").toLowerCase(Locale.ROOT)
                            .contains("content-encoding");
                } catch (Exception | AssertionError e) {
                    return false;
                }
            }, log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
        } finally {
            RspHome.stop(rsp);
            backend.stop(0);
        }
    }

    @Test
    void badValuesAreNamedByCheck() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("compression", "brotli").core("compression.types", "text").core("compression.hosts", "bad host");
        Process check = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, check.exitValue(), checked);
        assertTrue(checked.contains("compression must be off or gzip, not 'brotli'"), checked);
        assertTrue(checked.contains("compression.types: 'text' is not a media type"), checked);
        assertTrue(checked.contains("compression.hosts = 'bad host'"), checked);
    }

    /** /page: the page with a Content-Length; /stream: the same page streamed (chunked); else a type never compressed. */
    private void serve(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath();
        if (!path.equals("/page") && !path.equals("/stream")) {
            x.getResponseHeaders().set("Content-Type", "application/octet-stream");
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            x.close();
            return;
        }
        x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        boolean stream = x.getRequestURI().getPath().equals("/stream");
        x.sendResponseHeaders(200, stream ? 0 : PAGE.length);
        try (OutputStream out = x.getResponseBody()) {
            if (stream) {
                for (int at = 0; at < PAGE.length; at += 10_000) {
                    out.write(PAGE, at, Math.min(10_000, PAGE.length - at));
                    out.flush();
                }
            } else {
                out.write(PAGE);
            }
        }
    }

    private String curl(String... args) throws Exception {
        Path out = tmp.resolve("curl-" + System.nanoTime());
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + text);
        return text;
    }
}
