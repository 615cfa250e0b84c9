package dev.rsp.core;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * {@link CoreConfig} values outside of Declarative Services: the defaults, optionally with some properties set
 * (named as in the .cfg file, e.g. {@code timeout.header.ms}). Used for a fallback when the configuration is invalid
 * at start, and by tests.
 */
public final class CoreConfigs {

    public static final CoreConfig DEFAULTS = with(Map.of());

    private CoreConfigs() {
    }

    /** A configuration with {@code properties} set and everything else at its default. */
    public static CoreConfig with(Map<String, ?> properties) {
        return (CoreConfig) Proxy.newProxyInstance(CoreConfig.class.getClassLoader(), new Class<?>[] {CoreConfig.class},
                (proxy, method, args) -> value(method, properties));
    }

    private static Object value(Method m, Map<String, ?> properties) {
        switch (m.getName()) {
            case "annotationType":
                return CoreConfig.class;
            case "toString":
                return "CoreConfig" + properties;
            case "hashCode":
                return properties.hashCode();
            case "equals":
                return false;
            default:
                break;
        }
        Object v = properties.get(m.getName().replace('_', '.'));
        if (v == null) {
            return m.getDefaultValue();
        }
        Class<?> t = m.getReturnType();
        String s = String.valueOf(v);
        if (t == int.class) {
            return Integer.parseInt(s);
        }
        if (t == long.class) {
            return Long.parseLong(s);
        }
        if (t == boolean.class) {
            return Boolean.parseBoolean(s);
        }
        return s;
    }
}
