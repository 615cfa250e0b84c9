package dev.rsp.spi.routing;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Router} answers for a request: one of three outcomes.
 *
 * <ul>
 *   <li>{@link Route}: these backends, in order of preference; the core tries them in turn when a request is safe to
 *       retry, up to its configured number of tries.</li>
 *   <li>{@link Rehost}: route the request as if its host were another name; the chain is asked again with that host.</li>
 *   <li>{@link Pass}: not mine; the next strategy in the chain decides.</li>
 * </ul>
 */
public sealed interface Decision permits Decision.Route, Decision.Rehost, Decision.Pass {

    /** The most candidates a {@link Route} may carry; longer lists are rejected when built. */
    int MAX_CANDIDATES = 8;

    /** Route to these backend names, most preferred first. */
    static Decision to(List<String> backendNames) {
        return new Route(backendNames);
    }

    /** Route to one backend by name. */
    static Decision to(String backendName) {
        return new Route(List.of(backendName));
    }

    /** Route as if the request's host were {@code host} (any spelling; the core canonicalizes it). */
    static Decision rehost(String host) {
        return new Rehost(host);
    }

    /** Not mine: let the next strategy in the chain decide. */
    static Decision pass() {
        return Pass.INSTANCE;
    }

    /** Send the request to these backends, named as in the backend configuration, most preferred first. */
    record Route(List<String> backends) implements Decision {
        public Route {
            Objects.requireNonNull(backends, "backends");
            if (backends.isEmpty() || backends.size() > MAX_CANDIDATES) {
                throw new IllegalArgumentException("a route names 1 to " + MAX_CANDIDATES + " backends, not " + backends.size());
            }
            backends = List.copyOf(backends);
        }
    }

    /** Route as if the host were {@code host}. */
    record Rehost(String host) implements Decision {
        public Rehost {
            Objects.requireNonNull(host, "host");
        }
    }

    /** Not mine. */
    final class Pass implements Decision {
        static final Pass INSTANCE = new Pass();

        private Pass() {
        }

        @Override
        public String toString() {
            return "Pass";
        }
    }
}
