package dev.rsp.host;

import java.util.Objects;

/** The result of {@link HostNames#canonical}: a canonical host name, or why the input is not a host. */
public sealed interface CanonicalHost permits CanonicalHost.Valid, CanonicalHost.Invalid {

    /**
     * A canonical host: a DNS name (lower case, ASCII, no trailing dot), an IPv4 literal, or an IPv6 literal in
     * brackets (lower case); never a port.
     */
    record Valid(String host) implements CanonicalHost {
        public Valid {
            Objects.requireNonNull(host, "host");
        }
    }

    /** Not a host; {@code reason} is short and specific, e.g. "port out of range", for logs and counters. */
    record Invalid(String reason) implements CanonicalHost {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
