package dev.rsp.core.backend;

import dev.rsp.config.Addresses;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way backends get in: takes the sets the {@link BackendSource}s offer, numbers them (it alone owns the
 * generation), resolves their hosts with the one {@link BackendResolver}, and hands each result, a
 * {@link BackendDirectory}, to its consumer (the core: the engine, whose routing table publishes it together with the
 * routers built for it, and the active health check).
 *
 * <p>Backends named by an SRV name are expanded ({@link ServiceBackends}) before the set is numbered, so strategies
 * see ordinary backends and a change of targets is an ordinary change of set (host-hash moves only what changed).
 *
 * <p>Threads: {@link #offer} and {@link #refresh} may be called from any thread and never block: they queue work on
 * the executor given to the constructor (a single thread in production, {@code rsp-backends}), where resolving and the
 * consumer run, one at a time. A set whose names were never looked up waits for their first answers (up to
 * {@code dns.timeout.ms}) on that thread; later lookups block nobody, their answers are queued there too. Offers queued
 * behind a slow lookup are coalesced: only the latest set of a source is applied.
 *
 * <p>A backend that becomes {@code ;tls=insecure} is logged at WARN once, when the set that makes it so is applied.
 *
 * <p>Sources: one is in force at a time. Until {@link #use} names one, the first source to offer is in force and a set
 * from another is refused with an ERROR line. Once {@link #use} has named one (the core names etcd while
 * {@code rsp.etcd} is configured, the file otherwise), only its sets are applied; the latest set of every source is
 * kept, so switching back applies the other source's latest set at once. Switching to a source that has offered
 * nothing yet keeps the backends in force until it offers.
 */
public final class BackendPublisher implements BackendSink {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    private final Executor work;
    private final BackendResolver resolver;
    private final Consumer<BackendDirectory> consumer;
    private final AtomicReference<SourcedBackends> pending = new AtomicReference<>();
    /** The latest set of every source, applied or not. */
    private final Map<String, SourcedBackends> latest = new java.util.concurrent.ConcurrentHashMap<>();
    /** The source named by {@link #use}; null while none was. */
    private volatile String chosen;
    private final AtomicBoolean refreshWanted = new AtomicBoolean();
    private final Object applying = new Object();
    private volatile BackendDirectory current;

    // Guarded by applying.
    private String source;
    private long generation;
    /** The set in force as its source offered it, before SRV names were expanded. */
    private List<Backend> configured;
    /** What the set in force overrides of the core's timeouts and tries, by name. */
    private Map<String, BackendTuning> tuning = Map.of();

    /**
     * @param work     runs resolution and the consumer; must run one task at a time and never be a loop
     * @param consumer gets every new directory, on the work executor; must not block for long
     */
    public BackendPublisher(Executor work, BackendResolver resolver, Consumer<BackendDirectory> consumer) {
        this.work = Objects.requireNonNull(work, "work");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
    }

    @Override
    public void offer(SourcedBackends set) {
        latest.put(set.source(), set);
        pending.set(Objects.requireNonNull(set, "set"));
        submit(this::drain);
    }

    /**
     * Puts the source named {@code name} in force: from now on only its sets are applied, starting with its latest
     * one (if it has offered any). Any thread; never blocks.
     */
    public void use(String name) {
        chosen = Objects.requireNonNull(name, "name");
        submit(this::drain);
    }

    @Override
    public int inForce() {
        BackendDirectory d = current;
        return d == null ? 0 : d.backends().all().size();
    }

    /**
     * Starts the lookups of the names whose answer is due (see {@link ResolvedNames}); called often (every 250 ms in
     * production), it costs a scan of the names in use. An answer that changes an address is published with the same
     * backends (same generation); one that changes the targets of an SRV name publishes a new set.
     */
    public void refresh() {
        refreshWanted.set(true);
        submit(this::drain);
    }

    /** DNS settings for the lookups from now on. Any thread; applied on the publisher's. */
    public void dnsSettings(DnsSettings settings) {
        Objects.requireNonNull(settings, "settings");
        submit(() -> {
            synchronized (applying) {
                resolver.settings(settings);
            }
        });
    }

    /** What resolution counted. Any thread. */
    public DnsCounters dnsCounters() {
        return resolver.counters();
    }

    /** The last directory handed to the consumer, if any. A volatile read; any thread. */
    public Optional<BackendDirectory> current() {
        return Optional.ofNullable(current);
    }

    private void submit(Runnable task) {
        try {
            work.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("backend publisher stopped; change not applied");
        }
    }

    private void drain() {
        synchronized (applying) {
            SourcedBackends next = pending.getAndSet(null);
            String want = chosen;
            if (want == null) {
                if (next != null) {
                    apply(next);
                }
            } else {
                if (!want.equals(source)) {
                    LOG.info("backends now come from {}{}", want, source == null ? "" : " (no longer from " + source + ")");
                    source = want;
                }
                SourcedBackends set = latest.get(want);
                if (set != null) {
                    apply(set);
                }
            }
            if (refreshWanted.getAndSet(false) && current != null) {
                try {
                    for (BackendResolver.Pending p : resolver.startDue()) {
                        p.answer().whenComplete((answer, error) -> submit(() -> answered(p.key(),
                                answer != null ? answer : new HostLookup.Failed(String.valueOf(error)))));
                    }
                } catch (RuntimeException e) {
                    LOG.error("starting the lookups of backend names failed; the next tick tries again", e);
                }
            }
        }
    }

    private void answered(ResolvedNames.Key key, HostLookup.Answer answer) {
        synchronized (applying) {
            try {
                if (!resolver.answered(key, answer) || current == null) {
                    return;
                }
                if (key.service()) {
                    publish();
                    return;
                }
                BackendDirectory moved = resolver.directory(current.backends(), configured).withTuning(tuning);
                if (!moved.addresses().equals(current.addresses())) {
                    handOver(moved);
                }
            } catch (RuntimeException e) {
                LOG.error("applying the answer for backend name {} failed; it is looked up again when due", key, e);
            }
        }
    }

    private void apply(SourcedBackends set) {
        if (source == null) {
            source = set.source();
        } else if (!source.equals(set.source())) {
            LOG.error("backends from {} refused: the backends come from {} (one source at a time)", set.source(), source);
            return;
        }
        if (set.backends().equals(configured) && set.tuning().equals(tuning)) {
            return;
        }
        configured = set.backends();
        tuning = set.tuning();
        publish();
    }

    /**
     * Expands the configured set and publishes it as a new generation when the backends differ from the current
     * ones, else only when an address changed (a target that appeared in DNS before its SRV record did).
     */
    private void publish() {
        BackendDirectory before = current;
        Backends expanded = new Backends(0, resolver.expand(configured));
        if (before != null && before.backends().all().equals(expanded.all())) {
            BackendDirectory again = resolver.directory(before.backends(), configured).withTuning(tuning);
            if (!again.addresses().equals(before.addresses()) || !again.tuning().equals(before.tuning())) {
                handOver(again);
            }
            return;
        }
        Backends next = new Backends(++generation, expanded.all());
        BackendDirectory directory = resolver.directory(next, configured).withTuning(tuning);
        Backends previous = before == null ? BackendDirectory.EMPTY.backends() : before.backends();
        BackendsDiff diff = BackendsDiff.between(previous, next);
        handOver(directory);
        LOG.info("{}: {} backends (added {}, removed {}, changed {})", source, next.all().size(), diff.added(),
                diff.removed(), diff.changed());
        warnInsecure(previous, next);
    }

    /** One WARN per backend that becomes {@code ;tls=insecure}: nothing checks who answers its connections. */
    private static void warnInsecure(Backends before, Backends next) {
        Map<String, Backend> old = before.byName();
        for (Backend b : next.all()) {
            Backend was = old.get(b.name());
            if (b.tls() == Backend.Tls.INSECURE && (was == null || was.tls() != Backend.Tls.INSECURE)) {
                LOG.warn("Backend {} ({}) is spoken to over TLS without checking its certificate (;tls=insecure): "
                        + "anyone on the path can pose as it; for test labs only", b.name(),
                        new Addresses.Address(b.host(), b.port()));
            }
        }
    }

    private void handOver(BackendDirectory directory) {
        current = directory;
        try {
            consumer.accept(directory);
        } catch (RuntimeException e) {
            LOG.error("publishing backends generation {} failed", directory.backends().generation(), e);
        }
    }
}
