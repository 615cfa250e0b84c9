package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.rsp.distribution.Http2Checks.accepts;
import static dev.rsp.distribution.Http2Checks.assertIntact;
import static dev.rsp.distribution.Http2Checks.launch;
import static dev.rsp.distribution.Http2Checks.read;
import static dev.rsp.distribution.Http2Checks.tail;
import static dev.rsp.distribution.Http2Checks.tlsAnswers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop of a real {@code bin/rsp} while HTTP/2 downloads are in flight: the graceful drain as nghttp and curl see it.
 * Its own rsp and {@link PageBackend} (Http2IT's rsp serves the other HTTP/2 tests and must not stop).
 */
class Http2StopIT {

    static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;
    PageBackend page;

    @BeforeEach
    void startPage() throws Exception {
        page = new PageBackend(24 * MIB, 8 * MIB);
    }

    @AfterEach
    void stopPage() throws Exception {
        page.close();
    }

    /**
     * SIGTERM while two h2 clients download 24 MiB each (paced by the backend at 8 MiB/s): rsp stops accepting and
     * drains its HTTP/2 connections: GOAWAY naming 2^31-1 with a PING, then, once the PING is answered, the final
     * GOAWAY naming the last stream it took, the download's. nghttp shows those frames and its stream ending after
     * them; curl's copy is complete and byte-exact. rsp then exits 0, as after any drain that cut nothing.
     */
    @Test
    void aStopSendsGoawayAndTheH2DownloadsInFlightCompleteThenExitIsZero() throws Exception {
        String nghttp = TlsFixture.tool("nghttp", "nghttp2-client");
        String curl = TlsFixture.tool("curl");
        RspHome stopping = RspHome.copyTo(tmp.resolve("rsp-stop"));
        Files.writeString(stopping.etc().resolve("rsp.backends.cfg"), "backend.page = 127.0.0.1:" + page.port() + "\n");
        Path stopLog = tmp.resolve("rsp-stop.log");
        Process p = launch(stopping, stopLog);
        try {
            Waits.until("the page answering over TLS", () -> tlsAnswers(stopping.tlsPort, "big.example.com"), stopLog);
            Path transcript = tmp.resolve("nghttp-stop.out");
            Path copy = tmp.resolve("curl-stop.bin");
            Process frames = new ProcessBuilder(nghttp, "-nv", "-H", ":authority: big.example.com",
                    "https://127.0.0.1:" + stopping.tlsPort + "/big").redirectErrorStream(true).redirectOutput(transcript.toFile()).start();
            Process body = new ProcessBuilder(curl, "-sS", "-k", "--http2", "--max-time", "60", "-o", copy.toString(), "--resolve",
                    "big.example.com:" + stopping.tlsPort + ":127.0.0.1", "https://big.example.com:" + stopping.tlsPort + "/big")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("curl-stop.out").toFile()).start();
            try {
                Waits.until("both downloads under way", () -> Waits.count(transcript, "recv DATA frame") >= 32
                        && Files.exists(copy) && copy.toFile().length() >= MIB / 2 || !frames.isAlive() || !body.isAlive(), transcript);
                assertTrue(frames.isAlive() && body.isAlive(), "still downloading when rsp is stopped: " + tail(read(transcript)));
                assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor());
                Waits.until("rsp not accepting", () -> !accepts(stopping.tlsPort), stopLog);
                assertTrue(frames.waitFor(60, TimeUnit.SECONDS) && body.waitFor(60, TimeUnit.SECONDS), "the clients finished");
            } finally {
                frames.destroyForcibly();
                body.destroyForcibly();
            }
            String out = read(transcript);
            // Kept for a look after the run, like AdminIT's screenshot.
            Files.copy(transcript, Files.createDirectories(Path.of("target")).resolve("http2it-stop-nghttp.out"),
                    StandardCopyOption.REPLACE_EXISTING);
            assertEquals(0, frames.exitValue(), tail(out));
            Matcher sent = Pattern.compile("send HEADERS frame <[^>]*stream_id=(\\d+)>").matcher(out);
            assertTrue(sent.find(), out);
            String stream = sent.group(1);
            int announced = out.indexOf("(last_stream_id=2147483647, error_code=NO_ERROR(0x00)");
            int last = out.indexOf("(last_stream_id=" + stream + ", error_code=NO_ERROR(0x00)");
            assertTrue(announced > 0 && last > announced, "GOAWAY 2^31-1, then GOAWAY naming stream " + stream + ": " + tail(out));
            int end = out.indexOf("flags=0x01, stream_id=" + stream + ">", last);
            assertTrue(end > last, "the stream ended (END_STREAM) after the final GOAWAY: " + tail(out));
            Matcher data = Pattern.compile("recv DATA frame <length=(\\d+), flags=0x0[01], stream_id=" + stream + ">").matcher(out);
            long received = 0;
            while (data.find()) {
                received += Long.parseLong(data.group(1));
            }
            assertEquals(page.bigSize, received, "nghttp got the whole body");
            assertEquals(0, body.exitValue(), read(tmp.resolve("curl-stop.out")));
            assertIntact(copy, page.bigSize);

            assertTrue(p.waitFor(30, TimeUnit.SECONDS), read(stopLog));
            String rspOut = read(stopLog);
            assertEquals(0, p.exitValue(), rspOut);
            assertTrue(rspOut.contains("rsp proxy drained: every exchange in flight finished") && rspOut.contains("rsp: stopped"), rspOut);
            assertFalse(rspOut.contains("had to be cut"), rspOut);
        } finally {
            p.destroyForcibly();
        }
    }
}
