package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pooled buffers follow the recent demand: after a burst, idle buffers go within two quiet windows; steady traffic
 * keeps what its own swings need, so it does not allocate again.
 */
class BufferPoolDecayTest {

    final BufferPool pool = new BufferPool(1024, 10_000);

    List<ByteBuffer> take(int n) {
        List<ByteBuffer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(pool.acquire());
        }
        return l;
    }

    void give(List<ByteBuffer> l) {
        l.forEach(pool::release);
        l.clear();
    }

    @Test
    void aBurstIsGivenBackWithinTwoQuietWindows() {
        give(take(5000));
        assertEquals(5000, pool.idle(), "released buffers are kept for reuse up to maxIdle");
        assertEquals(0, pool.decay(), "the window that saw the burst keeps what it needed");
        assertEquals(5000, pool.idle());
        assertEquals(5000, pool.decay(), "a window without demand keeps nothing");
        assertEquals(0, pool.idle());
        assertEquals(5000, pool.decayed());
        assertEquals(0, pool.inUse());
    }

    @Test
    void steadyTrafficKeepsWhatItsSwingsNeed() {
        List<ByteBuffer> base = take(100);
        give(take(20));
        assertEquals(20, pool.idle());
        pool.decay();
        for (int window = 0; window < 5; window++) {
            give(take(20));
            assertEquals(0, pool.decay(), "window " + window + ": the swing of 20 stays pooled");
        }
        long allocated = pool.allocated();
        give(take(20));
        assertEquals(allocated, pool.allocated(), "steady swings reuse pooled buffers");
        give(base);
        assertEquals(0, pool.decay(), "the release of the base is within the window's peak");
        assertEquals(120, pool.idle());
        assertEquals(120, pool.decay(), "then a quiet window drops all of it");
    }

    @Test
    void decayKeepsTheWarmestBuffers() {
        List<ByteBuffer> l = take(3);
        ByteBuffer warm = l.get(2);
        give(l);   // released in order: the last released is reused first
        pool.decay();
        List<ByteBuffer> again = take(1);
        assertSame(warm, again.get(0));
        give(again);
        assertEquals(2, pool.decay(), "the window needed one buffer beyond the none in use");
        assertSame(warm, pool.acquire());
    }
}
