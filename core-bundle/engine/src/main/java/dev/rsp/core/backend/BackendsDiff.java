package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What changed between two backend sets, by name. Each set is sorted and unmodifiable.
 *
 * @param added   names only in the new set
 * @param removed names only in the old set (the engine drains them)
 * @param changed names in both whose host, port or weight differ
 */
public record BackendsDiff(Set<String> added, Set<String> removed, Set<String> changed) {

    public BackendsDiff {
        added = sorted(added);
        removed = sorted(removed);
        changed = sorted(changed);
    }

    /** Compares two sets; pass a {@code Backends} with an empty list for "nothing configured before". */
    public static BackendsDiff between(Backends before, Backends after) {
        Map<String, Backend> old = before.byName();
        Map<String, Backend> now = after.byName();
        Set<String> added = new TreeSet<>();
        Set<String> changed = new TreeSet<>();
        now.forEach((name, b) -> {
            Backend previous = old.get(name);
            if (previous == null) {
                added.add(name);
            } else if (!previous.equals(b)) {
                changed.add(name);
            }
        });
        Set<String> removed = new TreeSet<>(old.keySet());
        removed.removeAll(now.keySet());
        return new BackendsDiff(added, removed, changed);
    }

    /** True when both sets hold the same backends with the same addresses and weights. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    private static SortedSet<String> sorted(Set<String> names) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }
}
