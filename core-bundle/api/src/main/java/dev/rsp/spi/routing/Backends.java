package dev.rsp.spi.routing;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable set of backends, ordered by name.
 *
 * @param generation increases every time the core publishes a changed set
 * @param all        the backends, sorted by name, names unique
 */
public record Backends(long generation, List<Backend> all) {

    public Backends {
        all = all.stream().sorted(Comparator.comparing(Backend::name)).toList();
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).name().equals(all.get(i - 1).name())) {
                throw new IllegalArgumentException("duplicate backend name: " + all.get(i).name());
            }
        }
    }

    /** The backend with this name, if configured. */
    public Optional<Backend> named(String name) {
        for (Backend b : all) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Backends by name, in name order. */
    public Map<String, Backend> byName() {
        Map<String, Backend> m = new LinkedHashMap<>();
        all.forEach(b -> m.put(b.name(), b));
        return m;
    }
}
