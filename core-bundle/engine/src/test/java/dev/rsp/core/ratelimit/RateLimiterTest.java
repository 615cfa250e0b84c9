package dev.rsp.core.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The limiter with a fake clock: which limit refuses, with which Retry-After, per client, per host and per rule. */
class RateLimiterTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    long now = 42 * SECOND;
    final List<String> counted = new ArrayList<>();
    final RateLimiter limiter = new RateLimiter(counted::add, () -> now);

    void apply(Map<String, ?> properties) {
        limiter.apply(((RateLimitSettings.Valid) RateLimitSettings.read(properties)).settings());
    }

    Decision ask(String client, String host) {
        return limiter.admitRequest(client, host);
    }

    @Test
    void withNothingConfiguredEveryRequestPassesAndNothingIsKept() {
        for (int i = 0; i < 1000; i++) {
            assertSame(Decision.Pass.ADMITTED, ask("10.0.0." + i, "h" + i + ".example"));
            assertEquals(0, limiter.admitConnection("10.0.0." + i));
        }
        assertEquals(0, limiter.describe().get("clients_tracked"));
        assertEquals(0, limiter.describe().get("hosts_tracked"));
    }

    @Test
    void aClientOverItsRateIsRefusedWithTheTimeUntilItsNextToken() {
        apply(Map.of("client.requests.per.second", "2", "client.burst", "2"));
        assertSame(Decision.Pass.ADMITTED, ask("a", "x.example"));
        assertSame(Decision.Pass.ADMITTED, ask("a", "y.example"));
        Decision.Refused r = assertInstanceOf(Decision.Refused.class, ask("a", "x.example"));
        assertEquals(Decision.Reason.CLIENT_REQUESTS, r.reason());
        assertEquals(1, r.retryAfterSeconds());
        assertSame(Decision.Pass.ADMITTED, ask("b", "x.example"), "another client is not affected");
        now += SECOND / 2;
        assertSame(Decision.Pass.ADMITTED, ask("a", "x.example"), "one token back after half a second");
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        apply(Map.of("rule.slow", "hosts=*; client.requests=1/m; client.burst=1"));
        ask("a", "x.example");
        now += 10 * SECOND;
        Decision.Refused r = assertInstanceOf(Decision.Refused.class, ask("a", "x.example"));
        assertEquals(50, r.retryAfterSeconds());
        assertEquals("slow", r.rule());
    }

    @Test
    void concurrentRequestsAreCountedUntilReleased() {
        apply(Map.of("client.concurrent", "2"));
        InFlight one = assertInstanceOf(InFlight.class, ask("a", "x.example"));
        InFlight two = assertInstanceOf(InFlight.class, ask("a", "x.example"));
        Decision.Refused r = assertInstanceOf(Decision.Refused.class, ask("a", "x.example"));
        assertEquals(Decision.Reason.CLIENT_CONCURRENT, r.reason());
        assertEquals(1, r.retryAfterSeconds());
        one.release();
        assertInstanceOf(InFlight.class, ask("a", "x.example"));
        two.release();
    }

    @Test
    void aHostOverItsRateIsRefusedForEveryClientAndGivesBackTheClientsToken() {
        apply(Map.of("host.requests.per.second", "1", "host.burst", "1", "client.requests.per.second", "1",
                "client.burst", "1"));
        assertSame(Decision.Pass.ADMITTED, ask("a", "busy.example"));
        Decision.Refused r = assertInstanceOf(Decision.Refused.class, ask("b", "busy.example"));
        assertEquals(Decision.Reason.HOST_REQUESTS, r.reason());
        assertSame(Decision.Pass.ADMITTED, ask("b", "quiet.example"), "b's token was given back: it still has one");
    }

    @Test
    void theMostSpecificRulePatternWins() {
        apply(Map.of(
                "host.requests.per.second", "1", "host.burst", "1",
                "rule.all", "hosts=*; requests=2/s; burst=2",
                "rule.example", "hosts=*.example.com; requests=3/s; burst=3",
                "rule.api", "hosts=api.example.com, api.example.org; requests=0",
                "rule.deep", "hosts=*.eu.example.com; requests=4/s; burst=4"));
        RateLimitSettings s = limiter.settings();
        assertEquals("api", s.policyFor("api.example.com").rule());
        assertEquals("api", s.policyFor("api.example.org").rule());
        assertEquals("deep", s.policyFor("x.eu.example.com").rule());
        assertEquals("example", s.policyFor("eu.example.com").rule());
        assertEquals("all", s.policyFor("example.com").rule(), "*.example.com is below the apex, not the apex");
        assertEquals(4, admittedInARow("a", "x.eu.example.com"));
        assertEquals(3, admittedInARow("a", "www.example.com"));
        assertEquals(2, admittedInARow("a", "example.net"));
        assertEquals(1000, admittedInARow("a", "api.example.com"), "requests=0 exempts the host");
    }

    @Test
    void withoutACatchAllRuleOtherHostsHaveTheTopLevelLimits() {
        apply(Map.of("host.requests.per.second", "1", "host.burst", "1", "rule.big", "hosts=big.example; requests=5/s; burst=5"));
        assertEquals(5, admittedInARow("a", "big.example"));
        assertEquals(1, admittedInARow("a", "small.example"));
    }

    @Test
    void aRuleWithClientFieldsCountsItsClientsApart() {
        apply(Map.of("client.requests.per.second", "2", "client.burst", "2",
                "rule.login", "hosts=login.example; client.requests=1/m; client.burst=1; client.concurrent=1"));
        InFlight slot = assertInstanceOf(InFlight.class, ask("a", "login.example"));
        assertEquals(Decision.Reason.CLIENT_CONCURRENT,
                assertInstanceOf(Decision.Refused.class, ask("a", "login.example")).reason());
        slot.release();
        assertEquals(Decision.Reason.CLIENT_REQUESTS,
                assertInstanceOf(Decision.Refused.class, ask("a", "login.example")).reason());
        assertEquals(2, admittedInARow("a", "www.example"), "the top-level bucket is untouched by the rule's");
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64UnlessConfiguredOtherwise() {
        apply(Map.of("client.requests.per.second", "1", "client.burst", "1"));
        assertSame(Decision.Pass.ADMITTED, ask("2001:db8:0:7:0:0:0:1", "x.example"));
        assertInstanceOf(Decision.Refused.class, ask("2001:db8:0:7:a:b:c:d%eth0", "x.example"), "the same /64");
        assertSame(Decision.Pass.ADMITTED, ask("2001:db8:0:8:0:0:0:1", "x.example"), "the next /64");
        assertEquals("2001:db8:0:7::/64", limiter.settings().clientKey("2001:db8:0:7:0:0:0:1"));
        assertEquals("192.0.2.1", limiter.settings().clientKey("192.0.2.1"));
        apply(Map.of("client.requests.per.second", "1", "client.burst", "1", "client.ipv6.prefix", "128"));
        assertEquals("2001:db8:0:7:0:0:0:1", limiter.settings().clientKey("2001:db8:0:7:0:0:0:1%2"));
        assertSame(Decision.Pass.ADMITTED, ask("2001:db8:0:7:0:0:0:1", "x.example"));
        assertSame(Decision.Pass.ADMITTED, ask("2001:db8:0:7:0:0:0:2", "x.example"), "each address its own bucket");
        assertInstanceOf(RateLimitSettings.Invalid.class, RateLimitSettings.read(Map.of("client.ipv6.prefix", "60")));
    }

    @Test
    void connectionsHaveTheirOwnRate() {
        apply(Map.of("client.connections.per.second", "1", "client.connections.burst", "2"));
        assertEquals(0, limiter.admitConnection("a"));
        assertEquals(0, limiter.admitConnection("a"));
        assertEquals(1, limiter.admitConnection("a"));
        assertEquals(0, limiter.admitConnection("b"));
        assertSame(Decision.Pass.ADMITTED, ask("a", "x.example"), "requests are not limited");
    }

    @Test
    void theClientTableStaysWithinItsSizeAndCountsWhatItDropsWithState() {
        apply(Map.of("client.requests.per.second", "1", "client.burst", "1", "client.table.entries", "100"));
        for (int i = 0; i < 1000; i++) {
            assertSame(Decision.Pass.ADMITTED, ask("10.1." + (i / 256) + "." + (i % 256), "x.example"));
            assertTrue(limiter.describe().get("clients_tracked") instanceof Integer n && n <= 100, "bounded");
        }
        assertEquals(900, counted.stream().filter(RateLimiter.CLIENTS_EVICTED::equals).count(),
                "each new client beyond 100 dropped one whose bucket had not refilled");
        now += 2 * SECOND;
        limiter.purge();
        assertEquals(0, limiter.describe().get("clients_tracked"), "all at rest after two seconds: purged");
    }

    @Test
    void clientsAtRestAreDroppedFirstAndUncounted() {
        apply(Map.of("client.requests.per.second", "1", "client.burst", "1", "client.table.entries", "10"));
        for (int i = 0; i < 10; i++) {
            ask("old" + i, "x.example");
        }
        now += 5 * SECOND;
        for (int i = 0; i < 10; i++) {
            ask("new" + i, "x.example");
        }
        assertTrue(counted.isEmpty(), "nothing with state was dropped: " + counted);
        assertEquals(Decision.Reason.CLIENT_REQUESTS,
                assertInstanceOf(Decision.Refused.class, ask("new3", "x.example")).reason(), "the new ones are kept");
    }

    @Test
    void theStatsNameEachRuleWithItsRefusals() {
        apply(Map.of("rule.api", "hosts=api.example; requests=1/s; burst=1"));
        ask("a", "api.example");
        ask("a", "api.example");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) limiter.describe().get("rules");
        assertEquals("api", rules.get(1).get("name"));
        assertEquals("api.example", rules.get(1).get("hosts"));
        assertEquals("1/s, burst 1", rules.get(1).get("host_requests"));
        assertEquals(1L, rules.get(1).get("refused"));
        assertEquals(0L, rules.get(0).get("refused"));
    }

    private int admittedInARow(String client, String host) {
        int n = 0;
        while (n < 1000 && !(ask(client, host) instanceof Decision.Refused)) {
            n++;
        }
        return n;
    }
}
