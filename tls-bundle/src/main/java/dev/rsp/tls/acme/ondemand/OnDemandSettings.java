package dev.rsp.tls.acme.ondemand;

import dev.rsp.config.Nearest;
import dev.rsp.config.Schema;
import dev.rsp.config.Units;
import dev.rsp.tls.front.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The on-demand keys of PID {@code rsp.acme} (etc/rsp.acme.cfg), validated. {@link #parse} checks every key and
 * reports each bad one by name; it touches neither the network nor the file system (a missing allow file is the
 * {@link AllowListFile}'s to report). {@code ondemand = true} needs {@code ondemand.allow.file} or
 * {@code ondemand.ask.url}: without either every name a client sends would be ordered (Caddy refuses to start so too,
 * since 2.7.3).
 */
public record OnDemandSettings(boolean enabled, Optional<Path> allowFile, Duration allowPoll, Optional<URI> askUrl,
        Duration askTimeout, Duration askCacheAllowed, Duration askCacheRefused, int askCacheSize, int askMaxInFlight,
        int maxInFlight, int ordersPerHour, Duration backoffInitial, Duration backoffMax, Duration handshakeWait) {

    public static final long DEFAULT_ALLOW_POLL_MS = 5_000;
    /** Caddy waits up to 10 s for its ask endpoint; an endpoint is a local lookup, 5 s is ample and keeps handshakes short. */
    public static final long DEFAULT_ASK_TIMEOUT_MS = 5_000;
    public static final long DEFAULT_ASK_CACHE_ALLOWED_MS = 3_600_000;
    public static final long DEFAULT_ASK_CACHE_REFUSED_MS = 300_000;
    public static final int DEFAULT_ASK_CACHE_SIZE = 10_000;
    public static final int DEFAULT_ASK_MAX_IN_FLIGHT = 16;
    public static final int DEFAULT_MAX_IN_FLIGHT = 10;
    /** A fifth of Let's Encrypt's 300 new orders per 3 hours, leaving room for renewals and other instances. */
    public static final int DEFAULT_ORDERS_PER_HOUR = 60;
    public static final long DEFAULT_BACKOFF_INITIAL_MS = 60_000;
    public static final long DEFAULT_BACKOFF_MAX_MS = 86_400_000;
    /** A handshake parked for issuance: a pebble order takes about 5 s, Let's Encrypt's a few seconds more. */
    public static final long DEFAULT_WAIT_MS = 10_000;
    /** Let's Encrypt's 300 new orders per 3 hours, per hour. */
    static final int LETS_ENCRYPT_ORDERS_PER_HOUR = 100;

    /** The keys, with the kind of value each takes (durations accept units: 5s, 1m, 1h). */
    public static final Map<String, Schema.Kind> KEYS = keys();

    private static Map<String, Schema.Kind> keys() {
        Map<String, Schema.Kind> k = new LinkedHashMap<>();
        k.put("ondemand", Schema.Kind.BOOLEAN);
        k.put("ondemand.allow.file", Schema.Kind.TEXT);
        k.put("ondemand.allow.poll.ms", Schema.Kind.DURATION);
        k.put("ondemand.ask.url", Schema.Kind.TEXT);
        k.put("ondemand.ask.timeout.ms", Schema.Kind.DURATION);
        k.put("ondemand.ask.cache.allowed.ms", Schema.Kind.DURATION);
        k.put("ondemand.ask.cache.refused.ms", Schema.Kind.DURATION);
        k.put("ondemand.ask.cache.size", Schema.Kind.INTEGER);
        k.put("ondemand.ask.max.in.flight", Schema.Kind.INTEGER);
        k.put("ondemand.max.in.flight", Schema.Kind.INTEGER);
        k.put("ondemand.orders.per.hour", Schema.Kind.INTEGER);
        k.put("ondemand.backoff.initial.ms", Schema.Kind.DURATION);
        k.put("ondemand.backoff.max.ms", Schema.Kind.DURATION);
        k.put("ondemand.wait.ms", Schema.Kind.DURATION);
        return java.util.Collections.unmodifiableMap(k);
    }

    /** {@code schema} plus these keys (for the owner's {@code rsp.acme} schema and {@code bin/rsp check}). */
    public static Schema withKeys(Schema schema) {
        Schema s = schema;
        for (Map.Entry<String, Schema.Kind> e : KEYS.entrySet()) {
            s = s.key(e.getKey(), e.getValue(), e.getValue() == Schema.Kind.INTEGER);
        }
        return s;
    }

    /** Everything off: what {@code rsp.acme} without any {@code ondemand} key means. */
    public static OnDemandSettings disabled() {
        return ((Valid) parse(Map.of())).settings();
    }

    /** The outcome of {@link #parse}. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    /** Usable; {@code warnings} are worth a WARN line each. */
    public record Valid(OnDemandSettings settings, List<String> warnings) implements Parsed {
    }

    /** Not usable: one line per bad key, naming it; the first is the one to show when only one fits. */
    public record Invalid(List<String> errors) implements Parsed {
        public String first() {
            return errors.get(0);
        }
    }

    /**
     * Validates the {@code ondemand*} keys of {@code properties} (strings as FileInstall gives them, or typed values as a
     * {@link Schema} reading gives them); a missing key takes its default; other keys are ignored, except unknown ones
     * starting with {@code ondemand}, which get a warning naming the nearest known key.
     */
    public static Parsed parse(Map<String, ?> properties) {
        Reader r = new Reader(properties);
        boolean enabled = r.bool("ondemand", false);
        String file = r.text("ondemand.allow.file");
        long poll = r.millis("ondemand.allow.poll.ms", DEFAULT_ALLOW_POLL_MS, 100, 86_400_000L);
        Optional<URI> ask = askUrl(r.text("ondemand.ask.url"), r.errors);
        long timeout = r.millis("ondemand.ask.timeout.ms", DEFAULT_ASK_TIMEOUT_MS, 100, 60_000);
        long cacheAllowed = r.millis("ondemand.ask.cache.allowed.ms", DEFAULT_ASK_CACHE_ALLOWED_MS, 0, 7 * 86_400_000L);
        long cacheRefused = r.millis("ondemand.ask.cache.refused.ms", DEFAULT_ASK_CACHE_REFUSED_MS, 0, 86_400_000L);
        long cacheSize = r.whole("ondemand.ask.cache.size", DEFAULT_ASK_CACHE_SIZE, 0, 10_000_000);
        long askInFlight = r.whole("ondemand.ask.max.in.flight", DEFAULT_ASK_MAX_IN_FLIGHT, 1, 1_000);
        long inFlight = r.whole("ondemand.max.in.flight", DEFAULT_MAX_IN_FLIGHT, 1, 1_000);
        long perHour = r.whole("ondemand.orders.per.hour", DEFAULT_ORDERS_PER_HOUR, 1, 100_000);
        long backoffInitial = r.millis("ondemand.backoff.initial.ms", DEFAULT_BACKOFF_INITIAL_MS, 1_000, 86_400_000L);
        long backoffMax = r.millis("ondemand.backoff.max.ms", DEFAULT_BACKOFF_MAX_MS, 1_000, 30 * 86_400_000L);
        long wait = r.millis("ondemand.wait.ms", DEFAULT_WAIT_MS, 0, 120_000);
        if (backoffMax < backoffInitial) {
            r.errors.add("ondemand.backoff.max.ms = " + backoffMax + ": less than ondemand.backoff.initial.ms ("
                    + backoffInitial + ")");
        }
        if (enabled && file.isEmpty() && r.text("ondemand.ask.url").isEmpty()) {
            r.errors.add("ondemand = true: set ondemand.allow.file or ondemand.ask.url (or both); without either, "
                    + "every name a client sends would be ordered");
        }
        if (perHour > LETS_ENCRYPT_ORDERS_PER_HOUR) {
            r.warnings.add("ondemand.orders.per.hour = " + perHour + ": more than Let's Encrypt allows on average (300 "
                    + "new orders per 3 hours per account)");
        }
        if (!enabled && !r.has("ondemand") && KEYS.keySet().stream().anyMatch(r::has)) {
            r.warnings.add("ondemand.* keys are set but ondemand is not: on-demand issuance stays off until "
                    + "ondemand = true");
        }
        if (!r.errors.isEmpty()) {
            return new Invalid(List.copyOf(r.errors));
        }
        return new Valid(new OnDemandSettings(enabled,
                file.isEmpty() ? Optional.empty() : Optional.of(TlsSettings.resolveHome(file)), Duration.ofMillis(poll),
                ask, Duration.ofMillis(timeout), Duration.ofMillis(cacheAllowed), Duration.ofMillis(cacheRefused),
                (int) cacheSize, (int) askInFlight, (int) inFlight, (int) perHour, Duration.ofMillis(backoffInitial),
                Duration.ofMillis(backoffMax), Duration.ofMillis(wait)), List.copyOf(r.warnings));
    }

    /** Without the ask URL's query, which may hold a token. */
    @Override
    public String toString() {
        return "OnDemandSettings[ondemand=" + enabled + ", allow.file=" + allowFile.map(Path::toString).orElse("")
                + ", allow.poll=" + allowPoll + ", ask.url=" + askUrl.map(u -> u.getScheme() + "://"
                + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?(query hidden)")).orElse("") + ", ask.timeout=" + askTimeout
                + ", ask.cache.allowed=" + askCacheAllowed + ", ask.cache.refused=" + askCacheRefused
                + ", ask.cache.size=" + askCacheSize + ", ask.max.in.flight=" + askMaxInFlight + ", max.in.flight="
                + maxInFlight + ", orders.per.hour=" + ordersPerHour + ", backoff=" + backoffInitial + ".."
                + backoffMax + ", wait=" + handshakeWait + "]";
    }

    /**
     * An http or https URL with a host and without user info or fragment; empty when not set. The endpoint may be
     * anywhere: Caddy does not restrict it either; it usually is a loopback or private address, and an https one
     * protects the answers from being forged on the way.
     */
    static Optional<URI> askUrl(String value, List<String> errors) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String problem;
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problem = "expected an http or https URL, e.g. http://127.0.0.1:9200/ask";
            } else if (u.getHost() == null) {
                problem = "no host";
            } else if (u.getRawUserInfo() != null) {
                problem = "user info (user:password@) is not sent; put a token in the query instead";
            } else if (u.getRawFragment() != null) {
                problem = "a fragment (#...) is not sent";
            } else {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            problem = "not a URL (" + e.getReason() + ")";
        }
        errors.add("ondemand.ask.url = '" + value + "': " + problem);
        return Optional.empty();
    }

    /** Reads raw values; each bad one adds a line to {@link #errors}. */
    private static final class Reader {
        final Map<String, ?> properties;
        final List<String> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Reader(Map<String, ?> properties) {
            this.properties = properties;
            properties.keySet().stream().filter(k -> k.startsWith("ondemand") && !KEYS.containsKey(k)).sorted()
                    .forEach(k -> warnings.add("unknown key '" + k + "'" + Nearest.key(k, KEYS.keySet())
                            .map(n -> " (did you mean '" + n + "'?)").orElse("") + "; it is ignored"));
        }

        boolean has(String name) {
            return properties.get(name) != null;
        }

        String text(String name) {
            Object v = properties.get(name);
            return v == null ? "" : String.valueOf(v).strip();
        }

        boolean bool(String name, boolean otherwise) {
            if (!has(name)) {
                return otherwise;
            }
            String v = text(name);
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            errors.add(name + " = '" + v + "': expected true or false");
            return otherwise;
        }

        long millis(String name, long otherwise, long min, long max) {
            return number(name, otherwise, min, max, Units.millis(text(name)), Units.DURATION_FORM);
        }

        long whole(String name, long otherwise, long min, long max) {
            return number(name, otherwise, min, max, Units.whole(text(name)), "a whole number");
        }

        private long number(String name, long otherwise, long min, long max, OptionalLong n, String form) {
            if (!has(name)) {
                return otherwise;
            }
            String v = text(name);
            if (n.isPresent() && n.getAsLong() >= min && n.getAsLong() <= max) {
                return n.getAsLong();
            }
            errors.add(name + " = '" + v + "': expected " + form + ", from " + min + " to " + max
                    + (form.equals(Units.DURATION_FORM) ? " ms" : ""));
            return otherwise;
        }
    }
}
