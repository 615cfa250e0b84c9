package dev.rsp.core.etcd;

import dev.rsp.config.Schema;
import dev.rsp.core.proxy.Counter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration from etcd: every key {@code <prefix>config/<pid>/<key>} overlays {@code <key>} of the configuration
 * {@code <pid>} that {@code etc/<pid>.cfg} gives, as a ConfigAdmin {@link ConfigurationPlugin}: ConfigAdmin (and
 * Declarative Services, which asks for the plugin-processed properties) hands each rsp component the file's values
 * with etcd's on top, so every value goes through the component's own checks and an invalid one is refused like an
 * invalid file value (logged by the component, the last good configuration stays). The files stay untouched and
 * remain the embedded default: without etcd, or with {@code config = off}, rsp runs on them alone.
 *
 * <p>When etcd changes, each configuration whose overlay changed is delivered again ({@link ConfigRedelivery}); one
 * INFO line per changed key names the etcd key, so a refusal the component logs next can be traced to it; for the
 * core's own PIDs an ERROR line names the etcd key of a value the component will refuse ({@link OverlayCheck}).
 *
 * <p>Only PIDs starting with {@code rsp.} are overlaid, never {@code rsp.etcd} (etcd cannot move its own connection)
 * nor {@code rsp.backends} (backends come from {@code <prefix>backends/}); keys of those, keys that ConfigAdmin owns
 * ({@code service.pid}, ...), values over {@code limits.value.bytes}, and PIDs that have no configuration in
 * {@code etc/} are skipped with one ERROR or WARN line each (logged again only when they change).
 *
 * <p>Threads: {@link #modifyConfiguration} on ConfigAdmin's or Declarative Services' threads; {@link #snapshot} on the
 * etcd watch's timer thread. The overlay in force is an immutable map behind a volatile field.
 */
final class EtcdConfigOverlay implements ConfigurationPlugin, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.etcd");
    static final String CONFIG = "config/";

    private final EtcdSettings settings;
    private final EtcdStats stats;
    private final ConfigRedelivery redelivery;
    private volatile Map<String, Map<String, String>> overlay = Map.of();
    private ServiceRegistration<ConfigurationPlugin> registration;
    private Set<String> lastProblems = Set.of();
    private volatile boolean closed;

    /**
     * @param inForce the overlay of the instance this one replaces (a changed {@code rsp.etcd}), so that only what the
     *                new settings change is delivered again; empty for the first
     */
    EtcdConfigOverlay(EtcdSettings settings, EtcdStats stats, ConfigurationAdmin configAdmin,
            Map<String, Map<String, String>> inForce) {
        this.settings = settings;
        this.stats = stats;
        this.redelivery = new ConfigRedelivery(configAdmin);
        this.overlay = Map.copyOf(inForce);
    }

    /** Registers the plugin; ConfigAdmin calls it from now on. */
    void register(BundleContext context) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_DESCRIPTION, "rsp: configuration overlaid from etcd");
        p.put(ConfigurationPlugin.CM_RANKING, 100);
        registration = context.registerService(ConfigurationPlugin.class, this, p);
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object pid = properties.get(Constants.SERVICE_PID);
        Map<String, String> keys = pid instanceof String s ? overlay.get(s) : null;
        if (keys != null) {
            keys.forEach(properties::put);
        }
    }

    /** A new set of keys from the watch: computes the overlay and delivers again what it changes. */
    void snapshot(EtcdSnapshot snapshot) {
        if (closed) {
            return;
        }
        Set<String> problems = new TreeSet<>();
        Map<String, Map<String, String>> next = read(snapshot, problems);
        Set<String> fresh = new TreeSet<>(problems);
        fresh.removeAll(lastProblems);
        if (!fresh.isEmpty()) {
            stats.count(Counter.ETCD_REJECTED);
            fresh.forEach(p -> log.error("rsp.etcd: {} (revision {}); skipped", p, snapshot.revision()));
        }
        lastProblems = problems;
        Map<String, Map<String, String>> before = overlay;
        Set<String> changed = new TreeSet<>();
        for (String pid : union(before.keySet(), next.keySet())) {
            Map<String, String> was = before.getOrDefault(pid, Map.of());
            Map<String, String> now = next.getOrDefault(pid, Map.of());
            if (!was.equals(now)) {
                changed.add(pid);
                for (String key : union(was.keySet(), now.keySet())) {
                    if (!Objects.equals(was.get(key), now.get(key))) {
                        log.info("rsp.etcd: {}{}{}/{} {} (revision {})", settings.prefix(), CONFIG, pid, key,
                                now.containsKey(key) ? "overlays " + pid + " " + key : "removed: " + pid + " " + key
                                        + " comes from etc/ again", snapshot.revision());
                    }
                }
            }
        }
        overlay = next;
        for (String pid : changed) {
            List<String> refused = redelivery.deliverAgain(pid, settings.prefix() + CONFIG + pid + "/",
                    next.getOrDefault(pid, Map.of()));
            if (!refused.isEmpty()) {
                stats.count(Counter.ETCD_REJECTED);
                refused.forEach(p -> log.error("rsp.etcd: {} (revision {}); {} refuses it and keeps its configuration "
                        + "in force", p, snapshot.revision(), pid));
            }
        }
    }

    private Map<String, Map<String, String>> read(EtcdSnapshot snapshot, Set<String> problems) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        SortedMap<String, String> keys = snapshot.under(CONFIG);
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String problem = problem(e.getKey());
            if (problem != null) {
                problems.add(settings.prefix() + CONFIG + e.getKey() + ": " + problem);
                continue;
            }
            int slash = e.getKey().indexOf('/');
            out.computeIfAbsent(e.getKey().substring(0, slash), p -> new TreeMap<>())
                    .put(e.getKey().substring(slash + 1), e.getValue());
        }
        for (String key : snapshot.oversizedUnder(CONFIG)) {
            problems.add(settings.prefix() + CONFIG + key + ": value larger than limits.value.bytes = "
                    + settings.maxValueBytes());
        }
        Map<String, Map<String, String>> frozen = new TreeMap<>();
        out.forEach((pid, m) -> frozen.put(pid, Collections.unmodifiableMap(m)));
        return Collections.unmodifiableMap(frozen);
    }

    /** Why {@code pid/key} cannot be overlaid, or null. */
    static String problem(String pidAndKey) {
        int slash = pidAndKey.indexOf('/');
        if (slash <= 0 || slash == pidAndKey.length() - 1 || pidAndKey.indexOf('/', slash + 1) >= 0) {
            return "expected config/<pid>/<key>";
        }
        String pid = pidAndKey.substring(0, slash);
        String key = pidAndKey.substring(slash + 1);
        if (!pid.startsWith("rsp.")) {
            return "only rsp's own PIDs (rsp.*) can be configured from etcd";
        }
        if (pid.equals(EtcdSettings.PID)) {
            return "rsp.etcd cannot be configured from etcd (it says how to reach etcd): edit etc/rsp.etcd.cfg";
        }
        if (pid.equals("rsp.backends")) {
            return "backends come from " + EtcdBackendSource.BACKENDS + "<name> while rsp.etcd is configured";
        }
        if (Schema.isFrameworkKey(key)) {
            return "'" + key + "' belongs to ConfigAdmin, not to rsp";
        }
        return null;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return new TreeSet<>(u);
    }

    /** The overlay in force, PID to keys. */
    Map<String, Map<String, String>> inForce() {
        return overlay;
    }

    /** Unregisters the plugin and delivers every overlaid configuration again with its file values. */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Unregisters the plugin; with {@code deliverAgain}, every overlaid configuration is delivered again with its file
     * values (not when a successor, already registered, took the overlay over).
     */
    void close(boolean deliverAgain) {
        closed = true;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            registration = null;
        }
        Map<String, Map<String, String>> was = overlay;
        overlay = Map.of();
        if (deliverAgain) {
            List<String> pids = new ArrayList<>(was.keySet());
            pids.forEach(pid -> redelivery.deliverAgain(pid, settings.prefix() + CONFIG + pid + "/", Map.of()));
        }
    }
}
