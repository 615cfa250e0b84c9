package dev.rsp.core;

import dev.rsp.config.Reading;
import dev.rsp.core.backend.BackendSink;
import dev.rsp.core.backend.BackendSource;
import dev.rsp.core.backend.BackendsConfig;
import dev.rsp.core.backend.ParsedBackends;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first {@link BackendSource}: {@code rsp.backends} ({@code etc/rsp.backends.cfg}), delivered by ConfigAdmin
 * through {@link BackendsComponent}. Parses and validates each version of the file ({@link BackendsConfig}); an
 * invalid one is logged line by line and not offered, so the previous backends stay. A version that would remove
 * every backend is refused unless it says {@code backends.empty = allow}.
 *
 * <p>Threads: {@link #configured} runs on ConfigAdmin's thread, one call at a time (the caller serializes); it does no
 * I/O and no name resolution.
 */
final class FileBackendSource implements BackendSource {

    private static final Logger log = LoggerFactory.getLogger(FileBackendSource.class);

    private volatile BackendSink sink;
    /** The last set offered; null before the first. */
    private List<Backend> offered;

    @Override
    public String name() {
        return BackendsConfig.PID;
    }

    @Override
    public void open(BackendSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void close() {
        sink = null;
    }

    /** A new version of the file; {@code null} when it was deleted (treated as empty). */
    void configured(Map<String, ?> properties) {
        Reading reading = CorePids.BACKENDS.read(properties);
        reading.warnings().forEach(log::warn);
        Object empty = reading.get(CorePids.BACKENDS_EMPTY, null);
        String emptyProblem = CorePids.backendsEmptyProblem(empty);
        if (emptyProblem != null) {
            log.error("{}; keeping the previous backends", emptyProblem);
            return;
        }
        ParsedBackends parsed = BackendsConfig.parse(properties, 0);
        if (parsed instanceof ParsedBackends.Invalid invalid) {
            invalid.errors().forEach(e -> log.error("rsp.backends: {} (keeping the previous backends)", e));
            return;
        }
        ParsedBackends.Valid valid = (ParsedBackends.Valid) parsed;
        List<Backend> next = valid.backends().all();
        if (next.isEmpty() && offered != null && !offered.isEmpty() && !"allow".equals(String.valueOf(empty).strip())) {
            log.error("rsp.backends: the new configuration has no backend.* entry and would remove all {} backends; "
                    + "refused, keeping the previous backends (a damaged file? to run without backends, set "
                    + "backends.empty = allow)", offered.size());
            return;
        }
        BackendSink to = sink;
        if (to == null) {
            return;
        }
        offered = next;
        to.offer(new SourcedBackends(name(), next, valid.tuning()));
    }
}
