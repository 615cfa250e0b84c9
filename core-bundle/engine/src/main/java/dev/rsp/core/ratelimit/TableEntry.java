package dev.rsp.core.ratelimit;

/** What a {@link BoundedTable} keeps per key: the state of one client address or one host. */
abstract class TableEntry {

    /** Set on every lookup, cleared by the eviction hand as it passes: a used entry gets one more round. */
    volatile boolean used = true;

    /** Whether forgetting this entry at {@code now} loses nothing: its buckets are full and nothing is in flight. */
    abstract boolean atRest(long now);
}
