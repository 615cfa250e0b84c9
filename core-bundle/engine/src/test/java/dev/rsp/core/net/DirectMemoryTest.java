package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direct memory limit as the JVM reads it, and the pools' heap fallback at the cap. */
class DirectMemoryTest {

    @Test
    void theLimitIsTheLastMaxDirectMemorySizeElseTheMaximumHeap() {
        assertEquals(512L << 20, DirectMemory.limit(List.of("-Xmx1g", "-XX:MaxDirectMemorySize=512m"), 1L << 30));
        assertEquals(2L << 30, DirectMemory.limit(List.of("-XX:MaxDirectMemorySize=1g", "-XX:MaxDirectMemorySize=2G"), 7));
        assertEquals(65_536, DirectMemory.limit(List.of("-XX:MaxDirectMemorySize=65536"), 7));
        assertEquals(7, DirectMemory.limit(List.of("-Xmx1g"), 7));
        assertEquals(7, DirectMemory.limit(List.of("-XX:MaxDirectMemorySize=lots"), 7));
    }

    @Test
    void buffersDroppedByDecayGiveBackTheirReservation() {
        long before = DirectMemory.reserved();
        BufferPool pool = new BufferPool(4096, 8);
        ByteBuffer[] taken = {pool.acquire(), pool.acquire(), pool.acquire()};
        assertEquals(before + 3 * 4096, DirectMemory.reserved());
        for (ByteBuffer b : taken) {
            pool.release(b);
        }
        pool.decay();
        pool.decay();
        assertEquals(0, pool.idle(), "a window without demand keeps nothing");
        assertEquals(before, DirectMemory.reserved(), "what decay dropped is no longer counted against the cap");
    }

    @Test
    void atTheCapThePoolHandsOutHeapBuffersAndNeverKeepsThem() {
        BufferPool pool = new BufferPool(4096, 8);
        long before = DirectMemory.fallbacks();
        long prev = DirectMemory.capAt(DirectMemory.reserved());
        try {
            ByteBuffer b = pool.acquire();
            assertFalse(b.isDirect(), "no direct memory left under the cap: a heap buffer");
            assertEquals(4096, b.capacity());
            assertEquals(before + 1, DirectMemory.fallbacks());
            pool.release(b);
            assertEquals(0, pool.inUse());
            DirectMemory.capAt(prev);
            ByteBuffer d = pool.acquire();
            assertTrue(d.isDirect(), "the heap buffer was not kept: a direct one again once there is room");
            pool.release(d);
        } finally {
            DirectMemory.capAt(prev);
        }
    }
}
