package dev.rsp.tls.certs;

import java.util.Locale;
import java.util.Optional;

/**
 * Host names as certificates and selection compare them: lower case, without a trailing dot. A wildcard name
 * ({@code *.example.com}) stands for exactly one label in front of its suffix (RFC 6125 6.4.3, left-most label only).
 */
final class HostNames {

    private HostNames() {
    }

    static String canonical(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** For {@code a.example.com}, {@code example.com}: the suffix a wildcard must have to cover it; empty for one label. */
    static Optional<String> parentOf(String canonicalHost) {
        int dot = canonicalHost.indexOf('.');
        return dot > 0 && dot < canonicalHost.length() - 1 ? Optional.of(canonicalHost.substring(dot + 1)) : Optional.empty();
    }

    /** For {@code *.example.com}, {@code example.com}; empty for a name that is not a usable wildcard. */
    static Optional<String> wildcardSuffix(String canonicalName) {
        if (!canonicalName.startsWith("*.")) {
            return Optional.empty();
        }
        String suffix = canonicalName.substring(2);
        // "*.com" and partial wildcards ("w*.example.com", "*.*.example.com") are not served.
        return suffix.indexOf('.') > 0 && suffix.indexOf('*') < 0 ? Optional.of(suffix) : Optional.empty();
    }

    /** Whether {@code canonicalName} (exact or wildcard) covers {@code canonicalHost}. */
    static boolean covers(String canonicalName, String canonicalHost) {
        if (canonicalName.equals(canonicalHost)) {
            return true;
        }
        Optional<String> suffix = wildcardSuffix(canonicalName);
        return suffix.isPresent() && parentOf(canonicalHost).filter(suffix.get()::equals).isPresent();
    }
}
