package dev.rsp.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A configuration checked by a {@link Schema}: the values that passed, converted (durations in milliseconds, sizes in
 * bytes, as {@code Integer} or {@code Long}), and one line per bad value ({@link #errors}) and per unknown key
 * ({@link #warnings}). A configuration with errors must not be applied, not even in part.
 */
public record Reading(String pid, Map<String, Object> values, List<String> errors, List<String> warnings) {

    public Reading {
        values = Map.copyOf(values);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /** The value of {@code key} as read, or {@code otherwise} when the key is absent. */
    public Object get(String key, Object otherwise) {
        return values.getOrDefault(key, otherwise);
    }

    public String text(String key, String otherwise) {
        return String.valueOf(get(key, otherwise));
    }

    /**
     * The values as an instance of a configuration annotation (see {@link Schema#fromAnnotation}): an absent key
     * answers the method's default. Call only on a {@link #valid()} reading.
     */
    public <A extends Annotation> A as(Class<A> type) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> value(type, method));
        return type.cast(proxy);
    }

    private Object value(Class<?> type, Method m) {
        switch (m.getName()) {
            case "annotationType":
                return type;
            case "toString":
                return type.getSimpleName() + values;
            case "hashCode":
                return values.hashCode();
            case "equals":
                return false;
            default:
                break;
        }
        Object v = values.get(m.getName().replace('_', '.'));
        if (v == null) {
            return m.getDefaultValue();
        }
        Class<?> t = m.getReturnType();
        if (t == int.class) {
            return ((Number) v).intValue();
        }
        if (t == long.class) {
            return ((Number) v).longValue();
        }
        if (t == boolean.class) {
            return v;
        }
        if (t == String[].class) {
            return Arrays.stream(String.valueOf(v).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .toArray(String[]::new);
        }
        return String.valueOf(v);
    }
}
