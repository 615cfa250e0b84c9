package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What {@link RecordGather} gathers for one record and how the sources advance by what the engine took. */
class RecordGatherTest {

    private static ByteBuffer bytes(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return ByteBuffer.wrap(b);
    }

    @Test
    void aHeadAndABodyAreGatheredOneBufferAloneIsNot() {
        assertTrue(RecordGather.worthIt(new ByteBuffer[] {bytes(120, 0), ByteBuffer.allocate(0), bytes(100, 0)}));
        assertFalse(RecordGather.worthIt(new ByteBuffer[] {bytes(120, 0), ByteBuffer.allocate(0)}));
        assertFalse(RecordGather.worthIt(new ByteBuffer[] {bytes(RecordGather.MAX_PLAINTEXT, 0), bytes(10, 0)}),
                "a first buffer of a whole record goes as it is");
    }

    @Test
    void theCopyHoldsTheSourcesInOrderUpToOneRecordAndTheSourcesMoveByWhatWasTaken() {
        ByteBuffer head = bytes(100, 0);
        ByteBuffer body = bytes(RecordGather.MAX_PLAINTEXT, 100);
        ByteBuffer[] srcs = {head, body};
        ByteBuffer into = ByteBuffer.allocateDirect(RecordGather.MAX_PLAINTEXT + 300);
        ByteBuffer copy = RecordGather.copy(srcs, into);
        assertEquals(RecordGather.MAX_PLAINTEXT, copy.remaining(), "one record's plaintext at most");
        assertEquals(0, head.position(), "copying consumes nothing");
        byte[] got = new byte[copy.remaining()];
        copy.get(got);
        byte[] expected = new byte[RecordGather.MAX_PLAINTEXT];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        assertArrayEquals(expected, got);

        RecordGather.consume(srcs, 150);
        assertEquals(100, head.position());
        assertEquals(50, body.position());
        RecordGather.consume(srcs, RecordGather.MAX_PLAINTEXT - 50);
        assertFalse(head.hasRemaining() || body.hasRemaining(), Arrays.toString(srcs));
    }
}
