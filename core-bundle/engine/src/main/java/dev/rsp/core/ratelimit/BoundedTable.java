package dev.rsp.core.ratelimit;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rate-limit state per key (a client address, a host), bounded to {@code capacity} entries. Lookups are lock-free
 * (a {@link ConcurrentHashMap} read, and a flag write the first time an entry is seen again); only adding a key
 * beyond the capacity takes the table's lock, to move a clock hand over the entries: an entry {@linkplain
 * TableEntry#atRest at rest} and not used since the hand last passed is dropped (nothing lost), a used one is passed
 * over once; when {@value #LOOK_AHEAD} entries gave no such one, the first entry not used since the hand passed (or
 * failing that, the first one passed) is evicted with its state, and the owner is told (it counts it). {@link #purge} drops every entry at rest, so the table
 * shrinks again after a crowd of clients has gone.
 *
 * <p>A loop that looked an entry up just before it was dropped updates that detached entry: at most one token or one
 * in-flight request of that key is then not seen by the next lookup. Safe from any thread.
 */
final class BoundedTable<V extends TableEntry> {

    static final int LOOK_AHEAD = 64;

    private final ConcurrentHashMap<String, V> map = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Runnable onEvicted;
    /** The clock hand; guarded by {@code this}. */
    private Iterator<Map.Entry<String, V>> hand;

    /** @param onEvicted called for each entry dropped with its state (counted by the caller) */
    BoundedTable(int capacity, Runnable onEvicted) {
        this.capacity = capacity;
        this.onEvicted = onEvicted;
    }

    /** Makes the entry of a key seen for the first time. */
    interface Maker<V> {
        V make(String key, long now);
    }

    /** The entry of {@code key}, made by {@code create} when there is none (which may evict another). */
    V get(String key, long now, Maker<V> create) {
        V v = map.get(key);
        if (v != null) {
            if (!v.used) {
                v.used = true;
            }
            return v;
        }
        V made = create.make(key, now);
        V raced = map.putIfAbsent(key, made);
        if (raced != null) {
            return raced;
        }
        if (size.incrementAndGet() > capacity) {
            makeRoom(now, made);
        }
        return made;
    }

    private synchronized void makeRoom(long now, V keep) {
        Map.Entry<String, V> victim = null;
        Map.Entry<String, V> anyOther = null;
        for (int looked = 0; looked < LOOK_AHEAD && size.get() > capacity; looked++) {
            Map.Entry<String, V> e = advance();
            if (e == null) {
                break;
            }
            V v = e.getValue();
            if (v == keep) {
                continue;
            }
            if (anyOther == null) {
                anyOther = e;
            }
            if (v.used) {
                v.used = false;
            } else if (v.atRest(now)) {
                remove(e);
            } else if (victim == null) {
                victim = e;
            }
        }
        if (victim == null) {
            victim = anyOther;
        }
        if (size.get() > capacity && victim != null && remove(victim)) {
            onEvicted.run();
        }
    }

    private Map.Entry<String, V> advance() {
        for (int round = 0; round < 2; round++) {
            if (hand == null || !hand.hasNext()) {
                hand = map.entrySet().iterator();
            }
            if (hand.hasNext()) {
                return hand.next();
            }
        }
        return null;
    }

    private boolean remove(Map.Entry<String, V> e) {
        if (map.remove(e.getKey(), e.getValue())) {
            size.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Drops every entry at rest at {@code now}; off the loops (it walks the whole table). */
    void purge(long now) {
        for (Map.Entry<String, V> e : map.entrySet()) {
            if (e.getValue().atRest(now)) {
                remove(e);
            }
        }
    }

    int size() {
        return size.get();
    }

    int capacity() {
        return capacity;
    }
}
