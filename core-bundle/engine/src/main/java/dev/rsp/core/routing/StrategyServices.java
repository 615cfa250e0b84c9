package dev.rsp.core.routing;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing-strategy services registered now, and which of them serves each name: among services of one name, the
 * one with the highest ranking, then the lowest service id, wins; the others wait, and a waiting service's router is
 * used only until the winner has its own. Not thread-safe: {@link RoutingTable} guards it with its lock.
 */
final class StrategyServices {

    /** Preference among services of one name: highest ranking, then lowest service id. */
    private static final Comparator<Service> PREFERENCE =
            Comparator.comparingInt((Service s) -> s.ranking).reversed().thenComparingLong(s -> s.id);

    private final Map<Long, Service> byId = new HashMap<>();

    Service get(long id) {
        return byId.get(id);
    }

    Service add(long id, String name, RoutingStrategy strategy, int ranking) {
        Service s = new Service(id, name, strategy, ranking);
        byId.put(id, s);
        return s;
    }

    Service remove(long id) {
        return byId.remove(id);
    }

    /** The names served by a registered service (live or still building), sorted. */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        byId.values().forEach(s -> names.add(s.name));
        return names;
    }

    /** The winning service of each name. */
    Map<String, Service> winners() {
        Map<String, Service> winners = new LinkedHashMap<>();
        for (Service s : sorted()) {
            winners.putIfAbsent(s.name, s);
        }
        return winners;
    }

    /** The router that serves each name now: the most preferred service's that has one. */
    Map<String, Router> routers() {
        Map<String, Router> routers = new HashMap<>();
        for (Service s : sorted()) {
            if (s.router != null) {
                routers.putIfAbsent(s.name, s.router);
            }
        }
        return routers;
    }

    /** Forgets the routers of waiting services once their name's winner has its own. */
    void dropSupersededRouters() {
        Map<String, Service> winners = winners();
        for (Service s : byId.values()) {
            Service w = winners.get(s.name);
            if (w != s && w.router != null) {
                s.router = null;
            }
        }
    }

    private List<Service> sorted() {
        List<Service> sorted = new ArrayList<>(byId.values());
        sorted.sort(PREFERENCE);
        return sorted;
    }

    /** A registered strategy service; mutable, guarded by the table's lock. */
    static final class Service {
        final long id;
        String name;
        RoutingStrategy strategy;
        int ranking;
        /** Bumped on every modification. */
        long version;
        /** The last router built successfully, or {@code null}. */
        Router router;
        /** The version and backends of the last build attempted, successful or not: a failed build is not retried. */
        long attemptedVersion = -1;
        Backends attemptedBackends;

        private Service(long id, String name, RoutingStrategy strategy, int ranking) {
            this.id = id;
            this.name = name;
            this.strategy = strategy;
            this.ranking = ranking;
        }

        /** True when its router does not match its current version and the given backends yet. */
        boolean needsBuild(Backends target) {
            return attemptedVersion != version || attemptedBackends != target;
        }
    }
}
