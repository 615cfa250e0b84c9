package dev.rsp.core.backend;

import java.util.Map;

/**
 * What one backend overrides of the core's timeouts and tries, from the options of its {@code rsp.backends} line
 * ({@code ;timeout.connect=2s;timeout.backend=120s;tries=1}). Core-private: strategies do not see it (the SPI
 * {@code Backend} record is unchanged); it travels beside the backend set, by backend name, from the parser through the
 * publisher into the {@link BackendDirectory} of the routing snapshot. 0 in any field: the global value
 * ({@code timeout.connect.ms}, {@code timeout.backend.ms}, {@code backend.tries}). Immutable.
 *
 * @param connectNanos the connect timeout for connects to this backend
 * @param backendNanos how long this backend has for the first byte of its response
 * @param tries        candidates tried for a request routed to this backend first (it and the fallbacks after it)
 */
public record BackendTuning(long connectNanos, long backendNanos, int tries) {

    public static final BackendTuning NONE = new BackendTuning(0, 0, 0);

    public boolean overridesAnything() {
        return !equals(NONE);
    }

    /**
     * The tuning of the backend named {@code name} in {@code byName}: its own, or, for a backend expanded from an SRV
     * name ({@code <configured name>/<port>}), the configured backend's; else NONE.
     */
    static BackendTuning of(Map<String, BackendTuning> byName, String name) {
        if (byName.isEmpty()) {
            return NONE;
        }
        BackendTuning t = byName.get(name);
        if (t == null) {
            int slash = name.indexOf('/');
            t = slash < 0 ? null : byName.get(name.substring(0, slash));
        }
        return t == null ? NONE : t;
    }
}
