package dev.rsp.tls.acme;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link dev.rsp.tls.certs.CertificateManager#onDemand}: a handshake asks for a certificate for a name no certificate
 * covers. Answered from memory when it can be (in storage, an order in flight, backing off); otherwise the
 * {@link IssuancePolicy} decides, and an allowed name gets an order ({@link OrderLifecycle#start}) whose end releases
 * every handshake waiting for it: they all share one stage, {@link NameState#shared}.
 *
 * <p>Threads: {@link #request} runs on the core's network threads, and the rest of an ask URL's answer on the policy's
 * thread. Neither ever waits on the CA or on disk: they hold the {@link NameStates} monitor ({@code names}) only for
 * memory work, and the order runs on {@link OrderLifecycle}'s threads, which take that monitor only outside their
 * I/O.
 */
final class OnDemandRequests {

    private static final Logger log = LoggerFactory.getLogger(OnDemandRequests.class);

    private final AcmeSettings settings;
    private final Clock clock;
    private final NameStates names;
    private final OrderLifecycle orders;
    private final AcmeCounters counters;
    /** The on-demand policy in force ({@link IssuancePolicy#REFUSE_ALL} until the component sets one). */
    private final Supplier<IssuancePolicy> policy;

    OnDemandRequests(AcmeSettings settings, Clock clock, NameStates names, OrderLifecycle orders,
            AcmeCounters counters, Supplier<IssuancePolicy> policy) {
        this.settings = settings;
        this.clock = clock;
        this.names = names;
        this.orders = orders;
        this.counters = counters;
        this.policy = policy;
    }

    /** As {@link dev.rsp.tls.certs.CertificateManager#onDemand}; {@code raw} is the client's server name. */
    Optional<CompletionStage<?>> request(String raw) {
        Optional<String> canonical = AcmeSettings.name(raw);
        if (canonical.isEmpty() || !settings.onDemand()) {
            counters.onDemandRefused.increment();
            return Optional.empty();
        }
        String name = canonical.get();
        Instant now = clock.instant();
        synchronized (names) {
            NameState s = names.get(name);
            if (s != null && s.stored != null && now.isBefore(s.stored.notAfter())) {
                return Optional.of(CompletableFuture.completedFuture(null)); // in storage: the policy is not asked
            }
            if (s != null && s.shared != null) {
                counters.onDemandWaits.increment();
                return Optional.of(s.shared);
            }
            if (s != null && now.isBefore(s.retryAt)) {
                counters.onDemandRefused.increment();
                return Optional.empty();
            }
        }
        CompletableFuture<IssuancePolicy.Decision> decided = policy.get().decide(name).toCompletableFuture();
        if (decided.isDone()) {
            IssuancePolicy.Decision decision = decided.join();
            return decision instanceof IssuancePolicy.Refuse refuse ? refused(name, refuse) : Optional.of(allowed(name));
        }
        // The policy asks elsewhere (an ask URL): the handshake waits for the answer, then for the order.
        return Optional.of(decided.thenCompose(decision -> {
            if (decision instanceof IssuancePolicy.Refuse refuse) {
                refused(name, refuse);
                return CompletableFuture.failedFuture(new IOException("not allowed on demand: " + refuse.reason()));
            }
            return allowed(name);
        }));
    }

    private Optional<CompletionStage<?>> refused(String name, IssuancePolicy.Refuse refuse) {
        counters.onDemandRefused.increment();
        // DEBUG only: any client can send any server name, and this runs on a network thread for each one
        log.debug("rsp.acme: no certificate on demand for {}: {}", name, refuse.reason());
        return Optional.empty();
    }

    /**
     * Starts the order for {@code name}, or joins the one pending: the stage completes when it has ended (the
     * {@link OrderLifecycle} settles it). The name is looked after from now on, renewed as a configured one.
     */
    private CompletionStage<Void> allowed(String name) {
        synchronized (names) {
            NameState s = names.add(name);
            counters.onDemandWaits.increment();
            if (s.shared == null) {
                s.waiters = new CompletableFuture<>();
                s.shared = s.waiters.minimalCompletionStage();
                s.allowedOnDemand = true;
                if (!s.running) {
                    orders.start(s);
                }
            }
            return s.shared;
        }
    }
}
