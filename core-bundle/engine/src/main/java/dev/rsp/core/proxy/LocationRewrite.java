package dev.rsp.core.proxy;

import java.nio.ByteBuffer;

/**
 * Finds, in a response field value, an absolute URL that names a backend's own address ({@code rewrite.location}):
 * {@code http://} or {@code https://}, then a host that is the backend's host as configured, its resolved IP,
 * {@code localhost}, {@code 127.0.0.1} or {@code [::1]}, and the backend's port (written, or the scheme's default
 * when none is written). Anything else (a relative reference, another host or port, text that is not such a URL) is
 * not touched: only the backend's own address can be a mistake rsp knows how to fix. Static; allocates nothing.
 */
final class LocationRewrite {

    private static final String[] LOOPBACK = {"localhost", "127.0.0.1", "::1"};

    private LocationRewrite() {
    }

    /**
     * Where the path of the URL at {@code [from, to)} of {@code src} starts (the first byte after its authority: a
     * {@code /}, {@code ?}, {@code #} or {@code to}) when the URL names the backend; -1 when it does not.
     *
     * @param ip the backend's resolved address as {@link java.net.InetAddress#getHostAddress} writes it, or null
     */
    static int pathStart(ByteBuffer src, int from, int to, String host, String ip, int port) {
        int p;
        int defaultPort;
        if (startsWith(src, from, to, "http://")) {
            p = from + 7;
            defaultPort = 80;
        } else if (startsWith(src, from, to, "https://")) {
            p = from + 8;
            defaultPort = 443;
        } else {
            return -1;
        }
        int end = p;
        while (end < to && src.get(end) != '/' && src.get(end) != '?' && src.get(end) != '#') {
            end++;
        }
        int hostStart = p;
        int hostEnd;
        int portAt;
        if (p < end && src.get(p) == '[') {
            hostStart = p + 1;
            hostEnd = hostStart;
            while (hostEnd < end && src.get(hostEnd) != ']') {
                hostEnd++;
            }
            if (hostEnd == end) {
                return -1;
            }
            portAt = hostEnd + 1;
        } else {
            hostEnd = p;
            while (hostEnd < end && src.get(hostEnd) != ':') {
                hostEnd++;
            }
            portAt = hostEnd;
        }
        int written = defaultPort;
        if (portAt < end) {
            if (src.get(portAt) != ':' || portAt + 1 == end || end - portAt > 6) {
                return -1;
            }
            written = 0;
            for (int i = portAt + 1; i < end; i++) {
                byte b = src.get(i);
                if (b < '0' || b > '9') {
                    return -1;
                }
                written = written * 10 + (b - '0');
            }
        }
        if (written != port || hostEnd == hostStart) {
            return -1;
        }
        if (equalsIgnoreCase(src, hostStart, hostEnd, unbracketed(host)) || ip != null && equalsIgnoreCase(src, hostStart, hostEnd, ip)) {
            return end;
        }
        for (String loopback : LOOPBACK) {
            if (equalsIgnoreCase(src, hostStart, hostEnd, loopback)) {
                return end;
            }
        }
        return -1;
    }

    /**
     * Where the URL of a {@code Refresh} value ({@code 5; url=http://...}) starts at {@code [from, to)}, past
     * {@code url=} and an opening quote; -1 when there is none.
     */
    static int refreshUrl(ByteBuffer src, int from, int to) {
        for (int i = from; i + 4 <= to; i++) {
            if (startsWith(src, i, to, "url=")) {
                int u = i + 4;
                return u < to && (src.get(u) == '\'' || src.get(u) == '"') ? u + 1 : u;
            }
        }
        return -1;
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean startsWith(ByteBuffer src, int from, int to, String lowerPrefix) {
        return to - from >= lowerPrefix.length() && equalsIgnoreCase(src, from, from + lowerPrefix.length(), lowerPrefix);
    }

    private static boolean equalsIgnoreCase(ByteBuffer src, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            int a = src.get(from + i);
            int b = s.charAt(i);
            if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }
}
