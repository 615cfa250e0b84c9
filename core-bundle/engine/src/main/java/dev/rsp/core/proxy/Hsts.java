package dev.rsp.core.proxy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * HTTP Strict Transport Security for responses rsp sends over TLS it terminated ({@code hsts}, {@code hsts.hosts}):
 * the field is added unless the backend sent its own, for every host or for the listed ones ({@code example.com},
 * or {@code *.example.com} for its subdomains). Off by default, as in HAProxy and nginx: a wrong max-age locks
 * browsers out of plain HTTP for that long. Immutable.
 */
record Hsts(String value, List<String> hosts) {

    static final Hsts OFF = new Hsts("", List.of());

    private static final Pattern VALUE = Pattern.compile(
            "max-age=\\d{1,10}(\\s*;\\s*(includeSubDomains|preload))*", Pattern.CASE_INSENSITIVE);

    /** Reads the two keys; a value that is not {@code max-age=N[; includeSubDomains][; preload]} is an error. */
    static Hsts parse(String value, String hostList, List<String> errors) {
        String v = value.trim();
        if (v.isEmpty()) {
            return OFF;
        }
        if (!VALUE.matcher(v).matches()) {
            errors.add("hsts = '" + value + "': expected max-age=<seconds>, optionally ; includeSubDomains ; preload");
            return OFF;
        }
        List<String> hosts = Arrays.stream(hostList.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).toList();
        return new Hsts(v, hosts);
    }

    /** The field line to add for a response to {@code host} (canonical), or null when none applies. */
    String fieldFor(String host) {
        if (value.isEmpty() || !covers(host)) {
            return null;
        }
        return "Strict-Transport-Security: " + value;
    }

    private boolean covers(String host) {
        if (hosts.isEmpty()) {
            return true;
        }
        for (String h : hosts) {
            if (h.startsWith("*.") ? host.endsWith(h.substring(1)) : host.equals(h)) {
                return true;
            }
        }
        return false;
    }
}
