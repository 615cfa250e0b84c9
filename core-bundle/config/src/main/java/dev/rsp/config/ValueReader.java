package dev.rsp.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the raw values of one PID for a settings parser: a missing value is the default given, a bad one adds one line
 * naming the key, the value and what was expected to the shared {@code errors} (and the default is used, so that every
 * problem is reported in one pass). Passwords given as {@code char[]} read as text.
 */
public final class ValueReader {

    private final Map<String, ?> properties;
    private final List<String> errors;

    /** @param errors where each bad value adds its line; the caller reports them */
    public ValueReader(Map<String, ?> properties, List<String> errors) {
        this.properties = properties;
        this.errors = errors;
    }

    /** The value as given ({@code char[]} as a String); empty when the key is not set. */
    public Optional<Object> raw(String name) {
        Object v = properties.get(name);
        if (v instanceof char[] chars) {
            return Optional.of(new String(chars));
        }
        return Optional.ofNullable(v);
    }

    /** The value as text, stripped; {@code otherwise} when not set. */
    public String string(String name, String otherwise) {
        return raw(name).map(v -> String.valueOf(v).strip()).orElse(otherwise);
    }

    /** A whole number from {@code min} to {@code max} ({@code _} allowed as a separator). */
    public long number(String name, long otherwise, long min, long max) {
        String v = string(name, Long.toString(otherwise)).replace("_", "");
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(name + " = '" + v + "': expected a whole number from " + min + " to " + max);
        return otherwise;
    }

    /** {@code true} or {@code false}, in any case. */
    public boolean bool(String name, boolean otherwise) {
        String v = string(name, Boolean.toString(otherwise));
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        errors.add(name + " = '" + v + "': expected true or false");
        return otherwise;
    }
}
