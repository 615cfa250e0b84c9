package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One complete backend set as a source found it, not yet numbered: the publisher gives it its generation.
 *
 * @param source   the offering source's {@link BackendSource#name()}
 * @param backends every backend of the source, names unique; sorted by name here
 * @param tuning   what backends of the set override of the core's timeouts and tries, by name
 */
public record SourcedBackends(String source, List<Backend> backends, Map<String, BackendTuning> tuning) {

    public SourcedBackends {
        Objects.requireNonNull(source, "source");
        backends = new Backends(0, backends).all();
        tuning = Map.copyOf(tuning);
    }

    /** A set without overrides (every backend on the core's timeouts and tries). */
    public SourcedBackends(String source, List<Backend> backends) {
        this(source, backends, Map.of());
    }
}
