package dev.rsp.core.proxy;

import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.LoopHandler;

/**
 * Which of an HTTP/2 connection's own timeouts applies, and when: a header block that does not complete
 * ({@code timeout.header.ms}), no stream and no traffic ({@code timeout.idle.ms}), and the grace a drain gives the
 * client to stop opening streams before the final GOAWAY. Streams in flight are watched by their exchanges' timers.
 * One {@link Deadline} in the loop's queue; the connection decides what an expired timeout means. Loop thread only.
 */
final class H2Timers {

    /** What fell due at a deadline. */
    enum Expired { NONE, HEADER_BLOCK, IDLE, DRAIN_GRACE }

    /** Time between the first (announcing) GOAWAY of a drain and the final one. */
    static final long DRAIN_GRACE_NANOS = 1_000_000_000L;

    private final EventLoop loop;
    private final ProxySettings settings;
    private final Deadline timer;
    private long lastProgress = System.nanoTime();
    private long headerSince;
    private long drainSince;
    /** The drain's grace ran out (the final GOAWAY went): it is not armed again. */
    private boolean drainOver;

    H2Timers(EventLoop loop, ProxySettings settings, LoopHandler owner) {
        this.loop = loop;
        this.settings = settings;
        this.timer = new Deadline(owner);
    }

    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Whether a header block is being received: its timeout runs from its first frame. */
    void headerBlock(boolean inProgress) {
        if (inProgress && headerSince == 0) {
            headerSince = System.nanoTime();
        } else if (!inProgress) {
            headerSince = 0;
        }
    }

    /** A drain began: the final GOAWAY follows after the grace. */
    void draining() {
        if (drainSince == 0) {
            drainSince = System.nanoTime();
        }
    }

    /**
     * What is due at {@code now}; {@code noStreams}: no stream is open (the idle timeout applies only then, counted
     * from the end of the last stream). Each timeout acts once: a deadline re-armed in the past would fire on every
     * loop turn.
     */
    Expired expired(long now, boolean noStreams) {
        if (headerSince != 0 && now - headerSince > settings.headerTimeoutNanos()) {
            return Expired.HEADER_BLOCK;
        }
        if (noStreams && now - lastProgress > settings.idleTimeoutNanos()) {
            return Expired.IDLE;
        }
        if (drainSince != 0 && !drainOver && now - drainSince > DRAIN_GRACE_NANOS) {
            drainOver = true;
            return Expired.DRAIN_GRACE;
        }
        return Expired.NONE;
    }

    /** Arms the earliest timeout that can still fire; {@code noStreams} as for {@link #expired}. */
    void rearm(boolean noStreams) {
        long next = Long.MAX_VALUE;
        if (noStreams) {
            next = lastProgress + settings.idleTimeoutNanos();
        }
        if (headerSince != 0) {
            next = Math.min(next, headerSince + settings.headerTimeoutNanos());
        }
        if (drainSince != 0 && !drainOver) {
            next = Math.min(next, drainSince + DRAIN_GRACE_NANOS);
        }
        if (next != Long.MAX_VALUE) {
            loop.armNoLaterThan(timer, next);
        }
    }

    void cancel() {
        loop.disarm(timer);
    }
}
