package dev.rsp.core.host;

/** {@link dev.rsp.host.CanonicalHost} for {@link HostNames}, the bridge; delete with it. */
@Deprecated(forRemoval = true)
public sealed interface CanonicalHost permits CanonicalHost.Valid, CanonicalHost.Invalid {

    /** See {@link dev.rsp.host.CanonicalHost.Valid}. */
    record Valid(String host) implements CanonicalHost {
    }

    /** See {@link dev.rsp.host.CanonicalHost.Invalid}. */
    record Invalid(String reason) implements CanonicalHost {
    }
}
