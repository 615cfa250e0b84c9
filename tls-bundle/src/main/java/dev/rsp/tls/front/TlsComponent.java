package dev.rsp.tls.front;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import dev.rsp.config.StartFailure;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.tls.audit.CertsAuditCommand;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener as an OSGi component: reads {@code rsp.tls} ({@link TlsConfig}; required: without etc/rsp.tls.cfg there is no TLS listener),
 * keeps the {@link CertificateStore} of {@code certs.dir} current on a poll thread of its own, and registers the
 * {@link TlsFront} service the core listens for, plus the Gogo command {@code rsp:certs-audit} over the same directory.
 *
 * <p>The service is registered by hand rather than by Declarative Services: a new listen address or mode must be a
 * new registration (the core closes the old listener and opens a new one), while every other change, certificates
 * included, must leave the registration and the connections on it alone.
 *
 * <p>Threads: activation and configuration on Declarative Services' threads (serialized here), reloads on
 * {@code rsp-tls-certs}; the front's methods on the core's threads read volatile snapshots only.
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

    private final CertificateStore store = new CertificateStore(Instant::now);
    private final TlsSettings.Supported supported = TlsSettings.Supported.byJdk();
    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;
    private BundleContext context;
    private TlsSettings settings;
    private TlsFrontService front;
    private ServiceRegistration<TlsFront> frontRegistration;
    private ServiceRegistration<Function> auditRegistration;
    private final TicketKeyFile ticketKeyFile = new TicketKeyFile();
    private OcspStapler stapler;
    /**
     * Where configurations are applied: the poll thread, so that loading certificates (and making the self-signed
     * default: key generation, class loading) never holds up Configuration Admin's single dispatch thread, which
     * delivers the other bundles' configurations (the backends, the demo) at start. Tests apply in place.
     */
    java.util.concurrent.Executor applier;
    private boolean active;

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
                        stapler::problem), command);
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
        if (front != null) {
            front.close();
        }
        frontRegistration = null;
        auditRegistration = null;
        poller.shutdownNow();
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
        store.configure(new CertificateStore.Source(next.certsDir(), next.keyPassword(), next.selfSignedDefault()));
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
            front = new TlsFrontService(next, store, stapler, ticketKeyFile.poll(next.ticketKeysFile()));
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("rsp.tls.listen", next.listen().toString());
            props.put("rsp.tls.mode", next.mode().name().toLowerCase(java.util.Locale.ROOT));
            frontRegistration = context.registerService(TlsFront.class, front, props);
            log.info("rsp.tls: {} on {} ({} certificate(s) from {})", next.mode().name().toLowerCase(java.util.Locale.ROOT),
                    next.listen(), store.snapshot().all().size(), next.certsDir());
        } else {
            front.ticketKeys(ticketKeyFile.poll(next.ticketKeysFile()));
            front.settings(next);
            log.info("rsp.tls configuration applied");
        }
    }

    /** On the poll thread: new certificates get their engines' contexts (native ones) built here, off the loop. */
    private void reload() {
        boolean changed = store.reload();
        synchronized (this) {
            if (active && front != null && settings != null) {
                front.ticketKeys(ticketKeyFile.poll(settings.ticketKeysFile()));
                if (changed) {
                    front.certificatesChanged();
                }
            }
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
