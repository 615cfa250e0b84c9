package dev.rsp.core.etcd;

import dev.rsp.core.backend.BackendSink;
import dev.rsp.core.backend.BackendSource;
import dev.rsp.core.backend.BackendsConfig;
import dev.rsp.core.backend.ParsedBackends;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.proxy.Counter;
import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backends from etcd: each key {@code <prefix>backends/<name>} is one backend, its value in the syntax of
 * {@code rsp.backends} ({@code host:port[;weight=N]...}), checked by the same parser ({@link BackendsConfig}).
 *
 * <p>All or nothing, as the file is: when any key holds an invalid value (or one over {@code limits.value.bytes}),
 * the set is refused, every problem is logged once (one ERROR line per problem, naming the etcd key; the same
 * problems are not logged again at the next change) and the backends in force stay. A set with no backend while rsp
 * has backends is refused unless {@code backends.empty = allow} in {@code rsp.etcd}. Keys under the prefix outside
 * {@code backends/} are not this source's.
 *
 * <p>Threads: {@link #snapshot} runs on the etcd watch's timer thread, one call at a time.
 */
public final class EtcdBackendSource implements BackendSource {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.etcd");
    static final String BACKENDS = "backends/";

    private final EtcdSettings settings;
    private final EtcdStats stats;
    private volatile BackendSink sink;
    private List<String> lastProblems = List.of();

    public EtcdBackendSource(EtcdSettings settings, EtcdStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    public String name() {
        return EtcdSettings.PID;
    }

    @Override
    public void open(BackendSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void close() {
        sink = null;
    }

    /** A new set of keys from the watch. */
    public void snapshot(EtcdSnapshot snapshot) {
        Map<String, Object> properties = new TreeMap<>();
        snapshot.under(BACKENDS).forEach((name, value) -> properties.put(BackendsConfig.KEY_PREFIX + name, value));
        List<String> problems = new ArrayList<>();
        for (String name : snapshot.oversizedUnder(BACKENDS)) {
            problems.add(settings.backendsPrefix() + name + ": value larger than limits.value.bytes = "
                    + settings.maxValueBytes());
        }
        ParsedBackends parsed = BackendsConfig.parse(properties, 0);
        if (parsed instanceof ParsedBackends.Invalid invalid) {
            invalid.errors().forEach(e -> problems.add(etcdKey(e)));
        }
        List<Backend> next = parsed instanceof ParsedBackends.Valid valid ? valid.backends().all() : List.of();
        BackendSink to = sink;
        int inForce = to == null ? 0 : to.inForce();
        if (problems.isEmpty() && next.isEmpty() && inForce > 0 && !settings.allowEmpty()) {
            problems.add(settings.backendsPrefix() + ": no backend at revision " + snapshot.revision()
                    + "; would remove all " + inForce + " backends in force (to allow that, set backends.empty = allow "
                    + "in etc/rsp.etcd.cfg)");
        }
        if (!problems.isEmpty()) {
            if (!problems.equals(lastProblems)) {
                stats.count(Counter.ETCD_REJECTED);
                problems.forEach(p -> log.error("rsp.etcd: {} (revision {}); keeping the backends in force", p,
                        snapshot.revision()));
                lastProblems = problems;
            }
            return;
        }
        if (!lastProblems.isEmpty()) {
            log.info("rsp.etcd: the backends under {} are valid again (revision {})", settings.backendsPrefix(),
                    snapshot.revision());
            lastProblems = List.of();
        }
        if (to != null) {
            to.offer(new SourcedBackends(name(), next));
        }
    }

    /** {@code backend.web-1 = '...': ...} as {@code /rsp/default/backends/web-1 = '...': ...}. */
    private String etcdKey(String problem) {
        return problem.startsWith(BackendsConfig.KEY_PREFIX)
                ? settings.backendsPrefix() + problem.substring(BackendsConfig.KEY_PREFIX.length())
                : problem;
    }
}
