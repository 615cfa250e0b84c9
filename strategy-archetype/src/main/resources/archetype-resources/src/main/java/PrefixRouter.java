package ${package};

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.List;

/**
 * The per-request half of the ${strategyName} strategy. Immutable: built once by {@link PrefixRouteStrategy#build},
 * then called by the core's network threads, concurrently. Its answer is prepared here, so that {@link #select} is
 * one comparison and allocates nothing; it never blocks, does I/O, throws or returns {@code null}, and it does not
 * keep the request.
 */
final class PrefixRouter implements Router {

    private final String prefix;
    /** The prepared answer for requests under the prefix: a route, or a pass when no candidate is configured. */
    private final Decision route;

    PrefixRouter(String prefix, List<String> candidates) {
        this.prefix = prefix;
        this.route = candidates.isEmpty() ? Decision.pass() : Decision.to(candidates);
    }

    @Override
    public Decision select(RequestHead request) {
        return request.path().startsWith(prefix) ? route : Decision.pass();
    }

    @Override
    public String toString() {
        return "PrefixRouter[" + prefix + "* -> " + route + "]";
    }
}
