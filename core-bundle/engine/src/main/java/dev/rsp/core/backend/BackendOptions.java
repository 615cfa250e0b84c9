package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of one {@code rsp.backends} value, the part after the first {@code ;}: {@code weight=N},
 * {@code proto=h2|http1}, {@code tls[=insecure]}, {@code maxconn=N}, {@code send-proxy=v1|v2}, and the overrides of the
 * core's timeouts and tries ({@link BackendTuning}): {@code timeout.connect=<duration>},
 * {@code timeout.backend=<duration>}, {@code tries=N}; each at most once.
 * Every problem is added to the caller's list as one line; an absent or invalid option keeps its default. Stateless.
 */
record BackendOptions(int weight, Backend.Protocol protocol, Backend.Tls tls, int maxConnections,
                      Backend.SendProxy sendProxy, BackendTuning tuning) {

    static final BackendOptions DEFAULT = new BackendOptions(BackendsConfig.DEFAULT_WEIGHT, Backend.Protocol.HTTP1,
            Backend.Tls.NONE, 0, Backend.SendProxy.NONE, BackendTuning.NONE);

    private static final List<String> NAMES = List.of("weight", "proto", "tls", "maxconn", "send-proxy",
            "timeout.connect", "timeout.backend", "tries");
    private static final String LISTED = "weight=N, proto=h2, tls[=insecure], maxconn=N, send-proxy=v1 or v2, "
            + "timeout.connect=<duration>, timeout.backend=<duration> and tries=N";

    static BackendOptions parse(String options, List<String> problems) {
        Builder b = new Builder();
        List<String> seen = new ArrayList<>(3);
        for (String option : options.split(";", -1)) {
            String trimmed = option.trim();
            if (trimmed.isEmpty()) {
                problems.add("empty option after ';'; options are " + LISTED);
                continue;
            }
            int eq = trimmed.indexOf('=');
            String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim();
            if (!NAMES.contains(name)) {
                problems.add("unknown option " + BackendsConfig.show(trimmed) + "; options are " + LISTED);
                continue;
            }
            if (seen.contains(name)) {
                problems.add("option '" + name + "' given more than once");
                continue;
            }
            seen.add(name);
            String value = eq < 0 ? null : trimmed.substring(eq + 1).trim();
            if (name.equals("tls")) {
                b.tls(value, problems);
            } else if (value == null) {
                problems.add("option '" + name + "' needs a value, e.g. " + switch (name) {
                    case "weight" -> "weight=5";
                    case "maxconn" -> "maxconn=100";
                    case "send-proxy" -> "send-proxy=v2";
                    case "timeout.connect" -> "timeout.connect=2s";
                    case "timeout.backend" -> "timeout.backend=120s";
                    case "tries" -> "tries=1";
                    default -> "proto=h2";
                });
            } else {
                switch (name) {
                    case "proto" -> b.protocol(value, problems);
                    case "maxconn" -> b.maxConnections(value, problems);
                    case "send-proxy" -> b.sendProxy(value, problems);
                    case "timeout.connect" -> b.connectNanos = b.duration(name, value, problems);
                    case "timeout.backend" -> b.backendNanos = b.duration(name, value, problems);
                    case "tries" -> b.tries(value, problems);
                    default -> b.weight(value, problems);
                }
            }
        }
        if (b.sendProxy != Backend.SendProxy.NONE && b.protocol == Backend.Protocol.H2) {
            problems.add("send-proxy cannot be combined with proto=h2: an HTTP/2 connection carries many clients' "
                    + "requests and a PROXY header names one client");
        }
        return new BackendOptions(b.weight, b.protocol, b.tls, b.maxConnections, b.sendProxy,
                new BackendTuning(b.connectNanos, b.backendNanos, b.tries));
    }

    private static final class Builder {
        int weight = BackendsConfig.DEFAULT_WEIGHT;
        Backend.Protocol protocol = Backend.Protocol.HTTP1;
        Backend.Tls tls = Backend.Tls.NONE;
        int maxConnections;
        Backend.SendProxy sendProxy = Backend.SendProxy.NONE;
        long connectNanos;
        long backendNanos;
        int tries;

        /** A timeout of 1 ms to 1 hour, as the core's timeouts are written (500ms, 2s, 1m); 0 when invalid. */
        long duration(String name, String value, List<String> problems) {
            java.util.OptionalLong ms = dev.rsp.config.Units.millis(value);
            if (ms.isEmpty()) {
                problems.add(name + " " + BackendsConfig.show(value) + " is not " + dev.rsp.config.Units.DURATION_FORM);
                return 0;
            }
            if (ms.getAsLong() < 1 || ms.getAsLong() > MAX_TIMEOUT_MS) {
                problems.add(name + " " + value + " out of range (1ms-1h)");
                return 0;
            }
            return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(ms.getAsLong());
        }

        void tries(String value, List<String> problems) {
            long n = parseDecimal(value, 2);
            if (n == NOT_A_NUMBER) {
                problems.add("tries " + BackendsConfig.show(value) + " is not an integer");
            } else if (n < 1 || n > MAX_TRIES) {
                problems.add("tries " + value + " out of range (1-" + MAX_TRIES + ")");
            } else {
                tries = (int) n;
            }
        }

        void tls(String value, List<String> problems) {
            if (value == null) {
                tls = Backend.Tls.VERIFIED;
            } else if (value.equals("insecure")) {
                tls = Backend.Tls.INSECURE;
            } else {
                problems.add("tls " + BackendsConfig.show(value) + " is not insecure; write ;tls (the certificate "
                        + "verified) or ;tls=insecure (not checked, for test labs)");
            }
        }

        void protocol(String value, List<String> problems) {
            switch (value) {
                case "h2" -> protocol = Backend.Protocol.H2;
                case "http1" -> protocol = Backend.Protocol.HTTP1;
                default -> problems.add("proto " + BackendsConfig.show(value) + " is not one of h2, http1");
            }
        }

        void sendProxy(String value, List<String> problems) {
            switch (value) {
                case "v1" -> sendProxy = Backend.SendProxy.V1;
                case "v2" -> sendProxy = Backend.SendProxy.V2;
                default -> problems.add("send-proxy " + BackendsConfig.show(value) + " is not one of v1, v2");
            }
        }

        void maxConnections(String value, List<String> problems) {
            long n = parseDecimal(value, 7);
            if (n == NOT_A_NUMBER) {
                problems.add("maxconn " + BackendsConfig.show(value) + " is not an integer");
            } else if (n < 1 || n > BackendsConfig.MAX_MAXCONN) {
                problems.add("maxconn " + value + " out of range (1-" + BackendsConfig.MAX_MAXCONN + ")");
            } else {
                maxConnections = (int) n;
            }
        }

        void weight(String value, List<String> problems) {
            long parsed = parseDecimal(value, 4);
            if (parsed == NOT_A_NUMBER) {
                problems.add("weight " + BackendsConfig.show(value) + " is not an integer");
            } else if (parsed < BackendsConfig.MIN_WEIGHT || parsed > BackendsConfig.MAX_WEIGHT) {
                problems.add("weight " + value + " out of range (" + BackendsConfig.MIN_WEIGHT + "-"
                        + BackendsConfig.MAX_WEIGHT + ")");
            } else {
                weight = (int) parsed;
            }
        }
    }

    private static final long NOT_A_NUMBER = -1;
    /** The range of the core's {@code backend.tries}. */
    static final int MAX_TRIES = 8;
    static final long MAX_TIMEOUT_MS = 3_600_000;

    /**
     * Parses ASCII digits. A minus before digits gives a negative value (out of every range checked here); more than
     * {@code maxDigits} significant digits a value above every range; anything else NOT_A_NUMBER.
     */
    private static long parseDecimal(String s, int maxDigits) {
        if (s.isEmpty()) {
            return NOT_A_NUMBER;
        }
        if (s.charAt(0) == '-') {
            return parseDecimal(s.substring(1), Integer.MAX_VALUE) == NOT_A_NUMBER ? NOT_A_NUMBER : -2;
        }
        long value = 0;
        int significant = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_A_NUMBER;
            }
            if (significant > 0 || c != '0') {
                significant++;
            }
            if (significant > maxDigits) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
