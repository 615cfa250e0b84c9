package dev.rsp.core.routing;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains a routing decision step by step: what each strategy in the chain answered for a request, which one
 * decided, and the candidates in order. Runs the same routers as the network threads, on the caller's thread, and
 * counts nothing.
 */
public final class Explain {

    /**
     * @param key        the canonical host the chain started with
     * @param steps      one line per strategy asked, e.g. "reload-path: rehost fred.example.com"
     * @param strategy   the strategy that chose the backends, or empty
     * @param candidates the backends in order of preference (first = the one used), or empty
     */
    public record Result(String key, List<String> steps, String strategy, List<String> candidates) {
    }

    private Explain() {
    }

    public static Result explain(RoutingSnapshot snapshot, RequestHead request) {
        List<String> steps = new ArrayList<>();
        RequestHead head = request;
        for (String name : snapshot.chain()) {
            Router router = snapshot.router(name);
            if (router == null) {
                steps.add(name + ": not live (no service with this name)");
                continue;
            }
            Decision d;
            try {
                d = router.select(head);
            } catch (RuntimeException e) {
                steps.add(name + ": failed (" + e + "), next");
                continue;
            }
            if (d instanceof Decision.Route route) {
                List<String> known = route.backends().stream().filter(n -> snapshot.backends().named(n).isPresent()).distinct().toList();
                if (known.isEmpty()) {
                    steps.add(name + ": named only unknown backends " + route.backends() + ", next");
                    continue;
                }
                steps.add(name + ": route " + known);
                return new Result(request.host(), steps, name, known);
            } else if (d instanceof Decision.Rehost rehost) {
                CanonicalHost c = HostNames.canonical(rehost.host());
                if (c instanceof CanonicalHost.Valid v) {
                    steps.add(name + ": route as if the host were " + v.host());
                    head = RehostedHead.of(request, v.host());
                } else {
                    steps.add(name + ": rehost to an invalid name '" + rehost.host() + "', next");
                }
            } else {
                steps.add(name + ": not mine");
            }
        }
        return new Result(request.host(), steps, "", List.of());
    }
}
