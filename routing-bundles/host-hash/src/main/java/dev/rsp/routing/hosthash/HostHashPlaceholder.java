package dev.rsp.routing.hosthash;

/**
 * Placeholder: the host-hash strategy (consistent hashing of the canonical host) lands with the routing issue.
 * The bundle exists so that the build, the distribution and its tests already carry a routing bundle.
 */
final class HostHashPlaceholder {
    private HostHashPlaceholder() {
    }
}
