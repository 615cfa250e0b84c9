package dev.rsp.tls.acme;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import dev.rsp.config.StartFailure;
import dev.rsp.spi.tls.HttpChallenges;
import dev.rsp.tls.acme.ondemand.OnDemandPolicy;
import dev.rsp.tls.acme.ondemand.OnDemandSettings;
import dev.rsp.tls.certs.CertificateManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
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
 * The ACME client as an OSGi component: reads {@code rsp.acme} ({@link AcmeConfig}; without etc/rsp.acme.cfg it does
 * not run), and while active registers the {@link HttpChallenges} service (the core answers HTTP-01 from it) and the
 * {@link CertificateManager} service (the TLS component serves its storage, its TLS-ALPN-01 certificates and asks it
 * for on-demand certificates). A changed configuration replaces the {@link AcmeCertificates} (running orders are
 * interrupted and their locks released); a configuration that does not validate keeps the running one, and at
 * activation fails the start.
 *
 * <p>Threads: activation and configuration on Declarative Services' threads (serialized here); the work on
 * {@link AcmeCertificates}'s own threads.
 */
@Component(immediate = true, configurationPid = AcmeComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = AcmeConfig.class)
public final class AcmeComponent {

    public static final String PID = "rsp.acme";
    /** The keys of {@code rsp.acme}, shared with {@code bin/rsp check}. */
    public static final Schema SCHEMA = OnDemandSettings.withKeys(Schema.fromAnnotation(PID, AcmeConfig.class));
    private static final Logger log = LoggerFactory.getLogger(AcmeComponent.class);

    private final RunningValues running = new RunningValues(SCHEMA);
    /** Kept across configurations, as the services registered from them. */
    private final AcmeCounters counters = new AcmeCounters();
    private final Http01Book http01 = new Http01Book();
    private final AlpnChallengeCert alpn = new AlpnChallengeCert();
    private final String owner = owner();
    private BundleContext context;
    private Applied settings;
    /** Re-reads the on-demand allow-list every {@code ondemand.allow.poll.ms}; null while on-demand is off. */
    private java.util.concurrent.ScheduledExecutorService allowPoller;

    /** A configuration in force: the client's settings and its on-demand policy's. */
    record Applied(AcmeSettings acme, OnDemandSettings onDemand) {
    }
    private AcmeCertificates certificates;
    private ServiceRegistration<HttpChallenges> challengesRegistration;
    private ServiceRegistration<CertificateManager> managerRegistration;

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        challengesRegistration = context.registerService(HttpChallenges.class, http01, new Hashtable<>());
        List<String> errors = new ArrayList<>();
        Optional<Applied> initial = parsed(properties, errors);
        if (initial.isEmpty()) {
            errors.forEach(e -> log.error("{}; rsp.acme is not started", e));
            StartFailure.report(context, errors.get(0));
            return;
        }
        apply(initial.get());
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        List<String> errors = new ArrayList<>();
        parsed(properties, errors).ifPresentOrElse(this::apply,
                () -> errors.forEach(e -> log.error("{}; keeping the previous configuration", e)));
    }

    @Deactivate
    synchronized void deactivate() {
        unregister(managerRegistration);
        unregister(challengesRegistration);
        if (allowPoller != null) {
            allowPoller.shutdownNow();
        }
        if (certificates != null) {
            certificates.close();
        }
        log.info("rsp.acme stopped");
    }

    /** The running client's counters (zero before the first configuration), for the TLS front's events. */
    public Map<String, Long> counts() {
        return counters.snapshot();
    }

    /**
     * {@code rsp.acme} checked by {@link #SCHEMA} then {@link AcmeSettings}; a key missing from a running configuration
     * keeps its running value. Empty, with one line per problem in {@code errors}, when it must not be applied.
     */
    private Optional<Applied> parsed(Map<String, Object> properties, List<String> errors) {
        List<String> missing = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, missing);
        missing.forEach(log::warn);
        Reading reading = SCHEMA.read(effective);
        reading.warnings().forEach(log::warn);
        errors.addAll(reading.errors());
        if (!errors.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> typed = new HashMap<>(effective);
        typed.putAll(reading.values());
        List<String> warnings = new ArrayList<>();
        Optional<Applied> applied = settings(typed, errors, warnings);
        warnings.forEach(log::warn);
        applied.ifPresent(a -> running.applied(effective));
        return applied;
    }

    /**
     * {@code rsp.acme}'s typed values read as the client's and the on-demand policy's settings; empty, with one line per
     * problem in {@code errors}, when they are not valid. Shared with {@code bin/rsp check} ({@link AcmeCheck}).
     */
    static Optional<Applied> settings(Map<String, Object> typed, List<String> errors, List<String> warnings) {
        int before = errors.size();
        AcmeSettings.Parsed parsed = AcmeSettings.parse(typed);
        if (parsed instanceof AcmeSettings.Invalid invalid) {
            invalid.errors().forEach(e -> errors.add(PID + ": " + e));
        }
        OnDemandSettings.Parsed onDemand = OnDemandSettings.parse(typed);
        if (onDemand instanceof OnDemandSettings.Invalid invalid) {
            invalid.errors().forEach(e -> errors.add(PID + ": " + e));
        }
        if (errors.size() > before) {
            return Optional.empty();
        }
        OnDemandSettings.Valid od = (OnDemandSettings.Valid) onDemand;
        od.warnings().forEach(w -> warnings.add(PID + ": " + w));
        return Optional.of(new Applied(((AcmeSettings.Valid) parsed).settings(), od.settings()));
    }

    private void apply(Applied applied) {
        if (applied.equals(settings)) {
            return;
        }
        settings = applied;
        AcmeSettings next = applied.acme();
        AcmeCertificates before = certificates;
        ServiceRegistration<CertificateManager> beforeRegistration = managerRegistration;
        certificates = new AcmeCertificates(next, Clock.systemUTC(), new Random(), owner, counters, http01, alpn);
        onDemand(applied.onDemand(), certificates);
        AcmeCertificates made = certificates;
        made.readyWhen(() -> (!next.challenges().contains(AcmeSettings.ChallengeType.HTTP_01) || coreAnswersHttp01())
                && (!next.challenges().contains(AcmeSettings.ChallengeType.TLS_ALPN_01)
                        || made.servedByTls() && coreListensForTls()));
        certificates.start();
        managerRegistration = context.registerService(CertificateManager.class, certificates, new Hashtable<>());
        unregister(beforeRegistration);
        if (before != null) {
            before.close();
        }
        log.info("rsp.acme: {} name(s) from {} into {}{}", next.names().size(), next.directoryUrl(), next.storage(),
                applied.onDemand().enabled() ? ", on demand too (" + applied.onDemand() + ")" : "");
    }

    /** Whether the core has taken the HTTP-01 answers (it answers them on its HTTP listener from then on). */
    private boolean coreAnswersHttp01() {
        ServiceRegistration<HttpChallenges> r = challengesRegistration;
        try {
            return r != null && r.getReference().getUsingBundles() != null;
        } catch (IllegalStateException unregistered) {
            return false;
        }
    }

    /** Whether the core has taken a terminating TLS front (and so listens for it: TLS-ALPN-01 can be answered). */
    private boolean coreListensForTls() {
        try {
            var refs = context.getServiceReferences(dev.rsp.spi.tls.TlsFront.class, "(rsp.tls.mode=terminate)");
            return refs.stream().anyMatch(r -> r.getUsingBundles() != null);
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Gives {@code certificates} the policy of {@code settings} (its allow-list read now, then every
     * {@code ondemand.allow.poll.ms} on a thread of this component), or none when on-demand is off.
     */
    private void onDemand(OnDemandSettings settings, AcmeCertificates certificates) {
        if (allowPoller != null) {
            allowPoller.shutdownNow();
            allowPoller = null;
        }
        if (!settings.enabled()) {
            return;
        }
        OnDemandPolicy policy = OnDemandPolicy.of(settings, Clock.systemUTC());
        policy.reload();
        certificates.policy(new OnDemandIssuance(policy));
        certificates.onDemandWait(settings.handshakeWait());
        if (settings.allowFile().isPresent()) {
            allowPoller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rsp-acme-allow-list");
                t.setDaemon(true);
                return t;
            });
            long every = settings.allowPoll().toMillis();
            allowPoller.scheduleWithFixedDelay(() -> {
                try {
                    policy.reload();
                } catch (RuntimeException e) {
                    log.error("rsp.acme: re-reading the on-demand allow-list failed: {}", e.toString(), e);
                }
            }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Host and process, plus a random part: unique among instances sharing storage, readable in a lock file. */
    private static String owner() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host.replace(' ', '_') + "/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
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
