package dev.rsp.core.ratelimit;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads one {@code rule.<name>} entry of {@code rsp.ratelimit}:
 * {@code hosts=<pattern>[,<pattern>...]; requests=N/s; burst=B; client.requests=N/s; client.burst=B; client.concurrent=C}.
 * A pattern is a host name ({@code api.example.com}), {@code *.example.com} (every name below it, not the apex) or
 * {@code *} (every host); it is matched against the canonical host (lower case, no port, no trailing dot). A rate is
 * {@code N/s}, {@code N/m}, {@code N/h} or a plain {@code N} (per second); 0 is no limit, which exempts the matching
 * hosts from the top-level one. Fields left out take the top-level value; a rule with any {@code client.} field
 * counts its clients' requests apart from their other requests. Each problem adds one line to {@code errors}.
 * Stateless.
 */
final class RuleParser {

    static final String PREFIX = "rule.";
    private static final List<String> FIELDS = List.of("hosts", "requests", "burst", "client.requests", "client.burst",
            "client.concurrent");

    /** A rule as written, before the top-level values are filled in; a negative number is "not given". */
    record Written(String name, List<String> hosts, long count, TimeUnit unit, long burst, long clientCount,
            TimeUnit clientUnit, long clientBurst, long clientConcurrent) {

        boolean hasClientFields() {
            return clientCount >= 0 || clientBurst >= 0 || clientConcurrent >= 0;
        }
    }

    private RuleParser() {
    }

    /** Parses {@code rule.<name> = value}; null when it has a problem (then each is in {@code errors}). */
    static Written parse(String key, Object value, List<String> errors) {
        String name = key.substring(PREFIX.length());
        String prefix = "rsp.ratelimit: " + key + " = '" + value + "': ";
        int before = errors.size();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            errors.add(prefix + "a rule name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!(value instanceof String text)) {
            errors.add(prefix + "expected one text value hosts=...; requests=N/s; ...");
            return null;
        }
        List<String> hosts = List.of();
        long[] rate = {-1, -1};
        long[] clientRate = {-1, -1};
        long burst = -1;
        long clientBurst = -1;
        long concurrent = -1;
        List<String> seen = new ArrayList<>();
        for (String part : text.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String field = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String v = eq < 0 ? "" : p.substring(eq + 1).strip();
            if (!FIELDS.contains(field)) {
                errors.add(prefix + "unknown field '" + field + "'; fields are " + String.join(", ", FIELDS));
                continue;
            }
            if (seen.contains(field)) {
                errors.add(prefix + "field '" + field + "' given twice");
                continue;
            }
            seen.add(field);
            switch (field) {
                case "hosts" -> hosts = patterns(v, prefix, errors);
                case "requests" -> rate = rate(v, prefix + "requests: ", errors);
                case "client.requests" -> clientRate = rate(v, prefix + "client.requests: ", errors);
                case "burst" -> burst = whole(v, Rate.MAX_BURST, prefix + "burst: ", errors);
                case "client.burst" -> clientBurst = whole(v, Rate.MAX_BURST, prefix + "client.burst: ", errors);
                default -> concurrent = whole(v, Integer.MAX_VALUE, prefix + "client.concurrent: ", errors);
            }
        }
        if (!seen.contains("hosts")) {
            errors.add(prefix + "no hosts=<pattern>: say which hosts the rule is for (e.g. hosts=*.example.com)");
        }
        if (errors.size() > before) {
            return null;
        }
        return new Written(name, hosts, rate[0], unit(rate[1]), burst, clientRate[0], unit(clientRate[1]), clientBurst,
                concurrent);
    }

    private static TimeUnit unit(long code) {
        return code == 60 ? TimeUnit.MINUTES : code == 3600 ? TimeUnit.HOURS : TimeUnit.SECONDS;
    }

    /** {@code N/s}, {@code N/m}, {@code N/h} or {@code N}: {count, seconds per unit}. */
    static long[] rate(String v, String prefix, List<String> errors) {
        String t = v.replace(" ", "").toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        String unit = slash < 0 ? "s" : t.substring(slash + 1);
        long seconds = switch (unit) {
            case "s", "sec", "second" -> 1;
            case "m", "min", "minute" -> 60;
            case "h", "hour" -> 3600;
            default -> -1;
        };
        long count = whole(slash < 0 ? t : t.substring(0, slash), Long.MAX_VALUE, null, null);
        if (seconds < 0 || count < 0 || count > Rate.MAX_PER_SECOND * seconds) {
            errors.add(prefix + "expected a rate N/s, N/m or N/h (up to " + Rate.MAX_PER_SECOND + "/s), not '" + v + "'");
            return new long[] {-1, -1};
        }
        return new long[] {count, seconds};
    }

    /** A whole number from 0 to {@code max}, or -1 (with a line in {@code errors} when given). */
    static long whole(String v, long max, String prefix, List<String> errors) {
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (errors != null) {
            errors.add(prefix + "expected a whole number from 0 to " + max + ", not '" + v + "'");
        }
        return -1;
    }

    /** The host patterns of {@code hosts=}, each in canonical form. */
    private static List<String> patterns(String v, String prefix, List<String> errors) {
        List<String> out = new ArrayList<>();
        for (String raw : v.split(",")) {
            String p = raw.strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                out.add(p);
                continue;
            }
            String name = p.startsWith("*.") ? p.substring(2) : p;
            CanonicalHost c = HostNames.canonical(name);
            if (name.contains("*") || name.contains(":") && !name.startsWith("[") || name.contains("/")
                    || !(c instanceof CanonicalHost.Valid valid)) {
                errors.add(prefix + "host pattern '" + raw.strip() + "' is not a host name, *.<host name> or *");
                continue;
            }
            out.add(p.startsWith("*.") ? "*." + valid.host() : valid.host());
        }
        if (out.isEmpty() && errors.stream().noneMatch(e -> e.startsWith(prefix + "host pattern"))) {
            errors.add(prefix + "hosts= names no host pattern");
        }
        return out;
    }
}
