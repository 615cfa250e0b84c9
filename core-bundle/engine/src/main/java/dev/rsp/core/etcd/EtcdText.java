package dev.rsp.core.etcd;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reading the members of etcd's JSON answers: objects, lists, int64 as decimal strings, base64 bytes. */
final class EtcdText {

    private EtcdText() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> member(Map<String, Object> o, String name) throws EtcdClient.Refused {
        Object v = o.get(name);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new EtcdClient.Refused("no object \"" + name + "\" in " + cut(String.valueOf(o)));
    }

    /** A list member; an absent one is empty (the gateway leaves out empty lists). */
    static List<?> list(Map<String, Object> o, String name) throws EtcdClient.Refused {
        Object v = o.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return l;
        }
        throw new EtcdClient.Refused("\"" + name + "\" is not a list");
    }

    /** An int64, written by the gateway as a decimal string (a number is taken too); absent is 0. */
    static long int64(Map<String, Object> o, String name) throws EtcdClient.Refused {
        Object v = o.get(name);
        if (v == null) {
            return 0;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw new EtcdClient.Refused("\"" + name + "\" is not an int64: " + cut(String.valueOf(v)));
    }

    static byte[] bytes(Map<String, Object> o, String name) throws EtcdClient.Refused {
        Object v = o.get(name);
        if (v instanceof String s) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                // refused below
            }
        }
        throw new EtcdClient.Refused("\"" + name + "\" is not base64");
    }

    static boolean flag(Map<String, Object> o, String name) {
        return Boolean.TRUE.equals(o.get(name));
    }

    /** At most 200 characters of {@code s}, for a log line. */
    static String cut(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
