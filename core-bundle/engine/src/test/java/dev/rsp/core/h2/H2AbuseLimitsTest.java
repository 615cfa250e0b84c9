package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.proxy.Counter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each limit of {@link H2Limits}: hit, answered as documented, and counted. */
class H2AbuseLimitsTest {

    static final H2Limits D = H2Limits.DEFAULT;

    static Frames f() {
        return new Frames();
    }

    static H2Limits limits(int concurrent, int perRead, int perConnection, int resets, int blockBytes, int glitches,
            int queued) {
        return new H2Limits(concurrent, perRead, perConnection, resets, blockBytes, glitches, queued,
                D.initialStreamWindow(), D.connectionWindow());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(new H2Limits(100, 200, 1000, 100, 16_384, 1000, 1000, 65_535, 1 << 20), D);
        assertEquals(8192, D.withMaxHeaderBlockBytes(8192).maxHeaderBlockBytes());
    }

    @Test
    void streamsOverTheConcurrencyLimitAreRefused() {
        SessionHarness h = H2SessionTest.started(limits(2, 200, 1000, 100, 16_384, 1000, 1000));
        h.feed(f().request(1, "a", false).request(3, "b", true).request(5, "c", false).data(5, "late", true));
        assertEquals(List.of("head 1 'a'", "head 3 'b' END_STREAM"), h.events);
        assertEquals(List.of("RST_STREAM 5 REFUSED_STREAM"), h.written());
        assertEquals(List.of("a", "b", "(discarded) c"), h.decoded, "a refused block still updates the table");
        assertEquals(1, h.count(Counter.H2_REFUSED_STREAM));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "DATA on a refused stream is ignored");
        h.feed(f().rst(1, ErrorCode.CANCEL).request(7, "d", true));
        assertEquals("head 7 'd' END_STREAM", h.events.get(h.events.size() - 1), "room again");
    }

    @Test
    void newStreamsPerReadAreBounded() {
        SessionHarness h = H2SessionTest.started(limits(100, 3, 1000, 100, 16_384, 1000, 1000));
        Frames burst = f();
        for (int id = 1; id <= 9; id += 2) {
            burst.request(id, "r" + id, true);
        }
        h.feed(burst);
        assertEquals(3, h.events.size());
        assertEquals(List.of("RST_STREAM 7 REFUSED_STREAM", "RST_STREAM 9 REFUSED_STREAM"), h.written());
        assertEquals(2, h.count(Counter.H2_STREAMS_PER_READ));
        h.feed(f().request(11, "r11", true));
        assertEquals("head 11 'r11' END_STREAM", h.events.get(3), "the next read may open streams again");
    }

    @Test
    void aReadResumedAfterBlockedIsStillTheSameRead() {
        SessionHarness h = H2SessionTest.started(limits(100, 3, 1000, 100, 16_384, 1000, 1000));
        var in = f().request(1, "a", true).request(3, "b", true).ping(1, false).ping(2, false).request(5, "c", true)
                .request(7, "d", true).buffer();
        assertEquals(SessionProgress.BLOCKED, h.feed(in, false));
        h.written();
        assertEquals(SessionProgress.NEED_INPUT, h.feed(in, false));
        assertEquals(List.of("PING 2 ACK", "RST_STREAM 7 REFUSED_STREAM"), h.written());
        assertEquals(1, h.count(Counter.H2_STREAMS_PER_READ));
    }

    @Test
    void theStreamBudgetEndsInAGracefulGoAway() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 3, 100, 16_384, 1000, 1000));
        h.feed(f().request(1, "a", true).request(3, "b", true).request(5, "c", true).request(7, "d", true));
        assertEquals(List.of("head 1 'a' END_STREAM", "head 3 'b' END_STREAM", "head 5 'c' END_STREAM"), h.events);
        assertEquals(List.of("GOAWAY 5 NO_ERROR"), h.written());
        assertEquals(1, h.count(Counter.H2_STREAM_BUDGET));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
        for (int id = 1; id <= 5; id += 2) {
            assertFalse(h.session.finished());
            h.session.writeHeaders(h.session.stream(id), FrameCodecTest.ascii("204"), true, h.out());
        }
        assertTrue(h.session.finished());
    }

    @Test
    void rapidResetIsAnsweredWithEnhanceYourCalm() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 5, 16_384, 1000, 1000));
        Frames attack = f();
        for (int id = 1; id <= 11; id += 2) {
            attack.request(id, "GET /", true).rst(id, ErrorCode.CANCEL);
        }
        assertEquals(SessionProgress.CLOSE, h.feed(attack));
        assertEquals(List.of("GOAWAY 11 ENHANCE_YOUR_CALM"), h.written());
        assertEquals(1, h.count(Counter.H2_RAPID_RESET));
    }

    @Test
    void resetsAfterTheResponseBeganOrAmongManyStreamsAreNotRapid() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 2, 16_384, 1000, 1000));
        Frames normal = f();
        for (int id = 1; id <= 15; id += 2) {
            normal.request(id, "GET /", true);
        }
        h.feed(normal);
        for (int id = 1; id <= 9; id += 2) {
            h.session.writeHeaders(h.session.stream(id), FrameCodecTest.ascii("200"), false, h.out());
        }
        h.feed(f().rst(1, ErrorCode.CANCEL).rst(3, ErrorCode.CANCEL).rst(5, ErrorCode.CANCEL).rst(7, ErrorCode.CANCEL)
                .rst(11, ErrorCode.CANCEL).rst(13, ErrorCode.CANCEL).rst(15, ErrorCode.CANCEL));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "3 premature resets of 8 streams: under half");
        assertEquals(0, h.count(Counter.H2_RAPID_RESET));
    }

    @Test
    void aHeaderBlockOverTheLimitIsA431AndTheConnectionDrains() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 100, 1000, 1000));
        h.feed(f().request(1, "POST /", false).headers(3, "x".repeat(60), true, false).continuation(3, "y".repeat(60), true)
                .request(5, "GET /", true));
        assertEquals(List.of("head 1 'POST /'", "too large 3"), h.events);
        assertEquals(List.of("GOAWAY 3 NO_ERROR"), h.written());
        assertEquals(1, h.count(Counter.H2_HEAD_TOO_LARGE));
        assertEquals(List.of("POST /"), h.decoded, "neither the oversized block nor a later one is decoded");
        h.feed(f().data(1, "body", true));
        assertEquals("data 1 'body' END_STREAM", h.events.get(2), "streams before it go on");
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
    }

    @Test
    void trailersAfterTheHpackStateWasLostEndTheConnection() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 100, 1000, 1000));
        h.feed(f().request(1, "POST /", false).request(3, "x".repeat(101), true));
        assertEquals(SessionProgress.CLOSE, h.feed(f().request(1, "trailer: 1", true)));
        assertEquals(ErrorCode.COMPRESSION_ERROR, h.session.failure());
    }

    @Test
    void aContinuationFloodEndsTheConnectionBeforeTheBlockEnds() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 100, 1000, 1000));
        Frames flood = f().headers(1, "x".repeat(100), true, false);
        for (int i = 0; i < 10; i++) {
            flood.continuation(1, "y".repeat(100), false);
        }
        assertEquals(SessionProgress.CLOSE, h.feed(flood));
        assertEquals(List.of("GOAWAY 1 ENHANCE_YOUR_CALM"), h.written());
        assertEquals(1, h.count(Counter.H2_HEADER_FLOOD));
        assertTrue(h.events.isEmpty());
    }

    @Test
    void glitchFramesAreBounded() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 16_384, 4, 1000));
        h.feed(f().request(1, "POST /", false).priority(1, 0).data(1, "", false).frame(0x30, 0, 0, new byte[3])
                .headers(3, "", false, false).continuation(3, "GET /", true));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "4 glitches are allowed");
        assertEquals(SessionProgress.CLOSE, h.feed(f().priority(5, 0)));
        assertEquals(List.of("GOAWAY 3 ENHANCE_YOUR_CALM"), h.written());
        assertEquals(1, h.count(Counter.H2_GLITCHES));
    }

    /** A WINDOW_UPDATE of 0 on a closed stream cannot be answered (the stream is gone): it is a glitch. */
    @Test
    void zeroWindowUpdatesOnAClosedStreamAreGlitches() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 16_384, 2, 1000));
        h.feed(f().request(1, "GET /", true).rst(1, ErrorCode.CANCEL).windowUpdate(1, 5));
        h.feed(f().windowUpdate(1, 0).windowUpdate(1, 0));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "a non-zero one is ignored; 2 glitches are allowed");
        assertEquals(SessionProgress.CLOSE, h.feed(f().windowUpdate(1, 0)));
        List<String> written = h.written();
        assertEquals("GOAWAY 1 ENHANCE_YOUR_CALM", written.get(written.size() - 1), written.toString());
        assertEquals(1, h.count(Counter.H2_GLITCHES));
    }

    /** RST_STREAM on a stream already closed asks for nothing: a few are races, a flood is a glitch flood. */
    @Test
    void resetsOfAClosedStreamAreGlitches() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 16_384, 2, 1000));
        h.feed(f().request(1, "GET /", true).rst(1, ErrorCode.CANCEL));
        h.feed(f().rst(1, ErrorCode.CANCEL).rst(1, ErrorCode.CANCEL));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "2 glitches are allowed");
        assertEquals(SessionProgress.CLOSE, h.feed(f().rst(1, ErrorCode.CANCEL)));
        List<String> written = h.written();
        assertEquals("GOAWAY 1 ENHANCE_YOUR_CALM", written.get(written.size() - 1), written.toString());
        assertEquals(1, h.count(Counter.H2_GLITCHES));
    }

    @Test
    void aFrameOverTheMaximumSizeIsCounted() {
        SessionHarness h = H2SessionTest.started(D);
        assertEquals(SessionProgress.CLOSE, h.feed(f().frame(FrameType.DATA, 0, 1, new byte[16_385])));
        assertEquals(List.of("GOAWAY 0 FRAME_SIZE_ERROR"), h.written());
        assertEquals(1, h.count(Counter.H2_FRAME_TOO_LARGE));
        assertEquals(0, h.count(Counter.H2_CONNECTION_ERROR));
    }

    @Test
    void readingStopsWhileASettingsOrPingAckIsOwed() {
        SessionHarness h = new SessionHarness();
        h.written();
        Frames two = Frames.client().settings(Settings.MAX_FRAME_SIZE, 20_000).ping(1, false).ping(2, false);
        var in = two.buffer();
        assertEquals(SessionProgress.BLOCKED, h.feed(in, false), "a second SETTINGS before the first ACK is out");
        assertEquals(1, h.count(Counter.H2_READ_PAUSED));
        assertEquals(List.of("SETTINGS ACK"), h.written());
        assertEquals(SessionProgress.BLOCKED, h.feed(in, false), "a second PING before the first PONG is out");
        assertEquals(List.of("SETTINGS ACK", "PING 1 ACK"), h.written());
        assertEquals(SessionProgress.NEED_INPUT, h.feed(in, false));
        assertEquals(List.of("PING 2 ACK"), h.written());
        assertEquals(2, h.count(Counter.H2_READ_PAUSED));
        assertEquals(20_000, h.session.peerSettings().maxFrameSize());
    }

    @Test
    void aFullControlQueueEndsTheConnection() {
        SessionHarness h = H2SessionTest.started(limits(100, 200, 1000, 100, 16_384, 1000, 4));
        Frames five = f();
        for (int id = 1; id <= 9; id += 2) {
            five.request(id, "GET /", true);
        }
        h.feed(five);
        for (int id = 1; id <= 7; id += 2) {
            h.session.reset(h.session.stream(id), ErrorCode.CANCEL);
        }
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
        assertEquals(SessionProgress.BLOCKED, h.feed(f().ping(1, false).buffer(), false), "half full: no reading");
        h.session.reset(h.session.stream(9), ErrorCode.CANCEL);
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, h.session.failure());
        assertEquals(1, h.count(Counter.H2_CONTROL_QUEUE_FULL));
        assertEquals(List.of("RST_STREAM 1 CANCEL", "RST_STREAM 3 CANCEL", "RST_STREAM 5 CANCEL", "RST_STREAM 7 CANCEL",
                "GOAWAY 9 ENHANCE_YOUR_CALM"), h.written());
    }

    @Test
    void limitsAreValidated() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> limits(0, 1, 1, 1, 1, 1, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new H2Limits(1, 1, 1, 1, 1, 1, 1, 1, 1000));
    }
}
