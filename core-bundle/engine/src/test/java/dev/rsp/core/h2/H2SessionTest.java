package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session without limits in play: requests in, responses out, stream states and their errors, GOAWAY. */
class H2SessionTest {

    static Frames f() {
        return new Frames();
    }

    /** A harness whose opening exchange (SETTINGS both ways, the ACK) is done and written. */
    static SessionHarness started(H2Limits limits) {
        SessionHarness h = new SessionHarness(limits);
        assertEquals(SessionProgress.NEED_INPUT, h.feed(Frames.client()));
        h.written();
        h.events.clear();
        return h;
    }

    static SessionHarness started() {
        return started(H2Limits.DEFAULT);
    }

    @Test
    void theSessionOpensWithItsSettingsAndTheConnectionWindow() {
        SessionHarness h = new SessionHarness();
        assertEquals(List.of("SETTINGS Settings{2=0, 3=100}", "WINDOW_UPDATE 0 +983041"), h.written());
        assertEquals(SessionProgress.NEED_INPUT, h.feed(Frames.client()));
        assertEquals(List.of("SETTINGS ACK"), h.written());
        assertEquals(List.of("settings Settings{}"), h.events);
    }

    @Test
    void aRequestHeadAndItsBodyReachTheListener() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", false).data(1, "abc", false).data(1, "de", true));
        assertEquals(List.of("head 1 'GET /'", "data 1 'abc'", "data 1 'de' END_STREAM"), h.events);
        assertEquals(StreamState.HALF_CLOSED_REMOTE, h.session.stream(1).state());
        h.feed(f().request(3, "GET /x", true));
        assertEquals("head 3 'GET /x' END_STREAM", h.events.get(3));
        assertEquals(2, h.session.activeStreams());
    }

    @Test
    void headersAndContinuationsAreAssembledIntoOneBlock() {
        SessionHarness h = started();
        h.feed(f().headers(1, "GE", true, false).continuation(1, "T ", false).continuation(1, "/", true));
        assertEquals(List.of("head 1 'GET /' END_STREAM"), h.events);
        assertFalse(h.session.headerBlockInProgress());
        h.feed(f().headers(3, "PO", true, false));
        assertTrue(h.session.headerBlockInProgress(), "the glue's header timeout runs");
    }

    @Test
    void continuationInterleavingEndsTheConnection() {
        SessionHarness h = started();
        assertEquals(SessionProgress.CLOSE, h.feed(f().request(1, "a", false).headers(3, "GE", true, false)
                .data(1, "x", false)));
        assertEquals(List.of("GOAWAY 3 PROTOCOL_ERROR"), h.written());
        assertEquals(List.of("head 1 'a'", "reset 1 PROTOCOL_ERROR"), h.events, "stream 3 was never announced");
        assertEquals(1, h.count(Counter.H2_CONNECTION_ERROR));
        assertTrue(h.session.finished());
        assertEquals(ErrorCode.PROTOCOL_ERROR, h.session.failure());
    }

    @Test
    void trailersEndTheRequest() {
        SessionHarness h = started();
        h.feed(f().request(1, "POST /", false).data(1, "body", false).request(1, "grpc-status: 0", true));
        assertEquals(List.of("head 1 'POST /'", "data 1 'body'", "trailers 1 'grpc-status: 0'"), h.events);
        assertEquals(StreamState.HALF_CLOSED_REMOTE, h.session.stream(1).state());
    }

    @Test
    void trailersWithoutEndStreamAreAStreamError() {
        SessionHarness h = started();
        h.feed(f().request(1, "POST /", false).request(1, "x: y", false));
        assertEquals(List.of("head 1 'POST /'", "reset 1 PROTOCOL_ERROR"), h.events);
        assertEquals(List.of("RST_STREAM 1 PROTOCOL_ERROR"), h.written());
        assertEquals(List.of("POST /", "(discarded) x: y"), h.decoded, "the block still goes through HPACK");
        assertEquals(1, h.count(Counter.H2_STREAM_ERROR));
    }

    @Test
    void headersOnAHalfClosedRemoteStreamIsStreamClosed() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true).request(1, "x: y", true));
        assertEquals(List.of("head 1 'GET /' END_STREAM", "reset 1 STREAM_CLOSED"), h.events);
        assertEquals(List.of("RST_STREAM 1 STREAM_CLOSED"), h.written());
    }

    @Test
    void dataAfterEndStreamIsStreamClosed() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true).data(1, "late", false));
        assertEquals(List.of("head 1 'GET /' END_STREAM", "reset 1 STREAM_CLOSED"), h.events);
        assertEquals(List.of("RST_STREAM 1 STREAM_CLOSED"), h.written());
    }

    @Test
    void streamIdentifiersMustBeOddAndIncreasing() {
        SessionHarness even = started();
        assertEquals(SessionProgress.CLOSE, even.feed(f().request(2, "GET /", true)));
        assertEquals(List.of("GOAWAY 0 PROTOCOL_ERROR"), even.written());

        SessionHarness lower = started();
        assertEquals(SessionProgress.CLOSE, lower.feed(f().request(5, "GET /", true).request(3, "GET /", true)));
        assertEquals(List.of("GOAWAY 5 PROTOCOL_ERROR"), lower.written());
    }

    @Test
    void framesOnIdleStreamsAreProtocolErrors() {
        for (Frames frame : List.of(f().data(1, "x", false), f().rst(1, ErrorCode.CANCEL), f().windowUpdate(3, 1))) {
            SessionHarness h = started();
            assertEquals(SessionProgress.CLOSE, h.feed(frame));
            assertEquals(List.of("GOAWAY 0 PROTOCOL_ERROR"), h.written());
        }
        SessionHarness h = started();
        h.feed(f().priority(7, 0));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "PRIORITY on an idle stream is allowed");
    }

    @Test
    void framesAfterRspResetAStreamAreIgnored() {
        SessionHarness h = started();
        h.feed(f().request(1, "POST /", false));
        h.session.reset(h.session.stream(1), ErrorCode.CANCEL);
        assertEquals(List.of("RST_STREAM 1 CANCEL"), h.written());
        assertEquals(SessionProgress.NEED_INPUT, h.feed(f().data(1, "x".repeat(600), false)
                .windowUpdate(1, 10).rst(1, ErrorCode.CANCEL).request(1, "x: y", true)));
        assertEquals(List.of("head 1 'POST /'"), h.events);
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
        assertEquals(List.of("POST /", "(discarded) x: y"), h.decoded);
    }

    @Test
    void framesAfterTheClientResetAStreamAreErrors() {
        SessionHarness h = started();
        h.feed(f().request(1, "POST /", false).rst(1, ErrorCode.CANCEL));
        assertEquals(List.of("head 1 'POST /'", "reset 1 CANCEL by peer"), h.events);
        h.feed(f().windowUpdate(1, 5).rst(1, ErrorCode.CANCEL));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "WINDOW_UPDATE and RST_STREAM on closed: ignored");
        assertEquals(SessionProgress.CLOSE, h.feed(f().data(1, "x", false)));
        assertEquals(List.of("GOAWAY 1 STREAM_CLOSED"), h.written());
    }

    @Test
    void aResponseIsWrittenWithinTheWindowsAndEndsTheStream() {
        SessionHarness h = started();
        h.feed(f().settings(Settings.INITIAL_WINDOW_SIZE, 10).request(1, "GET /", true));
        h.written();
        H2Stream s = h.session.stream(1);
        assertEquals(10, h.session.sendable(s));
        assertTrue(h.session.writeHeaders(s, FrameCodecTest.ascii(":status: 200"), false, h.out()));
        assertTrue(s.responseStarted());
        ByteBuffer body = FrameCodecTest.ascii("0123456789abcdef");
        assertEquals(10, h.session.writeData(s, body, true, h.out()));
        assertEquals(0, h.session.sendable(s));
        assertEquals(StreamState.HALF_CLOSED_REMOTE, s.state(), "END_STREAM waits for the rest");
        h.feed(f().windowUpdate(1, 100));
        assertEquals(List.of("window 1"), h.events.subList(h.events.size() - 1, h.events.size()));
        assertEquals(6, h.session.writeData(s, body, true, h.out()));
        assertEquals(StreamState.CLOSED, s.state());
        assertEquals(0, h.session.activeStreams());
        assertEquals(List.of("HEADERS 1 END_HEADERS len=12", "fragment 1 ':status: 200'", "data 1 '0123456789'",
                "data 1 'abcdef' END_STREAM"), h.written());
        assertThrows(IllegalStateException.class, () -> h.session.writeData(s, body, true, h.out()));
    }

    @Test
    void anEmptyEndStreamDataFrameEndsAResponse() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true));
        H2Stream s = h.session.stream(1);
        h.session.writeHeaders(s, FrameCodecTest.ascii("200"), false, h.out());
        assertEquals(0, h.session.writeData(s, ByteBuffer.allocate(0), true, h.out()));
        assertEquals(StreamState.CLOSED, s.state());
        assertEquals(List.of("HEADERS 1 END_HEADERS len=3", "fragment 1 '200'", "data 1 '' END_STREAM"), h.written());
    }

    @Test
    void responseFieldBlocksAreSplitAtThePeersFrameSize() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true));
        H2Stream s = h.session.stream(1);
        assertTrue(h.session.writeHeaders(s, FrameCodecTest.ascii("h".repeat(20_000)), true, h.out()));
        List<String> out = h.written();
        assertEquals(List.of("HEADERS 1 END_STREAM len=16384", "CONTINUATION 1 END_HEADERS len=3616"),
                List.of(out.get(0), out.get(2)));
    }

    @Test
    void dataFramesKeepToThePeersFrameSizeAndTheConnectionWindow() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true).request(3, "GET /", true));
        H2Stream one = h.session.stream(1);
        H2Stream three = h.session.stream(3);
        ByteBuffer big = ByteBuffer.allocate(70_000);
        assertEquals(65_535, h.session.writeData(one, big, false, h.out()));
        assertEquals(0, h.session.sendable(three), "the connection window is used up");
        List<String> out = h.written();
        assertEquals(4, out.size(), "16384 x 3 + 16383");
        h.feed(f().windowUpdate(0, 1000));
        assertEquals(1000, h.session.sendable(three));
        assertEquals("windows", h.events.get(h.events.size() - 1));
    }

    @Test
    void consumedBytesGoBackAsWindowUpdatesOnceHalfTheWindowIsTaken() {
        SessionHarness h = started();
        h.consumeAtOnce = false;
        String piece = "x".repeat(16_000);
        h.feed(f().request(1, "POST /", false).data(1, piece, false).data(1, piece, false).data(1, piece, false));
        H2Stream s = h.session.stream(1);
        h.session.consumed(s, 16_000);
        h.session.consumed(s, 16_000);
        assertEquals(List.of(), h.written(), "32000 < 65535 / 2");
        h.session.consumed(s, 16_000);
        assertEquals(List.of("WINDOW_UPDATE 1 +48000"), h.written());
        assertEquals(65_535, s.receive.window());
    }

    @Test
    void paddingIsCreditedBackAtOnce() {
        SessionHarness h = started();
        h.consumeAtOnce = false;
        Frames frames = f().request(1, "POST /", false);
        for (int i = 0; i < 140; i++) {
            frames.paddedData(1, "a", 250, false);
        }
        h.feed(frames);
        assertEquals(List.of("WINDOW_UPDATE 1 +32881"), h.written(), "131 frames' pad length byte and padding");
    }

    @Test
    void theClientsGoAwayIsReported() {
        SessionHarness h = started();
        h.feed(f().goAway(0, ErrorCode.NO_ERROR));
        assertEquals(List.of("goaway 0 NO_ERROR"), h.events);
    }

    @Test
    void aGracefulGoAwayWaitsForAPingRoundTripThenNamesTheLastStream() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true));
        h.session.goAway(true);
        assertEquals(List.of("GOAWAY 2147483647 NO_ERROR", "PING 727370647261696e"), h.written());
        h.feed(f().request(3, "GET /b", true).ping(H2Session.DRAIN_PING, true));
        assertEquals(List.of("GOAWAY 3 NO_ERROR"), h.written());
        h.feed(f().request(5, "GET /c", true).data(5, "x", true));
        assertEquals(List.of("head 1 'GET /' END_STREAM", "head 3 'GET /b' END_STREAM"), h.events);
        assertEquals("(discarded) GET /c", h.decoded.get(2), "ignored, but decoded for the table");
        assertFalse(h.session.finished());
        for (int id : new int[] {1, 3}) {
            H2Stream s = h.session.stream(id);
            h.session.writeHeaders(s, FrameCodecTest.ascii("204"), true, h.out());
        }
        assertTrue(h.session.finished());
    }

    @Test
    void anImmediateGoAwayNamesTheLastStreamAtOnce() {
        SessionHarness h = started();
        h.feed(f().request(1, "GET /", true));
        h.session.goAway(false);
        h.session.goAway(true);
        assertEquals(List.of("GOAWAY 1 NO_ERROR"), h.written());
    }

    @Test
    void aDecoderCompressionErrorEndsTheConnection() {
        SessionHarness h = started();
        assertEquals(SessionProgress.CLOSE, h.feed(f().request(1, "!bad", true)));
        assertEquals(List.of("GOAWAY 1 COMPRESSION_ERROR"), h.written(), "the last stream opened");
    }

    @Test
    void aFieldListTheDecoderFindsTooLargeIsA431AndTheConnectionGoesOn() {
        SessionHarness h = started();
        h.feed(f().request(1, "big list", true).request(3, "GET /", true));
        assertEquals(List.of("too large 1", "head 3 'GET /' END_STREAM"), h.events);
        assertEquals(1, h.count(Counter.H2_HEAD_TOO_LARGE));
    }
}
