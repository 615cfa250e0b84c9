package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backends;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The outcome of {@link BackendsConfig#parse}: either a complete backend set or every error found. */
public sealed interface ParsedBackends permits ParsedBackends.Valid, ParsedBackends.Invalid {

    /**
     * Every entry was valid; {@code backends} may be empty (the proxy then answers 503).
     *
     * @param tuning what backends override of the core's timeouts and tries, by name (only those that do)
     */
    record Valid(Backends backends, Map<String, BackendTuning> tuning) implements ParsedBackends {
        public Valid {
            Objects.requireNonNull(backends, "backends");
            tuning = Map.copyOf(tuning);
        }

        public Valid(Backends backends) {
            this(backends, Map.of());
        }
    }

    /**
     * At least one entry was invalid; nothing from this configuration should be applied.
     *
     * @param errors one line per problem, in key order, each naming the key and its value; never empty
     */
    record Invalid(List<String> errors) implements ParsedBackends {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an Invalid result carries at least one error");
            }
        }
    }
}
