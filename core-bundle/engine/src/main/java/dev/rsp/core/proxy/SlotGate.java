package dev.rsp.core.proxy;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend's concurrency limit, over all loops: the requests in flight to it (each holds a slot from admission to
 * the end of its exchange) and the bounded queue of those waiting for one (HAProxy's server {@code maxconn} and
 * {@code maxqueue}). A freed slot goes straight to the longest waiter, whose grant runs on the waiter's own loop
 * ({@link Waiter#granted}); nothing of a waiter is touched from another thread. Lock-free; any thread.
 *
 * <p>Each change (a slot taken back, a waiter added) is followed by {@link #drain}, which hands free slots to waiters
 * while both exist: whichever of two racing threads drains last sees the other's change, so no waiter stays queued
 * behind a free slot.
 */
final class SlotGate {

    enum Admission { QUEUED, FULL }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** The limit the last admission asked with (a configuration change applies from the next admission); 0: none. */
    private volatile int limit;

    /**
     * Takes a slot when fewer than {@code limit} are in flight (0: no limit). A limit that changed (the configuration)
     * first hands the slots it frees to the waiters, so that they do not stay behind newcomers.
     */
    boolean tryTake(int limit) {
        if (limit != this.limit) {
            this.limit = limit;
            drain();
        }
        while (true) {
            int n = inFlight.get();
            if (limit > 0 && n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Queues {@code w} for the next free slot unless {@code queueSize} are waiting already (FULL: nothing held). A
     * slot free by now is granted at once (still through the waiter's loop).
     */
    Admission enqueue(Waiter w, int queueSize) {
        if (queued.incrementAndGet() > queueSize) {
            queued.decrementAndGet();
            return Admission.FULL;
        }
        waiters.add(w);
        drain();
        return Admission.QUEUED;
    }

    /** Gives a slot back; it goes to the longest waiter, if any. Exactly once per slot taken or granted. */
    void release() {
        inFlight.decrementAndGet();
        drain();
    }

    /**
     * The waiter gives up (its timeout, or its exchange ended). True when it was still waiting: it holds nothing.
     * False when a slot was granted to it meanwhile: the grant is on its way to its loop and the slot is its to release.
     */
    boolean withdraw(Waiter w) {
        if (!w.cancel()) {
            return false;
        }
        if (waiters.remove(w)) {
            queued.decrementAndGet();
        }
        return true;
    }

    private void drain() {
        while (!waiters.isEmpty() && tryTake(limit)) {
            Waiter w = waiters.poll();
            if (w == null) {
                inFlight.decrementAndGet();
                continue;
            }
            queued.decrementAndGet();
            if (!w.grant()) {
                inFlight.decrementAndGet();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queued.get();
    }

    /**
     * One request waiting for a slot. Its state moves once, from waiting to granted (by whichever thread frees a slot)
     * or to cancelled (by its own loop); a grant is then delivered on the waiter's loop.
     */
    abstract static class Waiter {
        private static final int WAITING = 0;
        private static final int GRANTED = 1;
        private static final int CANCELLED = 2;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        private boolean grant() {
            if (!state.compareAndSet(WAITING, GRANTED)) {
                return false;
            }
            granted();
            return true;
        }

        private boolean cancel() {
            return state.compareAndSet(WAITING, CANCELLED);
        }

        /** Called once, on the thread that freed the slot: must hand over to the waiter's loop and return. */
        abstract void granted();
    }
}
