package dev.rsp.core.etcd;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every key under the prefix at one revision, as the watch knows it.
 *
 * @param revision  the store's revision this set reflects
 * @param values    key (without the prefix) to value (UTF-8), sorted by key
 * @param oversized keys (without the prefix) whose value was larger than {@code limits.value.bytes}: present in
 *                  etcd, refused here; a consumer treats them as invalid values
 */
public record EtcdSnapshot(long revision, SortedMap<String, String> values, Set<String> oversized) {

    public EtcdSnapshot {
        values = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values));
        oversized = Set.copyOf(oversized);
    }

    /** The keys under {@code sub} (e.g. {@code backends/}) with {@code sub} taken off, and their values. */
    public SortedMap<String, String> under(String sub) {
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.subMap(sub, sub + Character.MAX_VALUE).entrySet()) {
            out.put(e.getKey().substring(sub.length()), e.getValue());
        }
        return out;
    }

    /** The oversized keys under {@code sub}, with {@code sub} taken off. */
    public Set<String> oversizedUnder(String sub) {
        Set<String> out = new java.util.TreeSet<>();
        oversized.stream().filter(k -> k.startsWith(sub)).forEach(k -> out.add(k.substring(sub.length())));
        return out;
    }
}
