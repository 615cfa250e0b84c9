package dev.rsp.core.routing;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.routing.StrategyServices.Service;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of routing strategies, the chain and the backends, which builds routers off the network threads and
 * publishes each result as an immutable {@link RoutingSnapshot}.
 *
 * <p>Threads: the change methods are called from OSGi service-tracker and configuration threads; they take a
 * short lock, never call a strategy and never wait for a build. {@link RoutingStrategy#build} runs only on the
 * builder executor given to the constructor, one build round at a time; a round rebuilds every strategy whose
 * service or backends changed since its last build, using the latest state when the round starts, so changes that
 * arrive while a round runs are coalesced into the next round. {@link #current} is a volatile read for the
 * network threads.
 *
 * <p>Which service serves a name: among services registered under the same name, the one with the highest
 * ranking, then the lowest service id, is the winner and the only one built; the others wait. Until the winner's
 * router is built, the router of the next preferred service that has one (e.g. the previous winner, or the same
 * service before it was modified) stays in use; the swap is one atomic snapshot change ({@link StrategyServices}).
 *
 * <p>A build that throws or returns {@code null} is logged with the strategy name; the service keeps the router
 * it had from an earlier build (of an older configuration or backend set), or is not live when it never had one.
 * The failed build is not retried until the service or the backends change again ({@link RouterBuild}).
 *
 * <p>A removed service, or a service renamed by a property change, leaves the published snapshot at once, on the
 * caller's thread, so that no router of a stopping bundle is called afterwards; the same holds for a chain change.
 * Every change is followed by a build round, which publishes a snapshot and then calls the {@link #onPublish}
 * listeners on the builder thread. Snapshots are published under the lock from the state at that moment, so a
 * published snapshot never reflects an older state than the one before it.
 *
 * <p>A name of the chain that no registered service serves is logged at WARN by {@link #warnMissing}, which the
 * owner calls periodically: once when it has been missing for a settle time, then once a minute while it stays
 * missing (see {@link MissingStrategies}).
 *
 * <p>Backends arrive with their addresses ({@link BackendDirectory}, from {@code BackendPublisher}). A snapshot
 * carries the directory its routers were built for, so a loop that routes by a snapshot finds every address it may
 * need in that same snapshot, however many changes are queued behind a slow build. A new directory with the same
 * {@link Backends} (a host re-resolved) is published without rebuilding any router.
 */
public final class RoutingTable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

    private final Executor builder;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private final Map<String, StrategyStats> stats = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile RoutingSnapshot current = RoutingSnapshot.empty();

    // Guarded by lock.
    private final StrategyServices services = new StrategyServices();
    private List<String> chain = List.of();
    /** The latest backends received, with their addresses. */
    private BackendDirectory backends = current.directory();
    /** The directory of the latest finished build round: what published snapshots carry. */
    private BackendDirectory builtFor = backends;
    /** The directory received that {@link #builtFor} was made from (builtFor also keeps addresses of removed ones). */
    private BackendDirectory builtFrom = backends;
    /** A build round is queued or running; at most one is. */
    private boolean roundActive;
    /** The state changed since the last round captured it. */
    private boolean dirty;
    private final MissingStrategies missing = new MissingStrategies();

    /**
     * @param builder runs build rounds; the engine passes a single-thread executor. Builds never run on any other
     *                thread. A rejected round is logged and the table keeps its published snapshot until the next
     *                change.
     */
    public RoutingTable(Executor builder) {
        this(builder, System::nanoTime);
    }

    /** @param nanoClock the time {@link #warnMissing} measures against, {@link System#nanoTime} in production */
    RoutingTable(Executor builder, LongSupplier nanoClock) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The current snapshot, never {@code null}; initially an empty chain and no backends. A volatile read. */
    public RoutingSnapshot current() {
        return current;
    }

    /**
     * Calls {@code listener} on the builder thread after each build round has published its snapshot. The listener
     * must be quick and must not block; an exception it throws is logged.
     */
    public void onPublish(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A strategy service appeared under {@code name} (trimmed); its router is built on the builder executor. */
    public void strategyAdded(String name, RoutingStrategy strategy, long serviceId, int ranking) {
        String n = strategyName(name);
        Objects.requireNonNull(strategy, "strategy");
        boolean submit;
        synchronized (lock) {
            Service s = services.get(serviceId);
            if (s != null) {
                LOG.warn("strategy service {} added twice; treating it as modified", serviceId);
                submit = modifyLocked(s, n, strategy, ranking);
            } else {
                services.add(serviceId, n, strategy, ranking);
                stats.computeIfAbsent(n, StrategyStats::new);
                LOG.info("routing strategy {} added (service {}, ranking {})", n, serviceId, ranking);
                updateMissingLocked(null);
                submit = markDirtyLocked();
            }
        }
        submitIf(submit);
    }

    /**
     * A strategy service's properties changed: its router is rebuilt, and its previous router stays in use until
     * the new one is built. When the name changed, the service leaves its old name at once.
     */
    public void strategyModified(String name, RoutingStrategy strategy, long serviceId, int ranking) {
        String n = strategyName(name);
        Objects.requireNonNull(strategy, "strategy");
        boolean submit;
        synchronized (lock) {
            Service s = services.get(serviceId);
            if (s == null) {
                LOG.warn("unknown strategy service {} modified; treating it as added", serviceId);
                services.add(serviceId, n, strategy, ranking);
                stats.computeIfAbsent(n, StrategyStats::new);
                updateMissingLocked(null);
                submit = markDirtyLocked();
            } else {
                submit = modifyLocked(s, n, strategy, ranking);
            }
        }
        submitIf(submit);
    }

    /** A strategy service is going away: a snapshot without its router is published before this method returns. */
    public void strategyRemoved(String name, RoutingStrategy strategy, long serviceId) {
        boolean submit;
        synchronized (lock) {
            Service s = services.remove(serviceId);
            if (s == null) {
                LOG.debug("unknown strategy service {} ({}) removed", serviceId, name);
                return;
            }
            LOG.info("routing strategy {} removed (service {})", s.name, serviceId);
            updateMissingLocked(s.name);
            publishLocked();
            submit = markDirtyLocked();
        }
        submitIf(submit);
    }

    /**
     * Sets the chain, e.g. {@code [reload-path, host-hash]}; published before this method returns.
     *
     * @throws IllegalArgumentException when a name is blank or appears twice (the message names it)
     */
    public void chainChanged(List<String> names) {
        List<String> trimmed = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            String n = strategyName(name);
            if (!seen.add(n)) {
                throw new IllegalArgumentException("strategy " + n + " appears twice in the routing chain " + names);
            }
            trimmed.add(n);
        }
        boolean submit;
        synchronized (lock) {
            chain = List.copyOf(trimmed);
            chain.forEach(n -> stats.computeIfAbsent(n, StrategyStats::new));
            LOG.info("routing chain is now {}", chain);
            updateMissingLocked(null);
            publishLocked();
            submit = markDirtyLocked();
        }
        submitIf(submit);
    }

    /**
     * The backends or their addresses changed: when the {@link Backends} differ, every winning strategy's router is
     * rebuilt, and the routers and the directory swap in one snapshot; when only addresses changed, the directory is
     * published with the routers as they are. The previous snapshot's addresses stay in the next one (see
     * {@link BackendDirectory#keepingRemoved}).
     */
    public void backendsChanged(BackendDirectory directory) {
        Objects.requireNonNull(directory, "directory");
        boolean submit;
        synchronized (lock) {
            if (directory.backends() != backends.backends()) {
                LOG.info("backends changed: generation {}, {} backends", directory.backends().generation(),
                        directory.backends().all().size());
            }
            backends = directory;
            submit = markDirtyLocked();
        }
        submitIf(submit);
    }

    /**
     * The names served by a registered strategy service now (live or still building), sorted; what {@code PUT
     * /api/chain} and {@code rsp:chain} accept without being forced.
     */
    public Set<String> installedStrategies() {
        synchronized (lock) {
            return services.names();
        }
    }

    /**
     * Logs, at WARN, the chain names that no registered strategy serves: a first line once a name has been missing
     * for {@code settleNanos}, then one a minute while it stays missing. Called about once a second off the network
     * threads.
     *
     * @param settled     false while rsp starts or stops: strategies come and go with their bundles then, so nothing
     *                    is logged and the settle time starts again
     * @param graceMillis {@code timeout.grace.ms}, named in the lines
     */
    public void warnMissing(long settleNanos, long graceMillis, boolean settled) {
        List<String> lines;
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            if (!settled) {
                missing.hold(now);
                return;
            }
            lines = missing.due(chain, services.names(), now, settleNanos, graceMillis);
        }
        lines.forEach(LOG::warn);
    }

    private void updateMissingLocked(String removed) {
        missing.update(chain, services.names(), removed, nanoClock.getAsLong());
    }

    /** {@link #backendsChanged(BackendDirectory)} without addresses: for tests and tools that never connect. */
    public void backendsChanged(Backends newBackends) {
        backendsChanged(BackendDirectory.unresolved(Objects.requireNonNull(newBackends, "backends")));
    }

    /** The counters of every strategy name seen so far (in the chain or registered), by name. Live objects. */
    public Map<String, StrategyStats> stats() {
        return Collections.unmodifiableMap(new TreeMap<>(stats));
    }

    private boolean modifyLocked(Service s, String name, RoutingStrategy strategy, int ranking) {
        String oldName = s.name;
        s.name = name;
        s.strategy = strategy;
        s.ranking = ranking;
        s.version++;
        stats.computeIfAbsent(name, StrategyStats::new);
        if (!oldName.equals(name)) {
            LOG.info("routing strategy service {} renamed from {} to {}", s.id, oldName, name);
            updateMissingLocked(oldName);
            s.router = null;
            publishLocked();
        } else {
            LOG.info("routing strategy {} modified (service {}, ranking {})", name, s.id, ranking);
        }
        return markDirtyLocked();
    }

    /** Notes a change; true when the caller must submit a round (after releasing the lock). */
    private boolean markDirtyLocked() {
        dirty = true;
        if (roundActive) {
            return false;
        }
        roundActive = true;
        return true;
    }

    private void submitIf(boolean submit) {
        if (!submit) {
            return;
        }
        try {
            builder.execute(this::buildRound);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                roundActive = false;
            }
            if (builder instanceof java.util.concurrent.ExecutorService s && s.isShutdown()) {
                // rsp is stopping: sources and strategies that go after the core (etcd handing back to the file, a
                // strategy bundle stopping later) still report changes, and there is nothing left to route
                LOG.debug("routing builder stopped; change after the stop not built");
                return;
            }
            LOG.warn("routing builder rejected a build round; the published routing stays as it is", e);
        }
    }

    /** One build round, on the builder executor. */
    private void buildRound() {
        try {
            List<RouterBuild> builds;
            BackendDirectory received;
            Backends target;
            synchronized (lock) {
                dirty = false;
                received = backends;
                target = received.backends();
                builds = RouterBuild.due(services, target);
            }
            for (RouterBuild b : builds) {
                b.run(target);
            }
            synchronized (lock) {
                for (RouterBuild b : builds) {
                    b.apply(services, target);
                }
                if (received != builtFrom) {
                    builtFor = received.keepingRemoved(builtFor);
                    builtFrom = received;
                }
                services.dropSupersededRouters();
                publishLocked();
            }
            notifyListeners();
        } finally {
            boolean again;
            synchronized (lock) {
                again = dirty;
                roundActive = again;
            }
            submitIf(again);
        }
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("routing publish listener {} failed", listener, e);
            }
        }
    }

    /** The strategy serving each name now (the winners), for what-if simulations; never call them on a loop. */
    public Map<String, RoutingStrategy> strategies() {
        synchronized (lock) {
            Map<String, RoutingStrategy> out = new TreeMap<>();
            services.winners().forEach((name, s) -> out.put(name, s.strategy));
            return out;
        }
    }

    private void publishLocked() {
        RoutingSnapshot next = new RoutingSnapshot(chain, services.routers(), builtFor, stats);
        current = next;
        LOG.debug("published {}", next);
    }

    private static String strategyName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("blank strategy name: '" + name + "'");
        }
        return name.trim();
    }
}
