package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing rules of RFC 9113 §3.4, §4, §6 as the reader enforces them, one case each. */
class FrameReaderRulesTest {

    static final int D = FrameType.DATA;
    static final int H = FrameType.HEADERS;

    /** Reads a client connection (preface, SETTINGS, then {@code f}); returns the reader. */
    static FrameReader read(Frames f, RecordingFrameListener l) {
        FrameReader r = new FrameReader(16_384, true);
        ByteBuffer in = Frames.client().raw(f.bytes()).buffer();
        r.read(in, l);
        return r;
    }

    static ErrorCode error(Frames f) {
        return read(f, new RecordingFrameListener()).error();
    }

    static Frames f() {
        return new Frames();
    }

    @Test
    void streamZeroIsAnErrorForStreamFrames() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().data(0, "x", false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().request(0, "x", false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().priority(0, 1)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().rst(0, ErrorCode.CANCEL)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().continuation(0, "x", true)));
        assertEquals(ErrorCode.NO_ERROR, error(f().windowUpdate(0, 1)));
    }

    @Test
    void connectionFramesMustBeOnStreamZero() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(FrameType.SETTINGS, 0, 1, new byte[0])));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(FrameType.PING, 0, 1, new byte[8])));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(FrameType.GOAWAY, 0, 1, new byte[8])));
    }

    @Test
    void fixedLengthsAreFrameSizeErrors() {
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.PING, 0, 0, new byte[7])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.PING, 0, 0, new byte[9])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.SETTINGS, 0, 0, new byte[5])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.SETTINGS, 0, 0, new byte[7])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.SETTINGS, Flags.ACK, 0, new byte[6])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.WINDOW_UPDATE, 0, 0, new byte[3])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.WINDOW_UPDATE, 0, 1, new byte[5])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.RST_STREAM, 0, 1, new byte[3])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.RST_STREAM, 0, 1, new byte[5])));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(FrameType.GOAWAY, 0, 0, new byte[7])));
        assertEquals(ErrorCode.NO_ERROR, error(f().frame(FrameType.GOAWAY, 0, 0, new byte[30])), "debug data is fine");
    }

    @Test
    void aPriorityFrameOfTheWrongLengthIsAStreamErrorAndReadingGoesOn() {
        RecordingFrameListener l = new RecordingFrameListener();
        FrameReader r = read(f().frame(FrameType.PRIORITY, 0, 3, new byte[4]).ping(1, false), l);
        assertEquals(ErrorCode.NO_ERROR, r.error());
        assertEquals(List.of("SETTINGS Settings{}", "stream error 3 FRAME_SIZE_ERROR", "PING 1"), l.events);
    }

    @Test
    void aFrameOverTheAdvertisedMaximumIsAFrameSizeError() {
        FrameReader r = read(f().frame(FrameType.DATA, 0, 1, new byte[16_385]), new RecordingFrameListener());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, r.error());
        assertTrue(r.frameTooLarge());
        assertEquals(ErrorCode.NO_ERROR, error(f().frame(FrameType.DATA, 0, 1, new byte[16_384])));
        FrameReader larger = new FrameReader(16_384, true);
        larger.maxFrameSize(1 << 20);
        larger.read(Frames.client().frame(FrameType.DATA, 0, 1, new byte[16_385]).buffer(), new RecordingFrameListener());
        assertEquals(ErrorCode.NO_ERROR, larger.error());
    }

    @Test
    void paddingMustBeShorterThanThePayload() {
        // DATA: pad length byte 3, then 2 bytes: the padding would take the whole rest and more.
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(D, Flags.PADDED, 1, new byte[] {3, 0, 0})));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(D, Flags.PADDED, 1, new byte[] {1})));
        assertEquals(ErrorCode.NO_ERROR, error(f().frame(D, Flags.PADDED, 1, new byte[] {2, 0, 0})), "all padding");
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(D, Flags.PADDED, 1, new byte[0])));
        int both = Flags.PADDED | Flags.PRIORITY | Flags.END_HEADERS;
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(H, both, 1, new byte[] {2, 0, 0, 0, 0, 16, 'a'})));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, error(f().frame(H, both, 1, new byte[] {0, 0, 0, 0, 0})));
        RecordingFrameListener l = new RecordingFrameListener();
        read(f().frame(H, both, 1, new byte[] {1, 0, 0, 0, 3, 16, 'a', 'b', 0}), l);
        assertEquals(List.of("HEADERS 1 END_HEADERS len=2", "fragment 1 'ab'"), l.events.subList(1, 3),
                "padding and priority skipped");
    }

    @Test
    void paddedDataCountsItsWholeLengthForFlowControl() {
        RecordingFrameListener l = new RecordingFrameListener();
        read(f().paddedData(1, "abc", 4, true), l);
        assertEquals(List.of("data 1 'abc' END_STREAM"), l.events.subList(1, 2));
        assertEquals(8, l.flowControlled());
    }

    @Test
    void continuationMustFollowItsBlockWithNothingInBetween() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().continuation(1, "x", true)), "no block in progress");
        Frames open = f().headers(1, "a", false, false);
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(open.data(1, "x", false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().headers(1, "a", false, false).continuation(3, "b", true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().headers(1, "a", false, false).ping(1, false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().headers(1, "a", false, false).headers(3, "b", false, true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().headers(1, "a", false, false).frame(0x20, 0, 0, new byte[1])));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().headers(1, "a", false, false).continuation(1, "b", true)
                .continuation(1, "c", true)), "END_HEADERS ended the block");
        RecordingFrameListener l = new RecordingFrameListener();
        FrameReader r = read(f().headers(1, "a", true, false).continuation(1, "b", false).continuation(1, "c", true), l);
        assertEquals(ErrorCode.NO_ERROR, r.error());
        assertEquals(List.of("HEADERS 1 END_STREAM len=1", "fragment 1 'a'", "CONTINUATION 1 len=1", "fragment 1 'b'",
                "CONTINUATION 1 END_HEADERS len=1", "fragment 1 'c'"), l.events.subList(1, 7));
    }

    @Test
    void pushPromiseIsRefused() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().frame(FrameType.PUSH_PROMISE, Flags.END_HEADERS, 1, new byte[4])));
    }

    @Test
    void thePrefaceAndASettingsFrameComeFirst() {
        RecordingFrameListener l = new RecordingFrameListener();
        FrameReader r = new FrameReader(16_384, true);
        r.read(new Frames().raw(Frames.ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).buffer(), l);
        assertEquals(ErrorCode.PROTOCOL_ERROR, r.error());
        r = new FrameReader(16_384, true);
        r.read(Frames.withPreface().ping(1, false).buffer(), l);
        assertEquals(ErrorCode.PROTOCOL_ERROR, r.error());
        r = new FrameReader(16_384, true);
        r.read(Frames.withPreface().settingsAck().buffer(), l);
        assertEquals(ErrorCode.PROTOCOL_ERROR, r.error());
        r = new FrameReader(16_384, true);
        ByteBuffer partial = ByteBuffer.wrap(Frames.withPreface().bytes(), 0, 10);
        assertEquals(10, r.read(partial, l));
        assertEquals(ErrorCode.NO_ERROR, r.error());
        assertTrue(l.events.isEmpty());
    }

    @Test
    void settingsValuesAreChecked() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().settings(Settings.ENABLE_PUSH, 2)));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, error(f().settings(Settings.INITIAL_WINDOW_SIZE, 1 << 31)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().settings(Settings.MAX_FRAME_SIZE, 16_383)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, error(f().settings(Settings.MAX_FRAME_SIZE, 1 << 24)));
        RecordingFrameListener l = new RecordingFrameListener();
        read(f().settings(Settings.MAX_FRAME_SIZE, 16_777_215, 0x99, 7, Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE,
                Settings.ENABLE_PUSH, 1, Settings.HEADER_TABLE_SIZE, -1), l);
        assertEquals("SETTINGS Settings{1=4294967295, 2=1, 4=2147483647, 5=16777215}", l.events.get(1),
                "unknown identifiers ignored, values unsigned");
    }

    @Test
    void unknownFramesAreSkippedAndReservedBitsIgnored() {
        RecordingFrameListener l = new RecordingFrameListener();
        FrameReader r = read(f().frame(0x42, 0xff, 9, new byte[100]).request(0x8000_0001, "h", true)
                .windowUpdate(0x8000_0001, 0x8000_0005), l);
        assertEquals(ErrorCode.NO_ERROR, r.error());
        assertEquals(List.of("UNKNOWN 66 9 len=100", "HEADERS 1 END_STREAM END_HEADERS len=1", "fragment 1 'h'",
                "WINDOW_UPDATE 1 +5"), l.events.subList(1, 5));
    }

    @Test
    void aZeroIncrementIsDeliveredForTheListenerToJudge() {
        RecordingFrameListener l = new RecordingFrameListener();
        read(f().windowUpdate(0, 0), l);
        assertEquals("WINDOW_UPDATE 0 +0", l.events.get(1));
    }

    @Test
    void afterAnErrorNothingMoreIsRead() {
        RecordingFrameListener l = new RecordingFrameListener();
        FrameReader r = read(f().frame(FrameType.PING, 0, 0, new byte[7]).ping(1, false), l);
        assertEquals(FrameReader.Status.ERROR, r.next(ByteBuffer.wrap(new byte[17]), l));
        assertFalse(r.reason().isEmpty());
        assertEquals(1, l.events.size());
    }
}
