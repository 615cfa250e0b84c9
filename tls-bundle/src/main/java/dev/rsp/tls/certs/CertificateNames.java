package dev.rsp.tls.certs;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.Optional;

/**
 * Names as certificates carry them and selection compares them, in the canonical form of {@link HostNames} (the
 * core's: lower case, IDN in ASCII, no trailing dot), so that a certificate is chosen for a server name exactly when
 * the core would route that name to the same host. A wildcard name ({@code *.example.com}) stands for exactly one
 * label in front of its suffix (RFC 6125 6.4.3, left-most label only).
 */
public final class CertificateNames {

    private CertificateNames() {
    }

    /**
     * The canonical form of a name from a certificate (a DNS subjectAltName or the CN): a host as {@link HostNames}
     * makes it, or {@code *.} and a canonical suffix of at least two labels. Empty for anything else (partial
     * wildcards, {@code *.com}, a port, text that is not a host name): such a name can match no server name.
     */
    public static Optional<String> canonicalName(String name) {
        if (name.indexOf(':') >= 0) {
            return Optional.empty();
        }
        if (name.startsWith("*.")) {
            return canonicalHost(name.substring(2)).filter(s -> s.indexOf('.') > 0).map(s -> "*." + s);
        }
        return canonicalHost(name);
    }

    /** The canonical form of a server name or a host (a port is dropped), or empty when it is not a host. */
    public static Optional<String> canonicalHost(String host) {
        return HostNames.canonical(host) instanceof CanonicalHost.Valid v ? Optional.of(v.host()) : Optional.empty();
    }

    /** For {@code a.example.com}, {@code example.com}: the suffix a wildcard must have to cover it; empty for one label. */
    static Optional<String> parentOf(String canonicalHost) {
        int dot = canonicalHost.indexOf('.');
        return dot > 0 && dot < canonicalHost.length() - 1 ? Optional.of(canonicalHost.substring(dot + 1)) : Optional.empty();
    }

    /** For {@code *.example.com}, {@code example.com}; empty for a canonical name that is not a wildcard. */
    static Optional<String> wildcardSuffix(String canonicalName) {
        return canonicalName.startsWith("*.") ? Optional.of(canonicalName.substring(2)) : Optional.empty();
    }

    /** Whether {@code canonicalName} (exact or wildcard, as {@link #canonicalName} makes it) covers {@code canonicalHost}. */
    public static boolean covers(String canonicalName, String canonicalHost) {
        if (canonicalName.equals(canonicalHost)) {
            return true;
        }
        Optional<String> suffix = wildcardSuffix(canonicalName);
        return suffix.isPresent() && parentOf(canonicalHost).filter(suffix.get()::equals).isPresent();
    }
}
