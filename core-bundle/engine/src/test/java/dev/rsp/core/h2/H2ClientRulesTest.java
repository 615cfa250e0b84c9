package dev.rsp.core.h2;

import static dev.rsp.core.h2.ClientHarness.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.h2.hpack.HpackLimits;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the client side enforces on a server (RFC 9113), with crafted frames: each violation gives its stream or
 * connection error, counted on {@code h2.backend.*}; frames on streams rsp reset are ignored but still decoded and
 * credited; the abuse bounds of {@link H2ClientLimits}.
 */
class H2ClientRulesTest {

    static final H2ClientLimits D = H2ClientLimits.DEFAULT;

    static H2ClientLimits limits(int blockBytes, int streamWindow, int connectionWindow, int glitches) {
        return new H2ClientLimits(100, blockBytes, 1000, streamWindow, connectionWindow, glitches);
    }

    /** The connection ended with this GOAWAY, counted as a backend protocol error. */
    static void closedWith(ClientHarness h, Frames frames, ErrorCode code) {
        assertEquals(SessionProgress.CLOSE, h.feed(frames));
        assertEquals(List.of("GOAWAY 0 " + code), h.written());
        assertEquals(code, h.session.failure());
        assertEquals(1, h.count(Counter.H2_BACKEND_CONNECTION_ERROR));
        assertFalse(h.session.canOpen());
        assertTrue(h.session.finished());
    }

    @Test
    void headersOnAServerInitiatedStreamAreAProtocolError() {
        ClientHarness h = ClientHarness.started();
        h.request("/", true);
        closedWith(h, f().headers(2, h.block(":status", "200"), true), ErrorCode.PROTOCOL_ERROR);
        assertEquals(List.of("reset 1 PROTOCOL_ERROR"), h.recorder.events, "the active stream is told");
    }

    @Test
    void pushPromiseIsAProtocolErrorSincePushIsOff() {
        ClientHarness h = ClientHarness.started();
        h.request("/", true);
        byte[] payload = ByteBuffer.allocate(5).putInt(2).put((byte) 0x82).array();
        closedWith(h, f().frame(FrameType.PUSH_PROMISE, Flags.END_HEADERS, 1, payload), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void framesOnStreamsNeverOpenedOrNotYetSentAreProtocolErrors() {
        for (Frames frames : List.of(f().data(1, "x", false), f().rst(3, ErrorCode.CANCEL), f().windowUpdate(5, 1),
                f().data(2, "x", true), f().windowUpdate(4, 1))) {
            closedWith(ClientHarness.started(), frames, ErrorCode.PROTOCOL_ERROR);
        }
        ClientHarness never = ClientHarness.started();
        closedWith(never, f().headers(1, never.block(":status", "200"), true), ErrorCode.PROTOCOL_ERROR);

        ClientHarness unsent = ClientHarness.started();
        unsent.session.open();
        closedWith(unsent, f().headers(1, unsent.block(":status", "200"), true), ErrorCode.PROTOCOL_ERROR);

        ClientHarness priority = ClientHarness.started();
        priority.feed(f().priority(9, 0));
        assertEquals(ErrorCode.NO_ERROR, priority.session.failure(), "PRIORITY on an idle stream is allowed");
    }

    @Test
    void dataBeforeTheFinalHeadIsAStreamError() {
        ClientHarness h = ClientHarness.started(limits(65_536, 65_535, 65_535, 1000));
        h.request("/a", true);
        h.request("/b", true);
        h.feed(f().data(1, "x".repeat(40_000 / 4), false).headers(3, h.block(":status", "103"), false)
                .data(3, "early", false));
        assertEquals(List.of("reset 1 PROTOCOL_ERROR", "head 3 [:status: 103]", "reset 3 PROTOCOL_ERROR"),
                h.recorder.events);
        assertEquals(List.of("RST_STREAM 1 PROTOCOL_ERROR", "RST_STREAM 3 PROTOCOL_ERROR"), h.written());
        assertEquals(2, h.count(Counter.H2_BACKEND_STREAM_ERROR));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
    }

    @Test
    void aHeadersAfterTheFinalHeadMustBeTrailersThatEndTheStream() {
        ClientHarness h = ClientHarness.started();
        h.request("/", true);
        h.feed(f().headers(1, h.block(":status", "200"), false).headers(1, h.block("x-more", "1"), false));
        assertEquals(List.of("head 1 [:status: 200]", "reset 1 PROTOCOL_ERROR"), h.recorder.events);
        assertEquals(List.of("RST_STREAM 1 PROTOCOL_ERROR"), h.written());
        assertEquals(List.of("kept", "discarded"), h.decoder.blocks, "the block still went through HPACK");
    }

    @Test
    void anInterimHeadCannotEndTheStream() {
        ClientHarness h = ClientHarness.started();
        h.request("/", true);
        h.feed(f().headers(1, h.block(":status", "100"), true));
        assertEquals(List.of("reset 1 PROTOCOL_ERROR"), h.recorder.events);
        assertEquals(List.of("RST_STREAM 1 PROTOCOL_ERROR"), h.written());
    }

    @Test
    void framesAfterTheServersEndStreamAreStreamClosed() {
        ClientHarness h = ClientHarness.started();
        H2Stream sending = h.request("/upload", false);
        h.feed(f().headers(1, h.block(":status", "200"), true).data(1, "late", false));
        assertEquals(List.of("head 1 [:status: 200] END_STREAM", "reset 1 STREAM_CLOSED"), h.recorder.events,
                "half-closed (remote): a stream error");
        assertEquals(StreamState.CLOSED, sending.state());

        ClientHarness closed = ClientHarness.started();
        closed.request("/", true);
        closed.feed(f().headers(1, closed.block(":status", "204"), true));
        closedWith(closed, f().data(1, "late", false), ErrorCode.STREAM_CLOSED);
    }

    @Test
    void dataOverAStreamWindowIsAStreamErrorAndOverTheConnectionWindowAConnectionError() {
        ClientHarness h = ClientHarness.started();
        h.recorder.consumeAtOnce = false;
        h.request("/", true);
        String frame = "x".repeat(16_384);
        h.feed(f().headers(1, h.block(":status", "200"), false).data(1, frame, false).data(1, frame, false)
                .data(1, frame, false).data(1, frame, false));
        assertEquals("reset 1 FLOW_CONTROL_ERROR", h.recorder.events.get(h.recorder.events.size() - 1));
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), h.written());

        ClientHarness c = ClientHarness.started(limits(65_536, 65_535, 65_535, 1000));
        c.recorder.consumeAtOnce = false;
        c.request("/a", true);
        c.request("/b", true);
        c.feed(f().headers(1, c.block(":status", "200"), false).headers(3, c.block(":status", "200"), false)
                .data(1, frame, false).data(1, frame, false).data(1, frame, false).data(3, "x".repeat(16_383), false));
        assertEquals(ErrorCode.NO_ERROR, c.session.failure(), "65,535 bytes: the connection window exactly");
        closedWith(c, f().data(3, "x", false), ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void windowsPastTwoToTheThirtyFirstAreFlowControlErrors() {
        ClientHarness connection = ClientHarness.started();
        closedWith(connection, f().windowUpdate(0, Integer.MAX_VALUE), ErrorCode.FLOW_CONTROL_ERROR);

        ClientHarness stream = ClientHarness.started();
        stream.request("/", false);
        stream.feed(f().windowUpdate(1, Integer.MAX_VALUE));
        assertEquals(List.of("RST_STREAM 1 FLOW_CONTROL_ERROR"), stream.written());
        assertEquals(List.of("reset 1 FLOW_CONTROL_ERROR"), stream.recorder.events);

        ClientHarness settings = ClientHarness.started();
        H2Stream s = settings.request("/", false);
        settings.feed(f().windowUpdate(1, Integer.MAX_VALUE - 65_535));
        assertEquals(Integer.MAX_VALUE, s.sendWindow());
        closedWith(settings, f().settings(Settings.INITIAL_WINDOW_SIZE, 65_536), ErrorCode.FLOW_CONTROL_ERROR);

        ClientHarness zero = ClientHarness.started();
        closedWith(zero, f().windowUpdate(0, 0), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aServerMayNotEnablePushNorStartWithoutSettings() {
        ClientHarness push = new ClientHarness(D);
        push.written();
        closedWith(push, f().settings(Settings.ENABLE_PUSH, 1), ErrorCode.PROTOCOL_ERROR);

        ClientHarness ping = new ClientHarness(D);
        ping.written();
        closedWith(ping, f().ping(7, false), ErrorCode.PROTOCOL_ERROR);

        ClientHarness zero = new ClientHarness(D);
        zero.written();
        assertEquals(SessionProgress.NEED_INPUT, zero.feed(f().settings(Settings.ENABLE_PUSH, 0)));
        assertEquals(List.of("SETTINGS ACK"), zero.written());
    }

    @Test
    void theServersSettingsAreAppliedAndAcknowledgedAndOursTakeEffectOnTheirAck() {
        ClientHarness h = new ClientHarness(limits(65_536, 1000, 65_535, 1000));
        h.written();
        H2Stream early = h.session.open();
        assertTrue(h.session.writeHeaders(early, h.requestBlock("/"), true, h.out()));
        h.feed(f().settings(Settings.MAX_FRAME_SIZE, 20_000, Settings.HEADER_TABLE_SIZE, 0,
                Settings.INITIAL_WINDOW_SIZE, 100_000));
        assertEquals(List.of("settings Settings{1=0, 4=100000, 5=20000}", "windows"), h.recorder.events);
        assertEquals(100_000, early.sendWindow(), "moved by the new initial window");
        assertEquals(65_535, early.receive.window(), "the default until the server acknowledges ours");
        h.feed(f().settingsAck());
        assertEquals(1000, early.receive.window());
        List<String> out = h.written();
        assertTrue(out.contains("SETTINGS ACK"), out.toString());

        H2Stream s = h.session.open();
        assertTrue(h.session.writeHeaders(s, ByteBuffer.wrap(new byte[30_000]), false, h.out()));
        assertEquals(List.of("HEADERS 3 len=20000", "CONTINUATION 3 END_HEADERS len=10000"), h.written(),
                "split at the server's MAX_FRAME_SIZE");
        assertEquals(20_000, h.session.sendable(s), "one frame: within the server's MAX_FRAME_SIZE");
    }

    @Test
    void aPingIsAnsweredAndTheNextWaitsUntilTheAckIsWritten() {
        ClientHarness h = ClientHarness.started();
        ByteBuffer in = f().ping(1, false).ping(2, false).buffer();
        assertEquals(SessionProgress.BLOCKED, h.feed(in, false));
        assertEquals(List.of("PING 1 ACK"), h.written());
        assertEquals(1, h.count(Counter.H2_BACKEND_READ_PAUSED));
        assertEquals(SessionProgress.NEED_INPUT, h.feed(in, false));
        assertEquals(List.of("PING 2 ACK"), h.written());
    }

    @Test
    void aStreamTheClientResetIgnoresLateFramesButStillDecodesAndCreditsThem() {
        ClientHarness h = ClientHarness.started(limits(65_536, 65_535, 65_535, 1000));
        H2Stream one = h.request("/1", false);
        h.request("/3", true);
        h.session.reset(one, ErrorCode.CANCEL);
        assertEquals(List.of("RST_STREAM 1 CANCEL"), h.written());
        String frame = "x".repeat(16_384);
        h.feed(f().headers(1, h.block(":status", "200", "x-table", "kept in step"), false).data(1, frame, false)
                .data(1, frame, false).windowUpdate(1, 5).rst(1, ErrorCode.CANCEL)
                .headers(3, h.block(":status", "200", "x-table", "kept in step"), true));
        assertEquals(List.of("head 3 [:status: 200, x-table: kept in step] END_STREAM"), h.recorder.events,
                "the second block refers to the table entry the ignored one added");
        assertEquals(List.of("discarded", "kept"), h.decoder.blocks);
        assertEquals(List.of("WINDOW_UPDATE 0 +32768"), h.written(), "the ignored DATA credited to the connection");
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
    }

    @Test
    void bytesConsumedAfterTheirStreamClosedStillCreditTheConnection() {
        ClientHarness h = ClientHarness.started(limits(65_536, 65_535, 65_535, 1000));
        h.recorder.consumeAtOnce = false;
        H2Stream s = h.request("/", true);
        h.feed(f().headers(1, h.block(":status", "200"), false).data(1, "x".repeat(16_384), false)
                .data(1, "x".repeat(16_384), false).rst(1, ErrorCode.INTERNAL_ERROR));
        assertEquals("reset 1 INTERNAL_ERROR by peer", h.recorder.events.get(h.recorder.events.size() - 1));
        h.session.consumed(s, 32_768);
        assertEquals(List.of("WINDOW_UPDATE 0 +32768"), h.written(), "no update for the closed stream");
    }

    @Test
    void aRefusedStreamAndAResetAfterACompleteResponseComeFromThePeer() {
        ClientHarness h = ClientHarness.started();
        h.request("/a", true);
        h.request("/b", false);
        h.feed(f().rst(1, ErrorCode.REFUSED_STREAM).headers(3, h.block(":status", "200"), true)
                .rst(3, ErrorCode.NO_ERROR));
        assertEquals(List.of("reset 1 REFUSED_STREAM by peer", "head 3 [:status: 200] END_STREAM",
                "reset 3 NO_ERROR by peer"), h.recorder.events);
        assertEquals(1, h.count(Counter.H2_BACKEND_REFUSED_STREAM));
        h.feed(f().rst(1, ErrorCode.CANCEL).windowUpdate(3, 1));
        assertEquals(ErrorCode.NO_ERROR, h.session.failure(), "RST_STREAM, WINDOW_UPDATE on closed streams: ignored");
    }

    @Test
    void aGlitchFloodEndsWithEnhanceYourCalm() {
        ClientHarness h = ClientHarness.started(limits(65_536, 65_535, 1 << 20, 10));
        h.request("/", true);
        Frames flood = f().headers(1, h.block(":status", "200"), false);
        for (int i = 0; i < 3; i++) {
            flood.data(1, "", false).priority(1, 0).frame(0x20, 0, 1, new byte[3]).ping(i, true);
        }
        assertEquals(SessionProgress.CLOSE, h.feed(flood));
        assertEquals(List.of("GOAWAY 0 ENHANCE_YOUR_CALM"), h.written());
        assertEquals(1, h.count(Counter.H2_BACKEND_GLITCHES));
        assertEquals(List.of("head 1 [:status: 200]", "reset 1 ENHANCE_YOUR_CALM"), h.recorder.events);
    }

    @Test
    void aResponseBlockOverTheLimitCancelsItsStreamAndEndsTheConnectionGracefully() {
        ClientHarness h = ClientHarness.started(limits(100, 65_535, 1 << 20, 1000));
        H2Stream one = h.request("/1", true);
        h.request("/3", true);
        h.feed(f().headers(1, h.block(":status", "200", "x-big", "y".repeat(150)), false));
        assertEquals(List.of("reset 1 CANCEL"), h.recorder.events);
        assertEquals(List.of("RST_STREAM 1 CANCEL", "GOAWAY 0 NO_ERROR"), h.written());
        assertEquals(1, h.count(Counter.H2_BACKEND_HEAD_TOO_LARGE));
        assertEquals(StreamState.CLOSED, one.state());
        assertFalse(h.session.canOpen());
        h.feed(f().headers(3, h.block(":status", "200"), true));
        assertEquals(List.of("reset 1 CANCEL", "reset 3 CANCEL"), h.recorder.events, "no block can be decoded now");
        assertTrue(h.session.finished());
        assertEquals(ErrorCode.NO_ERROR, h.session.failure());
    }

    @Test
    void aContinuationFloodEndsWithEnhanceYourCalm() {
        ClientHarness h = ClientHarness.started(limits(100, 65_535, 1 << 20, 1000));
        h.request("/", true);
        closedFlood(h);
    }

    private static void closedFlood(ClientHarness h) {
        assertEquals(SessionProgress.CLOSE, h.feed(f().headers(1, "x".repeat(300), false, false)
                .continuation(1, "y".repeat(101), false)));
        assertEquals(List.of("GOAWAY 0 ENHANCE_YOUR_CALM"), h.written());
        assertEquals(1, h.count(Counter.H2_BACKEND_HEADER_FLOOD));
    }

    @Test
    void aFieldListTheDecoderFindsTooLargeCancelsOnlyItsStream() {
        ClientHarness h = ClientHarness.started(new ClientHarness(D, new HpackFieldDecoder(new HpackLimits(4096, 1000, 100))));
        h.request("/1", true);
        h.request("/3", true);
        h.feed(f().headers(1, h.block(":status", "200", "x-big", "y".repeat(2000)), true)
                .headers(3, h.block(":status", "200"), true));
        assertEquals(List.of("reset 1 CANCEL", "head 3 [:status: 200] END_STREAM"), h.recorder.events);
        assertEquals(List.of("RST_STREAM 1 CANCEL"), h.written());
        assertEquals(1, h.count(Counter.H2_BACKEND_HEAD_TOO_LARGE));
        assertTrue(h.session.canOpen(), "the table is in step: the connection goes on");
    }

    @Test
    void anUndecodableBlockIsACompressionError() {
        ClientHarness h = ClientHarness.started();
        h.request("/", true);
        closedWith(h, f().headers(1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, true),
                ErrorCode.COMPRESSION_ERROR);
        assertEquals(List.of("reset 1 COMPRESSION_ERROR"), h.recorder.events);
    }

    @Test
    void streamIdentifiersRunOut() {
        ClientHarness h = ClientHarness.started();
        h.session.nextStreamId(Integer.MAX_VALUE);
        assertTrue(h.session.canOpen());
        assertEquals(Integer.MAX_VALUE, h.session.open().id());
        assertFalse(h.session.canOpen());
        assertThrows(IllegalStateException.class, h.session::open);
    }

    @Test
    void requestHeadsGoOutInTheOrderTheirStreamsWereOpened() {
        ClientHarness h = ClientHarness.started();
        H2Stream one = h.session.open();
        H2Stream three = h.session.open();
        assertThrows(IllegalStateException.class, () -> h.session.writeData(one, ByteBuffer.allocate(1), true, h.out()),
                "no DATA before the head");
        assertTrue(h.session.writeHeaders(three, h.requestBlock("/3"), false, h.out()));
        assertThrows(IllegalStateException.class, () -> h.session.writeHeaders(one, h.requestBlock("/1"), true, h.out()));
        assertThrows(IllegalStateException.class,
                () -> h.session.writeHeaders(three, h.requestBlock("/t"), false, h.out()), "trailers end the stream");
        h.session.reset(one, ErrorCode.CANCEL);
        List<String> out = h.written();
        assertEquals(1, out.size(), "no RST_STREAM for a stream never sent: " + out);
        assertTrue(out.get(0).startsWith("HEADERS 3 END_HEADERS"), out.get(0));
        assertEquals(1, h.session.activeStreams());
    }

    @Test
    void aHeadIsWrittenWholeOrNotAtAll() {
        ClientHarness h = ClientHarness.started();
        H2Stream s = h.session.open();
        ByteBuffer tiny = ByteBuffer.allocate(20);
        ByteBuffer block = ByteBuffer.wrap(new byte[30]);
        assertFalse(h.session.writeHeaders(s, block, true, tiny));
        assertEquals(0, tiny.position());
        assertEquals(30, block.remaining());
        assertEquals(StreamState.IDLE, s.state());
    }

    @Test
    void writeDataWritesOneFrameWithinTheWindowsAndCanEndWithAnEmptyFrame() {
        ClientHarness h = ClientHarness.started();
        H2Stream s = h.request("/", false);
        assertEquals(16_384, h.session.sendable(s), "the server's MAX_FRAME_SIZE");
        ByteBuffer body = ByteBuffer.allocate(20_000);
        assertEquals(16_384, h.session.writeData(s, body, true, h.out()));
        assertEquals(StreamState.OPEN, s.state(), "END_STREAM only with the last byte");
        assertEquals(3616, h.session.writeData(s, body, false, h.out()));
        assertEquals(0, h.session.writeData(s, ByteBuffer.allocate(0), false, h.out()), "nothing to send");
        assertEquals(0, h.session.writeData(s, ByteBuffer.allocate(0), true, h.out()));
        assertEquals(StreamState.HALF_CLOSED_LOCAL, s.state());
        List<String> out = h.written();
        assertEquals(List.of("data 1 '' END_STREAM"), out.subList(out.size() - 1, out.size()));
        assertEquals(65_535 - 20_000, s.sendWindow());
    }
}
