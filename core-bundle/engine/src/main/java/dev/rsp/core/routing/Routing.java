package dev.rsp.core.routing;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Decision;
import java.util.List;
import java.util.Objects;

/** What the routing chain answered for one request, from {@link RoutingSnapshot#route}. */
public sealed interface Routing permits Routing.Routed, Routing.NoLiveStrategy, Routing.Unrouted {

    /**
     * A strategy chose these backends, most preferred first.
     *
     * @param candidates 1 to {@link Decision#MAX_CANDIDATES} configured backends, no name twice
     * @param strategy   the name of the strategy that chose them
     */
    record Routed(List<Backend> candidates, String strategy) implements Routing {
        public Routed {
            candidates = List.copyOf(candidates);
            Objects.requireNonNull(strategy, "strategy");
            if (candidates.isEmpty() || candidates.size() > Decision.MAX_CANDIDATES) {
                throw new IllegalArgumentException("1 to " + Decision.MAX_CANDIDATES + " candidates, not " + candidates.size());
            }
        }
    }

    /**
     * No strategy decided and at least one named in the chain is not live (not registered, being updated, or its
     * router not built yet); a new snapshot may bring it, so the engine waits a bounded grace period and asks again.
     *
     * @param chain the configured chain, possibly empty
     */
    record NoLiveStrategy(List<String> chain) implements Routing {
        public NoLiveStrategy {
            chain = List.copyOf(chain);
        }
    }

    /** Every live strategy passed; {@code why} is a short text for the 503 body and the log. */
    record Unrouted(String why) implements Routing {
        public Unrouted {
            Objects.requireNonNull(why, "why");
        }
    }
}
