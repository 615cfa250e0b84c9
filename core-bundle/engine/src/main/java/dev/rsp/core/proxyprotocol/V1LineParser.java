package dev.rsp.core.proxyprotocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The v1 text line after its signature: {@code PROXY TCP4|TCP6 src dst sport dport\r\n} or {@code PROXY UNKNOWN...\r\n},
 * at most 107 bytes with the CRLF. Addresses are parsed as literals only (never a name lookup); IPv4 as four
 * decimal octets without leading zeros, IPv6 in any textual form without a zone. Bytes outside printable ASCII, a CR
 * not followed by LF and a LF without CR are refused as soon as they arrive. Remembers how far it has scanned.
 */
final class V1LineParser {
    static final int MAX_LENGTH = 107;
    /** {@code PROXY UNKNOWN\r\n}. */
    static final int MIN_LENGTH = 15;
    private static final int MAX_IPV6_TEXT = 45;

    private int scanned;
    private int needed;
    private ProxyHeader header;

    void reset() {
        scanned = 0;
        header = null;
    }

    /** NOT_REJECTED with {@link #header()} null means more bytes are needed ({@link #needed()}). */
    ProxyHeaderRejection parse(ByteBuffer buf, int start, int limit) {
        int end = Math.min(limit, start + MAX_LENGTH);
        for (int i = Math.max(start + scanned, start + ProxyHeaderParser.V1_SIGNATURE.length); i < end; i++) {
            byte b = buf.get(i);
            if (b == '\r') {
                if (i + 2 - start > MAX_LENGTH) {
                    return ProxyHeaderRejection.V1_TOO_LONG;
                }
                if (i + 1 >= limit) {
                    scanned = i - start;
                    needed = i - start + 2;
                    return ProxyHeaderRejection.NOT_REJECTED;
                }
                if (buf.get(i + 1) != '\n') {
                    return ProxyHeaderRejection.V1_MALFORMED;
                }
                return line(buf, start + ProxyHeaderParser.V1_SIGNATURE.length, i, i + 2 - start);
            }
            if (b < 0x20 || b > 0x7E) {
                return ProxyHeaderRejection.V1_MALFORMED;
            }
        }
        scanned = end - start;
        if (scanned >= MAX_LENGTH) {
            return ProxyHeaderRejection.V1_TOO_LONG;
        }
        needed = Math.max(MIN_LENGTH, scanned + 1);
        return ProxyHeaderRejection.NOT_REJECTED;
    }

    /** Parses the fields in [from, cr); {@code length} is the whole line's length with its CRLF. */
    private ProxyHeaderRejection line(ByteBuffer buf, int from, int cr, int length) {
        int t = tokenEnd(buf, from, cr);
        if (matches(buf, from, t, "UNKNOWN")) {
            // The spec: whatever follows UNKNOWN up to the CRLF is to be ignored.
            header = new ProxyHeader.Local(1, length, Optional.empty());
            return ProxyHeaderRejection.NOT_REJECTED;
        }
        boolean v4 = matches(buf, from, t, "TCP4");
        if (!v4 && !matches(buf, from, t, "TCP6")) {
            return ProxyHeaderRejection.V1_MALFORMED;
        }
        int[] bounds = new int[8];
        int p = t;
        for (int k = 0; k < 4; k++) {
            if (p >= cr || buf.get(p) != ' ') {
                return ProxyHeaderRejection.V1_MALFORMED;
            }
            int e = tokenEnd(buf, p + 1, cr);
            if (e == p + 1) {
                return ProxyHeaderRejection.V1_MALFORMED;
            }
            bounds[2 * k] = p + 1;
            bounds[2 * k + 1] = e;
            p = e;
        }
        if (p != cr) {
            return ProxyHeaderRejection.V1_MALFORMED;
        }
        InetAddress src = v4 ? ipv4(buf, bounds[0], bounds[1]) : ipv6(buf, bounds[0], bounds[1]);
        InetAddress dst = v4 ? ipv4(buf, bounds[2], bounds[3]) : ipv6(buf, bounds[2], bounds[3]);
        if (src == null || dst == null) {
            return ProxyHeaderRejection.BAD_ADDRESS;
        }
        int sport = port(buf, bounds[4], bounds[5]);
        int dport = port(buf, bounds[6], bounds[7]);
        if (sport < 0 || dport < 0) {
            return ProxyHeaderRejection.BAD_PORT;
        }
        header = new ProxyHeader.Proxied(1, length, new InetSocketAddress(src, sport),
                new InetSocketAddress(dst, dport), Optional.empty());
        return ProxyHeaderRejection.NOT_REJECTED;
    }

    private static int tokenEnd(ByteBuffer buf, int from, int to) {
        int i = from;
        while (i < to && buf.get(i) != ' ') {
            i++;
        }
        return i;
    }

    private static boolean matches(ByteBuffer buf, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (buf.get(from + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Four decimal octets, no leading zeros; null when not exactly that. */
    static InetAddress ipv4(ByteBuffer buf, int from, int to) {
        byte[] octets = new byte[4];
        int p = from;
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                if (p >= to || buf.get(p) != '.') {
                    return null;
                }
                p++;
            }
            int start = p;
            int value = 0;
            while (p < to && p - start < 3 && isDigit(buf.get(p))) {
                value = value * 10 + buf.get(p) - '0';
                p++;
            }
            if (p == start || value > 255 || (p - start > 1 && buf.get(start) == '0')) {
                return null;
            }
            octets[k] = (byte) value;
        }
        if (p != to) {
            return null;
        }
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * An IPv6 literal; null when not one. The JDK parses a string that starts with a hex digit or ':' and contains
     * ':' as a literal and refuses it when invalid, so the character check below guarantees no name lookup.
     */
    static InetAddress ipv6(ByteBuffer buf, int from, int to) {
        if (to - from < 2 || to - from > MAX_IPV6_TEXT) {
            return null;
        }
        StringBuilder text = new StringBuilder(to - from);
        boolean colon = false;
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            colon |= b == ':';
            if (!(isHex(b) || b == ':' || b == '.')) {
                return null;
            }
            text.append((char) b);
        }
        if (!colon || text.charAt(0) == '.') {
            return null;
        }
        try {
            return InetAddress.getByName(text.toString());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** 0..65535 in decimal without leading zeros; -1 otherwise. */
    static int port(ByteBuffer buf, int from, int to) {
        if (to - from < 1 || to - from > 5 || (to - from > 1 && buf.get(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(buf.get(i))) {
                return -1;
            }
            value = value * 10 + buf.get(i) - '0';
        }
        return value <= 0xFFFF ? value : -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    int needed() {
        return needed;
    }

    ProxyHeader header() {
        return header;
    }
}
