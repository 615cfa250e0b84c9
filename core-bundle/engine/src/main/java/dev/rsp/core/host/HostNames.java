package dev.rsp.core.host;

/**
 * A bridge to {@link dev.rsp.host.HostNames}, the one host canonicalizer (shared with the TLS bundle), kept only
 * because {@code proxy/ClientSide} still imports this package: once its two imports name {@code dev.rsp.host}, delete
 * this package. Converting the result costs one small allocation per call.
 */
@Deprecated(forRemoval = true)
@SuppressWarnings("removal")
public final class HostNames {

    private HostNames() {
    }

    /** {@link dev.rsp.host.HostNames#canonical}, with the result in this package's type. */
    public static CanonicalHost canonical(String raw) {
        dev.rsp.host.CanonicalHost c = dev.rsp.host.HostNames.canonical(raw);
        return c instanceof dev.rsp.host.CanonicalHost.Valid v ? new CanonicalHost.Valid(v.host())
                : new CanonicalHost.Invalid(((dev.rsp.host.CanonicalHost.Invalid) c).reason());
    }
}
