package dev.rsp.core.proxy;

import dev.rsp.config.Units;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The request body limits ({@code limits.body.bytes}, {@code limits.body.hosts}): the largest body a request may
 * carry, for every host or per host pattern. A pattern is a host name ({@code upload.example.com}),
 * {@code *.example.com} (every name below it, not the apex) or {@code *}, matched against the canonical host as the
 * rate limits' {@code hosts=} are; the most specific wins (the name itself, then the longest {@code *.} suffix, then
 * {@code *}), and a host no pattern matches gets {@code limits.body.bytes}. 0 is no limit. Immutable.
 *
 * @param global  the limit of hosts no pattern names; 0: none
 * @param entries the patterns in the order written, each canonical
 */
record BodyLimits(long global, List<Entry> entries) {

    record Entry(String pattern, long bytes) {
    }

    static final BodyLimits NONE = new BodyLimits(0, List.of());

    BodyLimits {
        entries = List.copyOf(entries);
    }

    /** Reads the two keys; each problem adds one line naming its key to {@code errors}. */
    static BodyLimits parse(long global, String hosts, List<String> errors) {
        if (global < 0) {
            errors.add("limits.body.bytes must be 0 (no limit) or more, not " + global);
        }
        List<Entry> entries = new ArrayList<>();
        for (String part : hosts.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String shown = "limits.body.hosts: '" + part.strip() + "': ";
            if (eq < 0) {
                errors.add(shown + "expected pattern=size (upload.example.com=1g, *.example.com=10m, *=1m)");
                continue;
            }
            String pattern = pattern(part.substring(0, eq));
            OptionalLong bytes = Units.bytes(part.substring(eq + 1).strip());
            if (pattern == null) {
                errors.add(shown + "the pattern is not a host name, *.<host name> or *");
            } else if (bytes.isEmpty()) {
                errors.add(shown + "the limit is not " + Units.SIZE_FORM);
            } else if (entries.stream().anyMatch(e -> e.pattern().equals(pattern))) {
                errors.add(shown + "the pattern " + pattern + " is given twice");
            } else {
                entries.add(new Entry(pattern, bytes.getAsLong()));
            }
        }
        return new BodyLimits(Math.max(0, global), entries);
    }

    /** The canonical form of a pattern, or null when it is none. */
    private static String pattern(String raw) {
        String p = raw.strip().toLowerCase(Locale.ROOT);
        if (p.equals("*")) {
            return p;
        }
        String name = p.startsWith("*.") ? p.substring(2) : p;
        if (name.isEmpty() || name.contains("*") || name.contains("/")) {
            return null;
        }
        return HostNames.canonical(name) instanceof CanonicalHost.Valid v ? (p.startsWith("*.") ? "*." + v.host() : v.host())
                : null;
    }

    /** The limit of requests for {@code host} (canonical); 0: none. Allocates nothing. */
    long limitFor(String host) {
        long best = -1;
        int bestRank = -1;
        for (Entry e : entries) {
            String p = e.pattern;
            int rank;
            if (p.equals(host)) {
                rank = Integer.MAX_VALUE;
            } else if (p.equals("*")) {
                rank = 0;
            } else if (p.startsWith("*.") && host.length() >= p.length()
                    && host.regionMatches(host.length() - p.length() + 1, p, 1, p.length() - 1)) {
                rank = p.length();
            } else {
                continue;
            }
            if (rank > bestRank) {
                bestRank = rank;
                best = e.bytes;
            }
        }
        return bestRank < 0 ? global : best;
    }

    boolean any() {
        return global > 0 || !entries.isEmpty();
    }
}
