package dev.rsp.core.edge;

import java.util.Set;

/**
 * One {@code rule.<name>.*} of {@code rsp.headers}: the hosts (and, optionally, backends) it applies to and what it
 * does to requests and responses. Immutable.
 *
 * @param backends backend names it is limited to; empty: every backend
 */
public record HeaderRule(String name, HostPatterns hosts, Set<String> backends, FieldEdits request, FieldEdits response) {

    /** Whether it applies to a request for {@code host} (canonical) sent to {@code backend}. Allocates nothing. */
    public boolean matches(String host, String backend) {
        return hosts.matches(host) && (backends.isEmpty() || backends.contains(backend));
    }
}
