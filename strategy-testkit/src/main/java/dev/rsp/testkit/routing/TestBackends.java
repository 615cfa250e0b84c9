package dev.rsp.testkit.routing;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.List;

/**
 * Backend sets for tests, as the core hands them to {@link dev.rsp.spi.routing.RoutingStrategy#build}: sorted by
 * name, names unique.
 *
 * <pre>{@code
 * Backends two = TestBackends.named("demo-1", "demo-2");
 * Backends weighted = TestBackends.builder().add("big", 3).add("small", 1).generation(2).build();
 * }</pre>
 *
 * <p>A backend added by name alone speaks HTTP/1.1 in cleartext at 127.0.0.1, on port 9101 for the first one added,
 * 9102 for the second and so on, with weight 1; add a {@link Backend} for anything else.
 */
public final class TestBackends {

    private static final int FIRST_PORT = 9101;

    private TestBackends() {
    }

    /** Generation 1 with these backends, each of weight 1. */
    public static Backends named(String... names) {
        Builder b = builder();
        for (String name : names) {
            b.add(name);
        }
        return b.build();
    }

    /** An empty set: what a strategy sees when no backend is configured. */
    public static Backends none() {
        return new Backends(1, List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects backends; {@link #build} may be called more than once. */
    public static final class Builder {

        private final List<Backend> backends = new ArrayList<>();
        private long generation = 1;

        private Builder() {
        }

        /** A backend of weight 1. */
        public Builder add(String name) {
            return add(name, 1);
        }

        /** A backend of this weight (at least 1). */
        public Builder add(String name, int weight) {
            return add(new Backend(name, "127.0.0.1", FIRST_PORT + backends.size(), weight));
        }

        /** Any backend: another protocol, TLS, a connection limit. */
        public Builder add(Backend backend) {
            backends.add(backend);
            return this;
        }

        /** The set's generation (default 1); the core increases it with every change it publishes. */
        public Builder generation(long generation) {
            this.generation = generation;
            return this;
        }

        /**
         * The set, sorted by name.
         *
         * @throws IllegalArgumentException when two backends share a name (the core never publishes such a set)
         */
        public Backends build() {
            return new Backends(generation, backends);
        }
    }
}
