package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendTuning;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.LoopHandler;

/**
 * Which of an exchange's timeouts applies, and when it falls due: waiting for a routing strategy (the grace period),
 * connecting (the connect timeout), waiting for the first response byte (the backend timeout), and no progress in
 * either direction (the idle timeout, also for tunnels). One {@link Deadline} in the loop's queue, armed for the
 * earliest of them the exchange's state can reach; the exchange decides what an expired one means. Loop thread only.
 */
final class ExchangeTimers {

    /** What fell due at a deadline. */
    enum Expired { NONE, ROUTE_WAIT, CONNECT, FIRST_BYTE, IDLE }

    private final EventLoop loop;
    private final ProxySettings settings;
    private final Deadline timer;
    /** ROUTE_WAIT: the grace period's end; CONNECT: the connect timeout; EXCHANGE: the first response byte's. */
    private long due;
    private long lastProgress;

    ExchangeTimers(EventLoop loop, ProxySettings settings, LoopHandler owner, long started) {
        this.loop = loop;
        this.settings = settings;
        this.timer = new Deadline(owner);
        this.lastProgress = started;
    }

    /** The exchange starts waiting for a routing strategy: the grace period runs from now. */
    void routeWaiting() {
        due = System.nanoTime() + settings.graceNanos();
    }

    /** A connect starts: the connect timeout runs from now (the backend's own, {@code ;timeout.connect}, if it has one). */
    void connecting(BackendTuning backend) {
        due = System.nanoTime() + (backend.connectNanos() > 0 ? backend.connectNanos() : settings.connectTimeoutNanos());
    }

    /**
     * The request head is on its way: the backend has the backend timeout (its own, {@code ;timeout.backend}, if it has
     * one) for its first response byte. Sending it
     * is progress too, so that the idle timeout, when it is no longer than the backend timeout, cannot expire first
     * and cut the client (status 0) where the backend timeout would answer 504: both then fall due together, and the
     * first byte's is checked first.
     */
    void awaitingResponse(BackendTuning backend) {
        long now = System.nanoTime();
        due = now + (backend.backendNanos() > 0 ? backend.backendNanos() : settings.backendTimeoutNanos());
        lastProgress = now;
    }

    /** Readiness on either side: the idle timeout runs from now. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** What is due at {@code now} in {@code state}; {@code headSeen}: the response head has arrived. */
    Expired expired(Exchange.State state, boolean headSeen, long now) {
        return switch (state) {
            case ROUTE_WAIT -> now - due > 0 ? Expired.ROUTE_WAIT : Expired.NONE;
            case CONNECT -> now - due > 0 ? Expired.CONNECT : Expired.NONE;
            case EXCHANGE -> !headSeen && now - due > 0 ? Expired.FIRST_BYTE : idle(now);
            case TUNNEL -> idle(now);
            default -> Expired.NONE;
        };
    }

    private Expired idle(long now) {
        return now - lastProgress > settings.idleTimeoutNanos() ? Expired.IDLE : Expired.NONE;
    }

    /** Arms the deadline for the next timeout {@code state} could reach; a finished exchange arms nothing. */
    void rearm(Exchange.State state, boolean headSeen) {
        long idle = lastProgress + settings.idleTimeoutNanos();
        long next = switch (state) {
            case ROUTE_WAIT, CONNECT -> due;
            case EXCHANGE -> headSeen || due - idle > 0 ? idle : due;
            case TUNNEL -> idle;
            default -> 0;
        };
        if (next != 0) {
            loop.armNoLaterThan(timer, next);
        }
    }

    /** Takes the deadline out of the loop's queue (the exchange ended). */
    void cancel() {
        loop.disarm(timer);
    }
}
