package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Decision;

/**
 * The decisions of one router for the hosts it saw recently, by host hash: a rendezvous decision costs one score per
 * backend (about 15 microseconds at 10,000 backends), a cached one a hash and an array read. The decision depends on
 * nothing but the host hash and the router's backends, and a router lives for one backend set, so a cached decision
 * is exactly the one that would be computed: balance and movement are the rendezvous' own.
 *
 * <p>Four-way set-associative: a host's hash picks a set of four slots; a new decision goes to the front of its set
 * and the oldest of the four drops out, so up to four hosts whose hashes share a set are remembered together (a
 * direct-mapped table loses about a fifth of its hosts to collisions at a quarter full). Threads race on slots
 * without locks; each slot holds an immutable entry (final fields), so a reader sees an old complete entry or a new
 * complete one, never a mix; a write lost in a race, or an entry present twice, costs only a recomputation, as every
 * hit is checked against the full 64-bit host hash.
 */
final class DecisionCache {

    static final int WAYS = 4;

    private record Entry(long hostHash, Decision decision) {
    }

    private final Entry[] slots;
    private final int shift;

    /** @param size slots, a power of two from {@link #WAYS} */
    DecisionCache(int size) {
        if (size < WAYS || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("cache size must be a power of two from " + WAYS + ": " + size);
        }
        slots = new Entry[size];
        shift = 64 - Integer.numberOfTrailingZeros(size / WAYS);
    }

    /** The cached decision for {@code hostHash}, or null. */
    Decision get(long hostHash) {
        int at = set(hostHash);
        for (int i = at; i < at + WAYS; i++) {
            Entry e = slots[i];
            if (e != null && e.hostHash == hostHash) {
                return e.decision;
            }
        }
        return null;
    }

    /** Remembers {@code decision} at the front of its set; the set's last entry is forgotten. */
    void put(long hostHash, Decision decision) {
        int at = set(hostHash);
        for (int i = at + WAYS - 1; i > at; i--) {
            slots[i] = slots[i - 1];
        }
        slots[at] = new Entry(hostHash, decision);
    }

    /** The first slot of the host's set: from the top bits of its hash (a 64-bit mix of the whole name). */
    private int set(long hostHash) {
        return shift == 64 ? 0 : (int) (hostHash >>> shift) * WAYS;
    }

    /** The number of slots a configured {@code cache.size} gives: rounded up to a power of two; 0 for none. */
    static int slotsFor(int configured) {
        if (configured <= 0) {
            return 0;
        }
        return Math.max(WAYS, Integer.highestOneBit(configured - 1) << 1);
    }
}
