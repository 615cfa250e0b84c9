package dev.rsp.tls.acme.ondemand;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether the ACME client may order a certificate now, on demand, for a name it has none for: the one entry point,
 * {@link #decide}. A name is allowed when the allow-list has it, else when the ask URL says yes (the list is the
 * operator's fast path for names known in advance, the URL the platform's answer for customers added since; requiring
 * both would make the list a second copy of the platform's database). Then the {@link IssuanceBudget} must have room.
 *
 * <p>Order of the checks, cheapest and most telling first: on-demand enabled; an issuable name ({@link IssuableNames});
 * the allow-list; a cached ask answer; the budgets (so that a name that could not be ordered anyway is not asked
 * about); the ask URL. Only the last does I/O. Every outcome is counted ({@link #counts()}).
 *
 * <p>The caller (the ACME client) first serves a certificate it has (in {@code certs.dir} or storage: never asked
 * about) and joins an order already running for the name; it calls this only for a name with neither.
 */
public final class OnDemandPolicy {

    private final OnDemandSettings settings;
    private final Optional<AllowListFile> allowList;
    private final Optional<AskEndpoint> ask;
    private final IssuanceBudget budget;
    private final LongAdder allowed = new LongAdder();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

    OnDemandPolicy(OnDemandSettings settings, Optional<AllowListFile> allowList, Optional<AskEndpoint> ask,
            IssuanceBudget budget) {
        this.settings = settings;
        this.allowList = allowList;
        this.ask = ask;
        this.budget = budget;
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
    }

    /**
     * The policy of {@code settings}, times from {@code clock}. Does no I/O: call {@link #reload()} before the first
     * {@link #decide} to read the allow-list (until then it is empty).
     */
    public static OnDemandPolicy of(OnDemandSettings settings, Clock clock) {
        Optional<AskEndpoint> ask = settings.askUrl().map(url -> new AskEndpoint(url, settings.askTimeout(),
                settings.askMaxInFlight(), new AnswerCache(settings.askCacheSize(), settings.askCacheAllowed().toMillis(),
                        settings.askCacheRefused().toMillis(), clock), AskEndpoint.client(settings.askTimeout())));
        return new OnDemandPolicy(settings, settings.allowFile().map(AllowListFile::new), ask,
                IssuanceBudget.of(settings, clock));
    }

    /**
     * Decides for {@code serverName} as the client sent it (any case, maybe a trailing dot). Called on a network thread
     * and never blocks: every answer that needs no ask (disabled, a bad name, the allow-list, a cached answer, a budget)
     * is an already completed stage; otherwise the stage completes on the ask's HTTP thread, within about
     * {@code ondemand.ask.timeout.ms}. Never completes exceptionally. An {@link Decision.Allowed} has started an order
     * in the budget: the caller must end its permit.
     */
    public CompletionStage<Decision> decide(String serverName) {
        if (!settings.enabled()) {
            return now(new Decision.Refused(serverName, Refusal.DISABLED));
        }
        IssuableNames.Checked checked = IssuableNames.check(serverName);
        if (checked instanceof IssuableNames.NotIssuable not) {
            return now(new Decision.Refused(serverName, not.reason()));
        }
        String name = ((IssuableNames.Issuable) checked).name();
        if (allowList.isPresent() && allowList.get().current().allows(name)) {
            return now(budget.tryStart(name));
        }
        if (ask.isEmpty()) {
            return now(new Decision.Refused(name, Refusal.NOT_ALLOWED));
        }
        Optional<AskEndpoint.Answer> cached = ask.get().cached(name);
        if (cached.isPresent()) {
            return now(afterAsk(name, cached.get()));
        }
        Optional<Refusal> overBudget = budget.refusal(name);
        if (overBudget.isPresent()) {
            return now(new Decision.Refused(name, overBudget.get()));
        }
        return ask.get().ask(name)
                .exceptionally(failure -> AskEndpoint.Answer.FAILED)
                .thenApply(answer -> counted(afterAsk(name, answer)));
    }

    private Decision afterAsk(String name, AskEndpoint.Answer answer) {
        return switch (answer) {
            case ALLOWED -> budget.tryStart(name);
            case REFUSED -> new Decision.Refused(name, Refusal.NOT_ALLOWED);
            case FAILED -> new Decision.Refused(name, Refusal.ASK_FAILED);
            case BUSY -> new Decision.Refused(name, Refusal.ASKS_IN_FLIGHT);
        };
    }

    private CompletionStage<Decision> now(Decision d) {
        return CompletableFuture.completedFuture(counted(d));
    }

    private Decision counted(Decision d) {
        if (d instanceof Decision.Refused r) {
            refused.get(r.reason()).increment();
        } else {
            allowed.increment();
        }
        return d;
    }

    /**
     * Re-reads the allow-list file if it changed (see {@link AllowListFile#reload()}); the owner calls it at start and
     * every {@code ondemand.allow.poll.ms}, off the network threads. Does nothing without an allow file.
     *
     * @return whether a new list is in force
     */
    public boolean reload() {
        return allowList.map(AllowListFile::reload).orElse(false);
    }

    public OnDemandSettings settings() {
        return settings;
    }

    public IssuanceBudget budget() {
        return budget;
    }

    public Optional<AllowListFile> allowList() {
        return allowList;
    }

    /**
     * Every counter by its stable name, zeros included: {@code acme.ondemand.allowed}, one
     * {@code acme.ondemand.refused.<reason>} per {@link Refusal}, the ask's ({@code acme.ondemand.ask.calls},
     * {@code .cache_hit}, {@code .shared}, {@code .failed}, and the gauge {@code .cached}) when an ask URL is set, and
     * the gauges {@code acme.ondemand.in_flight} and {@code acme.ondemand.orders.last_hour}.
     */
    public Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        m.put("acme.ondemand.allowed", allowed.sum());
        refused.forEach((r, n) -> m.put(r.counter(), n.sum()));
        ask.ifPresent(a -> m.putAll(a.counts()));
        m.put("acme.ondemand.in_flight", (long) budget.inFlight());
        m.put("acme.ondemand.orders.last_hour", (long) budget.startedLastHour());
        return m;
    }
}
