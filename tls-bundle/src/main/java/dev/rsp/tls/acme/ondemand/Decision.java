package dev.rsp.tls.acme.ondemand;

/** The answer of {@link OnDemandPolicy#decide}: order a certificate now, or not. */
public sealed interface Decision permits Decision.Allowed, Decision.Refused {

    /** The name decided on: canonical, except in a refusal of a name that is not one (then as the client sent it). */
    String name();

    /**
     * The name may be ordered now, and the order holds {@code permit}: the caller must end it exactly once with
     * {@link IssuanceBudget.Permit#succeeded()} or {@link IssuanceBudget.Permit#failed()}, or the order stays counted
     * as in flight.
     */
    record Allowed(String name, IssuanceBudget.Permit permit) implements Decision {
    }

    /** Not now, and why. */
    record Refused(String name, Refusal reason) implements Decision {
    }
}
