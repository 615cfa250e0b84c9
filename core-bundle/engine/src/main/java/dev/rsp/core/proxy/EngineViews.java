package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendHealth;
import dev.rsp.core.backend.DnsCounters;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The read-only views of a {@link ProxyEngine} for the admin and the tests: traffic statistics, named counters,
 * backend state, recent hosts, buffer use. The questions that need a loop's own state are asked on that loop, so a
 * loop never shares live counters. Reach them through {@link ProxyEngine#views()}.
 */
public final class EngineViews {

    private final ProxyEngine engine;
    /** The engine's loops; the engine adds them at start and clears them at stop. */
    private final List<LoopContext> loops;
    private final TlsListeners tls;
    /** Counters kept outside the engine (the etcd source's); see {@link #outsideEvents}. */
    private volatile Supplier<Map<String, Long>> outsideEvents = Map::of;

    /** A backend health has not heard of yet: up. */
    private static final BackendHealth.Status UNKNOWN = new BackendHealth.Status(BackendHealth.State.UP, "", 0);

    EngineViews(ProxyEngine engine, List<LoopContext> loops, TlsListeners tls) {
        this.engine = engine;
        this.loops = loops;
        this.tls = tls;
    }

    /** TLS plaintext and ciphertext buffers in use, summed over the loops (asks each loop). */
    public int tlsBuffersInUse() {
        return askLoops(LoopContext::tlsBuffersInUse).stream().mapToInt(Integer::intValue).sum();
    }

    /** Buffers taken from the loops' pools and not given back, summed over the loops (asks each loop). */
    public EngineReports.BufferUse bufferUse() {
        int inUse = 0;
        int peak = 0;
        for (int[] v : askLoops(ctx -> new int[] {ctx.loop.buffers().inUse(), ctx.loop.buffers().peakInUse()})) {
            inUse += v[0];
            peak += v[1];
        }
        return new EngineReports.BufferUse(inUse, peak, engine.settings().bufferSize());
    }

    /** Where the engine stands against its limits ({@link EngineReports.Load}); asks every loop, call it off them. */
    public EngineReports.Load load() {
        long bytes = askLoops(LoopContext::bufferBytesInUse).stream().mapToLong(Long::longValue).sum();
        ClientSlots slots = engine.counters().activeClients;
        return new EngineReports.Load(slots.open(), slots.max(), slots.isPaused(), bytes, BufferBudget.bytes(engine.settings()),
                dev.rsp.core.net.DirectMemory.reserved(), dev.rsp.core.net.DirectMemory.limit());
    }

    /** Bytes of every buffer pool of every loop (I/O, HTTP/2 output, TLS), in use and parked idle (asks each loop). */
    public EngineReports.PooledBytes pooledBytes() {
        long inUse = 0;
        long idle = 0;
        for (long[] v : askLoops(ctx -> {
            long[] sum = new long[2];
            for (dev.rsp.core.net.BufferPool p : ctx.bufferPools()) {
                sum[0] += (long) p.inUse() * p.bufferSize();
                sum[1] += (long) p.idle() * p.bufferSize();
            }
            return sum;
        })) {
            inUse += v[0];
            idle += v[1];
        }
        return new EngineReports.PooledBytes(inUse, idle);
    }

    /** Asks every loop the same question on its own thread; waits up to 5 s per loop. Call it off the loops. */
    private <T> List<T> askLoops(Function<LoopContext, T> question) {
        List<CompletableFuture<T>> parts = new ArrayList<>();
        for (LoopContext ctx : loops) {
            CompletableFuture<T> f = new CompletableFuture<>();
            ctx.loop.execute(() -> f.complete(question.apply(ctx)));
            parts.add(f);
        }
        return parts.stream().map(f -> f.orTimeout(5, TimeUnit.SECONDS).join()).toList();
    }

    /**
     * The traffic statistics summed over the loops (asks each loop for a copy, so a loop never shares live counters).
     * Call it off the loops; it waits up to 5 s per loop.
     */
    public LoopMetrics.Snapshot metrics() {
        LoopMetrics.Snapshot sum = LoopMetrics.Snapshot.empty();
        askLoops(ctx -> ctx.metrics.snapshot(ctx.clients.size(), ctx.tlsClients)).forEach(sum::add);
        return sum;
    }

    /**
     * Every named outcome counter, plus {@code backend.marked_down} from passive health and the counters the TLS fronts
     * keep themselves ({@link TlsFront#events()}, e.g. {@code tls.ocsp.*}; a name the core declares stays the core's);
     * sorted by name; then the {@link #outsideEvents}. The TLS listeners are read under the engine's lock, as everywhere
     * else they are used.
     */
    public Map<String, Long> events() {
        Map<String, Long> m = engine.counters().named();
        m.put(Counter.BACKEND_MARKED_DOWN.id(), engine.health().markedDownCount());
        m.put(Counter.BUFFERS_HEAP_FALLBACK.id(), dev.rsp.core.net.DirectMemory.fallbacks());
        BackendHealth.Events h = engine.health().events();
        m.put(Counter.HEALTH_CHECK_FAILED.id(), h.checkFailed());
        m.put(Counter.HEALTH_CHECK_DOWN.id(), h.checkDown());
        m.put(Counter.HEALTH_CHECK_BACK.id(), h.checkBack());
        m.put(Counter.HEALTH_OUTLIER_EJECTED.id(), h.ejected());
        m.put(Counter.HEALTH_OUTLIER_CAPPED.id(), h.ejectionCapped());
        m.put(Counter.HEALTH_SLOWSTART_DEFERRED.id(), h.slowStartDeferred());
        DnsCounters dns = engine.dnsCounters();
        m.put(Counter.DNS_LOOKUPS.id(), dns.lookups());
        m.put(Counter.DNS_FAILED.id(), dns.failed());
        m.put(Counter.DNS_HELD.id(), dns.held());
        m.put(Counter.DNS_EXPIRED.id(), dns.expired());
        m.put(Counter.DNS_CHANGED.id(), dns.changed());
        synchronized (engine) {
            tls.events().forEach(m::putIfAbsent);
        }
        outsideEvents.get().forEach(m::put);
        return m;
    }

    /**
     * Counters kept outside the engine (the etcd source's), shown among {@link #events()}: their values replace the
     * engine's own slots of the same names, which the engine never counts. Any thread.
     */
    public void outsideEvents(Supplier<Map<String, Long>> events) {
        outsideEvents = java.util.Objects.requireNonNull(events, "events");
    }

    /**
     * The configured backends with their passive-health state (absent: never reported on, so up) and their concurrency
     * slots: limit, in flight, queued. Any thread; reads no loop's state.
     */
    public List<EngineReports.BackendStatus> backendStatus() {
        Map<String, BackendHealth.Status> states = engine.health().snapshot();
        BackendLimits limits = engine.settings().backendLimits();
        BackendSlots slots = engine.slots();
        List<EngineReports.BackendStatus> out = new ArrayList<>();
        for (Backend b : engine.directory().backends().all()) {
            BackendHealth.Status st = states.getOrDefault(b.name(), UNKNOWN);
            out.add(new EngineReports.BackendStatus(b, st.state().in(), st.totalFailures(), st.state().text(), st.reason(),
                    slots.inFlight(b.name()), limits.limitOf(b), slots.queued(b.name())));
        }
        return out;
    }

    /** The distinct hosts routed recently (up to {@link LoopContext#RECENT_HOSTS} per loop); asks each loop. */
    public Set<String> recentHosts() {
        Set<String> hosts = new java.util.TreeSet<>();
        for (String[] recent : askLoops(ctx -> ctx.recentHosts.clone())) {
            for (String h : recent) {
                if (h != null) {
                    hosts.add(h);
                }
            }
        }
        return hosts;
    }

    /** Each backend as configured, with its passive-health state and, at a backend with a limit, its slots. */
    public List<String> describeBackends() {
        List<String> lines = new ArrayList<>();
        Map<String, BackendHealth.Status> states = engine.health().snapshot();
        Map<String, dev.rsp.core.backend.PassiveHealth.BackendState> passive = engine.health().passive().snapshot();
        BackendLimits limits = engine.settings().backendLimits();
        for (Backend b : engine.directory().backends().all()) {
            BackendHealth.Status st = states.getOrDefault(b.name(), UNKNOWN);
            dev.rsp.core.backend.PassiveHealth.BackendState p = passive.get(b.name());
            String state = st.state() == BackendHealth.State.UP ? "up" : st.state().text().toUpperCase(java.util.Locale.ROOT);
            lines.add(String.format("%-20s %-28s weight=%-4d %s%s%s%s", b.name(), b.host() + ":" + b.port(), b.weight(),
                    state, p == null ? "" : " failures=" + p.consecutiveFailures() + " total=" + p.totalFailures(),
                    slotsText(b.name(), limits.limitOf(b)), st.reason().isEmpty() ? "" : " (" + st.reason() + ")"));
        }
        return lines;
    }

    /**
     * {@code " in_flight=n/max queued=q"} at a backend with a limit; without one nothing, unless requests admitted
     * under a limit since removed still hold slots or wait ({@code " in_flight=n queued=q"}).
     */
    private String slotsText(String backendName, int maxconn) {
        int inFlight = engine.slots().inFlight(backendName);
        int queued = engine.slots().queued(backendName);
        if (maxconn <= 0 && inFlight == 0 && queued == 0) {
            return "";
        }
        return " in_flight=" + inFlight + (maxconn > 0 ? "/" + maxconn : "") + " queued=" + queued;
    }

    /** Iterations of all loops so far (a loop that spins shows here). */
    public long loopIterations() {
        return loops.stream().mapToLong(c -> c.loop.iterations()).sum();
    }

    /** The longest busy time of any loop iteration so far, in nanoseconds. */
    public long longestLoopIterationNanos() {
        return loops.stream().mapToLong(c -> c.loop.longestBusyNanos()).max().orElse(0);
    }

    /**
     * Client connections per loop, in loop order (those handed to a loop and not yet taken included): how evenly the
     * acceptors spread them. A moment's estimate, read without asking the loops.
     */
    public int[] clientsPerLoop() {
        return loops.stream().mapToInt(c -> c.clients.load()).toArray();
    }
}
