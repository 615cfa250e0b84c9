package dev.rsp.core.routing;

import dev.rsp.core.routing.StrategyServices.Service;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One strategy's build in a build round of {@link RoutingTable}: captured under the table's lock ({@link #due}), run
 * on the builder thread without it ({@link #run}), applied under the lock again ({@link #apply}) only if the service
 * is still the one captured, at the version captured. A failed build (it throws or returns {@code null}) is logged
 * with the strategy's name and leaves the service's earlier router in place.
 */
final class RouterBuild {

    /** Lines keep the table's logger: operators know strategy build failures under that name. */
    private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

    private final Service service;
    private final long version;
    private final String name;
    private final RoutingStrategy strategy;
    private final boolean hadRouter;
    /** Set on the builder thread, read under the lock after the build. */
    private Router router;

    private RouterBuild(Service service) {
        this.service = service;
        this.version = service.version;
        this.name = service.name;
        this.strategy = service.strategy;
        this.hadRouter = service.router != null;
    }

    /** The builds a round must run: every winning service whose router is not for its version and {@code target}. */
    static List<RouterBuild> due(StrategyServices services, Backends target) {
        List<RouterBuild> builds = new ArrayList<>();
        for (Service w : services.winners().values()) {
            if (w.needsBuild(target)) {
                builds.add(new RouterBuild(w));
            }
        }
        return builds;
    }

    /** Calls the strategy; builder thread only, without the table's lock. */
    void run(Backends target) {
        String keeps = hadRouter ? "it keeps its previous router" : "it is not live";
        try {
            router = strategy.build(target);
            if (router == null) {
                LOG.error("routing strategy {} (service {}) built no router for backends generation {}; {}",
                        name, service.id, target.generation(), keeps);
            }
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            router = null;
            LOG.error("routing strategy {} (service {}) failed to build a router for backends generation {}; {}",
                    name, service.id, target.generation(), keeps, e);
        }
    }

    /** Records the attempt and a built router on the service, unless it was removed or changed meanwhile. */
    void apply(StrategyServices services, Backends target) {
        Service s = services.get(service.id);
        if (s != service || s.version != version) {
            return; // a later round takes care of it
        }
        s.attemptedVersion = version;
        s.attemptedBackends = target;
        if (router != null) {
            s.router = router;
        }
    }
}
