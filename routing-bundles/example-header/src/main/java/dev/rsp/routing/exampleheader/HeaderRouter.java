package dev.rsp.routing.exampleheader;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The per-request half of the example-header strategy: routes to the backend whose name is the value of one header,
 * and passes every other request to the next strategy in the chain.
 *
 * <p>How it follows the SPI's rules for {@link Router#select}:
 * <ul>
 *   <li>Immutable: every field is final and set in the constructor, so the core's network threads may call
 *       {@link #select} concurrently without locks.</li>
 *   <li>Work happens at build time: the constructor prepares one {@link Decision} per configured backend, so
 *       {@link #select} is one header lookup and one map lookup; it allocates nothing of its own.</li>
 *   <li>No blocking, no I/O, no exceptions: the lookup cannot fail, and an unknown or absent value answers
 *       {@link Decision#pass()} rather than {@code null} or an error.</li>
 *   <li>The request is not kept: it is valid only during the call.</li>
 * </ul>
 *
 * <p>Note for real use: any client can send the header, and so choose any backend. Use it only where a trusted
 * front end sets the header, or as the starting point of your own strategy.
 */
final class HeaderRouter implements Router {

    private final String headerName;
    /** One prepared answer per configured backend, by backend name. */
    private final Map<String, Decision> routes;

    /** Called by {@link HeaderRouteStrategy#build}, off the network threads. */
    HeaderRouter(String headerName, Backends backends) {
        this.headerName = headerName;
        Map<String, Decision> byName = new HashMap<>();
        for (Backend b : backends.all()) {
            byName.put(b.name(), Decision.to(b.name()));
        }
        this.routes = Map.copyOf(byName);
    }

    @Override
    public Decision select(RequestHead request) {
        Optional<String> value = request.header(headerName);
        if (value.isEmpty()) {
            return Decision.pass();
        }
        Decision route = routes.get(value.get());
        return route != null ? route : Decision.pass();
    }

    @Override
    public String toString() {
        return "HeaderRouter[" + headerName + " -> " + routes.keySet() + "]";
    }
}
