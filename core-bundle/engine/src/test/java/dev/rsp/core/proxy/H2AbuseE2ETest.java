package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP/2 abuse limit (issue 19) against a running engine, with crafted frames from {@link CraftedH2Client}
 * over h2c: what the attacking client observes (REFUSED_STREAM, GOAWAY with its code and last stream, the connection
 * closed), the {@code h2.*} counter of the limit, and that a normal client on another connection is answered
 * meanwhile. Limits are set small so that each attack is short.
 */
class H2AbuseE2ETest extends StubProxyFixture {

    private void start(String... keyValues) throws IOException {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        start(ProxyBasicsTest.ECHO, config);
    }

    private CraftedH2Client.Observed run(String scenario, String... args) throws Exception {
        return CraftedH2Client.run(dir, proxy.port(), scenario, args);
    }

    private long counter(String name) {
        return proxy.engine.counters().get(name);
    }

    private void awaitCounter(String name, long atLeast) {
        assertTrue(ProxyHarness.await(() -> counter(name) >= atLeast, 5000),
                name + " >= " + atLeast + " in " + proxy.engine.counters().snapshot());
    }

    @Test
    void streamsOverTheConcurrencyLimitAreRefusedAndTheOthersAnswered() throws Exception {
        start("h2.max.concurrent.streams", "5");
        CraftedH2Client.Observed o = run("concurrent", "5", "3");
        o.expect("A SETTINGS 2=0 3=5");
        for (int id : new int[] {11, 13, 15}) {
            o.expect("A RST " + id + " REFUSED_STREAM");
        }
        for (int id = 1; id <= 9; id += 2) {
            o.expect("A HEADERS " + id + " 200");
        }
        o.expectNot("A GOAWAY");
        assertEquals(3, counter("h2.refused_stream"));
        assertEquals(5, a.requests().size(), "the refused streams never reached the backend");
    }

    /** Streams opened and reset within one read never count against the concurrency: the per-read bound stops them. */
    @Test
    void newStreamsPastTwiceTheConcurrencyInOneReadAreRefused() throws Exception {
        start("h2.max.concurrent.streams", "5");
        CraftedH2Client.Observed o = run("per-read", "20");
        for (int id = 21; id <= 39; id += 2) {
            o.expect("A RST " + id + " REFUSED_STREAM");
        }
        assertEquals(10, o.starting("A RST ").size(), o.text());
        o.expect("A HEADERS 41 200").expectNot("A GOAWAY");
        assertEquals(10, counter("h2.streams_per_read"));
        assertEquals(0, counter("h2.refused_stream"));
    }

    @Test
    void rapidResetEndsTheConnectionWhileANormalClientIsAnswered() throws Exception {
        start("h2.max.premature.resets", "50");
        CraftedH2Client.Observed o = run("rapid-reset", "5000");
        String goAway = o.starting("A GOAWAY ").get(0);
        assertTrue(goAway.endsWith(" ENHANCE_YOUR_CALM"), o.text());
        o.expect("A CLOSED");
        assertTrue(o.number("A SENT ") < 5000, "stopped before the attack ended: " + o.text());
        o.expect("B HEADERS 1 200").expect("B HEADERS 3 200");
        o.expectNot("B GOAWAY").expectNot("B CLOSED");
        assertEquals(1, counter("h2.rapid_reset"));
    }

    @Test
    void aContinuationFloodIsCutOffAtFourTimesTheHeadLimit() throws Exception {
        start("limits.request.line", "1024", "limits.head.bytes", "4096");
        CraftedH2Client.Observed o = run("continuation-flood", "4096");
        o.expect("A GOAWAY 1 ENHANCE_YOUR_CALM").expect("A CLOSED");
        assertTrue(o.number("A CONTINUATIONS ") < 10, "cut off after about 4 x 4096 bytes: " + o.text());
        assertEquals(1, counter("h2.header_flood"));
        assertEquals(0, a.requests().size());
    }

    @Test
    void aHeadJustOverTheLimitIsAnswered431AndTheConnectionEndsGracefully() throws Exception {
        start("limits.request.line", "1024", "limits.head.bytes", "4096");
        CraftedH2Client.Observed o = run("head-over-limit", "4096");
        o.expect("A HEADERS 1 431").expect("A GOAWAY 1 NO_ERROR").expect("A CLOSED");
        assertEquals(1, counter("h2.head_too_large"));
        assertEquals(0, a.requests().size());
    }

    /** HpackDecoder stops delivering at the header list limit but keeps its table in step: 431, connection kept. */
    @Test
    void anHpackBombIsAnswered431AndTheConnectionCarriesOn() throws Exception {
        start();
        CraftedH2Client.Observed o = run("hpack-bomb", "2000");
        o.expect("A HEADERS 1 431").expect("A HEADERS 3 200").expect("A OPEN True");
        o.expectNot("A GOAWAY");
        assertEquals(1, counter("h2.head_too_large"));
        assertEquals(1, a.requests().size());
        assertEquals("/after-bomb", a.requests().get(0).target());
    }

    @Test
    void aPingFloodNotReadStopsRspReadingAndEveryPingIsAnsweredOnceRead() throws Exception {
        ackFlood("ping-flood", 2_000_000);
    }

    @Test
    void aSettingsFloodNotReadStopsRspReadingAndEverySettingsIsAcknowledgedOnceRead() throws Exception {
        ackFlood("settings-flood", 3_000_000);
    }

    /**
     * At most one PING ACK and one SETTINGS ACK wait at a time: rsp stops reading until it has written them, so a
     * client that does not read stalls once the kernel's buffers are full (some MB on loopback; the flood offers up
     * to {@code most} frames, far more), and rsp holds no more than its output buffer meanwhile.
     */
    private void ackFlood(String scenario, int most) throws Exception {
        start();
        CraftedH2Client.Observed o = run(scenario, String.valueOf(most));
        long sent = o.number("A STALLED ");
        assertTrue(sent < most, o.text());
        o.expect("B HEADERS 1 200");
        assertEquals(sent, o.number("A ACKS "), "every frame sent answered once the client reads: " + o.text());
        o.expect("A HEADERS 1 200").expectNot("A GOAWAY");
        assertTrue(counter("h2.read_paused") > 0);
        assertEquals(0, counter("h2.control_queue_full"));
    }

    @Test
    void emptyDataFramesPastTheGlitchLimitEndTheConnection() throws Exception {
        glitches("empty-data");
    }

    @Test
    void priorityFramesPastTheGlitchLimitEndTheConnection() throws Exception {
        glitches("priority");
    }

    @Test
    void unknownFramesPastTheGlitchLimitEndTheConnection() throws Exception {
        glitches("unknown");
    }

    @Test
    void zeroWindowUpdatesOnAClosedStreamPastTheGlitchLimitEndTheConnection() throws Exception {
        glitches("zero-window-update");
    }

    private void glitches(String kind) throws Exception {
        start("h2.max.glitches", "50");
        CraftedH2Client.Observed o = run("glitches", kind, "2000");
        assertTrue(o.starting("A GOAWAY ").get(0).endsWith(" ENHANCE_YOUR_CALM"), o.text());
        o.expect("A CLOSED");
        assertEquals(1, counter("h2.glitches"));
    }

    @Test
    void aFrameOverMaxFrameSizeIsAFrameSizeError() throws Exception {
        start();
        CraftedH2Client.Observed o = run("frame-too-large", "16385");
        o.expect("A GOAWAY 1 FRAME_SIZE_ERROR").expect("A CLOSED");
        assertEquals(1, counter("h2.frame_too_large"));
    }

    @Test
    void theStreamBudgetEndsInAGracefulGoAwayAfterItsLastStreamIsAnswered() throws Exception {
        start("h2.max.streams.per.connection", "5");
        CraftedH2Client.Observed o = run("budget", "8");
        o.expect("A GOAWAY 9 NO_ERROR").expect("A ANSWERED 1,3,5,7,9").expect("A CLOSED");
        o.expectNot("A RST");
        assertEquals(1, counter("h2.stream_budget"));
        assertEquals(5, a.requests().size());
    }

    /**
     * A response that trickles in for longer than {@code timeout.idle.ms} keeps its exchange alive (progress on the
     * backend side) while the client's connection has no readiness of its own: the connection's idle timeout, which
     * applies without streams, must not fire again and again meanwhile (a timer re-armed in the past spins the loop).
     */
    @Test
    void aResponseTricklingLongerThanTheIdleTimeoutDoesNotSpinTheLoop() throws Exception {
        int chunks = 12;
        start((r, in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < chunks; i++) {
                out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                LockSupport.parkNanos(50_000_000L); // the trickle's pace, not a synchronization
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        }, Map.of("timeout.idle.ms", "200"));
        long before = proxy.engine.views().loopIterations();
        Path outFile = dir.resolve("curl.out");
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                "http://127.0.0.1:" + proxy.port() + "/trickle").redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        assertTrue(curl.waitFor(25, TimeUnit.SECONDS), "curl finished");
        long turned = proxy.engine.views().loopIterations() - before;
        assertEquals("x".repeat(chunks), Files.readString(outFile));
        assertTrue(turned < 2_000, "loop iterations during a 600 ms trickle: " + turned);
    }

    @Test
    void aHeaderBlockThatNeverEndsIsClosedAfterTheHeaderTimeout() throws Exception {
        start("timeout.header.ms", "300");
        CraftedH2Client.Observed o = run("header-timeout");
        o.expect("A CLOSED");
        long after = o.number("A AFTER_MS ");
        assertTrue(after >= 250 && after < 5000, "closed after about 300 ms, not " + after);
        awaitCounter("client.timeout.header", 1);
        assertEquals(0, a.requests().size());
    }
}
