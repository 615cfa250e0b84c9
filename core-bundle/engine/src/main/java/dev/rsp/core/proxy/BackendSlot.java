package dev.rsp.core.proxy;

import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.LoopHandler;
import java.nio.channels.SelectionKey;

/**
 * The concurrency slot one exchange holds at a backend with a limit ({@code ;maxconn}, {@code backend.maxconn}), or
 * waits for: at most one at a time, taken when the exchange turns to that backend and given back exactly once, when it
 * turns to another candidate or {@link #release}s (every way an exchange ends goes through its upstream's release).
 * While queued, its own deadline bounds the wait ({@code backend.queue.timeout.ms}). A grant made by another loop
 * arrives through this exchange's loop ({@link EventLoop#execute}); one that finds the exchange gone (or turned
 * elsewhere) releases the slot at once. Loop thread only, except {@link Wait#granted}.
 */
final class BackendSlot implements LoopHandler {

    /** Whether the exchange may use the backend now, waits for it (a callback follows), or is refused. */
    enum Claim { HELD, QUEUED, FULL }

    private final EventLoop loop;
    private final BackendSlots slots;
    private final Runnable onGranted;
    private final Runnable onTimeout;
    private final LoopHandler owner;
    private final Deadline timeout = new Deadline(this);
    /** The gate whose slot is held and its backend's name; null when none. */
    private SlotGate held;
    private String heldFor;
    /** The wait in progress; null when not queued. */
    private Wait waiting;

    /**
     * @param onGranted runs on the loop when a slot waited for is granted: the exchange goes on with that backend
     * @param onTimeout runs on the loop when the wait timed out (nothing held any more)
     * @param owner     gets {@link #onFailure} of this slot's deadline
     */
    BackendSlot(EventLoop loop, BackendSlots slots, Runnable onGranted, Runnable onTimeout, LoopHandler owner) {
        this.loop = loop;
        this.slots = slots;
        this.onGranted = onGranted;
        this.onTimeout = onTimeout;
        this.owner = owner;
    }

    /**
     * A slot at {@code backendName} with {@code limit} (at least 1): HELD when this exchange has one (already, or taken
     * now), QUEUED when it waits (then {@code onGranted} or {@code onTimeout} follows), FULL when {@code queueSize}
     * requests wait already. A slot held at another backend is given back first.
     */
    Claim claim(String backendName, int limit, int queueSize, long queueTimeoutNanos) {
        if (held != null && heldFor.equals(backendName)) {
            return Claim.HELD;
        }
        release();
        SlotGate gate = slots.gate(backendName);
        if (gate.tryTake(limit)) {
            hold(gate, backendName);
            return Claim.HELD;
        }
        Wait w = new Wait(gate, backendName);
        if (gate.enqueue(w, queueSize) == SlotGate.Admission.FULL) {
            return Claim.FULL;
        }
        waiting = w;
        loop.arm(timeout, System.nanoTime() + queueTimeoutNanos);
        return Claim.QUEUED;
    }

    /** True while a slot is held (for tests and the views). */
    boolean holding() {
        return held != null;
    }

    boolean queued() {
        return waiting != null;
    }

    /** Gives back the slot held, or stops waiting; a no-op when there is neither. */
    void release() {
        if (waiting != null) {
            loop.disarm(timeout);
            // When the gate granted it meanwhile, the grant finds waiting cleared and gives the slot back.
            waiting.gate.withdraw(waiting);
            waiting = null;
        }
        if (held != null) {
            SlotGate g = held;
            held = null;
            heldFor = null;
            g.release();
        }
    }

    private void hold(SlotGate gate, String backendName) {
        held = gate;
        heldFor = backendName;
    }

    /** On the loop: the slot {@code w} waited for is this exchange's, unless it stopped waiting for it meanwhile. */
    private void arrived(Wait w) {
        if (waiting != w) {
            w.gate.release();
            return;
        }
        waiting = null;
        loop.disarm(timeout);
        hold(w.gate, w.backendName);
        try {
            onGranted.run();
        } catch (RuntimeException | Error e) {
            owner.onFailure(e);
        }
    }

    @Override
    public void onDeadline(long nowNanos) {
        Wait w = waiting;
        if (w != null && w.gate.withdraw(w)) {
            waiting = null;
            onTimeout.run();
        }
        // else: granted just now; the grant is queued on this loop and arrives next
    }

    @Override
    public void onReady(SelectionKey key) {
        // no socket of its own
    }

    @Override
    public void onFailure(Throwable t) {
        owner.onFailure(t);
    }

    /** One wait for a slot at one backend. */
    private final class Wait extends SlotGate.Waiter {
        final SlotGate gate;
        final String backendName;

        Wait(SlotGate gate, String backendName) {
            this.gate = gate;
            this.backendName = backendName;
        }

        @Override
        void granted() {
            loop.execute(() -> arrived(this));
        }
    }
}
