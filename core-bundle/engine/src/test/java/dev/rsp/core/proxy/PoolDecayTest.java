package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.EventLoop;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's decay timer on a fake clock (the deadline is fired by hand with chosen times, the loop never runs): each
 * tick decays every pool the loop has at that moment, counts what it dropped, and arms the next tick one period on.
 * Then on a running engine: the buffers a burst of connections took are parked when they close and gone from the pools
 * (as {@code rsp_buffer_pool_bytes} shows them) within a few periods.
 */
class PoolDecayTest {

    static final long PERIOD = TimeUnit.SECONDS.toNanos(5);

    final BufferPool io = new BufferPool(1024, 10_000);
    final EventLoop loop = new EventLoop("decay-test", io);
    final List<BufferPool> pools = new ArrayList<>(List.of(io));
    final ProxyCounters counters = new ProxyCounters();
    final PoolDecay decay = new PoolDecay(loop, () -> List.copyOf(pools), PERIOD, counters);

    @AfterEach
    void close() throws java.io.IOException {
        loop.selector().close();   // never started: nothing else to stop
    }

    static void burst(BufferPool p, int n) {
        List<ByteBuffer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(p.acquire());
        }
        l.forEach(p::release);
    }

    @Test
    void aBurstIsDroppedAtTheSecondTickAndCounted() {
        long t0 = 1_000_000_000L;
        decay.start(t0);
        assertEquals(1, loop.armedDeadlines());
        burst(io, 3000);
        decay.onDeadline(t0 + PERIOD);
        assertEquals(3000, io.idle(), "the first tick sees the burst's own window");
        assertEquals(1, loop.armedDeadlines(), "re-armed");
        decay.onDeadline(t0 + 2 * PERIOD);
        assertEquals(0, io.idle());
        assertEquals(3000, counters.get(Counter.BUFFER_POOL_DECAYED));
    }

    @Test
    void aRunningEngineGivesBackWhatABurstTook() throws Exception {
        try (ProxyHarness h = new ProxyHarness(Map.of("buffer.pool.decay.ms", "50")).withStrategy()) {
            List<Socket> burst = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = new Socket("127.0.0.1", h.port());
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    burst.add(s);
                }
                int size = h.engine.settings().bufferSize();
                assertTrue(ProxyHarness.await(() -> h.engine.views().pooledBytes().inUse() >= 20L * size, 5000),
                        "each unfinished head holds a buffer: " + h.engine.views().pooledBytes());
            } finally {
                for (Socket s : burst) {
                    s.close();
                }
            }
            assertTrue(ProxyHarness.await(() -> h.engine.views().pooledBytes().equals(new EngineReports.PooledBytes(0, 0)), 5000),
                    "nothing in use, nothing parked: " + h.engine.views().pooledBytes());
            assertTrue(h.engine.views().events().get(Counter.BUFFER_POOL_DECAYED.id()) >= 20, h.engine.views().events().toString());
        }
    }

    @Test
    void poolsMadeLaterAreDecayedToo() {
        decay.start(0);
        BufferPool tls = new BufferPool(2048, 512);
        pools.add(tls);
        burst(tls, 100);
        decay.onDeadline(PERIOD);
        decay.onDeadline(2 * PERIOD);
        assertEquals(0, tls.idle());
        assertEquals(100, counters.get(Counter.BUFFER_POOL_DECAYED));
    }
}
