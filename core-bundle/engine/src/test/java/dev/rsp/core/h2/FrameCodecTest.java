package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link FrameWriter} writes, {@link FrameReader} reads back the same; and the preface test for h2c. */
class FrameCodecTest {

    @Test
    void everyFrameTheWriterMakesReadsBack() {
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        out.put(Preface.bytes());
        Settings s = new Settings().set(Settings.MAX_CONCURRENT_STREAMS, 100).set(Settings.ENABLE_PUSH, 0)
                .set(Settings.INITIAL_WINDOW_SIZE, 1 << 20);
        assertTrue(FrameWriter.settings(out, s));
        assertTrue(FrameWriter.settingsAck(out));
        assertTrue(FrameWriter.ping(out, 0x0102030405060708L, false));
        assertTrue(FrameWriter.ping(out, 42, true));
        assertTrue(FrameWriter.windowUpdate(out, 0, 1000));
        assertTrue(FrameWriter.windowUpdate(out, 1, Integer.MAX_VALUE));
        assertTrue(FrameWriter.headers(out, 1, ascii("abc"), false, 16_384));
        assertTrue(FrameWriter.data(out, 1, ascii("hello!"), 5, true));
        assertTrue(FrameWriter.rstStream(out, 3, ErrorCode.CANCEL));
        assertTrue(FrameWriter.goAway(out, 7, ErrorCode.ENHANCE_YOUR_CALM));
        out.flip();
        int total = out.remaining();

        FrameReader reader = new FrameReader(16_384, true);
        RecordingFrameListener l = new RecordingFrameListener();
        assertEquals(total, reader.read(out, l));
        assertEquals(List.of(
                "SETTINGS Settings{2=0, 3=100, 4=1048576}",
                "SETTINGS ACK",
                "PING 102030405060708",
                "PING 2a ACK",
                "WINDOW_UPDATE 0 +1000",
                "WINDOW_UPDATE 1 +2147483647",
                "HEADERS 1 END_HEADERS len=3",
                "fragment 1 'abc'",
                "data 1 'hello' END_STREAM",
                "RST_STREAM 3 CANCEL",
                "GOAWAY 7 ENHANCE_YOUR_CALM"), l.events);
        assertEquals(5, l.flowControlled());
        assertEquals(FrameReader.Status.NEED_MORE, reader.next(out, l));
    }

    @Test
    void aLargeFieldBlockIsSplitIntoContinuationFramesAtThePeersFrameSize() {
        String block = "x".repeat(40_000);
        int length = FrameWriter.headersLength(block.length(), 16_384);
        assertEquals(40_000 + 3 * 9, length);
        ByteBuffer out = ByteBuffer.allocate(length);
        assertTrue(FrameWriter.headers(out, 5, ascii(block), true, 16_384));
        assertFalse(out.hasRemaining());
        out.flip();

        FrameReader reader = new FrameReader(16_384, false);
        RecordingFrameListener l = new RecordingFrameListener();
        Frames.settingsFirst(reader, l);
        reader.read(out, l);
        assertEquals(List.of(
                "HEADERS 5 END_STREAM len=16384", "fragment 5 '" + "x".repeat(16_384) + "'",
                "CONTINUATION 5 len=16384", "fragment 5 '" + "x".repeat(16_384) + "'",
                "CONTINUATION 5 END_HEADERS len=7232", "fragment 5 '" + "x".repeat(7232) + "'"), l.events.subList(1, 7));
    }

    @Test
    void theWriterWritesAWholeFrameOrNothing() {
        ByteBuffer small = ByteBuffer.allocate(12);
        assertFalse(FrameWriter.ping(small, 1, false));
        assertFalse(FrameWriter.goAway(small, 1, ErrorCode.NO_ERROR));
        assertFalse(FrameWriter.headers(small, 1, ascii("abcd"), false, 16_384));
        assertFalse(FrameWriter.data(small, 1, ascii("abcd"), 4, false));
        assertEquals(0, small.position());
        assertTrue(FrameWriter.rstStream(ByteBuffer.allocate(13), 1, ErrorCode.CANCEL));
        ByteBuffer block = ascii("abc");
        assertFalse(FrameWriter.headers(ByteBuffer.allocate(11), 1, block, false, 16_384));
        assertEquals(3, block.remaining(), "a block not written is not consumed");
    }

    @Test
    void thePrefaceIsRecognisedFromItsFirstBytes() {
        assertEquals(Preface.Match.PREFACE, Preface.match(Preface.bytes()));
        assertEquals(Preface.Match.PREFIX, Preface.match(ascii("")));
        assertEquals(Preface.Match.PREFIX, Preface.match(ascii("PRI * HTTP/2.0\r\n")));
        assertEquals(Preface.Match.OTHER, Preface.match(ascii("PROPFIND / HTTP/1.1\r\n")));
        assertEquals(Preface.Match.OTHER, Preface.match(ascii("GET / HTTP/1.1\r\n")));
        assertEquals(Preface.Match.OTHER, Preface.match(ascii("PRI * HTTP/1.1\r\n\r\n")));
        ByteBuffer later = ByteBuffer.allocate(64);
        later.put(ascii("xx")).put(Preface.bytes()).put(ascii("more")).flip().position(2);
        assertEquals(Preface.Match.PREFACE, Preface.match(later));
        assertEquals(2, later.position(), "the window does not move");
    }

    @Test
    void errorCodesAndTypesHaveTheirWireValues() {
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c, ErrorCode.of(c.code()));
        }
        assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.of(0x77));
        assertEquals(0xb, ErrorCode.ENHANCE_YOUR_CALM.code());
        assertEquals("CONTINUATION", FrameType.name(9));
        assertEquals("UNKNOWN(0x10)", FrameType.name(16));
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
