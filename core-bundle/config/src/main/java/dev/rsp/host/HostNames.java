package dev.rsp.host;

import java.net.IDN;
import java.util.Locale;

/**
 * Canonical host names, as rsp compares them: the core routes by them and the TLS bundle selects certificates by
 * them. Not exported: this package sits in the shared {@code rsp-config} module and every bundle that uses it holds a
 * private copy (bnd {@code -conditionalpackage}), so the core and the TLS bundle canonicalize alike without importing
 * each other.
 *
 * <p>Canonical means: lower case; IDN labels in their ASCII (punycode) form; no port; no trailing dot. Accepted
 * hosts are DNS names (letters, digits, hyphen and underscore; labels of 1 to 63 characters that neither start nor
 * end with a hyphen; at most 253 characters), IPv4 literals in dotted-quad form, and IPv6 literals in brackets.
 * A name whose last label is all digits is read as an IPv4 literal and must be one (no leading zeros, octets up to
 * 255), so {@code 010.1.1.1} or {@code example.123} are refused rather than guessed at. IPv6 literals are only
 * lower-cased, not compressed: {@code [::1]} and {@code [0:0:0:0:0:0:0:1]} stay different names.
 *
 * <p>Thread-safe and allocation-light; called by the network threads for every request. When the input is already
 * canonical, the result wraps the very same {@code String} instance.
 */
public final class HostNames {

    /** Longest canonical DNS name, in characters. */
    public static final int MAX_NAME_LENGTH = 253;
    /** Longest label of a DNS name, in characters. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** Longest input handed to the IDN conversion; bounds its cost. */
    static final int MAX_IDN_INPUT = 1024;

    private static final CanonicalHost EMPTY = invalid("empty");
    private static final CanonicalHost WHITESPACE = invalid("whitespace");
    private static final CanonicalHost USERINFO = invalid("userinfo (@) not allowed");
    private static final CanonicalHost SLASH = invalid("slash not allowed");
    private static final CanonicalHost PERCENT = invalid("percent not allowed");
    private static final CanonicalHost CONTROL = invalid("control character");
    private static final CanonicalHost BAD_CHAR = invalid("invalid character");
    private static final CanonicalHost EMPTY_PORT = invalid("empty port");
    private static final CanonicalHost PORT_NOT_DIGITS = invalid("port not digits");
    private static final CanonicalHost PORT_TOO_LONG = invalid("port longer than 5 digits");
    private static final CanonicalHost PORT_RANGE = invalid("port out of range");
    private static final CanonicalHost EMPTY_LABEL = invalid("empty label");
    private static final CanonicalHost LONG_LABEL = invalid("label longer than 63");
    private static final CanonicalHost LONG_NAME = invalid("name longer than 253");
    private static final CanonicalHost HYPHEN_START = invalid("label starts with hyphen");
    private static final CanonicalHost HYPHEN_END = invalid("label ends with hyphen");
    private static final CanonicalHost BAD_IPV4 = invalid("invalid IPv4 literal");
    private static final CanonicalHost IPV6_NO_BRACKETS = invalid("IPv6 literal without brackets");
    private static final CanonicalHost IPV6_UNCLOSED = invalid("unclosed IPv6 bracket");
    private static final CanonicalHost IPV6_TRAILING = invalid("unexpected text after IPv6 literal");
    private static final CanonicalHost BAD_IPV6 = invalid("invalid IPv6 literal");
    private static final CanonicalHost IDN_TOO_LONG = invalid("IDN input too long");

    private HostNames() {
    }

    /**
     * Canonicalizes a host as found in a Host header, a TLS server name or a strategy's rehost answer.
     *
     * @param raw the host, optionally with a {@code :port} and one trailing dot; {@code null} counts as empty
     * @return {@link CanonicalHost.Valid} with the canonical name, or {@link CanonicalHost.Invalid} saying why not
     */
    public static CanonicalHost canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            return EMPTY;
        }
        if (raw.charAt(0) == '[') {
            return ipv6(raw);
        }
        int end = raw.length();
        int colon = raw.indexOf(':');
        if (colon >= 0) {
            if (raw.indexOf(':', colon + 1) >= 0) {
                return IPV6_NO_BRACKETS;
            }
            CanonicalHost badPort = checkPort(raw, colon + 1);
            if (badPort != null) {
                return badPort;
            }
            end = colon;
        }
        boolean upper = false;
        boolean nonAscii = false;
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 0x80) {
                if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                    return WHITESPACE;
                }
                nonAscii = true;
            } else if (!isNameChar(c)) {
                return refusal(c);
            }
        }
        if (nonAscii) {
            return idn(raw, end);
        }
        if (end > 0 && raw.charAt(end - 1) == '.') {
            end--;
        }
        CanonicalHost bad = checkName(raw, end);
        if (bad != null) {
            return bad;
        }
        if (end == raw.length() && !upper) {
            return new CanonicalHost.Valid(raw);
        }
        String host = raw.substring(0, end);
        return new CanonicalHost.Valid(upper ? host.toLowerCase(Locale.ROOT) : host);
    }

    private static CanonicalHost idn(String raw, int end) {
        if (end > MAX_IDN_INPUT) {
            return IDN_TOO_LONG;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(raw.substring(0, end));
        } catch (IllegalArgumentException e) {
            return invalid("IDN: " + e.getMessage());
        }
        int len = ascii.length();
        for (int i = 0; i < len; i++) {
            char c = ascii.charAt(i);
            if (c >= 0x80 || !isNameChar(c) && !(c >= 'A' && c <= 'Z')) {
                return c >= 0x80 ? BAD_CHAR : refusal(c);
            }
        }
        if (len > 0 && ascii.charAt(len - 1) == '.') {
            len--;
        }
        CanonicalHost bad = checkName(ascii, len);
        if (bad != null) {
            return bad;
        }
        return new CanonicalHost.Valid(ascii.substring(0, len).toLowerCase(Locale.ROOT));
    }

    /** Lower-case letters, digits, hyphen, underscore and dot. */
    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
    }

    /** The reason an ASCII character that is not a name character is refused. */
    private static CanonicalHost refusal(char c) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
            return WHITESPACE;
        }
        if (c < 0x20 || c == 0x7f) {
            return CONTROL;
        }
        return switch (c) {
            case '@' -> USERINFO;
            case '/' -> SLASH;
            case '%' -> PERCENT;
            case '[', ']' -> BAD_IPV6;
            default -> BAD_CHAR;
        };
    }

    /** Checks the port after a colon at {@code from - 1}; {@code null} when it is 1 to 5 digits up to 65535. */
    private static CanonicalHost checkPort(String s, int from) {
        int len = s.length() - from;
        if (len == 0) {
            return EMPTY_PORT;
        }
        int port = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return c == ' ' || c == '\t' ? WHITESPACE : PORT_NOT_DIGITS;
            }
            if (i - from >= 5) {
                return PORT_TOO_LONG;
            }
            port = port * 10 + (c - '0');
        }
        return port > 65535 ? PORT_RANGE : null;
    }

    /**
     * Checks the structure of {@code s[0, end)}, whose characters are already known to be name characters in
     * either case; {@code null} when it is a valid DNS name or IPv4 literal.
     */
    private static CanonicalHost checkName(String s, int end) {
        if (end == 0) {
            return EMPTY;
        }
        if (end > MAX_NAME_LENGTH) {
            return LONG_NAME;
        }
        int labelStart = 0;
        boolean lastAllDigits = false;
        for (int i = 0; i <= end; i++) {
            if (i < end && s.charAt(i) != '.') {
                continue;
            }
            int labelLen = i - labelStart;
            if (labelLen == 0) {
                return EMPTY_LABEL;
            }
            if (labelLen > MAX_LABEL_LENGTH) {
                return LONG_LABEL;
            }
            if (s.charAt(labelStart) == '-') {
                return HYPHEN_START;
            }
            if (s.charAt(i - 1) == '-') {
                return HYPHEN_END;
            }
            lastAllDigits = allDigits(s, labelStart, i);
            labelStart = i + 1;
        }
        if (lastAllDigits && !isIpv4(s, 0, end)) {
            return BAD_IPV4;
        }
        return null;
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A dotted quad of decimal octets 0 to 255 without leading zeros, in {@code s[from, to)}. */
    public static boolean isIpv4(String s, int from, int to) {
        int parts = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && s.charAt(i) != '.') {
                continue;
            }
            int len = i - start;
            if (len < 1 || len > 3 || !allDigits(s, start, i) || len > 1 && s.charAt(start) == '0') {
                return false;
            }
            if (Integer.parseInt(s, start, i, 10) > 255 || ++parts > 4) {
                return false;
            }
            start = i + 1;
        }
        return parts == 4;
    }

    private static CanonicalHost ipv6(String raw) {
        int close = raw.indexOf(']');
        if (close < 0) {
            return IPV6_UNCLOSED;
        }
        int end = close + 1;
        if (end < raw.length()) {
            if (raw.charAt(end) != ':') {
                return raw.charAt(end) == '%' ? PERCENT : IPV6_TRAILING;
            }
            CanonicalHost badPort = checkPort(raw, end + 1);
            if (badPort != null) {
                return badPort;
            }
        }
        boolean upper = false;
        for (int i = 1; i < close; i++) {
            char c = raw.charAt(i);
            if (c >= 'A' && c <= 'F') {
                upper = true;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                return c == '%' ? PERCENT : c == ' ' || c == '\t' ? WHITESPACE : BAD_IPV6;
            }
        }
        if (!ipv6Structure(raw, 1, close)) {
            return BAD_IPV6;
        }
        if (end == raw.length() && !upper) {
            return new CanonicalHost.Valid(raw);
        }
        String host = raw.substring(0, end);
        return new CanonicalHost.Valid(upper ? host.toLowerCase(Locale.ROOT) : host);
    }

    /**
     * RFC 4291 text form in {@code s[from, to)}, without brackets: up to 8 groups of 1 to 4 hex digits (either case),
     * at most one "::", optionally an IPv4 tail.
     */
    public static boolean isIpv6(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return ipv6Structure(s, from, to);
    }

    /** {@link #isIpv6} for text already known to hold only hex digits, colons and dots. */
    private static boolean ipv6Structure(String s, int from, int to) {
        int gap = s.indexOf("::", from);
        if (gap >= 0 && gap + 2 > to) {
            gap = -1;
        }
        if (gap < 0) {
            return groups(s, from, to, true) == 8;
        }
        int second = s.indexOf("::", gap + 1);
        if (second >= 0 && second + 2 <= to) {
            return false;
        }
        int head = gap == from ? 0 : groups(s, from, gap, false);
        int tail = gap + 2 == to ? 0 : groups(s, gap + 2, to, true);
        return head >= 0 && tail >= 0 && head + tail <= 7;
    }

    /** Counts the groups of {@code s[from, to)} separated by single colons, or -1 when one is malformed. */
    private static int groups(String s, int from, int to, boolean ipv4TailAllowed) {
        int count = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && s.charAt(i) != ':') {
                continue;
            }
            int len = i - start;
            if (len == 0) {
                return -1;
            }
            int dot = s.indexOf('.', start);
            if (dot >= 0 && dot < i) {
                if (!ipv4TailAllowed || i != to || !isIpv4(s, start, i)) {
                    return -1;
                }
                count += 2;
            } else {
                if (len > 4) {
                    return -1;
                }
                count++;
            }
            start = i + 1;
        }
        return count;
    }

    private static CanonicalHost invalid(String reason) {
        return new CanonicalHost.Invalid(reason);
    }
}
