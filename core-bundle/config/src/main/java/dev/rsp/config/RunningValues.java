package dev.rsp.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The missing-key rule for a running component: a key that was set in the configuration in force and is absent from a
 * new one keeps its running value, with a WARN, instead of silently falling back to its default (a truncated or
 * half-saved file must not, say, reset {@code routing.chain}). The default applies again at the next start. Keys of a
 * {@link Schema#prefix} (backends) are exempt: removing one is how a backend is removed.
 *
 * <p>Not thread-safe: use it from the component's configuration thread, or under its lock.
 */
public final class RunningValues {

    private final Schema schema;
    private Map<String, Object> inForce = Map.of();

    public RunningValues(Schema schema) {
        this.schema = schema;
    }

    /** {@code properties} plus the running value of every key that disappeared from them; one line per such key. */
    public Map<String, Object> carry(Map<String, ?> properties, List<String> warnings) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (properties != null) {
            out.putAll(properties);
        }
        inForce.forEach((key, value) -> {
            if (!out.containsKey(key) && !Schema.isFrameworkKey(key) && !schema.isPrefixed(key)
                    && schema.keyNames().contains(key)) {
                out.put(key, value);
                warnings.add(schema.pid() + ": " + key + " is no longer set; keeping its running value '"
                        + (secret(key) ? "(hidden)" : Schema.show(value)) + "' until rsp restarts (set it to change it)");
            }
        });
        return out;
    }

    /** Keys whose values are never written to the log. */
    static boolean secret(String key) {
        return key.contains("token") || key.contains("password");
    }

    /** Records {@code properties} (as returned by {@link #carry}) as the configuration in force. */
    public void applied(Map<String, ?> properties) {
        inForce = Map.copyOf(new LinkedHashMap<>(properties));
    }
}
