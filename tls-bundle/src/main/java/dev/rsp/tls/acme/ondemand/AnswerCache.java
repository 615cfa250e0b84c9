package dev.rsp.tls.acme.ondemand;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ask URL's answers by name, each kept for its time to live: a yes for {@code ondemand.ask.cache.allowed.ms}, a no
 * or a failure for {@code ondemand.ask.cache.refused.ms} (a time to live of 0 keeps none). At most {@code maxEntries}
 * names; beyond that the least recently used goes. Thread-safe; every method holds the lock for a map operation only.
 */
final class AnswerCache {

    private final int maxEntries;
    private final long allowedMillis;
    private final long refusedMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries;

    private record Entry(AskEndpoint.Answer answer, long expiresAt) {
    }

    AnswerCache(int maxEntries, long allowedMillis, long refusedMillis, Clock clock) {
        this.maxEntries = maxEntries;
        this.allowedMillis = allowedMillis;
        this.refusedMillis = refusedMillis;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > AnswerCache.this.maxEntries;
            }
        };
    }

    /** The answer for {@code name} if one is cached and still fresh. */
    synchronized Optional<AskEndpoint.Answer> get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            return Optional.empty();
        }
        if (clock.millis() >= e.expiresAt) {
            entries.remove(name);
            return Optional.empty();
        }
        return Optional.of(e.answer);
    }

    /** Keeps {@code answer} for its time to live; {@link AskEndpoint.Answer#BUSY} is never kept (nobody was asked). */
    synchronized void put(String name, AskEndpoint.Answer answer) {
        long ttl = switch (answer) {
            case ALLOWED -> allowedMillis;
            case REFUSED, FAILED -> refusedMillis;
            case BUSY -> 0;
        };
        if (ttl <= 0 || maxEntries == 0) {
            entries.remove(name);
            return;
        }
        entries.put(name, new Entry(answer, saturatedAdd(clock.millis(), ttl)));
    }

    synchronized int size() {
        return entries.size();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
