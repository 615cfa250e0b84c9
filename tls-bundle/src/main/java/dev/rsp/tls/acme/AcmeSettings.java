package dev.rsp.tls.acme;

import dev.rsp.config.ValueReader;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration of {@code rsp.acme} ({@link AcmeConfig} describes the properties). {@link #parse} checks
 * every property and reports each bad one by name; nothing here touches the network or the file system.
 */
public record AcmeSettings(URI directoryUrl, Optional<String> email, Optional<Path> truststore, List<String> names,
        Path storage, KeyType keyType, double renewFraction, List<ChallengeType> challenges, boolean onDemand,
        int ordersParallel, Duration orderTimeout, Duration networkTimeout, Duration checkInterval, Duration lockStale,
        Duration backoffMin, Duration backoffMax) {

    /** The key of each new certificate ({@code key.type}). */
    public enum KeyType {
        EC_P256("ec-p256"), RSA_2048("rsa-2048");

        final String configName;

        KeyType(String configName) {
            this.configName = configName;
        }
    }

    /** The challenges rsp can answer ({@code challenges}), by their RFC names. */
    public enum ChallengeType {
        HTTP_01("http-01"), TLS_ALPN_01("tls-alpn-01");

        final String acmeName;

        ChallengeType(String acmeName) {
            this.acmeName = acmeName;
        }
    }

    static final String DEFAULT_STORAGE = "etc/certs/acme";
    /** Let's Encrypt's advice for 90-day certificates: renew with about 30 days left. */
    static final String DEFAULT_RENEW_FRACTION = "1/3";
    static final String DEFAULT_CHALLENGES = "http-01, tls-alpn-01";
    static final int DEFAULT_ORDERS_PARALLEL = 2;
    /** Validation normally takes seconds; a CA under load may take minutes. */
    static final long DEFAULT_ORDER_TIMEOUT_MS = 300_000;
    static final long DEFAULT_NETWORK_TIMEOUT_MS = 30_000;
    static final long DEFAULT_CHECK_INTERVAL_MS = 60_000;
    /** Three order timeouts: a lock this old belongs to an instance that died mid-order. */
    static final long DEFAULT_LOCK_STALE_MS = 900_000;
    static final long DEFAULT_BACKOFF_MIN_MS = 60_000;
    static final long DEFAULT_BACKOFF_MAX_MS = 86_400_000;

    /** The outcome of {@link #parse}. */
    public sealed interface Parsed {
    }

    public record Valid(AcmeSettings settings) implements Parsed {
    }

    /** Not usable: one line per bad property, each naming it. */
    public record Invalid(List<String> errors) implements Parsed {
    }

    /**
     * Validates a configuration's properties (strings as FileInstall gives them, or typed values: durations as
     * milliseconds); a missing property takes its default. Properties this component does not know are ignored.
     */
    public static Parsed parse(Map<String, ?> properties) {
        List<String> errors = new ArrayList<>();
        ValueReader r = new ValueReader(properties, errors);
        URI directory = directory(r.string("directory.url", ""), errors);
        String email = r.string("email", "");
        if (!email.isEmpty() && (!email.contains("@") || email.contains(" ") || email.contains(","))) {
            errors.add("email = '" + email + "': expected one address, e.g. admin@example.com");
        }
        String truststore = r.string("truststore", "");
        List<String> names = new ArrayList<>();
        for (String raw : list(r.string("names", ""))) {
            name(raw).ifPresentOrElse(names::add, () -> errors.add("names: '" + raw + "' is not a DNS host name rsp "
                    + "can obtain a certificate for (" + whyNotName(raw) + ")"));
        }
        String storage = r.string("storage", DEFAULT_STORAGE);
        if (storage.isEmpty()) {
            errors.add("storage: must name a directory");
        }
        String keyName = r.string("key.type", KeyType.EC_P256.configName);
        KeyType keyType = Arrays.stream(KeyType.values()).filter(k -> k.configName.equalsIgnoreCase(keyName))
                .findFirst().orElse(null);
        if (keyType == null) {
            errors.add("key.type = '" + keyName + "': expected ec-p256 or rsa-2048");
        }
        double fraction = fraction(r.string("renew.fraction", DEFAULT_RENEW_FRACTION), errors);
        List<ChallengeType> challenges = new ArrayList<>();
        for (String c : list(r.string("challenges", DEFAULT_CHALLENGES))) {
            Arrays.stream(ChallengeType.values()).filter(t -> t.acmeName.equalsIgnoreCase(c)).findFirst()
                    .ifPresentOrElse(challenges::add, () -> errors.add("challenges: '" + c
                            + "' is not a challenge rsp answers (http-01, tls-alpn-01)"));
        }
        if (challenges.isEmpty() && errors.stream().noneMatch(e -> e.startsWith("challenges"))) {
            errors.add("challenges: name at least one of http-01, tls-alpn-01");
        }
        boolean onDemand = r.bool("ondemand", false);
        long parallel = r.number("orders.parallel", DEFAULT_ORDERS_PARALLEL, 1, 64);
        long orderTimeout = r.number("order.timeout.ms", DEFAULT_ORDER_TIMEOUT_MS, 10_000, 3_600_000);
        long networkTimeout = r.number("network.timeout.ms", DEFAULT_NETWORK_TIMEOUT_MS, 1_000, 600_000);
        long checkInterval = r.number("check.interval.ms", DEFAULT_CHECK_INTERVAL_MS, 100, 3_600_000);
        long lockStale = r.number("lock.stale.ms", DEFAULT_LOCK_STALE_MS, 10_000, 86_400_000);
        if (lockStale <= orderTimeout) {
            errors.add("lock.stale.ms = " + lockStale + ": must be longer than order.timeout.ms (" + orderTimeout
                    + "), or a running order's lock could be taken over");
        }
        long backoffMin = r.number("backoff.min.ms", DEFAULT_BACKOFF_MIN_MS, 1_000, 86_400_000);
        long backoffMax = r.number("backoff.max.ms", DEFAULT_BACKOFF_MAX_MS, 1_000, 7 * 86_400_000L);
        if (backoffMax < backoffMin) {
            errors.add("backoff.max.ms = " + backoffMax + ": must not be shorter than backoff.min.ms (" + backoffMin + ")");
        }
        if (!errors.isEmpty()) {
            return new Invalid(List.copyOf(errors));
        }
        return new Valid(new AcmeSettings(directory, email.isEmpty() ? Optional.empty() : Optional.of(email),
                truststore.isEmpty() ? Optional.empty() : Optional.of(dev.rsp.tls.front.TlsSettings.resolveHome(truststore)), List.copyOf(names),
                dev.rsp.tls.front.TlsSettings.resolveHome(storage), keyType, fraction, List.copyOf(challenges), onDemand, (int) parallel,
                Duration.ofMillis(orderTimeout), Duration.ofMillis(networkTimeout), Duration.ofMillis(checkInterval),
                Duration.ofMillis(lockStale), Duration.ofMillis(backoffMin), Duration.ofMillis(backoffMax)));
    }

    /**
     * The canonical form of a name a certificate can be ordered for: a DNS name (no IP literal, no wildcard, no
     * underscore, no port), empty otherwise. On-demand names are checked the same way.
     */
    static Optional<String> name(String raw) {
        if (raw == null || raw.contains(":") || raw.contains("_") || raw.startsWith("[")) {
            return Optional.empty();
        }
        if (HostNames.canonical(raw) instanceof CanonicalHost.Valid valid && valid.host().indexOf('.') > 0
                && !Character.isDigit(valid.host().charAt(valid.host().length() - 1))) {
            return Optional.of(valid.host());
        }
        return Optional.empty();
    }

    private static String whyNotName(String raw) {
        if (raw.startsWith("*")) {
            return "wildcards need DNS-01, which rsp does not answer";
        }
        if (HostNames.canonical(raw) instanceof CanonicalHost.Invalid invalid) {
            return invalid.reason();
        }
        return "no port, no underscore, no IP literal, at least two labels";
    }

    private static URI directory(String value, List<String> errors) {
        if (value.isEmpty()) {
            errors.add("directory.url: required (there is no default CA), e.g. "
                    + "https://acme-v02.api.letsencrypt.org/directory");
            return null;
        }
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                errors.add("directory.url = '" + value + "': expected an https URL");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            errors.add("directory.url = '" + value + "': not a URL (" + e.getReason() + ")");
            return null;
        }
    }

    /** A decimal ({@code 0.33}) or a fraction ({@code 1/3}) strictly between 0 and 1. */
    private static double fraction(String value, List<String> errors) {
        try {
            int slash = value.indexOf('/');
            double f = slash < 0 ? Double.parseDouble(value)
                    : Double.parseDouble(value.substring(0, slash).strip()) / Double.parseDouble(value.substring(slash + 1).strip());
            if (f > 0 && f < 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("renew.fraction = '" + value + "': expected a fraction of the lifetime between 0 and 1, e.g. 1/3 or 0.25");
        return 0;
    }


    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
