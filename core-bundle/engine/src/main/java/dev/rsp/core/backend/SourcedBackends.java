package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.List;
import java.util.Objects;

/**
 * One complete backend set as a source found it, not yet numbered: the publisher gives it its generation.
 *
 * @param source   the offering source's {@link BackendSource#name()}
 * @param backends every backend of the source, names unique; sorted by name here
 */
public record SourcedBackends(String source, List<Backend> backends) {

    public SourcedBackends {
        Objects.requireNonNull(source, "source");
        backends = new Backends(0, backends).all();
    }
}
