package dev.rsp.core.routing;

import dev.rsp.config.Nearest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The names of the routing chain that no installed strategy serves, and the WARN lines that say so: the first once a
 * name has been missing for the settle time (so that a bundle update, or the start, when strategy bundles start
 * after the core, says nothing), then one every {@link #REPEAT_NANOS} while it stays missing.
 *
 * <p>Not thread-safe: {@link RoutingTable} calls it under its lock. It only builds the lines; the caller logs them.
 */
final class MissingStrategies {

    /** How often a name that stays missing is logged again. */
    static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, Gap> gaps = new LinkedHashMap<>();

    /**
     * Brings the gaps up to date with the chain and the installed names: a chain name that is not installed becomes
     * a gap from {@code now} (one that is {@code removed} now is remembered as gone rather than never there); a gap
     * whose name is installed again, or left the chain, is forgotten.
     */
    void update(List<String> chain, Set<String> installed, String removed, long now) {
        gaps.keySet().removeIf(n -> installed.contains(n) || !chain.contains(n));
        for (String n : chain) {
            if (!installed.contains(n)) {
                gaps.computeIfAbsent(n, k -> new Gap(now, k.equals(removed)));
            }
        }
    }

    /**
     * While rsp starts or stops (strategies come and go with their bundles then), no gap has been missing for any
     * time yet: gaps not reported so far start counting from {@code now}.
     */
    void hold(long now) {
        for (Gap g : gaps.values()) {
            if (g.warnedAt == null) {
                g.since = now;
            }
        }
    }

    /**
     * The lines due at {@code now}: a first report for gaps missing for {@code settleNanos} or longer, and a reminder
     * for gaps last reported {@link #REPEAT_NANOS} ago or longer.
     *
     * @param graceMillis {@code timeout.grace.ms}, named in the lines (how long an unrouted request waits)
     */
    List<String> due(List<String> chain, Set<String> installed, long now, long settleNanos, long graceMillis) {
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<String, Gap>> it = gaps.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Gap> e = it.next();
            String name = e.getKey();
            Gap g = e.getValue();
            if (g.warnedAt == null ? now - g.since < settleNanos : now - g.warnedAt < REPEAT_NANOS) {
                continue;
            }
            String consequence = consequence(name, chain, installed, graceMillis);
            if (g.warnedAt != null) {
                lines.add("routing.chain names '" + name + "', which is still not installed (missing for "
                        + minutes(now - g.since) + "); " + consequence);
            } else if (g.removed) {
                lines.add("routing strategy '" + name + "' of routing.chain " + chain + " is gone (its bundle stopped "
                        + "or was removed); " + consequence);
            } else {
                lines.add("routing.chain names '" + name + "', but no strategy of that name is installed"
                        + hint(name, installed) + "; " + consequence);
            }
            g.warnedAt = now;
        }
        return lines;
    }

    /** Where the missing strategy's requests go now. */
    private static String consequence(String name, List<String> chain, Set<String> installed, long graceMillis) {
        List<String> after = chain.subList(chain.indexOf(name) + 1, chain.size()).stream()
                .filter(installed::contains).toList();
        String waits = "wait timeout.grace.ms (" + graceMillis + " ms) and then get 503";
        if (chain.stream().noneMatch(installed::contains)) {
            return "no strategy of routing.chain is installed: every request will " + waits;
        }
        if (after.isEmpty()) {
            return "the requests it would route fall through to no other strategy: they " + waits;
        }
        return "the requests it would route fall through to " + String.join(", ", after)
                + " (those none of them routes " + waits + ")";
    }

    private static String hint(String name, Set<String> installed) {
        if (installed.isEmpty()) {
            return " (none is installed)";
        }
        String near = Nearest.key(name, installed).filter(k -> Nearest.distance(name, k) <= 2)
                .map(k -> "; did you mean '" + k + "'?").orElse("");
        return " (installed: " + String.join(", ", installed.stream().sorted().toList()) + near + ")";
    }

    private static String minutes(long nanos) {
        long m = TimeUnit.NANOSECONDS.toMinutes(nanos);
        return m < 1 ? TimeUnit.NANOSECONDS.toSeconds(nanos) + " s" : m + " min";
    }

    /** A chain name without a strategy: since when, whether it went away (or was never there), when last reported. */
    private static final class Gap {
        long since;
        final boolean removed;
        Long warnedAt;

        Gap(long since, boolean removed) {
            this.since = since;
            this.removed = removed;
        }
    }
}
