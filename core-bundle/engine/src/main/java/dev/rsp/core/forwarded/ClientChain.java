package dev.rsp.core.forwarded;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The real client of a request that came through trusted proxies: like nginx's realip module with
 * {@code real_ip_recursive on}, the hops of the forwarding list are walked from the right (the one nearest rsp),
 * skipping trusted addresses; the first untrusted address is the client. When every hop is trusted the leftmost is the
 * client. When the walk meets a hop that is not an address ({@code unknown}, an obfuscated {@code _hidden} identifier,
 * garbage), it stops there: the client is the last address it trusted, the nearest one known.
 *
 * <p>Node forms accepted: {@code 192.0.2.7}, {@code 192.0.2.7:4711}, {@code 2001:db8::1}, {@code [2001:db8::1]},
 * {@code [2001:db8::1]:4711} (Forwarded's {@code for=} values are unquoted first). Nothing is ever looked up.
 * Stateless.
 */
public final class ClientChain {

    private ClientChain() {
    }

    /** What the walk found: the client's address in the JDK's text form, and whether it came from the list. */
    public record Client(InetAddress address, String ip) {
    }

    /**
     * The client of a request from {@code peer} whose forwarding list is {@code hops} (left to right); null when the
     * peer is the client (not trusted, or an empty list).
     */
    public static Client find(String peer, List<String> hops, ForwardedPolicy policy) {
        if (hops.isEmpty() || !policy.trusts(peer)) {
            return null;
        }
        byte[] client = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] a = ForwardedPolicy.address(nodeAddress(hops.get(i)));
            if (a == null) {
                break;
            }
            client = a;
            if (!policy.trusts(a)) {
                break;
            }
        }
        if (client == null) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByAddress(client);
            return new Client(address, address.getHostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address literal of a node, brackets and port taken off; the text itself when it is no such form. */
    static String nodeAddress(String node) {
        String n = node.strip();
        if (n.startsWith("[")) {
            int close = n.indexOf(']');
            return close < 0 ? n : n.substring(1, close);
        }
        int colon = n.indexOf(':');
        if (colon >= 0 && n.indexOf(':', colon + 1) < 0) {
            return n.substring(0, colon);
        }
        return n;
    }

    /** Adds the hops of one X-Forwarded-For field value (comma-separated) to {@code out}. */
    public static void xForwardedFor(String value, List<String> out) {
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
    }

    /**
     * Adds the hops of one {@code Forwarded} field value (RFC 7239: comma-separated elements of
     * {@code ;}-separated pairs) to {@code out}: each element's {@code for=} node, unquoted, or "" when it has none
     * (a hop that did not say: the walk stops there).
     */
    public static void forwarded(String value, List<String> out) {
        for (String element : splitOutsideQuotes(value, ',')) {
            if (element.isBlank()) {
                continue;
            }
            String node = "";
            for (String pair : splitOutsideQuotes(element, ';')) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                    node = unquote(pair.substring(eq + 1).strip());
                }
            }
            out.add(node);
        }
    }

    /**
     * The {@code proto=} of the first element of one {@code Forwarded} field value (the hop nearest the client), unquoted,
     * or null when that element has none.
     */
    public static String firstProto(String value) {
        for (String element : splitOutsideQuotes(value, ',')) {
            if (element.isBlank()) {
                continue;
            }
            for (String pair : splitOutsideQuotes(element, ';')) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("proto")) {
                    return unquote(pair.substring(eq + 1).strip());
                }
            }
            return null;
        }
        return null;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        java.util.ArrayList<String> parts = new java.util.ArrayList<>(2);
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            return v.substring(1, v.length() - 1).replace("\\", "");
        }
        return v;
    }

    /**
     * A node as RFC 7239 writes it in {@code for=}: an IPv4 address as it is, an IPv6 address quoted and in
     * brackets ({@code "[2001:db8::1]"}).
     */
    public static String forwardedNode(String ip) {
        return ip.indexOf(':') >= 0 ? "\"[" + ip + "]\"" : ip;
    }
}
