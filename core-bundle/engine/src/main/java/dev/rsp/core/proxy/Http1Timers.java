package dev.rsp.core.proxy;

import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.LoopHandler;

/**
 * Which of an HTTP/1 connection's own timeouts applies, and when it falls due: the TLS handshake, the request head
 * (from its first byte), idle keep-alive between requests, an idle reply, and the linger after rsp's answer. While an
 * exchange runs, the exchange's timers watch the connection instead. One {@link Deadline} in the loop's queue, armed
 * for the earliest timeout the connection's state could reach; the connection decides what an expired one means.
 * Loop thread only.
 */
final class Http1Timers {

    /** What fell due at a deadline. */
    enum Expired { NONE, HANDSHAKE, DRAINED, HEAD, IDLE, LINGER_END }

    /** How long rsp's answer lingers for the client's close before the connection is closed anyway. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private final EventLoop loop;
    private final ProxySettings settings;
    private final Endpoint client;
    private final Deadline timer;
    /** When the TLS handshake must be done (0 without TLS). */
    private final long handshakeDue;
    /** HEAD: the request head's deadline (0 before its first byte); LINGER: the end of lingering. */
    private long due;
    private long lastProgress = System.nanoTime();
    /** At a stop, when a connection without a request yet stops waiting for one; 0 when not set. */
    private long stopGraceEnds;

    Http1Timers(EventLoop loop, ProxySettings settings, Endpoint client, LoopHandler owner, long handshakeDue) {
        this.loop = loop;
        this.settings = settings;
        this.client = client;
        this.timer = new Deadline(owner);
        this.handshakeDue = handshakeDue;
    }

    /** Readiness: the idle timeouts run from now. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Bytes of a head are buffered: the header timeout runs from the first of them. */
    void headBegun() {
        if (due == 0) {
            due = System.nanoTime() + settings.headerTimeoutNanos();
        }
    }

    /** A head is complete: its timeout no longer applies. */
    void headDone() {
        due = 0;
    }

    /** Waiting for the next request: keep-alive idles from now. */
    void betweenRequests() {
        due = 0;
        progress();
    }

    /** A stop began before the connection's first request: it waits for one until {@code until}. */
    void stopGrace(long until) {
        stopGraceEnds = until == 0 ? 1 : until;
    }

    boolean stopGraceOver(long now) {
        return stopGraceEnds != 0 && now - stopGraceEnds >= 0;
    }

    /** rsp's answer is written: the linger runs from now. */
    void lingering() {
        due = System.nanoTime() + LINGER_NANOS;
    }

    /** What is due at {@code now} in {@code state}; {@code drained}: draining with nothing of a request buffered. */
    Expired expired(Http1Connection.State state, boolean drained, long now) {
        long idle = settings.idleTimeoutNanos();
        return switch (state) {
            case HEAD -> {
                if (client.tlsHandshaking()) {
                    yield now - handshakeDue > 0 ? Expired.HANDSHAKE : Expired.NONE;
                } else if (drained) {
                    yield Expired.DRAINED;
                } else if (due != 0) {
                    yield now - due > 0 ? Expired.HEAD : Expired.NONE;
                }
                yield now - lastProgress > idle ? Expired.IDLE : Expired.NONE;
            }
            case REPLY -> now - lastProgress > idle ? Expired.IDLE : Expired.NONE;
            case LINGER -> {
                // A TLS connection still sending its last records stays while they move.
                boolean flushing = client.hasPendingOutput() && now - lastProgress < idle;
                yield now - due > 0 && !flushing ? Expired.LINGER_END : Expired.NONE;
            }
            default -> Expired.NONE;
        };
    }

    /**
     * Arms the deadline for the earliest time a timeout of {@code state} could expire, unless it is armed earlier
     * already (it then fires early, finds nothing expired and re-arms).
     */
    void rearm(Http1Connection.State state, boolean drained) {
        long now = System.nanoTime();
        long idle = lastProgress + settings.idleTimeoutNanos();
        long next = switch (state) {
            case HEAD -> client.tlsHandshaking() ? handshakeDue : drained ? now : earliest(due != 0 ? due : idle, stopGraceEnds);
            case REPLY -> idle;
            case LINGER -> now - due < 0 ? due : idle;
            default -> 0;
        };
        if (next != 0) {
            loop.armNoLaterThan(timer, next);
        }
    }

    /** The earlier of two times; {@code b} 0 means none. */
    private static long earliest(long a, long b) {
        return b != 0 && b - a < 0 ? b : a;
    }

    /** Takes the deadline out of the loop's queue (the connection closed). */
    void cancel() {
        loop.disarm(timer);
    }
}
