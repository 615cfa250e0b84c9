package dev.rsp.core.metatype;

import java.util.List;

/**
 * One key of a PID as its metatype describes it (an {@code AD} element).
 *
 * @param id           the key, as written in {@code etc/<pid>.cfg}
 * @param type         the metatype type name: String, Integer, Long, Boolean, Password, ...
 * @param multiple     whether the key takes several values (cardinality other than 0)
 * @param defaults     the default values, unescaped; empty when there is none
 * @param min          the smallest value accepted, or empty
 * @param max          the largest value accepted, or empty
 * @param options      the values accepted, when the value is one of a set; else empty
 * @param description  what the key does
 */
public record ConfigKey(String id, String type, boolean multiple, List<String> defaults, String min, String max,
                        List<String> options, String description) {

    public ConfigKey {
        defaults = List.copyOf(defaults);
        options = List.copyOf(options);
    }

    /** The default as written in a .cfg file: several values comma-separated. */
    public String defaultText() {
        return String.join(", ", defaults);
    }

    /** The accepted values in one short form: {@code 1..8}, {@code >= 1}, {@code <= 9}, {@code a|b}, or empty. */
    public String rangeText() {
        if (!options.isEmpty()) {
            return String.join("|", options);
        }
        if (!min.isEmpty() && !max.isEmpty()) {
            return min + ".." + max;
        }
        return !min.isEmpty() ? ">= " + min : !max.isEmpty() ? "<= " + max : "";
    }

    /** This key with {@code min} and {@code max} taken from {@code other} where this one has none. */
    ConfigKey withRange(ConfigKey other) {
        return new ConfigKey(id, type, multiple, defaults, min.isEmpty() ? other.min : min, max.isEmpty() ? other.max : max,
                options, description);
    }
}
