package dev.rsp.tls.acme;

/**
 * Whether a certificate may be obtained on demand for a name no certificate covers yet (the first handshake asking for
 * it). Consulted by {@link AcmeCertificates#onDemand} on a network thread: {@link #decide} must not block; it answers
 * with a completed stage when memory suffices and otherwise completes the stage later on a thread of its own (an
 * {@code ask} URL); names already in storage never reach it.
 *
 * <p>{@link #finished} tells the policy when an order it allowed has ended, so that it can keep budgets (orders in
 * flight, per-name backoff); it is called on the ACME component's own threads.
 */
@FunctionalInterface
public interface IssuancePolicy {

    /** The answer for one name. */
    sealed interface Decision permits Allow, Refuse {
    }

    /** Order a certificate for the name. */
    record Allow() implements Decision {
    }

    /** Do not; {@code reason} names the rule that refused (logged and kept as the name's last error). */
    record Refuse(String reason) implements Decision {
    }

    /** Refuses every name: the policy in force while no other is set (on-demand issuance must be gated). */
    IssuancePolicy REFUSE_ALL = name -> java.util.concurrent.CompletableFuture.completedFuture(
            new Refuse("no on-demand policy is configured"));

    /**
     * Whether to order a certificate for {@code name} (canonical: lower case, no port, no trailing dot); never
     * completes exceptionally.
     */
    java.util.concurrent.CompletionStage<Decision> decide(String name);

    /** The policy's own counters ({@code acme.ondemand.*}), for the metrics; none by default. */
    default java.util.Map<String, Long> counts() {
        return java.util.Map.of();
    }

    /** An order this policy allowed for {@code name} has ended: {@code issued} or failed. */
    default void finished(String name, boolean issued) {
    }
}
