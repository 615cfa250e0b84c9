package dev.rsp.tls.acme;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@link AcmeCertificates} knows about one name. Mutable; every field but the final ones is read and written only
 * under the monitor of the {@link NameStates} holding it.
 */
final class NameState {

    final String name;
    /** Listed in {@code names} (ordered without being asked); else obtained on demand or found in storage. */
    final boolean configured;
    AcmeStorage.Stored stored;
    Instant renewAt;
    Instant retryAt = Instant.MIN;
    int failures;
    String lastError;
    /** An order for the name is queued or running on this instance. */
    boolean running;
    /** Completed when a certificate is in storage, failed when an order fails; null while nobody waits. */
    CompletableFuture<Void> waiters;
    /** The one stage every on-demand caller gets while {@link #waiters} is pending. */
    CompletionStage<Void> shared;
    /** The on-demand policy allowed the pending order and awaits {@link IssuancePolicy#finished}. */
    boolean allowedOnDemand;

    NameState(String name, boolean configured) {
        this.name = name;
        this.configured = configured;
    }
}
