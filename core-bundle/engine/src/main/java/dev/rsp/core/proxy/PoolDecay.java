package dev.rsp.core.proxy;

import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.EventLoop;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.function.Supplier;

/**
 * Gives back what a burst left pooled on one loop: every {@code buffer.pool.decay.ms} it lets each buffer pool of the
 * loop decay (see {@link BufferPool#decay}: idle buffers beyond the last window's need are dropped) and counts the
 * buffers dropped as {@code buffer.pool.decayed}. The pools are asked for at each tick, since TLS and HTTP/2 pools are
 * made on first use. Loop thread only: armed by {@link #start}, it re-arms itself.
 */
final class PoolDecay implements dev.rsp.core.net.LoopHandler {

    private final EventLoop loop;
    private final Supplier<List<BufferPool>> pools;
    private final long periodNanos;
    private final ProxyCounters counters;
    private final Deadline tick = new Deadline(this);

    PoolDecay(EventLoop loop, Supplier<List<BufferPool>> pools, long periodNanos, ProxyCounters counters) {
        this.loop = loop;
        this.pools = pools;
        this.periodNanos = periodNanos;
        this.counters = counters;
    }

    void start(long nowNanos) {
        loop.arm(tick, nowNanos + periodNanos);
    }

    @Override
    public void onDeadline(long nowNanos) {
        for (BufferPool p : pools.get()) {
            counters.add(Counter.BUFFER_POOL_DECAYED, p.decay());
        }
        BufferPool bulk = loop.buffers().bulk();
        if (bulk != null) {
            counters.add(Counter.BUFFER_BULK_TAKEN, bulk.takeAcquisitions());
        }
        loop.arm(tick, nowNanos + periodNanos);
    }

    @Override
    public void onReady(SelectionKey key) {
        // a timer only
    }

    @Override
    public void onFailure(Throwable t) {
        // decay failing leaves buffers pooled, nothing to release; the next start arms it again
    }
}
