package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stream state machine of §5.1 and the table that finds streams and remembers closed ones. */
class StreamStateTest {

    @Test
    void transitionsFollowTheRfcDiagram() {
        assertEquals(StreamState.OPEN, StreamState.IDLE.opened(false));
        assertEquals(StreamState.HALF_CLOSED_REMOTE, StreamState.IDLE.opened(true));
        assertThrows(IllegalStateException.class, () -> StreamState.OPEN.opened(false));
        assertEquals(StreamState.HALF_CLOSED_REMOTE, StreamState.OPEN.remoteEnded());
        assertEquals(StreamState.HALF_CLOSED_LOCAL, StreamState.OPEN.localEnded());
        assertEquals(StreamState.CLOSED, StreamState.HALF_CLOSED_REMOTE.localEnded());
        assertEquals(StreamState.CLOSED, StreamState.HALF_CLOSED_LOCAL.remoteEnded());
        assertEquals(StreamState.CLOSED, StreamState.CLOSED.remoteEnded());
        for (StreamState s : StreamState.values()) {
            assertEquals(s == StreamState.OPEN || s == StreamState.HALF_CLOSED_LOCAL, s.peerMaySend(), s.name());
            assertEquals(s == StreamState.OPEN || s == StreamState.HALF_CLOSED_REMOTE, s.weMaySend(), s.name());
            assertEquals(s != StreamState.IDLE && s != StreamState.CLOSED, s.active(), s.name());
        }
    }

    @Test
    void theTableClassifiesIdentifiersWithoutActiveStreams() {
        StreamTable t = new StreamTable(4, 3);
        assertEquals(StreamTable.Idle.NEW, t.classify(1));
        assertEquals(StreamTable.Idle.INVALID, t.classify(2));
        t.used(9);
        assertEquals(StreamTable.Idle.PAST, t.classify(7));
        assertEquals(StreamTable.Idle.NEW, t.classify(11));
        t.rememberClosed(5, true);
        t.rememberClosed(7, false);
        assertEquals(StreamTable.Idle.IGNORED, t.classify(5));
        assertEquals(StreamTable.Idle.CLOSED, t.classify(7));
        t.rememberClosed(1, false);
        t.rememberClosed(3, false);
        assertEquals(StreamTable.Idle.PAST, t.classify(5), "forgotten after three more closes");
        for (int i = 0; i < 10; i++) {
            t.rememberClosed(9, true);
        }
        assertEquals(StreamTable.Idle.IGNORED, t.classify(9));
    }

    @Test
    void theTableFindsAndRemovesStreamsWhateverTheCollisions() {
        StreamTable t = new StreamTable(8, 8);
        Random random = new Random(19);
        List<H2Stream> live = new ArrayList<>();
        for (int round = 0; round < 5000; round++) {
            if (live.isEmpty() || live.size() < 40 && random.nextBoolean()) {
                int id = 1 + 2 * random.nextInt(1 << 20);
                if (t.get(id) == null) {
                    H2Stream s = new H2Stream(id, 1, 1);
                    t.add(s);
                    live.add(s);
                }
            } else {
                t.remove(live.remove(random.nextInt(live.size())));
            }
            assertEquals(live.size(), t.size());
            for (H2Stream s : live) {
                assertSame(s, t.get(s.id()));
            }
        }
        for (H2Stream s : new ArrayList<>(live)) {
            t.remove(s);
            assertNull(t.get(s.id()));
        }
        assertEquals(0, t.size());
        t.add(new H2Stream(3, 1, 1));
        t.clear();
        assertNull(t.get(3));
        assertFalse(t.size() > 0);
        assertTrue(t.capacity() >= 16);
    }
}
