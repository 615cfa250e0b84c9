package dev.rsp.core.admin;

import dev.rsp.core.routing.Explain;
import dev.rsp.core.routing.RoutingSnapshot;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.core.routing.Simulation;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * "What would move if ...": compares where hosts go now with where they would go after a change of the backends,
 * without applying anything. Hosts come from two samples: the hosts rsp saw recently, and a synthetic sample of
 * random names (fixed seed, so the figure is repeatable).
 */
public final class WhatIf {

    public static final int SYNTHETIC_HOSTS = 10_000;

    /** A change to try: add (with address and weight), remove, or reweight one backend. */
    public sealed interface Change permits Add, Remove, Weight {
        Backends applyTo(Backends current);
    }

    public record Add(Backend backend) implements Change {
        @Override
        public Backends applyTo(Backends current) {
            if (current.named(backend.name()).isPresent()) {
                throw new IllegalArgumentException("backend " + backend.name() + " exists already");
            }
            List<Backend> all = new ArrayList<>(current.all());
            all.add(backend);
            return new Backends(current.generation() + 1, all);
        }
    }

    public record Remove(String name) implements Change {
        @Override
        public Backends applyTo(Backends current) {
            require(current, name);
            return new Backends(current.generation() + 1, current.all().stream().filter(b -> !b.name().equals(name)).toList());
        }
    }

    public record Weight(String name, int weight) implements Change {
        @Override
        public Backends applyTo(Backends current) {
            Backend b = require(current, name);
            List<Backend> all = new ArrayList<>(current.all());
            all.set(all.indexOf(b), new Backend(b.name(), b.host(), b.port(), weight, b.protocol(), b.tls(), b.maxConnections(), b.sendProxy()));
            return new Backends(current.generation() + 1, all);
        }
    }

    /**
     * How many hosts of a sample would change backend.
     *
     * @param hosts  hosts in the sample
     * @param moved  hosts whose backend would change
     * @param flows  "from -> to" with the number of hosts that would take that way
     */
    public record Movement(int hosts, int moved, Map<String, Integer> flows) {
        public double share() {
            return hosts == 0 ? 0 : (double) moved / hosts;
        }
    }

    public record Report(Change change, Movement recent, Movement synthetic) {
    }

    private WhatIf() {
    }

    public static Report analyse(RoutingTable table, Change change, Collection<String> recentHosts) {
        RoutingSnapshot now = table.current();
        RoutingSnapshot then = Simulation.with(table, change.applyTo(now.backends()));
        return new Report(change, movement(now, then, recentHosts), movement(now, then, synthetic()));
    }

    static List<String> synthetic() {
        SplittableRandom r = new SplittableRandom(20261129L);
        List<String> hosts = new ArrayList<>(SYNTHETIC_HOSTS);
        for (int i = 0; i < SYNTHETIC_HOSTS; i++) {
            hosts.add("site-" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + ".example.com");
        }
        return hosts;
    }

    private static Movement movement(RoutingSnapshot now, RoutingSnapshot then, Collection<String> hosts) {
        Map<String, Integer> flows = new TreeMap<>();
        int moved = 0;
        for (String host : hosts) {
            ProbeRequest probe = new ProbeRequest("GET", "/", "", host);
            String before = first(Explain.explain(now, probe));
            String after = first(Explain.explain(then, probe));
            if (!before.equals(after)) {
                moved++;
                flows.merge(before + " -> " + after, 1, Integer::sum);
            }
        }
        return new Movement(hosts.size(), moved, flows);
    }

    private static String first(Explain.Result r) {
        return r.candidates().isEmpty() ? "(none)" : r.candidates().get(0);
    }

    private static Backend require(Backends current, String name) {
        Optional<Backend> b = current.named(name);
        if (b.isEmpty()) {
            throw new IllegalArgumentException("no backend named " + name);
        }
        return b.get();
    }
}
