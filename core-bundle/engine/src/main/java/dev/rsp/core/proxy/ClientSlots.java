package dev.rsp.core.proxy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open client connections of the engine over all listeners and loops, bounded by {@code limits.connections}.
 * An {@link Acceptor} takes a slot before it accepts; when none is free it stops accepting ({@link Acceptor#pause})
 * and new connections wait in the kernel's accept queue (as HAProxy's maxconn does: neither refused nor reset), until
 * a connection closes and every paused acceptor is resumed on its loop.
 *
 * <p>Race-free pausing: an acceptor marks the slots paused and then looks again; a close resumes when it finds them
 * paused. Either the close sees the mark, or the acceptor's second look sees the freed slot. Any thread.
 */
final class ClientSlots {

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final List<Acceptor> acceptors = new CopyOnWriteArrayList<>();
    private final ProxyCounters counters;
    private volatile int max;

    ClientSlots(ProxyCounters counters, int max) {
        this.counters = counters;
        this.max = max;
    }

    /** A new bound: a higher one lets paused acceptors go on at once. */
    void max(int next) {
        max = next;
        if (open.get() < next) {
            resumeIfPaused();
        }
    }

    int max() {
        return max;
    }

    /** Takes a slot for a connection about to be accepted; false when {@code limits.connections} are open. */
    boolean take() {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot: its connection closed (or none was accepted with it). */
    void give() {
        if (open.decrementAndGet() < max) {
            resumeIfPaused();
        }
    }

    /** True while acceptors wait for a free slot. */
    boolean isPaused() {
        return paused.get();
    }

    /** Connections open now. */
    long open() {
        return open.get();
    }

    /** An acceptor of a listener that opened: paused and resumed with the others. */
    void register(Acceptor acceptor) {
        acceptors.add(acceptor);
    }

    /** An acceptor found no free slot and stopped accepting: every paused acceptor is resumed when a slot frees. */
    void paused() {
        if (paused.compareAndSet(false, true)) {
            counters.count(Counter.ACCEPT_PAUSED);
        }
        if (open.get() < max) {
            resumeIfPaused();
        }
    }

    /** A listener closed: its acceptor is not resumed any more. */
    void forget(Acceptor acceptor) {
        acceptors.remove(acceptor);
    }

    private void resumeIfPaused() {
        if (paused.compareAndSet(true, false)) {
            for (Acceptor a : acceptors) {
                a.resume();
            }
        }
    }
}
