package dev.rsp.core;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.core.backend.ActiveChecks;
import dev.rsp.core.backend.BackendHealth;
import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.backend.BackendPublisher;
import dev.rsp.core.backend.BackendResolver;
import dev.rsp.core.backend.BackendSource;
import dev.rsp.core.etcd.EtcdStats;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.metrics.Sampler;
import dev.rsp.core.metrics.TimeSeries;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.proxy.ProxySettings;
import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.ratelimit.RateLimitSettings;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.RoutingStrategy;
import dev.rsp.spi.tls.HttpChallenges;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core as an OSGi component: reads {@code rsp.core} ({@code etc/rsp.core.cfg}, required), takes the backends
 * from {@link BackendsComponent} (the file source) through the {@link BackendPublisher}, tracks routing strategies
 * by name, and runs the {@link ProxyEngine}. A
 * configuration that does not validate is logged line by line and the previous good one stays in force; at
 * activation there is none, so nothing is opened and the start fails ({@link LauncherLink}); the same when the
 * listener cannot be opened. Without an engine the component waits for the next change of {@code rsp.core}. The
 * engine's drain is offered to the launcher, which calls it on SIGTERM before any bundle stops.
 */
@Component(immediate = true, configurationPid = "rsp.core", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ProxyControl.class)
public final class CoreComponent implements ProxyControl {

    private static final Logger log = LoggerFactory.getLogger(CoreComponent.class);
    private static final long MISSING_SETTLE_MIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> daemon(r, "rsp-routing-build"));
    private final RoutingTable routing = new RoutingTable(builder);
    /** Resolves and publishes backends; every {@link #RESOLVE_TICK} it looks up again the names whose answers are due. */
    private final ScheduledExecutorService backendsThread =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rsp-backends"));
    private final BackendPublisher publisher =
            new BackendPublisher(backendsThread, new BackendResolver(), this::backendsPublished);
    private final FileBackendSource file = new FileBackendSource();
    /** The source put in force by {@link #backendSource} (etcd), or null: the file. Guarded by this. */
    private BackendSource other;
    private final EtcdStats etcdStats = new EtcdStats();
    static final Duration RESOLVE_TICK = Duration.ofMillis(250);
    private final TimeSeries timeSeries = new TimeSeries();
    private ScheduledExecutorService sampling;
    private ScheduledExecutorService checks;
    /** Read by the publisher's thread (see {@link #backendsPublished}). */
    private volatile ActiveChecks activeCheck;
    private volatile ProxyEngine engine;
    private BundleContext context;
    /** The engine's drain offered to the launcher (see {@link LauncherLink}). */
    @SuppressWarnings("rawtypes")
    private ServiceRegistration<java.util.concurrent.Callable> drain;
    @SuppressWarnings("rawtypes")
    private ServiceRegistration<java.util.function.Supplier> readiness;
    private volatile ProxySettings settings;
    private final RunningValues running = new RunningValues(CorePids.CORE);
    private String firstProblem;
    /** TLS fronts bound, also before activation; the engine listens for each once it runs. */
    private final Set<TlsFront> tlsFronts = new LinkedHashSet<>();
    private volatile HttpChallenges httpChallenges;
    /** From {@link RateLimitComponent}; given to every engine this component starts. */
    private volatile RateLimitSettings rateLimits = RateLimitSettings.NONE;
    /** From {@link HeaderRulesComponent}; given to every engine this component starts. */
    private volatile HeaderRules headerRules = HeaderRules.NONE;

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        if (!LauncherLink.launcherPresent(context)) {
            log.info("rsp runs without its launcher (bin/rsp): a component that cannot start logs an ERROR and the "
                    + "framework keeps running; on stop, the drain (timeout.stop.ms) runs when the core bundle stops");
        }
        // the DNS settings first: the file's first set is looked up with them
        start(properties);
        file.open(publisher);
        backendsThread.scheduleWithFixedDelay(publisher::refresh, RESOLVE_TICK.toNanos(), RESOLVE_TICK.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Starts the engine and what depends on it. When it cannot start (a value refused, the listener address in use),
     * one ERROR says why, the launcher is told (see {@link LauncherLink}: while rsp starts, it exits 1) and the
     * component stays without a proxy until the configuration changes.
     */
    private void start(Map<String, Object> properties) {
        Optional<ProxySettings> valid = settings(properties, "rsp cannot start until this is fixed");
        if (valid.isEmpty()) {
            LauncherLink.startFailed(context, firstProblem);
            return;
        }
        settings = valid.get();
        publisher.dnsSettings(settings.dns());
        ProxyEngine next;
        BackendHealth health;
        try {
            health = new BackendHealth(new PassiveHealth(settings.healthFailures(), settings.healthCooldownNanos(),
                    System::nanoTime), settings.health(), System::nanoTime);
            next = new ProxyEngine(settings, routing, health);
            next.start();
        } catch (IOException | RuntimeException e) {
            String line = e instanceof IOException ? e.getMessage() : "rsp.core: " + e.getMessage();
            log.error("rsp.core: cannot start: {}; no proxy until etc/rsp.core.cfg changes", line);
            LauncherLink.startFailed(context, line);
            return;
        }
        engine = next;
        next.views().outsideEvents(etcdStats::events);
        next.dnsCounters(publisher.dnsCounters());
        next.httpChallenges(httpChallenges);
        next.rateLimits(rateLimits);
        next.headerRules(headerRules);
        publisher.current().ifPresent(next::backends);
        synchronized (tlsFronts) {
            tlsFronts.forEach(this::listenTls);
        }
        Sampler sampler = new Sampler(timeSeries, engine.views()::metrics,
                () -> engine.views().backendStatus().stream().map(b -> b.backend().name()).toList());
        sampling = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rsp-metrics-sampler"));
        sampling.scheduleAtFixedRate(() -> sampler.tick(Instant.now().getEpochSecond(), System.nanoTime()), 0, 1,
                TimeUnit.SECONDS);
        sampling.scheduleWithFixedDelay(this::warnMissingStrategies, 1, 1, TimeUnit.SECONDS);
        sampling.scheduleWithFixedDelay(next.rateLimiter()::purge, 10, 10, TimeUnit.SECONDS);
        sampling.scheduleWithFixedDelay(health::tick, 1, 1, TimeUnit.SECONDS);
        checks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rsp-health-timer"));
        ActiveChecks check = new ActiveChecks(health, checks, next.checkTls());
        activeCheck = check;
        publisher.current().ifPresent(check::update);
        ProxyEngine drained = engine;
        drain = LauncherLink.offerDrain(context, drained::drain, millis(settings.stopTimeoutNanos()));
        readiness = LauncherLink.offerReadiness(context, drained::notReady);
        log.info("rsp core started: http.listen={} routing.chain={}", engine.localAddress(), settings.chain());
    }

    /**
     * Chain names without an installed strategy, logged once they have been missing for timeout.grace.ms (at least
     * a second; an update of a strategy bundle takes less) and not while the framework starts or stops, when
     * strategy bundles start after the core and stop before it.
     */
    private void warnMissingStrategies() {
        ProxySettings s = settings;
        boolean settled;
        try {
            settled = context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.ACTIVE;
        } catch (IllegalStateException stopping) {
            settled = false;
        }
        routing.warnMissing(Math.max(s.graceNanos(), MISSING_SETTLE_MIN_NANOS), millis(s.graceNanos()), settled);
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        if (engine == null) {
            start(properties);
            return;
        }
        Optional<ProxySettings> next = settings(properties, "keeping the previous configuration");
        if (next.isPresent() && !next.get().equals(settings)) {
            engine.settings(next.get());
            if (next.get().stopTimeoutNanos() != settings.stopTimeoutNanos()) {
                drain.setProperties(LauncherLink.drainProperties(millis(next.get().stopTimeoutNanos())));
            }
            settings = next.get();
            publisher.dnsSettings(settings.dns());
            activeCheck.settingsChanged();
            log.info("rsp.core configuration applied");
        }
    }

    /**
     * Reads {@code rsp.core}: every key checked by {@link CorePids#CORE} and then by {@link ProxySettings}; a key
     * missing from a running configuration keeps its running value ({@link RunningValues}). Logs one line per
     * problem, ending with {@code consequence}; empty when the configuration must not be applied.
     */
    private Optional<ProxySettings> settings(Map<String, Object> properties, String consequence) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, warnings);
        Reading reading = CorePids.CORE.read(effective);
        reading.warnings().forEach(log::warn);
        warnings.forEach(log::warn);
        List<String> errors = new ArrayList<>(reading.errors());
        ProxySettings.Parsed parsed = errors.isEmpty() ? ProxySettings.from(reading.as(CoreConfig.class)) : null;
        if (parsed instanceof ProxySettings.Invalid invalid) {
            invalid.errors().forEach(e -> errors.add("rsp.core: " + e));
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> log.error("{}; {}", e, consequence));
            firstProblem = errors.get(0);
            return Optional.empty();
        }
        running.applied(effective);
        return Optional.of(((ProxySettings.Valid) parsed).settings());
    }

    @Deactivate
    synchronized void deactivate() {
        if (engine != null) {
            try {
                drain.unregister();
                readiness.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: its registrations are going anyway
            }
            sampling.shutdownNow();
            activeCheck.close();
            checks.shutdownNow();
            engine.stop();
        }
        file.close();
        if (other != null) {
            other.close();
        }
        backendsThread.shutdownNow();
        builder.shutdownNow();
        log.info("rsp core stopped");
    }

    @Override
    public synchronized void backends(Map<String, ?> properties) {
        file.configured(properties);
    }

    @Override
    public synchronized void backendSource(BackendSource source) {
        if (other != null && other != source) {
            other.close();
        }
        other = source;
        if (source == null) {
            publisher.use(file.name());
        } else {
            source.open(publisher);
            publisher.use(source.name());
        }
    }

    @Override
    public EtcdStats etcdStats() {
        return etcdStats;
    }

    @Override
    public synchronized void rateLimits(RateLimitSettings limits) {
        rateLimits = limits;
        if (engine != null) {
            engine.rateLimits(limits);
        }
    }

    @Override
    public synchronized void headerRules(HeaderRules rules) {
        headerRules = rules;
        if (engine != null) {
            engine.headerRules(rules);
        }
    }

    @Override
    public RateLimitSettings rateLimits() {
        return rateLimits;
    }

    /**
     * A new backend directory from the publisher, on its thread: to the engine (whose routing table publishes it with
     * the routers built for it) and the active health check. An engine or check started meanwhile takes
     * {@link BackendPublisher#current()} itself, so neither misses a directory.
     */
    private void backendsPublished(BackendDirectory directory) {
        ProxyEngine e = engine;
        if (e != null) {
            e.backends(directory);
        }
        ActiveChecks check = activeCheck;
        if (check != null) {
            check.update(directory);
        }
    }

    @Reference(service = RoutingStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStrategy(RoutingStrategy strategy, Map<String, Object> props) {
        name(props).ifPresent(n -> routing.strategyAdded(n, strategy, id(props), ranking(props)));
    }

    void updatedStrategy(RoutingStrategy strategy, Map<String, Object> props) {
        name(props).ifPresent(n -> routing.strategyModified(n, strategy, id(props), ranking(props)));
    }

    void removeStrategy(RoutingStrategy strategy, Map<String, Object> props) {
        name(props).ifPresent(n -> routing.strategyRemoved(n, strategy, id(props)));
    }

    @Reference(service = TlsFront.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addTlsFront(TlsFront front) {
        synchronized (tlsFronts) {
            tlsFronts.add(front);
            if (engine != null) {
                listenTls(front);
            }
        }
    }

    void removeTlsFront(TlsFront front) {
        synchronized (tlsFronts) {
            tlsFronts.remove(front);
            if (engine != null) {
                engine.removeTlsFront(front);
            }
        }
    }

    /** The ACME client's HTTP-01 answers (the TLS bundle's rsp.acme); at most one is used, the latest. */
    @Reference(service = HttpChallenges.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setHttpChallenges(HttpChallenges challenges) {
        httpChallenges = challenges;
        if (engine != null) {
            engine.httpChallenges(challenges);
        }
    }

    synchronized void unsetHttpChallenges(HttpChallenges challenges) {
        if (httpChallenges == challenges) {
            httpChallenges = null;
            if (engine != null) {
                engine.httpChallenges(null);
            }
        }
    }

    private void listenTls(TlsFront front) {
        try {
            engine.addTlsFront(front);
        } catch (IOException | RuntimeException e) {
            log.error("rsp.tls: cannot open the TLS listener: {}", e.getMessage());
            LauncherLink.startFailed(context, e.getMessage());
        }
    }

    private static java.util.Optional<String> name(Map<String, Object> props) {
        Object n = props.get(RoutingStrategy.NAME_PROPERTY);
        if (!(n instanceof String s) || s.isBlank()) {
            log.error("a RoutingStrategy service (id {}) has no {} property; it is ignored", props.get(Constants.SERVICE_ID),
                    RoutingStrategy.NAME_PROPERTY);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(s.trim());
    }

    private static long id(Map<String, Object> props) {
        return ((Number) props.get(Constants.SERVICE_ID)).longValue();
    }

    private static int ranking(Map<String, Object> props) {
        Object r = props.get(Constants.SERVICE_RANKING);
        return r instanceof Integer i ? i : 0;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public ProxyEngine engine() {
        return engine;
    }

    @Override
    public TimeSeries timeSeries() {
        return timeSeries;
    }

    @Override
    public RoutingTable routing() {
        return routing;
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
