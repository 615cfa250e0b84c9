package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * However the bytes arrive (random read sizes into a small window that is compacted between reads, fixed seeds), the
 * reader delivers the same frames and the session the same stream events as when everything arrives at once.
 */
class SplitInvarianceTest {

    /** A connection with a bit of everything, including padding, CONTINUATION and frames larger than the window. */
    static byte[] conversation() {
        Frames f = Frames.client().settings(Settings.INITIAL_WINDOW_SIZE, 100_000, Settings.MAX_FRAME_SIZE, 16_384)
                .headers(1, "GET /a", false, false).continuation(1, "bc", false).continuation(1, "d", true)
                .paddedData(1, "x".repeat(300), 17, false).data(1, "y".repeat(5000), false).data(1, "", true)
                .request(3, "POST /" + "p".repeat(2000), false).priority(3, 1).frame(0x33, 0, 3, new byte[40])
                .ping(0x1122334455667788L, false).windowUpdate(0, 1000).windowUpdate(3, 5)
                .paddedData(3, "", 9, false).data(3, "z".repeat(16_384), false).request(3, "trailer: t", true)
                .request(5, "GET /c", false).rst(5, ErrorCode.CANCEL)
                .frame(FrameType.GOAWAY, 0, 0, new byte[20]);
        return f.bytes();
    }

    /** Feeds {@code bytes} in random pieces through a window of random capacity (at least 9 bytes, a frame header). */
    static void feedSplit(byte[] bytes, Random random, Consumer<ByteBuffer> read) {
        ByteBuffer window = ByteBuffer.allocate(9 + random.nextInt(100));
        int at = 0;
        while (at < bytes.length || window.position() > 0) {
            int n = Math.min(Math.min(window.remaining(), bytes.length - at), 1 + random.nextInt(40));
            window.put(bytes, at, n);
            at += n;
            window.flip();
            int before = window.remaining();
            read.accept(window);
            boolean stuck = window.remaining() == before && at == bytes.length && n == 0;
            window.compact();
            if (stuck) {
                break;
            }
        }
    }

    static List<String> readerEvents(byte[] bytes, Random random) {
        FrameReader reader = new FrameReader(16_384, true);
        RecordingFrameListener l = new RecordingFrameListener();
        if (random == null) {
            assertEquals(bytes.length, reader.read(ByteBuffer.wrap(bytes), l));
        } else {
            feedSplit(bytes, random, w -> reader.read(w, l));
        }
        assertEquals(ErrorCode.NO_ERROR, reader.error());
        List<String> merged = l.merged();
        merged.add("flow-controlled " + l.flowControlled());
        return merged;
    }

    @Test
    void theReaderDeliversTheSameFramesHoweverTheBytesAreSplit() {
        byte[] bytes = conversation();
        List<String> whole = readerEvents(bytes, null);
        assertTrue(whole.size() > 20, whole.toString());
        Random random = new Random(20240611);
        for (int run = 0; run < 300; run++) {
            assertEquals(whole, readerEvents(bytes, random), "run " + run);
        }
    }

    static List<String> sessionEvents(byte[] bytes, Random random) {
        SessionHarness h = new SessionHarness();
        if (random == null) {
            assertEquals(SessionProgress.NEED_INPUT, h.feed(ByteBuffer.wrap(bytes), true));
        } else {
            feedSplit(bytes, random, w -> h.feed(w, true));
        }
        h.written();
        List<String> events = new ArrayList<>(RecordingFrameListener.mergeData(h.events));
        events.addAll(h.decoded);
        events.add(h.counts.toString());
        events.add(h.session.failure().name());
        return events;
    }

    @Test
    void theSessionReportsTheSameStreamEventsHoweverTheBytesAreSplit() {
        byte[] bytes = conversation();
        List<String> whole = sessionEvents(bytes, null);
        assertTrue(whole.contains("trailers 3 'trailer: t'"), whole.toString());
        assertTrue(whole.contains("head 1 'GET /abcd'"), whole.toString());
        Random random = new Random(7);
        for (int run = 0; run < 300; run++) {
            assertEquals(whole, sessionEvents(bytes, random), "run " + run);
        }
    }
}
