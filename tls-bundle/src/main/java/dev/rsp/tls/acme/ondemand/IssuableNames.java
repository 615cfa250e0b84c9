package dev.rsp.tls.acme.ondemand;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;

/**
 * Which names may be ordered at all: canonical DNS names ({@link HostNames#canonical}) with at least two labels and no
 * underscore. Public CAs refuse single labels and underscores (Let's Encrypt: "Domain name contains an invalid
 * character"), so ordering one would only spend an order and earn a backoff.
 */
final class IssuableNames {

    /** A name that may be ordered ({@code name} canonical), or why not. */
    sealed interface Checked permits Issuable, NotIssuable {
    }

    record Issuable(String name) implements Checked {
    }

    record NotIssuable(Refusal reason, String why) implements Checked {
    }

    private IssuableNames() {
    }

    /** Checks a name as a client sent it (SNI) or as written in the allow-list; a port is refused. */
    static Checked check(String raw) {
        if (raw != null && raw.indexOf(':') >= 0 && !raw.startsWith("[")) {
            return raw.indexOf(':') != raw.lastIndexOf(':')
                    ? new NotIssuable(Refusal.IP_LITERAL, "an IPv6 address, not a name")
                    : new NotIssuable(Refusal.INVALID_NAME, "a port is not part of a name");
        }
        CanonicalHost host = HostNames.canonical(raw);
        if (host instanceof CanonicalHost.Invalid invalid) {
            return new NotIssuable(Refusal.INVALID_NAME, invalid.reason());
        }
        String name = ((CanonicalHost.Valid) host).host();
        if (name.startsWith("[") || HostNames.isIpv4(name, 0, name.length())) {
            return new NotIssuable(Refusal.IP_LITERAL, "an IP address, not a name");
        }
        if (name.indexOf('.') < 0) {
            return new NotIssuable(Refusal.INVALID_NAME, "a single label: no public CA issues for it");
        }
        if (name.indexOf('_') >= 0) {
            return new NotIssuable(Refusal.INVALID_NAME, "an underscore: public CAs refuse it");
        }
        return new Issuable(name);
    }
}
