package dev.rsp.core.proxy;

import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.net.LoopHandler;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Idle keep-alive connections to backends, per loop, keyed by backend name and address (a backend moved to another
 * address does not reuse connections to the old one) and, for a {@code ;send-proxy} backend, by client connection.
 * A key without idle connections is removed, so per-client keys do not accumulate. Most recently used first, so that surplus connections age
 * out. Bounded per key; idle ones are closed after the idle timeout (one {@link Deadline} for the oldest). Loop
 * thread only.
 */
final class BackendPool implements LoopHandler {

    private final Map<String, ArrayDeque<BackendSide>> idle = new HashMap<>();
    private final EventLoop loop;
    /** Armed for when the oldest idle connection expires. */
    private final Deadline expiry = new Deadline(this);
    private final int maxIdlePerKey;
    private final long idleNanos;
    private final ProxyCounters counters;

    BackendPool(EventLoop loop, int maxIdlePerKey, long idleNanos, ProxyCounters counters) {
        this.loop = loop;
        this.maxIdlePerKey = maxIdlePerKey;
        this.idleNanos = idleNanos;
        this.counters = counters;
    }

    /**
     * An idle connection for {@code key}, or null when there is none. A connection whose readiness the current
     * select reported but the loop has not dispatched yet (bytes or a close from the backend that arrived while it
     * idled) is read here first and closed, instead of being handed out: those bytes would otherwise be read as the
     * next response. Over TLS a record without data (a session ticket) leaves it usable.
     */
    BackendSide take(String key) {
        ArrayDeque<BackendSide> q = idle.get(key);
        while (q != null && !q.isEmpty()) {
            BackendSide b = q.pollFirst();
            if (q.isEmpty()) {
                idle.remove(key);
            }
            if (b.endpoint().readinessPending() && !b.idleReadiness()) {
                continue;
            }
            counters.count(Counter.BACKEND_POOL_REUSED);
            return b;
        }
        return null;
    }

    /**
     * Parks a connection whose exchange ended cleanly; closes it when the pool for its key is full, or when the
     * backend sent more than the response it framed (bytes still in the input window after the response ended, or
     * TLS records below it, whole or partial: RFC 9112 6.3 forbids reading them as another response, and the next
     * client would receive them). Only a connection whose TLS handshake completed can have carried an exchange, and
     * TLS renegotiation is refused, so a parked connection is never mid-handshake.
     */
    void offer(BackendSide b, long nowNanos) {
        if (!b.connected() || b.endpoint().tlsHandshaking()) {
            b.close();
            return;
        }
        if (b.endpoint().holdsInput()) {
            counters.count(Counter.BACKEND_EXCESS_BYTES);
            b.close();
            return;
        }
        ArrayDeque<BackendSide> q = idle.computeIfAbsent(b.poolKey(), k -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerKey) {
            b.close();
            return;
        }
        b.parkedIn(this, nowNanos);
        q.addFirst(b);
        loop.armNoLaterThan(expiry, nowNanos + idleNanos);
    }

    void remove(BackendSide b) {
        ArrayDeque<BackendSide> q = idle.get(b.poolKey());
        if (q != null && q.remove(b) && q.isEmpty()) {
            idle.remove(b.poolKey());
        }
    }

    /**
     * Closes idle connections whose directory key is not in {@code keys} (backends removed or moved). The connections
     * of one pool key share their directory key.
     */
    void retain(Set<String> keys) {
        Iterator<Map.Entry<String, ArrayDeque<BackendSide>>> it = idle.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ArrayDeque<BackendSide>> e = it.next();
            BackendSide first = e.getValue().peekFirst();
            if (first == null || !keys.contains(first.directoryKey())) {
                for (BackendSide b : e.getValue()) {
                    b.close();
                }
                it.remove();
            }
        }
    }

    void closeAll() {
        idle.values().forEach(q -> q.forEach(BackendSide::close));
        idle.clear();
    }

    /** Closes the connections idle longer than the idle timeout, then arms for the next one to expire. */
    @Override
    public void onDeadline(long nowNanos) {
        long next = Long.MAX_VALUE;
        Iterator<ArrayDeque<BackendSide>> it = idle.values().iterator();
        while (it.hasNext()) {
            ArrayDeque<BackendSide> q = it.next();
            // oldest at the tail; closing one does not call remove (it is no longer in the deque)
            while (!q.isEmpty() && nowNanos - q.peekLast().idleSinceNanos() >= idleNanos) {
                q.pollLast().close();
                counters.count(Counter.BACKEND_POOL_IDLE_TIMEOUT);
            }
            if (q.isEmpty()) {
                it.remove();
            } else {
                next = Math.min(next, q.peekLast().idleSinceNanos() + idleNanos - nowNanos);
            }
        }
        if (next != Long.MAX_VALUE) {
            loop.arm(expiry, nowNanos + next);
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        // the pool has no key of its own
    }

    @Override
    public void onFailure(Throwable t) {
        closeAll();
    }
}
