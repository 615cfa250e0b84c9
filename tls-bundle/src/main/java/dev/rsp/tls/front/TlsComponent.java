package dev.rsp.tls.front;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import dev.rsp.config.StartFailure;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.tls.audit.CertsAuditCommand;
import dev.rsp.tls.certs.CertificateManager;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.ocsp.OcspStapler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener as an OSGi component: reads {@code rsp.tls} ({@link TlsConfig}; required: without etc/rsp.tls.cfg there is no TLS listener),
 * keeps the {@link CertificateStore} of {@code certs.dir} current on a poll thread of its own, and registers the
 * {@link TlsFront} service the core listens for, plus the Gogo commands {@code rsp:certs} (the index) and
 * {@code rsp:certs-audit} (over the files the index serves). Tracks the ACME component's {@link CertificateManager}
 * (optional, dynamic): its storage is indexed too, rescanned when it says it changed, and the front asks it for
 * TLS-ALPN-01 validations and on-demand issuance.
 *
 * <p>The service is registered by hand rather than by Declarative Services: a new listen address or mode must be a
 * new registration (the core closes the old listener and opens a new one), while every other change, certificates
 * included, must leave the registration and the connections on it alone.
 *
 * <p>Threads: activation and configuration on Declarative Services' threads (serialized here), reloads on
 * {@code rsp-tls-certs}, certificate loads on {@code rsp-tls-certs-load}; the front's methods on the core's threads read
 * volatile snapshots only.
 */
@Component(immediate = true, configurationPid = TlsComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = TlsConfig.class)
public final class TlsComponent {

    public static final String PID = "rsp.tls";
    private static final Logger log = LoggerFactory.getLogger(TlsComponent.class);
    /** The keys of {@code rsp.tls}, shared with {@code bin/rsp check}. */
    public static final Schema SCHEMA = Schema.fromAnnotation(PID, TlsConfig.class);

    private final RunningValues running = new RunningValues(SCHEMA);
    private String firstProblem;

    /** Loads certificates when handshakes first ask (key parsing, contexts): a few threads, never a network thread. */
    private final java.util.concurrent.ExecutorService loader = Executors.newFixedThreadPool(
            Math.min(4, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "rsp-tls-certs-load");
                t.setDaemon(true);
                return t;
            });
    private final CertificateStore store = new CertificateStore(Instant::now, loader);
    /** The ACME component's, while one is registered. */
    private volatile CertificateManager manager;
    private final TlsSettings.Supported supported = TlsSettings.Supported.byJdk();
    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;
    private BundleContext context;
    private TlsSettings settings;
    private TlsFrontService front;
    private ServiceRegistration<TlsFront> frontRegistration;
    private ServiceRegistration<Function> auditRegistration;
    private ServiceRegistration<Function> certsRegistration;
    private final TicketKeyFile ticketKeyFile = new TicketKeyFile();
    private OcspStapler stapler;
    /**
     * Where configurations are applied: the poll thread, so that loading certificates (and making the self-signed
     * default: key generation, class loading) never holds up Configuration Admin's single dispatch thread, which
     * delivers the other bundles' configurations (the backends, the demo) at start. Tests apply in place.
     */
    java.util.concurrent.Executor applier;
    private boolean active;
    /**
     * The ACME storage last served: remembered in the bundle's data area, so that a restart serves the certificates
     * there from its first handshake, before the ACME component comes, and they stay served if it goes (renewals then
     * stop, the certificates do not). Read and written on the applier thread.
     */
    private AcmeStorageMemory acmeStorage = AcmeStorageMemory.NONE;

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rsp-tls-certs");
            t.setDaemon(true);
            return t;
        });
        if (applier == null) {
            applier = poller;
        }
        active = true;
        stapler = OcspStapler.overHttp();
        store.indexFile(indexFile(context));
        acmeStorage = AcmeStorageMemory.in(dataFile(context, "acme-storage.txt"));
        java.util.Optional<TlsSettings> initial = parsed(properties, "the TLS listener is not started");
        if (initial.isPresent()) {
            applyLater(initial.get());
        } else {
            // no last good configuration, and no defaults for wrong values: no listener, and the start fails
            StartFailure.report(context, firstProblem);
        }
        Hashtable<String, Object> command = new Hashtable<>();
        command.put("osgi.command.scope", "rsp");
        command.put("osgi.command.function", "certs-audit");
        auditRegistration = context.registerService(Function.class,
                new CertsAuditCommand(() -> store.directory().orElseGet(CertsAuditCommand::homeCertsDir),
                        store::servedFiles, stapler::problem), command);
        Hashtable<String, Object> certs = new Hashtable<>();
        certs.put("osgi.command.scope", "rsp");
        certs.put("osgi.command.function", "certs");
        certsRegistration = context.registerService(Function.class, new CertsCommand(this::listing,
                () -> store.snapshot().size()), certs);
    }

    private List<dev.rsp.spi.tls.CertificateInfo> listing(String filter, int limit) {
        TlsFrontService f;
        synchronized (this) {
            f = front;
        }
        return f == null ? List.of() : f.certificates(filter, limit);
    }

    /** The ACME component came: its storage is indexed (on the poll thread) and it is told to report writes. */
    @Reference(service = CertificateManager.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindManager")
    void bindManager(CertificateManager m) {
        manager = m;
        m.onStorageChanged(this::storageChanged);
        managerChanged();
    }

    void unbindManager(CertificateManager m) {
        m.onStorageChanged(() -> { });
        if (manager == m) {
            manager = null;
            managerChanged();
        }
    }

    private java.util.Optional<CertificateManager> manager() {
        return java.util.Optional.ofNullable(manager);
    }

    private void managerChanged() {
        java.util.concurrent.Executor a;
        synchronized (this) {
            a = active ? applier : null;
        }
        if (a != null) {
            a.execute(() -> {
                store.acmeStorage(acmeStorage.now(manager().map(CertificateManager::storage)));
                certificatesPolled();
            });
        }
    }

    /** The manager wrote to its storage (its thread): a rescan on the poll thread, so that renewals serve at once. */
    private void storageChanged() {
        ScheduledExecutorService p;
        synchronized (this) {
            p = active ? poller : null;
        }
        if (p != null) {
            store.reloadOn(p).thenRun(this::certificatesPolled);
        }
    }

    /** The bundle's data area keeps the index across restarts; none where the framework has no file system for it. */
    private static java.util.Optional<java.nio.file.Path> indexFile(BundleContext context) {
        return dataFile(context, "certs-index.txt");
    }

    /**
     * Where {@code name} is kept across restarts: {@code data/tls/} of the rsp home (the launcher cleans the framework's
     * cache, bundle data areas included, at every start), else the bundle's data area (a Felix or Karaf of its own).
     */
    private static java.util.Optional<java.nio.file.Path> dataFile(BundleContext context, String name) {
        String home = System.getProperty("rsp.home");
        if (home != null) {
            java.nio.file.Path dir = java.nio.file.Path.of(home, "data", "tls");
            try {
                java.nio.file.Files.createDirectories(dir);
                return java.util.Optional.of(dir.resolve(name));
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("rsp.tls: cannot use {} ({}); {} is kept in the bundle's data area, which a restart of rsp "
                        + "cleans", dir, e.toString(), name);
            }
        }
        try {
            return java.util.Optional.ofNullable(context.getDataFile(name)).map(java.io.File::toPath);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        parsed(properties, "keeping the previous configuration").ifPresent(this::applyLater);
    }

    private void applyLater(TlsSettings next) {
        applier.execute(() -> {
            synchronized (this) {
                if (active) {
                    apply(next);
                }
            }
        });
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        unregister(frontRegistration);
        unregister(auditRegistration);
        unregister(certsRegistration);
        certsRegistration = null;
        if (front != null) {
            front.close();
        }
        frontRegistration = null;
        auditRegistration = null;
        poller.shutdownNow();
        loader.shutdownNow();
        stapler.close();
        log.info("rsp.tls stopped");
    }

    /**
     * Reads {@code rsp.tls}: every key checked by {@link #SCHEMA} (durations and sizes with units), then by
     * {@link TlsSettings}; a key missing from a running configuration keeps its running value. Logs one line per
     * problem, ending with {@code consequence}; empty when the configuration must not be applied.
     */
    private java.util.Optional<TlsSettings> parsed(Map<String, Object> properties, String consequence) {
        List<String> missing = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, missing);
        Reading reading = SCHEMA.read(effective);
        reading.warnings().forEach(log::warn);
        missing.forEach(log::warn);
        List<String> errors = new ArrayList<>(reading.errors());
        TlsSettings.Parsed parsed = null;
        if (errors.isEmpty()) {
            Map<String, Object> typed = new HashMap<>(effective);
            typed.putAll(reading.values());
            parsed = TlsSettings.parse(typed, supported);
            if (parsed instanceof TlsSettings.Invalid invalid) {
                invalid.errors().forEach(e -> errors.add(PID + ": " + e));
            } else {
                TlsSettings s = ((TlsSettings.Valid) parsed).settings();
                if (s.engine() == TlsSettings.Engine.NATIVE) {
                    ServerEngines.nativeUnavailable().ifPresent(why -> errors.add(PID + ": engine = native: BoringSSL "
                            + "cannot run here (" + why + "); use auto to fall back to the JDK's engine"));
                }
                if (s.ticketKeysFile().isPresent()
                        && TicketKeys.read(s.ticketKeysFile().get()) instanceof TicketKeys.Refused refused) {
                    errors.add(PID + ": tickets.keys.file: " + refused.reason());
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> log.error("{}; {}", e, consequence));
            firstProblem = errors.get(0);
            return java.util.Optional.empty();
        }
        TlsSettings.Valid valid = (TlsSettings.Valid) parsed;
        valid.warnings().forEach(w -> log.warn("rsp.tls: {}", w));
        running.applied(effective);
        return java.util.Optional.of(valid.settings());
    }

    private void apply(TlsSettings next) {
        if (next.equals(settings)) {
            return;
        }
        TlsSettings before = settings;
        settings = next;
        store.acmeStorage(acmeStorage.now(manager().map(CertificateManager::storage)));
        store.configure(new CertificateStore.Source(next.certsDir(), next.keyPassword(), next.selfSignedDefault(),
                next.certsCacheSize()));
        if (before == null || !before.certsPoll().equals(next.certsPoll())) {
            if (polling != null) {
                polling.cancel(false);
            }
            long ms = next.certsPoll().toMillis();
            polling = ms == 0 ? null : poller.scheduleWithFixedDelay(this::reload, ms, ms, TimeUnit.MILLISECONDS);
        }
        if (front == null || !before.listen().equals(next.listen()) || before.mode() != next.mode()) {
            unregister(frontRegistration);
            if (front != null) {
                front.close();
            }
            front = new TlsFrontService(next, store, stapler, ticketKeyFile.poll(next.ticketKeysFile()), this::manager,
                    poller);
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("rsp.tls.listen", next.listen().toString());
            props.put("rsp.tls.mode", next.mode().name().toLowerCase(java.util.Locale.ROOT));
            frontRegistration = context.registerService(TlsFront.class, front, props);
            log.info("rsp.tls: {} on {} ({} certificate(s) indexed from {}, {} loaded)",
                    next.mode().name().toLowerCase(java.util.Locale.ROOT), next.listen(), store.snapshot().size(),
                    next.certsDir(), store.cache().size());
        } else {
            front.ticketKeys(ticketKeyFile.poll(next.ticketKeysFile()));
            front.settings(next);
            log.info("rsp.tls configuration applied");
        }
    }

    /** On the poll thread: the index is brought up to date (changed files only), then the stapler's list. */
    private void reload() {
        store.reload();
        synchronized (this) {
            if (active && front != null && settings != null) {
                front.ticketKeys(ticketKeyFile.poll(settings.ticketKeysFile()));
            }
        }
        certificatesPolled();
    }

    private void certificatesPolled() {
        TlsFrontService f;
        synchronized (this) {
            f = active ? front : null;
        }
        if (f != null) {
            f.certificatesChanged();
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
    }
}
