package dev.rsp.tls.acme;

import dev.rsp.tls.acme.ondemand.IssuanceBudget;
import dev.rsp.tls.acme.ondemand.OnDemandPolicy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link IssuancePolicy} of {@code rsp.acme}'s {@code ondemand.*} keys: {@link OnDemandPolicy} (allow-list, ask
 * URL, budgets) adapted to the ACME client. Handshakes for one name that arrive while its ask is pending share that
 * decision (so the budget sees one order, not one refusal per extra connection); the budget's permit of an allowed
 * name is ended when {@link OrderLifecycle} reports its order ended. Thread-safe.
 */
final class OnDemandIssuance implements IssuancePolicy {

    private final OnDemandPolicy policy;
    /** Decisions not yet known, by name: joined by concurrent handshakes. */
    private final Map<String, CompletableFuture<IssuancePolicy.Decision>> pending = new ConcurrentHashMap<>();
    /** The permits of orders in flight, by name. */
    private final Map<String, IssuanceBudget.Permit> permits = new ConcurrentHashMap<>();

    OnDemandIssuance(OnDemandPolicy policy) {
        this.policy = policy;
    }

    OnDemandPolicy policy() {
        return policy;
    }

    @Override
    public CompletionStage<IssuancePolicy.Decision> decide(String name) {
        CompletableFuture<IssuancePolicy.Decision> known = pending.get(name);
        if (known != null) {
            return known;
        }
        CompletableFuture<dev.rsp.tls.acme.ondemand.Decision> asked = policy.decide(name).toCompletableFuture();
        if (asked.isDone()) {
            return CompletableFuture.completedFuture(adapt(asked.join()));
        }
        CompletableFuture<IssuancePolicy.Decision> shared = asked.thenApply(this::adapt);
        CompletableFuture<IssuancePolicy.Decision> raced = pending.putIfAbsent(name, shared);
        shared.whenComplete((d, e) -> pending.remove(name, shared));
        return raced != null ? raced : shared;
    }

    private IssuancePolicy.Decision adapt(dev.rsp.tls.acme.ondemand.Decision d) {
        if (d instanceof dev.rsp.tls.acme.ondemand.Decision.Allowed allowed) {
            IssuanceBudget.Permit before = permits.put(allowed.name(), allowed.permit());
            if (before != null) {
                before.failed(); // cannot happen: the budget gives one permit per name in flight
            }
            return new Allow();
        }
        var refused = (dev.rsp.tls.acme.ondemand.Decision.Refused) d;
        return new Refuse(refused.reason().counter());
    }

    @Override
    public void finished(String name, boolean issued) {
        IssuanceBudget.Permit permit = permits.remove(name);
        if (permit == null) {
            return;
        }
        if (issued) {
            permit.succeeded();
        } else {
            permit.failed();
        }
    }

    @Override
    public Map<String, Long> counts() {
        return policy.counts();
    }
}
