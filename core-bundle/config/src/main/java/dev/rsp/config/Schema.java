package dev.rsp.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The keys one rsp PID knows, each with the form its value must have. {@link #read} checks a configuration before any
 * of it is used: every bad value is one error line (PID, key, value, expected form), every unknown key one warning
 * naming the nearest known key. Keys that ConfigAdmin and FileInstall add themselves ({@code service.pid},
 * {@code felix.fileinstall.filename}, ...) are not the operator's and are skipped.
 *
 * <p>Immutable once built; safe to share between threads.
 */
public final class Schema {

    /** The forms a value can have. Ranges and relations between keys are the owner's to check after {@link #read}. */
    public enum Kind {
        TEXT, LIST, ADDRESS, INTEGER, DURATION, SIZE, BOOLEAN
    }

    /** One known key; {@code intSized} when the value must fit an {@code int}. */
    public record Key(String name, Kind kind, boolean intSized) {
    }

    private final String pid;
    private final Map<String, Key> keys;
    private final List<String> prefixes;

    private Schema(String pid, Map<String, Key> keys, List<String> prefixes) {
        this.pid = pid;
        this.keys = Collections.unmodifiableMap(keys);
        this.prefixes = List.copyOf(prefixes);
    }

    /** A schema without keys. */
    public static Schema of(String pid) {
        return new Schema(pid, new LinkedHashMap<>(), List.of());
    }

    /**
     * The keys of a configuration annotation (a Declarative Services component property type): a method
     * {@code timeout_header_ms} is the key {@code timeout.header.ms}. Kinds follow the return type and the name: a
     * number whose key ends in {@code .ms} is a duration, one ending in {@code .bytes} or {@code .size} a size, a key
     * {@code listen} or ending in {@code .listen} an address.
     */
    public static Schema fromAnnotation(String pid, Class<? extends Annotation> type) {
        Schema s = of(pid);
        Method[] methods = type.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            String name = m.getName().replace('_', '.');
            Class<?> t = m.getReturnType();
            Kind kind;
            if (t == int.class || t == long.class) {
                kind = name.endsWith(".ms") ? Kind.DURATION
                        : name.endsWith(".bytes") || name.endsWith(".size") ? Kind.SIZE : Kind.INTEGER;
            } else if (t == boolean.class) {
                kind = Kind.BOOLEAN;
            } else if (t == String[].class) {
                kind = Kind.LIST;
            } else {
                kind = name.equals("listen") || name.endsWith(".listen") ? Kind.ADDRESS : Kind.TEXT;
            }
            s = s.key(name, kind, t == int.class);
        }
        return s;
    }

    /** This schema plus {@code name}. */
    public Schema key(String name, Kind kind, boolean intSized) {
        Map<String, Key> k = new LinkedHashMap<>(keys);
        k.put(name, new Key(name, kind, intSized));
        return new Schema(pid, k, prefixes);
    }

    /** This schema with {@code names} (already known) read as sizes. */
    public Schema sizes(String... names) {
        Schema s = this;
        for (String n : names) {
            s = s.key(n, Kind.SIZE, keys.get(n).intSized());
        }
        return s;
    }

    /** This schema plus every key starting with {@code prefix} (e.g. {@code backend.}); their values are the owner's to check. */
    public Schema prefix(String prefix) {
        List<String> p = new ArrayList<>(prefixes);
        p.add(prefix);
        return new Schema(pid, new LinkedHashMap<>(keys), p);
    }

    public String pid() {
        return pid;
    }

    public Collection<String> keyNames() {
        return keys.keySet();
    }

    /** Whether {@code key} is one of the open-ended keys of a {@link #prefix}. */
    public boolean isPrefixed(String key) {
        return prefixes.stream().anyMatch(key::startsWith);
    }

    /**
     * Whether ConfigAdmin, FileInstall or Declarative Services put {@code key} there, not the operator: DS merges the
     * component's own properties into what a component receives ({@code osgi.ds.satisfying.condition.target} in
     * DS 1.5, and the {@code property} values of its {@code @Component}, such as {@code rsp.strategy.name}).
     */
    public static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("felix.fileinstall.") || key.startsWith("component.")
                || key.startsWith("osgi.") || key.equals(STRATEGY_NAME) || key.startsWith(":") || key.equals("objectClass");
    }

    /** The service property naming a routing strategy (set by its component, not by the operator). */
    static final String STRATEGY_NAME = "rsp.strategy.name";

    /** Checks {@code properties} (as ConfigAdmin delivers them; null is empty) against the schema. */
    public Reading read(Map<String, ?> properties) {
        Map<String, Object> values = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, ?> props = properties == null ? Map.of() : new TreeMap<>(properties);
        props.forEach((name, raw) -> {
            if (isFrameworkKey(name)) {
                return;
            }
            if (isPrefixed(name)) {
                values.put(name, raw);
                return;
            }
            Key key = keys.get(name);
            if (key == null) {
                warnings.add(pid + ": unknown key '" + name + "'" + Nearest.key(name, keys.keySet())
                        .map(n -> " (did you mean '" + n + "'?)").orElse("") + "; it is ignored");
                return;
            }
            Object value = convert(key, raw);
            if (value instanceof Problem p) {
                errors.add(pid + ": " + name + " = '" + show(raw) + "': " + p.what);
            } else {
                values.put(name, value);
            }
        });
        return new Reading(pid, values, errors, warnings);
    }

    /** Why a value is refused: "expected" and the form, or what an address parser said. */
    private record Problem(String what) {
        static Problem expected(String form) {
            return new Problem("expected " + form);
        }
    }

    private static Object convert(Key key, Object raw) {
        if (raw instanceof Number || raw instanceof Boolean) {
            raw = String.valueOf(raw);
        }
        String text = raw instanceof char[] c ? new String(c)
                : raw instanceof String[] a ? String.join(",", a) : show(raw).strip();
        switch (key.kind) {
            case TEXT:
            case LIST:
                return text;
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                return Problem.expected("true or false");
            case ADDRESS:
                return Addresses.parse(text, Addresses.Ports.LISTEN) instanceof Addresses.Refused r ? new Problem(r.reason()) : text;
            default:
                break;
        }
        OptionalLong n = switch (key.kind) {
            case DURATION -> Units.millis(text);
            case SIZE -> Units.bytes(text);
            default -> Units.whole(text);
        };
        String form = switch (key.kind) {
            case DURATION -> Units.DURATION_FORM;
            case SIZE -> Units.SIZE_FORM;
            default -> "a whole number";
        };
        if (n.isEmpty()) {
            return Problem.expected(form);
        }
        if (key.intSized && n.getAsLong() > Integer.MAX_VALUE) {
            return Problem.expected(form + " up to " + Integer.MAX_VALUE);
        }
        return key.intSized ? (Object) (int) n.getAsLong() : (Object) n.getAsLong();
    }

    static String show(Object raw) {
        if (raw instanceof char[] c) {
            return "(hidden)";
        }
        return raw instanceof Object[] a ? String.join(",", Arrays.stream(a).map(String::valueOf).toList()) : String.valueOf(raw);
    }

    /** The kinds of keys, by name, for documentation and tests. */
    public Map<String, Kind> kinds() {
        Map<String, Kind> m = new LinkedHashMap<>();
        keys.forEach((n, k) -> m.put(n, k.kind));
        return m;
    }
}
