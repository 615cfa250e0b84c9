package dev.rsp.config;

import dev.rsp.host.HostNames;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one parser of the {@code host:port} addresses rsp is configured with: every listener ({@code http.listen}, the
 * TLS and admin {@code listen}, the demo backends) and every backend ({@code rsp.backends}, the admin API and
 * {@code rsp:whatif}).
 *
 * <p>Accepted: {@code host:port}, with whitespace allowed around the host and the port. The host is a DNS name in
 * ASCII (letters, digits, {@code -} and {@code _}; labels of 1 to 63 characters that neither start nor end with a
 * hyphen; at most 253 characters; no trailing dot; an IDN in its {@code xn--} form), an IPv4 literal (a dotted quad,
 * octets 0 to 255 without leading zeros; a name whose last label is all digits must be one), or an IPv6 literal in
 * brackets ({@code [::1]:8080}, RFC 4291 text form, no zone). An IPv6 address without brackets ({@code ::1:8080})
 * is refused, whatever it might mean, with a message showing the bracketed form: {@code ::1:8080} could be the
 * address {@code ::1} with port 8080 or the address {@code ::1:8080} with the port missing. The port is decimal,
 * 0 to 65535 for a listener (0: any free port) and 1 to 65535 for a backend.
 *
 * <p>Never resolves a name and never touches the network; callers that need an {@code InetAddress} resolve the
 * {@link Address#host()} themselves, off the network threads. Every accepted host is also a valid host for
 * {@link HostNames#canonical} (the same name syntax), though it is returned as written, not canonicalized.
 */
public final class Addresses {

    /** Which ports an address may name. */
    public enum Ports {
        /** An address rsp binds: 0 to 65535, where 0 asks for any free port. */
        LISTEN(0),
        /** An address rsp connects to: 1 to 65535. */
        CONNECT(1);

        private final int lowest;

        Ports(int lowest) {
            this.lowest = lowest;
        }
    }

    /** The result of {@link #parse(String, Ports)}. */
    public sealed interface Parsed permits Address, Refused {
    }

    /**
     * A well-formed address.
     *
     * @param host the host as written, without brackets for IPv6 (what {@code InetSocketAddress} takes)
     * @param port the port, within the range asked for
     */
    public record Address(String host, int port) implements Parsed {

        /** Whether the host is an IPv6 literal. */
        public boolean ipv6() {
            return host.indexOf(':') >= 0;
        }

        /** {@code host:port}, the IPv6 literal in brackets: the form {@link #parse} accepts. */
        @Override
        public String toString() {
            return (ipv6() ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Not an address; each of {@code reasons} says what is wrong and how to write it, e.g. "port 99999 out of range
     * (0-65535)". A bad host and a bad port are both named. Parts of the input they quote have control characters
     * escaped and are cut at {@value #MAX_QUOTED} characters, so a reason is one line, safe to log.
     */
    public record Refused(List<String> reasons) implements Parsed {
        public Refused {
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
        }

        /** The reasons in one line, separated by {@code "; "}. */
        public String reason() {
            return String.join("; ", reasons);
        }
    }

    private static final int MAX_PORT = 65_535;
    /** Longest part of the input quoted in a reason. */
    public static final int MAX_QUOTED = 200;

    private Addresses() {
    }

    /** Parses {@code text} (surrounding whitespace ignored; {@code null} counts as empty). */
    public static Parsed parse(String text, Ports ports) {
        String v = text == null ? "" : text.strip();
        if (v.isEmpty()) {
            return refused("missing host:port");
        }
        int scheme = v.indexOf("://");
        if (scheme >= 0) {
            return refused("drop the scheme " + quote(v.substring(0, scheme + 3)) + "; write host:port only");
        }
        int slash = v.indexOf('/');
        if (slash >= 0) {
            return refused("no path allowed (" + quote(v.substring(slash)) + "); write host:port only");
        }
        return v.charAt(0) == '[' ? bracketed(v, ports) : named(v, ports);
    }

    /** {@link #parse}, adding the reason of a refusal to {@code problems}. */
    public static Optional<Address> parse(String text, Ports ports, List<String> problems) {
        Parsed p = parse(text, ports);
        if (p instanceof Refused r) {
            problems.addAll(r.reasons());
            return Optional.empty();
        }
        return Optional.of((Address) p);
    }

    private static Parsed bracketed(String v, Ports ports) {
        int close = v.indexOf(']');
        if (close < 0) {
            return refused("missing ']' after the IPv6 address");
        }
        String host = v.substring(1, close).strip();
        String rest = v.substring(close + 1).strip();
        if (!rest.startsWith(":")) {
            return refused(rest.isEmpty() ? "missing port; write [address]:port" : "expected ':port' after ']'");
        }
        Optional<String> bad = HostNames.isIpv6(host, 0, host.length()) ? Optional.empty()
                : Optional.of("invalid IPv6 address " + quote(host));
        return port(host, bad, rest.substring(1).strip(), ports);
    }

    private static Parsed named(String v, Ports ports) {
        int colon = v.indexOf(':');
        if (colon >= 0 && v.indexOf(':', colon + 1) >= 0) {
            return refused("an IPv6 address must be in brackets, e.g. [::1]:8080");
        }
        if (colon < 0) {
            return refused("missing port; write host:port");
        }
        String host = v.substring(0, colon).strip();
        return port(host, hostProblem(host), v.substring(colon + 1).strip(), ports);
    }

    /** The address, or every reason it is not one: {@code hostProblem} and what is wrong with the port. */
    private static Parsed port(String host, Optional<String> hostProblem, String text, Ports ports) {
        Optional<String> portProblem = Optional.empty();
        int port = -1;
        boolean negative = text.startsWith("-") && text.length() > 1;
        String digits = negative ? text.substring(1) : text;
        if (text.isEmpty()) {
            portProblem = Optional.of("missing port after ':'");
        } else if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            portProblem = Optional.of("port " + quote(text) + " is not a number");
        } else {
            String significant = digits.replaceFirst("^0+(?=.)", "");
            port = negative || significant.length() > 5 ? -1 : Integer.parseInt(significant);
            if (port < ports.lowest || port > MAX_PORT) {
                String shown = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
                portProblem = Optional.of("port " + shown + " out of range (" + ports.lowest + "-" + MAX_PORT + ")");
            }
        }
        List<String> reasons = new ArrayList<>(2);
        hostProblem.ifPresent(reasons::add);
        portProblem.ifPresent(reasons::add);
        return reasons.isEmpty() ? new Address(host, port) : new Refused(reasons);
    }

    /** What is wrong with an unbracketed host, or empty when it is a DNS name or an IPv4 literal. */
    private static Optional<String> hostProblem(String host) {
        if (host.isEmpty()) {
            return Optional.of("missing host before ':'");
        }
        if (host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9') || lastLabelIsDigits(host)) {
            return HostNames.isIpv4(host, 0, host.length()) ? Optional.empty()
                    : Optional.of("invalid IPv4 address " + quote(host) + " (four parts 0-255, no leading zeros)");
        }
        if (host.length() > HostNames.MAX_NAME_LENGTH) {
            return Optional.of("host is " + host.length() + " characters long, at most " + HostNames.MAX_NAME_LENGTH
                    + " allowed");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= 0x80 && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return Optional.of("host " + quote(host) + " is not ASCII; write an international name in its xn-- form"
                        + asciiForm(host));
            }
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                return Optional.of("host " + quote(host) + " contains " + quote(String.valueOf(c))
                        + "; a host is a DNS name, an IPv4 address or [IPv6]");
            }
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty()) {
                return Optional.of("host " + quote(host) + " has an empty label"
                        + (host.endsWith(".") ? " (no trailing dot)" : ""));
            }
            if (label.length() > HostNames.MAX_LABEL_LENGTH) {
                return Optional.of("host " + quote(host) + " has a label longer than " + HostNames.MAX_LABEL_LENGTH
                        + " characters");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return Optional.of("host " + quote(host) + " has a label that starts or ends with '-'");
            }
        }
        return Optional.empty();
    }

    private static boolean lastLabelIsDigits(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9') && host.indexOf('.') >= 0;
    }

    private static String asciiForm(String host) {
        try {
            return " (" + quote(IDN.toASCII(host)) + ")";
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static Refused refused(String reason) {
        return new Refused(List.of(reason));
    }

    /**
     * {@code s} in single quotes, control characters as {@code \\uXXXX}, cut at {@link #MAX_QUOTED} characters: a value
     * an operator wrote, safe to put in one log line.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (s.length() > shown) {
            sb.append("... (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }
}
