package dev.rsp.core.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size for one event loop. Confined to the loop's thread: no locks. When direct memory is at
 * its cap ({@link DirectMemory}), {@link #acquire()} hands out heap buffers, which are never kept for reuse.
 *
 * <p>Ownership: whoever calls {@link #acquire()} owns the buffer until it passes it to {@link #release}; a buffer is
 * released exactly once. {@link #inUse()} counts buffers acquired and not released, so tests can check that
 * connections give back what they take (the engine sums it over the loops for them).
 *
 * <p>Decay: released buffers are kept for reuse up to {@code maxIdle}, but a burst must not leave its buffers parked
 * here for good. {@link #decay()}, called by the loop every few seconds ({@link PoolDecay}), keeps only as many idle
 * buffers as the window since the previous call needed beyond what is in use now (its peak minus the current use),
 * so pooled memory follows the recent demand and falls to nothing within two quiet windows. The dropped buffers are
 * left to the garbage collector, which frees their native memory.
 */
public final class BufferPool {

    private final int bufferSize;
    private final int maxIdle;
    private final BufferPool bulk;
    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    private int inUse;
    private int peakInUse;
    private int windowPeak;
    private long allocated;
    private long decayed;
    private long acquisitions;
    private long acquisitionsReported;

    /**
     * @param bufferSize size of every buffer in bytes
     * @param maxIdle    most released buffers kept for reuse; more are left to the garbage collector
     */
    public BufferPool(int bufferSize, int maxIdle) {
        this(bufferSize, maxIdle, null);
    }

    /**
     * @param bulk larger buffers for inputs that keep filling these ({@link Endpoint#allowBulk}), or null
     */
    public BufferPool(int bufferSize, int maxIdle, BufferPool bulk) {
        this.bufferSize = bufferSize;
        this.maxIdle = maxIdle;
        this.bulk = bulk;
    }

    /** The pool of larger buffers a bulk transfer moves up to, or null when there is none. */
    public BufferPool bulk() {
        return bulk;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes. */
    public ByteBuffer acquire() {
        ByteBuffer b = idle.pollFirst();
        if (b == null) {
            if (DirectMemory.reserve(bufferSize)) {
                b = ByteBuffer.allocateDirect(bufferSize);
                allocated++;
            } else {
                b = ByteBuffer.allocate(bufferSize);
                DirectMemory.fellBack();
            }
        }
        inUse++;
        acquisitions++;
        if (inUse > peakInUse) {
            peakInUse = inUse;
        }
        if (inUse > windowPeak) {
            windowPeak = inUse;
        }
        return b;
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void release(ByteBuffer b) {
        inUse--;
        if (!b.isDirect()) {
            return;
        }
        if (idle.size() < maxIdle) {
            b.clear();
            idle.addFirst(b);
        } else {
            DirectMemory.release(bufferSize);
        }
    }

    /**
     * Drops the idle buffers the last window did not need: keeps at most (peak use since the previous call - use now),
     * then starts a new window. Returns how many were dropped. Loop thread only.
     */
    public int decay() {
        int keep = Math.max(0, windowPeak - inUse);
        int dropped = 0;
        while (idle.size() > keep) {
            idle.pollLast();
            DirectMemory.release(bufferSize);
            dropped++;
        }
        windowPeak = inUse;
        decayed += dropped;
        return dropped;
    }

    /** Buffers handed out since the previous call (0 the first time nothing was); for counters flushed on a tick. */
    public long takeAcquisitions() {
        long n = acquisitions - acquisitionsReported;
        acquisitionsReported = acquisitions;
        return n;
    }

    /** Released buffers parked for reuse. */
    public int idle() {
        return idle.size();
    }

    /** Buffers dropped by {@link #decay()} over the pool's life. */
    public long decayed() {
        return decayed;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers acquired and not yet released. */
    public int inUse() {
        return inUse;
    }

    /** The highest {@link #inUse()} seen since the pool was made or {@link #resetPeak()} was called. */
    public int peakInUse() {
        return peakInUse;
    }

    public void resetPeak() {
        peakInUse = inUse;
    }

    /** Buffers allocated over the pool's life (a steadily growing figure means buffers are not coming back). */
    public long allocated() {
        return allocated;
    }
}
