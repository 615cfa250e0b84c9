package dev.rsp.core.ratelimit;

/**
 * The limits that apply to a request for one host: the rate of the host's own bucket, and the client scope whose
 * buckets and in-flight count the request's client uses, with that scope's limits. The defaults are scope 0 and rule
 * {@code ""}; a rule with client limits of its own has a scope of its own (so a client's requests to those hosts are
 * counted apart from the rest). Immutable.
 *
 * @param rule             the rule's name, or "" for the top-level keys
 * @param clientScope      index of the client buckets used (0: the top-level ones)
 * @param clientConcurrent requests of one client in progress at once in this scope; 0 = no limit
 */
public record HostPolicy(String rule, Rate hostRequests, int clientScope, Rate clientRequests, int clientConcurrent) {

    /** Whether any per-client request limit applies. */
    boolean limitsClients() {
        return clientRequests.limited() || clientConcurrent > 0;
    }
}
