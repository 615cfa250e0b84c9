package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.backend.DnsCounters;
import dev.rsp.core.backend.BackendHealth;
import dev.rsp.core.backend.CheckTls;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.http.ChunkedScanner;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.EventLoop;
import dev.rsp.core.ratelimit.RateLimitSettings;
import dev.rsp.core.ratelimit.RateLimiter;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy: N event loops sharing one listening socket, the routing table, the backends and their health. Created
 * and controlled from configuration threads (start, settings, backends, stop); all connection work happens on the
 * loops.
 */
public final class ProxyEngine {

    static final Logger log = LoggerFactory.getLogger("dev.rsp.core.proxy");
    static final Logger accessLog = LoggerFactory.getLogger("rsp.access");

    private final RoutingTable routing;
    private final BackendHealth health;
    private final ProxyCounters counters = new ProxyCounters();
    /** The rate limits ({@code rsp.ratelimit}); none until {@link #rateLimits} applies some. */
    private final RateLimiter rateLimiter = new RateLimiter(counters::count, System::nanoTime);
    private final BackendTlsLog backendTlsLog = new BackendTlsLog();
    private final List<LoopContext> loops = new ArrayList<>();
    private volatile ProxySettings settings;
    private volatile DnsCounters dns = new DnsCounters();
    private final BackendRetention retention;
    private final EngineViews views;
    private final HttpListener http;
    /** Set by {@link #drain}: no listener opens again. */
    private boolean draining;
    private final TlsListeners tls = new TlsListeners();
    /** Holds accepting until the routing is ready when the port is shared with another process (an upgrade). */
    private final AcceptGate acceptGate;
    /** The operator's error pages ({@code errors.dir}), kept current off the loops; null before start. */
    private volatile ErrorPages.Watcher errorPages;
    /** Where access log lines go: the {@code rsp.access} logger unless replaced (tests, other destinations). */
    private volatile java.util.function.Consumer<String> accessLines = TO_LOGGER;
    private static final java.util.function.Consumer<String> TO_LOGGER = line -> accessLog.info(line);
    /** ACME HTTP-01 answers, while an ACME client has challenges pending; null when none is registered. */
    private volatile dev.rsp.spi.tls.HttpChallenges httpChallenges;
    /** Retries over all loops against the requests ({@code backend.retry.budget.*}). */
    private final RetryBudget retryBudget = new RetryBudget();
    /** The backends' concurrency limits and queues ({@code ;maxconn}, {@code backend.maxconn}, {@code backend.queue.*}). */
    private final BackendSlots slots = new BackendSlots();
    /** The header rules of {@code rsp.headers} ({@link #headerRules(HeaderRules)}); read per request head. */
    volatile HeaderRules headerRules = HeaderRules.NONE;
    /** Finished spans on their way to the collector ({@code tracing.otlp.*}); its thread starts with the first span. */
    private final dev.rsp.core.trace.SpanExport spans = new dev.rsp.core.trace.SpanExport(() -> settings.tracing(), new TraceCounts(counters));

    /** An engine whose health beyond {@code passive} (checks, outliers, slow start) follows {@code settings.health()}. */
    public ProxyEngine(ProxySettings settings, RoutingTable routing, PassiveHealth passive) {
        this(settings, routing, new BackendHealth(passive, settings.health(), System::nanoTime));
    }

    public ProxyEngine(ProxySettings settings, RoutingTable routing, BackendHealth health) {
        this.settings = settings;
        this.routing = routing;
        this.health = health;
        this.retention = new BackendRetention(routing, health, loops);
        this.views = new EngineViews(this, loops, tls);
        this.http = new HttpListener(this, loops);
        this.acceptGate = new AcceptGate(routing);
        routing.onPublish(this::published);
    }

    /**
     * Starts the loops and the listener. When the listener cannot open, the loops are stopped again and the exception
     * names the key and the address ({@code http.listen 0.0.0.0:8080: Address already in use}).
     */
    public synchronized void start() throws IOException {
        ProxySettings s = settings;
        for (int i = 0; i < s.loops(); i++) {
            EventLoop loop = new EventLoop("rsp-loop-" + i, new BufferPool(s.bufferSize(), 1024,
                    s.bufferBulkSize() <= s.bufferSize() ? null : new BufferPool(s.bufferBulkSize(), 64)));
            LoopContext ctx = new LoopContext(loop, new BackendPool(loop, s.poolMaxIdle(), s.poolIdleNanos(), counters));
            loops.add(ctx);
            loop.start();
            PoolDecay decay = new PoolDecay(loop, ctx::bufferPools, s.poolDecayNanos(), counters);
            loop.execute(() -> decay.start(System.nanoTime()));
        }
        applyLimits(s);
        routing.chainChanged(s.chain());
        try {
            acceptGate.holdIfShared(s.listen(), s.reusePort(), s.readyWaitNanos());
            http.open(s.listen());
        } catch (IOException e) {
            acceptGate.open();
            stopLoops();
            throw e;
        }
        acceptGate.check();
        errorPages = new ErrorPages.Watcher(() -> settings, 2000);
    }

    /** Sends access log lines to {@code sink} instead of the {@code rsp.access} logger. */
    void accessLines(java.util.function.Consumer<String> sink) {
        accessLines = sink;
    }

    /** Whether access log lines are wanted at all (the logger is on, or a sink replaced it). */
    boolean accessLogOn() {
        return accessLines != TO_LOGGER || accessLog.isInfoEnabled();
    }

    void accessLine(String line) {
        accessLines.accept(line);
    }

    /** The error pages in force (none before start). */
    ErrorPages errorPages() {
        ErrorPages.Watcher w = errorPages;
        return w == null ? ErrorPages.NONE : w.current();
    }

    /** {@code limits.connections} and each loop's share of the buffer budget ({@link BufferBudget}). */
    private void applyLimits(ProxySettings s) {
        counters.activeClients.max(s.maxConnections());
        if (!loops.isEmpty()) {
            long share = BufferBudget.bytes(s) / loops.size();
            for (LoopContext ctx : loops) {
                ctx.bufferShare = share;
            }
        }
    }

    /**
     * Opens a TLS listener for {@code front} on every loop (a no-op when it has one). Connections it accepts start by
     * inspecting their ClientHello through the front.
     */
    public synchronized void addTlsFront(TlsFront front) throws IOException {
        if (!loops.isEmpty() && !draining) {
            tls.add(this, loops, front);
        }
    }

    /** Closes the TLS listener of {@code front}; its open connections finish. */
    public synchronized void removeTlsFront(TlsFront front) {
        tls.remove(front);
    }

    /** The ACME client's HTTP-01 answers, or null: requests for them are then routed as any other. Any thread. */
    public void httpChallenges(dev.rsp.spi.tls.HttpChallenges challenges) {
        httpChallenges = challenges;
    }

    dev.rsp.spi.tls.HttpChallenges httpChallenges() {
        return httpChallenges;
    }

    /** Where the TLS listener of {@code front} listens, or null when it has none. */
    public synchronized InetSocketAddress tlsAddress(TlsFront front) {
        return tls.address(front);
    }

    /** The fronts whose listeners are open, in the order they were added. */
    public synchronized List<TlsFront> tlsFronts() {
        return tls.fronts();
    }

    /** Per terminating TLS listener (its bound address), the name of the engine kind its front makes now. */
    public synchronized java.util.Map<String, String> tlsEngines() {
        return tls.engines();
    }

    /** Runs SSLEngine delegated tasks off the loops (see {@link TlsListeners#tasks}). */
    java.util.concurrent.Executor tlsTasks() {
        return tls.tasks(loops.size());
    }

    /**
     * Applies new settings. The listener moves when its address changed; when the new address cannot be bound the old
     * listener stays open and one ERROR says why (the next change of {@code http.listen} tries again). Loops and
     * buffer size apply at start.
     */
    public synchronized void settings(ProxySettings next) {
        ProxySettings prev = settings;
        settings = next;
        applyLimits(next);
        health.settings(next.health());
        if (!prev.chain().equals(next.chain())) {
            routing.chainChanged(next.chain());
            log.info("routing.chain is now {}", next.chain());
        }
        if (prev.loops() != next.loops() || prev.bufferSize() != next.bufferSize()) {
            log.warn("loops and buffer.size changes take effect when rsp restarts");
        }
        if (!draining) {
            http.move(next.listen(), prev.listen());
        }
    }

    /**
     * Takes new backends with their addresses (from {@code BackendPublisher}, on its thread). They reach the loops in
     * the routing snapshot built for them, never before: see {@link RoutingTable#backendsChanged(BackendDirectory)}.
     */
    public void backends(BackendDirectory directory) {
        routing.backendsChanged(directory);
    }

    /**
     * After each publication, on the routing builder thread: once the published backends changed, forgets the health
     * of backends gone and closes pooled connections no published backend owns; then wakes waiting requests.
     */
    private void published() {
        retention.retainPublished();
        slots.retain(routing.current().directory().poolKeys().keySet());
        retryWaitingRequests();
        acceptGate.check();
    }

    AcceptGate acceptGate() {
        return acceptGate;
    }

    /** "" when the engine accepts and its routing is ready, else why not (see {@link AcceptGate#notReady}). */
    public String notReady() {
        return acceptGate.notReady();
    }

    /**
     * The graceful part of a stop: stops accepting at once (the HTTP and TLS listeners close), lets the exchanges in
     * flight finish within {@code timeout.stop.ms} (idle keep-alive connections close at once, busy ones after their
     * current response), then closes what is left. Returns how many connections had to be cut that way; a second
     * call returns 0. Blocks up to the stop timeout: call it off the loops.
     */
    public int drain() {
        long timeout;
        List<java.nio.channels.ServerSocketChannel> listeners = new ArrayList<>();
        synchronized (this) {
            if (draining) {
                return 0;
            }
            draining = true;
            listeners.addAll(http.detach());
            listeners.addAll(tls.detachAll());
            timeout = settings.stopTimeoutNanos();
        }
        ListenerSocket.closeAfterSweep(listeners, loops, counters, settings.backlog());
        return Drain.runLogged(loops, counters, timeout);
    }

    /** Drains (see {@link #drain}) unless that was done already, then ends the loops. */
    public void stop() {
        drain();
        synchronized (this) {
            stopLoops();
        }
        log.info("rsp proxy stopped");
    }

    private void stopLoops() {
        Drain.endLoops(loops);
        spans.close(2_000);
        if (errorPages != null) {
            errorPages.close();
            errorPages = null;
        }
        tls.shutdown();
    }

    private void retryWaitingRequests() {
        for (LoopContext ctx : loops) {
            ctx.loop.execute(ctx::retryWaiters);
        }
    }

    /** The engine's read-only views: statistics, counters, backend state, buffer use (see {@link EngineViews}). */
    public EngineViews views() {
        return views;
    }

    public InetSocketAddress localAddress() {
        return http.localAddress();
    }

    public ProxyCounters counters() {
        return counters;
    }

    /** Where the counts of backend name resolution come from (the publisher's resolver), shown among the events. */
    public void dnsCounters(DnsCounters counters) {
        dns = counters;
    }

    /** What backend name resolution counted; all 0 until {@link #dnsCounters} is called. */
    public DnsCounters dnsCounters() {
        return dns;
    }

    /** Puts new rate limits in force (see {@link RateLimiter#apply}). Any thread. */
    public void rateLimits(RateLimitSettings limits) {
        rateLimiter.apply(limits);
    }

    /** Puts new header rules in force for heads written from now on. Any thread. */
    public void headerRules(HeaderRules rules) {
        headerRules = rules;
    }

    /** The rate limits in force and their counts. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    ProxySettings settings() {
        return settings;
    }

    BackendTlsLog backendTlsLog() {
        return backendTlsLog;
    }

    RoutingTable routing() {
        return routing;
    }

    BackendHealth health() {
        return health;
    }

    /**
     * TLS for the active check of backends marked {@code ;tls}: the trust of {@code backend.tls.ca} in force when a
     * check starts, as for traffic. Any thread; the sockets it makes block.
     */
    public CheckTls checkTls() {
        return (connected, backend, alpn) -> settings.backendTls().socket(connected, backend, alpn);
    }

    /** The addresses published with the current routing snapshot. A volatile read; any thread. */
    BackendDirectory directory() {
        return routing.current().directory();
    }

    RetryBudget retryBudget() {
        return retryBudget;
    }

    BackendSlots slots() {
        return slots;
    }

    dev.rsp.core.trace.SpanExport spans() {
        return spans;
    }

    ChunkedScanner newChunkedScanner() {
        return new ChunkedScanner(ChunkedScanner.DEFAULT_MAX_LINE_BYTES, ChunkedScanner.DEFAULT_MAX_TRAILER_BYTES);
    }
}
