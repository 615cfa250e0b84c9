package dev.rsp.core.proxy;

import dev.rsp.core.edge.HostPatterns;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HTTP Strict Transport Security for responses rsp sends over TLS it terminated ({@code hsts}, {@code hsts.hosts}):
 * the field is added unless the backend sent its own, for every host or for the listed ones ({@code example.com},
 * {@code *.example.com} for its subdomains, {@code *}; see {@link HostPatterns}). Never on plain HTTP, where browsers
 * ignore it (RFC 6797 8.1): {@code redirect.https} sends them to HTTPS first. Off by default, as in HAProxy and
 * nginx: a wrong max-age locks browsers out of plain HTTP for that long. Immutable.
 */
record Hsts(String value, HostPatterns hosts) {

    static final Hsts OFF = new Hsts("", HostPatterns.NONE);

    static final String NAME = "Strict-Transport-Security";

    private static final Pattern VALUE = Pattern.compile(
            "max-age=\\d{1,10}(\\s*;\\s*(includeSubDomains|preload))*", Pattern.CASE_INSENSITIVE);

    /** Reads the two keys; a value that is not {@code max-age=N[; includeSubDomains][; preload]} is an error. */
    static Hsts parse(String value, String hostList, List<String> errors) {
        String v = value.trim();
        HostPatterns hosts = HostPatterns.parse("hsts.hosts", hostList, errors);
        if (v.isEmpty()) {
            return OFF;
        }
        if (!VALUE.matcher(v).matches()) {
            errors.add("hsts = '" + value + "': expected max-age=<seconds>, optionally ; includeSubDomains ; preload");
            return OFF;
        }
        return new Hsts(v, hosts);
    }

    /** The field value to add for a response to {@code host} (canonical), or null when none applies. Allocates nothing. */
    String valueFor(String host) {
        if (value.isEmpty() || !(hosts.isEmpty() || hosts.matches(host))) {
            return null;
        }
        return value;
    }
}
