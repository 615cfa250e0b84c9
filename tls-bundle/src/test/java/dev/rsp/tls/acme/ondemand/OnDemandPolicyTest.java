package dev.rsp.tls.acme.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnDemandPolicyTest {

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();
    AskServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A policy with an allow file listing {@code listed} and, when {@code ask}, an ask URL; more keys in {@code extra}. */
    OnDemandPolicy policy(String listed, boolean ask, Map<String, Object> extra) throws Exception {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("ondemand", "true");
        if (listed != null) {
            Path file = dir.resolve("allow.txt");
            Files.writeString(file, listed);
            p.put("ondemand.allow.file", file.toString());
        }
        if (ask) {
            server = new AskServer();
            p.put("ondemand.ask.url", server.url("/ask").toString());
        }
        OnDemandSettings s = assertInstanceOf(OnDemandSettings.Valid.class, OnDemandSettings.parse(p)).settings();
        OnDemandPolicy policy = OnDemandPolicy.of(s, clock);
        policy.reload();
        return policy;
    }

    /** The decision, which must have been made without waiting for anything. */
    static Decision immediate(CompletionStage<Decision> s) {
        CompletableFuture<Decision> f = s.toCompletableFuture();
        assertTrue(f.isDone(), "decided at once");
        return f.join();
    }

    static Decision await(CompletionStage<Decision> s) throws Exception {
        return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static Refusal refused(Decision d) {
        return assertInstanceOf(Decision.Refused.class, d, String.valueOf(d)).reason();
    }

    static Decision.Allowed allowed(Decision d) {
        return assertInstanceOf(Decision.Allowed.class, d, String.valueOf(d));
    }

    @Test
    void offMeansRefusedForEveryName() {
        OnDemandPolicy p = OnDemandPolicy.of(OnDemandSettings.disabled(), clock);
        assertEquals(Refusal.DISABLED, refused(immediate(p.decide("shop.example.com"))));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.disabled"));
    }

    @Test
    void badNamesAndAddressesAreRefusedAtOnce() throws Exception {
        OnDemandPolicy p = policy("*.example.com\n", true, Map.of());
        assertEquals(Refusal.INVALID_NAME, refused(immediate(p.decide("bad..example.com"))));
        assertEquals(Refusal.INVALID_NAME, refused(immediate(p.decide("localhost"))));
        assertEquals(Refusal.INVALID_NAME, refused(immediate(p.decide("a_b.example.com"))));
        assertEquals(Refusal.INVALID_NAME, refused(immediate(p.decide(""))));
        assertEquals(Refusal.IP_LITERAL, refused(immediate(p.decide("192.0.2.7"))));
        assertEquals(Refusal.IP_LITERAL, refused(immediate(p.decide("[2001:db8::1]"))));
        assertEquals(0, server.queries.size(), "nothing asked");
        assertEquals(4L, p.counts().get("acme.ondemand.refused.invalid_name"));
        assertEquals(2L, p.counts().get("acme.ondemand.refused.ip_literal"));
    }

    @Test
    void aListedNameIsAllowedAtOnceWithoutAsking() throws Exception {
        OnDemandPolicy p = policy("shop.example.com\n*.tenants.example.net\n", true, Map.of());
        Decision.Allowed a = allowed(immediate(p.decide("Shop.Example.com.")));
        assertEquals("shop.example.com", a.name());
        allowed(immediate(p.decide("x.tenants.example.net")));
        assertEquals(0, server.queries.size());
        assertEquals(2L, p.counts().get("acme.ondemand.allowed"));
        assertEquals(2L, p.counts().get("acme.ondemand.in_flight"));
        a.permit().succeeded();
        assertEquals(1L, p.counts().get("acme.ondemand.in_flight"));
    }

    @Test
    void withOnlyAListAnUnlistedNameIsNotAllowed() throws Exception {
        OnDemandPolicy p = policy("shop.example.com\n", false, Map.of());
        assertEquals(Refusal.NOT_ALLOWED, refused(immediate(p.decide("random123.example.com"))));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.not_allowed"));
    }

    @Test
    void anUnlistedNameIsAskedAndTheAnswerCached() throws Exception {
        OnDemandPolicy p = policy("shop.example.com\n", true, Map.of());
        allowed(await(p.decide("yes.example.com"))).permit().failed();
        assertEquals(Refusal.NOT_ALLOWED, refused(await(p.decide("no.example.com"))));
        assertEquals(2, server.queries.size());

        clock.advance(Duration.ofMinutes(2));
        allowed(immediate(p.decide("yes.example.com"))).permit().succeeded();
        assertEquals(Refusal.NOT_ALLOWED, refused(immediate(p.decide("no.example.com"))));
        assertEquals(2, server.queries.size(), "both answers from the cache");
        assertEquals(2L, p.counts().get("acme.ondemand.ask.cache_hit"));

        clock.advance(Duration.ofMinutes(3));
        assertEquals(Refusal.NOT_ALLOWED, refused(await(p.decide("no.example.com"))));
        assertEquals(3, server.queries.size(), "a no is asked again after 5 min");
        Map<String, Long> c = p.counts();
        assertEquals(2L, c.get("acme.ondemand.allowed"));
        assertEquals(3L, c.get("acme.ondemand.refused.not_allowed"));
        assertEquals(3L, c.get("acme.ondemand.ask.calls"));
    }

    @Test
    void aFailingEndpointRefusesForNow() throws Exception {
        OnDemandPolicy p = policy(null, true, Map.of("ondemand.ask.timeout.ms", "200ms"));
        assertEquals(Refusal.ASK_FAILED, refused(await(p.decide("slow.example.com"))));
        assertEquals(Refusal.ASK_FAILED, refused(await(p.decide("err.example.com"))));
        assertEquals(Refusal.ASK_FAILED, refused(immediate(p.decide("err.example.com"))));
        assertEquals(3L, p.counts().get("acme.ondemand.refused.ask_failed"));
    }

    @Test
    void aNameOverBudgetIsRefusedWithoutAsking() throws Exception {
        OnDemandPolicy p = policy("listed.example.com\n", true, Map.of("ondemand.max.in.flight", "1"));
        Decision.Allowed running = allowed(immediate(p.decide("listed.example.com")));
        assertEquals(Refusal.BUDGET_IN_FLIGHT, refused(immediate(p.decide("yes.example.com"))));
        assertEquals(Refusal.IN_PROGRESS, refused(immediate(p.decide("listed.example.com"))));
        assertEquals(0, server.queries.size());
        running.permit().failed();
        assertEquals(Refusal.BACKOFF, refused(immediate(p.decide("listed.example.com"))));
        clock.advance(Duration.ofMinutes(1));
        allowed(immediate(p.decide("listed.example.com")));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.budget_in_flight"));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.in_progress"));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.backoff"));
    }

    @Test
    void theHourlyCapHoldsForListedAndAskedNamesAlike() throws Exception {
        OnDemandPolicy p = policy("a.example.com\nb.example.com\n", true, Map.of("ondemand.orders.per.hour", "2"));
        allowed(immediate(p.decide("a.example.com"))).permit().succeeded();
        allowed(await(p.decide("yes.example.com"))).permit().succeeded();
        assertEquals(Refusal.BUDGET_HOURLY, refused(immediate(p.decide("b.example.com"))));
        assertEquals(Refusal.BUDGET_HOURLY, refused(immediate(p.decide("yes2.example.com"))));
        assertEquals(1, server.queries.size(), "not asked about a name that could not be ordered");
        clock.advance(Duration.ofHours(1));
        allowed(immediate(p.decide("b.example.com")));
        assertEquals(2L, p.counts().get("acme.ondemand.refused.budget_hourly"));
    }

    @Test
    void beyondTheAsksInFlightANameIsRefusedAtOnce() throws Exception {
        OnDemandPolicy p = policy(null, true, Map.of("ondemand.ask.max.in.flight", "1"));
        CompletionStage<Decision> first = p.decide("gate.example.com");
        server.awaitQueries(1);
        assertFalse(first.toCompletableFuture().isDone(), "decide() returned before the endpoint answered");
        assertEquals(Refusal.ASKS_IN_FLIGHT, refused(immediate(p.decide("yes.example.com"))));
        server.gate.countDown();
        allowed(await(first));
        assertEquals(1L, p.counts().get("acme.ondemand.refused.asks_in_flight"));
    }

    @Test
    void theListIsReloadedWhenTheOwnerPolls() throws Exception {
        OnDemandPolicy p = policy("a.example.com\n", false, Map.of());
        assertEquals(Refusal.NOT_ALLOWED, refused(immediate(p.decide("new.example.com"))));
        Path file = p.allowList().orElseThrow().path();
        Files.writeString(file, "a.example.com\nnew.example.com\n");
        assertTrue(p.reload());
        allowed(immediate(p.decide("new.example.com")));
    }

    @Test
    void everyCounterIsThereFromTheStart() throws Exception {
        OnDemandPolicy p = policy("a.example.com\n", true, Map.of());
        Map<String, Long> c = p.counts();
        for (Refusal r : Refusal.values()) {
            assertEquals(0L, c.get("acme.ondemand.refused." + r.counterName()), r.name());
        }
        for (String k : new String[] {"acme.ondemand.allowed", "acme.ondemand.ask.calls", "acme.ondemand.ask.cache_hit",
                "acme.ondemand.ask.shared", "acme.ondemand.ask.failed", "acme.ondemand.in_flight",
                "acme.ondemand.orders.last_hour"}) {
            assertEquals(0L, c.get(k), k);
        }
    }
}
