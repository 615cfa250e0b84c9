package dev.rsp.tls;

/**
 * Placeholder: ClientHello inspection, termination and certificate audit land with the TLS issue. The bundle
 * exists so that the build, the distribution and its tests already carry it.
 */
final class TlsPlaceholder {
    private TlsPlaceholder() {
    }
}
