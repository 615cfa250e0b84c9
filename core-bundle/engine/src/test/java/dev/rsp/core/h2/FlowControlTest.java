package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flow control (RFC 9113 §6.9): the window arithmetic, then the same rules through a session. */
class FlowControlTest {

    static Frames f() {
        return new Frames();
    }

    @Test
    void aSendWindowGrowsByUpdatesAndNeverPastTheMaximum() {
        SendWindow w = new SendWindow(65_535);
        assertEquals(100, w.allowed(100));
        w.spend(65_535);
        assertEquals(0, w.allowed(100));
        assertEquals(ErrorCode.PROTOCOL_ERROR, w.grow(0));
        assertEquals(ErrorCode.NO_ERROR, w.grow(Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, w.window());
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, w.grow(1));
        assertEquals(Integer.MAX_VALUE, w.window(), "unchanged by the error");
    }

    @Test
    void aSmallerInitialWindowCanMakeASendWindowNegative() {
        SendWindow w = new SendWindow(65_535);
        w.spend(60_000);
        assertTrue(w.adjust(0 - 65_535L));
        assertEquals(-60_000, w.window());
        assertEquals(0, w.allowed(10));
        assertEquals(ErrorCode.NO_ERROR, w.grow(60_010));
        assertEquals(10, w.allowed(100));
        assertFalse(new SendWindow(Integer.MAX_VALUE - 5).adjust(6));
    }

    @Test
    void aReceiveWindowGivesCreditBackOnceHalfIsConsumed() {
        ReceiveWindow w = new ReceiveWindow(1000);
        assertTrue(w.receive(600));
        assertFalse(w.receive(401), "over the window");
        assertTrue(w.receive(400));
        assertEquals(1000, w.outstanding());
        assertEquals(0, w.consumed(499));
        assertEquals(0, w.window());
        assertEquals(500, w.consumed(1));
        assertEquals(500, w.window());
        assertEquals(500, w.outstanding(), "what is received and not announced never exceeds the size");
        w.resize(200);
        assertEquals(-300, w.window());
        assertFalse(w.receive(1));
    }

    @Test
    void aLowerInitialWindowSizeFromTheClientMakesStreamWindowsNegative() {
        SessionHarness h = H2SessionTest.started();
        h.feed(f().request(1, "GET /", true));
        H2Stream s = h.session.stream(1);
        h.session.writeHeaders(s, FrameCodecTest.ascii("200"), false, h.out());
        assertEquals(1000, h.session.writeData(s, ByteBuffer.allocate(1000), false, h.out()));
        h.feed(f().settings(Settings.INITIAL_WINDOW_SIZE, 0));
        assertEquals(-1000, s.sendWindow());
        assertEquals(0, h.session.sendable(s));
        h.feed(f().windowUpdate(1, 1500));
        assertEquals(500, h.session.sendable(s));
        h.feed(f().settings(Settings.INITIAL_WINDOW_SIZE, 65_535));
        assertEquals(66_035, s.sendWindow());
        assertTrue(h.events.contains("windows"), "a larger initial window wakes the blocked responses");
        h.written();
        h.feed(f().request(3, "GET /", true));
        assertEquals(65_535, h.session.stream(3).sendWindow(), "new streams start with the current setting");
    }

    @Test
    void anInitialWindowSizeThatOverflowsAStreamWindowIsAConnectionError() {
        SessionHarness h = H2SessionTest.started();
        h.feed(f().request(1, "GET /", true).windowUpdate(1, Integer.MAX_VALUE - 65_535));
        assertEquals(Integer.MAX_VALUE, h.session.stream(1).sendWindow());
        assertEquals(SessionProgress.CLOSE, h.feed(f().settings(Settings.INITIAL_WINDOW_SIZE, 65_536)));
        assertEquals(List.of("GOAWAY 1 FLOW_CONTROL_ERROR"), h.written());
    }

    @Test
    void windowUpdateErrorsAreStreamOrConnectionErrorsByTheirStream() {
        SessionHarness zero = H2SessionTest.started();
        zero.feed(f().request(1, "GET /", true).windowUpdate(1, 0));
        assertEquals(List.of("RST_STREAM 1 PROTOCOL_ERROR"), zero.written());
        assertEquals(SessionProgress.CLOSE, zero.feed(f().windowUpdate(0, 0)));
        assertEquals(List.of("GOAWAY 1 PROTOCOL_ERROR"), zero.written());

        SessionHarness over = H2SessionTest.started();
        over.feed(f().request(1, "GET /", true).windowUpdate(1, Integer.MAX_VALUE));
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), over.written());
        assertEquals(SessionProgress.CLOSE, over.feed(f().windowUpdate(0, Integer.MAX_VALUE)));
        assertEquals(List.of("GOAWAY 1 FLOW_CONTROL_ERROR"), over.written());
    }

    @Test
    void dataOverAStreamWindowIsAStreamErrorAndOverTheConnectionWindowAConnectionError() {
        SessionHarness h = H2SessionTest.started();
        h.consumeAtOnce = false;
        Frames fill = f().request(1, "POST /", false);
        for (int i = 0; i < 4; i++) {
            fill.data(1, "x".repeat(16_000), false);
        }
        h.feed(fill.data(1, "x".repeat(1536), false));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "exactly 65535");
        h.feed(f().data(1, "y", false));
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), h.written());

        H2Limits small = new H2Limits(100, 200, 1000, 100, 16_384, 1000, 1000, 65_535, 65_535);
        SessionHarness c = H2SessionTest.started(small);
        c.consumeAtOnce = false;
        Frames two = f().request(1, "POST /", false).request(3, "POST /", false);
        for (int i = 0; i < 4; i++) {
            two.data(1 + 2 * (i % 2), "x".repeat(16_000), false);
        }
        c.feed(two.data(1, "x".repeat(1535), false));
        assertEquals(ErrorCode.NO_ERROR, c.session.failure());
        assertEquals(SessionProgress.CLOSE, c.feed(f().data(3, "yy", false)));
        assertEquals(List.of("GOAWAY 3 FLOW_CONTROL_ERROR"), c.written());
    }

    @Test
    void aSmallerAdvertisedWindowAppliesOnceTheClientAcknowledgedIt() {
        H2Limits small = new H2Limits(100, 200, 1000, 100, 16_384, 1000, 1000, 16_384, 1 << 20);
        SessionHarness h = new SessionHarness(small);
        assertEquals(List.of("SETTINGS Settings{2=0, 3=100, 4=16384}", "WINDOW_UPDATE 0 +983041"), h.written());
        h.consumeAtOnce = false;
        h.feed(Frames.client().request(1, "POST /", false).data(1, "x".repeat(16_000), false)
                .data(1, "x".repeat(16_000), false));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "before the ACK the default window holds");
        H2Stream s = h.session.stream(1);
        h.feed(f().settingsAck());
        assertEquals(16_384 - 32_000, s.receive.window());
        h.written();
        h.feed(f().data(1, "y", false));
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), h.written());
        h.feed(f().request(3, "POST /", false));
        assertEquals(16_384, h.session.stream(3).receive.window());
    }
}
