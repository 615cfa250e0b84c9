package dev.rsp.tls.audit;

import java.util.List;
import java.util.Locale;

/**
 * Whether DNS names from a certificate cover a domain (RFC 6125 6.4): case-insensitive, a trailing dot ignored, and
 * a wildcard only as the whole left-most label, standing for exactly one label ({@code *.example.com} covers
 * {@code www.example.com}, not {@code example.com} nor {@code a.b.example.com}).
 */
final class NameMatch {

    private NameMatch() {
    }

    static boolean covers(List<String> dnsNames, String domain) {
        String d = canonical(domain);
        for (String name : dnsNames) {
            String n = canonical(name);
            if (n.equals(d)) {
                return true;
            }
            if (n.startsWith("*.") && n.indexOf('.', 2) > 0) {
                int dot = d.indexOf('.');
                if (dot > 0 && d.substring(dot + 1).equals(n.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
